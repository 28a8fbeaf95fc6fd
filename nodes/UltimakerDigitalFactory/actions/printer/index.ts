import { resourceDescription } from '../operation';
import * as cameraSnapshot from './cameraSnapshot.operation';
import * as history from './history.operation';

export const operations = { cameraSnapshot, history };

export const description = resourceDescription('printer', operations, 'cameraSnapshot');
