import { resourceDescription } from '../operation';
import * as request from './request.operation';

export const operations = { request };

export const description = resourceDescription('api', operations, 'request');
