import { resourceDescription } from '../operation';
import * as cameraSnapshot from './cameraSnapshot.operation';

export const operations = { cameraSnapshot };

export const description = resourceDescription('printer', operations, 'cameraSnapshot');
