import { resourceDescription } from '../operation';
import * as addComment from './addComment.operation';
import * as create from './create.operation';
import * as getMany from './getMany.operation';

export const operations = { getMany, create, addComment };

export const description = resourceDescription('project', operations, 'getMany');
