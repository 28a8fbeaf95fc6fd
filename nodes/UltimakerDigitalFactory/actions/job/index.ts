import { resourceDescription } from '../operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export const operations = { upload, get, getMany };

export const description = resourceDescription('job', operations, 'upload');
