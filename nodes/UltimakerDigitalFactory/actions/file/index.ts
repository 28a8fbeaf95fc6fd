import { resourceDescription } from '../operation';
import * as upload from './upload.operation';

export const operations = { upload };

export const description = resourceDescription('file', operations, 'upload');
