import type { INodeProperties } from 'n8n-workflow';

import * as upload from './upload.operation';

export { upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Upload',
				value: 'upload',
				action: 'Upload file',
				description: 'Store a model, project or document in the Digital Library (not printable; use Upload Job for toolpaths)',
			},
		],
		default: 'upload',
	},
	...upload.description,
];
