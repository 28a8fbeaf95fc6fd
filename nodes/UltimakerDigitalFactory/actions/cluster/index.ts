import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getStatus from './getStatus.operation';

export { get, getMany, getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['cluster'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get cluster',
				description: 'Get one cluster (printer group): name, printer type, online state',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'List clusters',
				description: 'List the clusters (printers) of the workspace, one item per cluster; filter by online state or printer type',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get cluster status',
				description: 'Get the live status of a cluster: each printer (idle, printing, …) and the print queue',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...get.description,
	...getStatus.description,
];
