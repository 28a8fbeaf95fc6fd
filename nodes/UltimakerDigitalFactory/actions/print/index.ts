import { resourceDescription } from '../operation';
import * as action from './action.operation';
import * as findPrinter from './findPrinter.operation';
import * as getMany from './getMany.operation';
import * as send from './send.operation';
import * as uploadAndSend from './uploadAndSend.operation';

export const operations = { uploadAndSend, send, findPrinter, action, getMany };

export const description = resourceDescription('print', operations, 'uploadAndSend');
