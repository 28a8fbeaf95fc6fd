import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { readClusterTarget, withHost } from '../clusterTarget';
import { choices, clusterIdProperty } from '../descriptions';
import type { OperationModule } from '../operation';
import type { StatusSplit } from '../../core/status/statusItems';
import { splitStatus } from '../../core/status/statusItems';

export const option: OperationModule['option'] = {
	name: 'Get Status',
	action: 'Get cluster status',
	description: 'Get the live status of a cluster: each printer (idle, printing, …) and the print queue',
};

/** Works over Digital Factory and over the printers' own API alike (the connection interface). */
export const connections: OperationModule['connections'] = ['cloud', 'localNetwork'];

export const properties: INodeProperties[] = [
	clusterIdProperty('The cluster whose printers and print queue to get'),
	{
		displayName: 'Output',
		name: 'splitInto',
		type: 'options',
		default: 'none',
		description: 'Return the status as one item, or one item per printer or per print job (handy for looping)',
		options: choices([
			['One Item (Whole Status)', 'none', 'The API data: printers, print_jobs, generated_time'],
			['One Item per Printer', 'printers', 'Each printer, with cluster_id and generated_time'],
			['One Item per Print Job', 'printJobs', 'Each queued, active or recent print job, with cluster_id and generated_time'],
		]),
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const split = this.getNodeParameter('splitInto', itemIndex, 'none') as StatusSplit;
	const target = await readClusterTarget.call(this, connection, itemIndex);
	const status = await connection.readStatus(target.clusterId, { retry: 'idempotent', itemIndex });
	const items = splitStatus(status, target.clusterId, split);
	if (target.hostGuid === null) return items;
	// Chosen by host: every item says which cluster_id that host had for this run.
	return items.map((item) => withHost(split === 'none' ? { ...item, cluster_id: target.clusterId } : item, target));
}
