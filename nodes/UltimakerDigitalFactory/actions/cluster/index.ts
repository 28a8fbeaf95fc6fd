import { resourceDescription } from '../operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getStatus from './getStatus.operation';

export const operations = { getMany, get, getStatus };

export const description = resourceDescription('cluster', operations, 'getMany');
