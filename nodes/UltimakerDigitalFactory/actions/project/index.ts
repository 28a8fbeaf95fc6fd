import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as getMany from './getMany.operation';

export { create, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['project'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create project',
				description: 'Create a Digital Library project to keep models and print files together',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many projects',
				description: 'List Digital Library projects (name, ID), optionally filtered by a search text',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...create.description,
];
