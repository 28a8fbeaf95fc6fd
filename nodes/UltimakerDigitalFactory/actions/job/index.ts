import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export { get, getMany, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get job',
				description: 'Get an uploaded job (status, download URL) by its job ID',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many jobs',
				description: 'List the toolpath jobs uploaded to this account',
			},
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload job',
				description: 'Upload a sliced file (.gcode, .gcode.gz, .ufp) so it can be printed; returns its job ID',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
	...getMany.description,
];
