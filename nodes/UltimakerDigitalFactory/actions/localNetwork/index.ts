import { resourceDescription } from '../operation';
import * as pair from './pair.operation';

export const operations = { pair };

export const description = resourceDescription('localNetwork', operations, 'pair');
