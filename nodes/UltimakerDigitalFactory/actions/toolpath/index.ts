import { resourceDescription } from '../operation';
import * as inspect from './inspect.operation';

export const operations = { inspect };

export const description = resourceDescription('toolpath', operations, 'inspect');
