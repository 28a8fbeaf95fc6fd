import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ClusterFilters } from '../../core/status/clusters';
import { filterClusters } from '../../core/status/clusters';
import type { CloudConnection } from '../../connections/cloud/connection';
import { readLimit, returnAllAndLimit } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Get Many',
	action: 'List clusters',
	description: 'List the clusters (printers) of the workspace, one item per cluster; filter by online state or printer type',
};

export const properties: INodeProperties[] = [
	...returnAllAndLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Include Inactive',
				name: 'includeInactive',
				type: 'boolean',
				default: false,
				description: 'Whether to also return clusters whose Digital Factory registration is inactive (they cannot print)',
			},
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

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const { returnAll, limit } = readLimit.call(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as ClusterFilters & { includeInactive?: boolean };
	// Filters apply here, so every page is read and the result cut to `limit` afterwards.
	const clusters = await connection.listClusters({ retry: 'idempotent', itemIndex, includeInactive: filters.includeInactive === true });
	const filtered = filterClusters(clusters, filters) as IDataObject[];
	return returnAll ? filtered : filtered.slice(0, limit);
}
