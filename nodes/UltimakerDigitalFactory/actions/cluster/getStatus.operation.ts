import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { StatusSplit } from '../../shared/api/clusterStatus';
import { splitStatus } from '../../shared/api/clusterStatus';
import type { Connection } from '../../shared/transport/request';
import { apiData } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { clusterIdProperty, pathId, readClusterId, showFor } from '../descriptions';

export const description: INodeProperties[] = [
	clusterIdProperty('cluster', ['getStatus'], 'The cluster whose printers and print queue to get'),
	{
		displayName: 'Output',
		name: 'splitInto',
		type: 'options',
		default: 'none',
		description: 'Return the status as one item, or one item per printer or per print job (handy for looping)',
		displayOptions: showFor('cluster', ['getStatus']),
		options: [
			{ name: 'One Item (Whole Status)', value: 'none', description: 'The API data: printers, print_jobs, generated_time' },
			{ name: 'One Item per Printer', value: 'printers', description: 'Each printer, with cluster_id and generated_time' },
			{ name: 'One Item per Print Job', value: 'printJobs', description: 'Each queued, active or recent print job, with cluster_id and generated_time' },
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const clusterId = readClusterId.call(this, itemIndex);
	const segment = pathId.call(this, clusterId, 'cluster ID', itemIndex);
	const split = this.getNodeParameter('splitInto', itemIndex, 'none') as StatusSplit;
	const data = await apiData.call(this, connection, {
		method: 'GET',
		path: `/connect/v1/clusters/${segment}/status`,
		what: `the status of cluster ${clusterId}`,
		retry: 'idempotent',
		itemIndex,
	});
	return splitStatus(data, clusterId, split) as IDataObject[];
}
