import { resourceDescription } from '../operation';
import * as create from './create.operation';

export const operations = { create };

export const description = resourceDescription('report', operations, 'create');
