import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/transport/request';
import type { OperationResult } from '../descriptions';
import { clusterIdProperty, rawId, readClusterId, showFor } from '../descriptions';
import { sendPrint } from './printOnce';

export const onlyIfIdleProperty = (operations: string[]): INodeProperties => ({
	displayName: 'Only if a Printer Is Idle',
	name: 'onlyIfIdle',
	type: 'boolean',
	default: false,
	description:
		'Whether to send the job only when at least one printer of the cluster is idle; otherwise the node fails without queueing, so jobs do not pile up on a busy printer',
	displayOptions: showFor('print', operations),
});

export const description: INodeProperties[] = [
	clusterIdProperty('print', ['send'], 'The cluster (printer group) whose queue receives the job'),
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		description: 'The job_id of an uploaded job (from Upload Job); the same job can be printed many times',
		displayOptions: showFor('print', ['send']),
	},
	onlyIfIdleProperty(['send']),
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<OperationResult> {
	const clusterId = readClusterId.call(this, itemIndex);
	const jobId = rawId(this.getNodeParameter('jobId', itemIndex, ''));
	const onlyIfIdle = this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean;
	return [await sendPrint.call(this, itemIndex, connection, clusterId, jobId, onlyIfIdle)];
}
