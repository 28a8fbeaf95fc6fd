import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Connection } from '../../shared/authentication';
import { clusterIdProperty, rawId, readClusterId, readReference, referenceProperty } from '../descriptions';
import type { OperationModule } from '../operation';
import { assertJobReference } from './jobReference';
import { sendPrint } from './printOnce';

export const option: OperationModule['option'] = {
	name: 'Send',
	action: 'Send print',
	description: 'Queue an uploaded job (job ID) on a cluster; returns job_instance_uuid and status (queued or wait_approval)',
};

export const onlyIfIdleProperty: INodeProperties = {
	displayName: 'Only if a Printer Is Idle',
	name: 'onlyIfIdle',
	type: 'boolean',
	default: false,
	description:
		'Whether to send the job only when at least one printer of the cluster is idle; otherwise the node fails without queueing, so jobs do not pile up on a busy printer',
};

export const properties: INodeProperties[] = [
	clusterIdProperty('The cluster (printer group) whose queue receives the job'),
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		description: 'The job_id of an uploaded job (from Upload Job); the same job can be printed many times',
	},
	onlyIfIdleProperty,
	referenceProperty('The order reference the job was uploaded with: the job is checked to carry it before anything is sent.'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<IDataObject[]> {
	const jobId = rawId(this.getNodeParameter('jobId', itemIndex, ''));
	const reference = readReference.call(this, itemIndex);
	if (reference !== null) await assertJobReference.call(this, connection, jobId, reference, itemIndex);
	const printed = await sendPrint.call(this, itemIndex, connection, {
		clusterId: readClusterId.call(this, itemIndex),
		jobId,
		onlyIfIdle: this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean,
	});
	return [reference === null ? printed : { ...printed, reference }];
}
