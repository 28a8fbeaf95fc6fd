import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { filterClusters } from '../../shared/api/clusterStatus';
import type { Connection } from '../../shared/transport/request';
import { apiList } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { returnAllAndLimit, showFor } from '../descriptions';

export const description: INodeProperties[] = [
	...returnAllAndLimit('cluster', 'getMany'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor('cluster', ['getMany']),
		options: [
			{
				displayName: 'Online Only',
				name: 'onlineOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to return only clusters currently connected to Digital Factory',
			},
			{
				displayName: 'Printer Type',
				name: 'printerType',
				type: 'string',
				default: '',
				placeholder: 'e.g. ultimaker_s5 or Ultimaker S5',
				description: 'Only clusters of this printer type (printer_type ID or machine variant name)',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Number.MAX_SAFE_INTEGER : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { onlineOnly?: boolean; printerType?: string };
	// Filters are applied client-side, so fetch every page and cut to `limit` afterwards.
	const clusters = await apiList.call(this, connection, {
		method: 'GET',
		path: '/connect/v1/clusters',
		what: 'the cluster list',
		retry: 'idempotent',
		itemIndex,
		returnAll: true,
		limit: Number.MAX_SAFE_INTEGER,
		sendLimit: false,
	});
	const filtered = filterClusters(clusters, filters);
	return returnAll ? filtered : filtered.slice(0, limit);
}
