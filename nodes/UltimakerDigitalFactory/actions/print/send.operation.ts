import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { CloudConnection } from '../../connections/cloud/connection';
import { readClusterTarget, withHost } from '../clusterTarget';
import { clusterIdProperty, rawId, readReference, referenceProperty } from '../descriptions';
import type { OperationModule } from '../operation';
import { choosePrinters, copiesProperty, readCopies, readTarget, sendToEach, targetProperty } from './bestMatch';
import { searchScopeProperties, readJobNeeds, requirementsProperties, sourceProperty, toolpathBinaryProperty } from './dispatch';
import { assertJobReference } from './jobReference';
import { sendPrint } from './printOnce';

export const option: OperationModule['option'] = {
	name: 'Send',
	action: 'Send print',
	description:
		"Starts a real print: queues an uploaded job (job ID) on a cluster's printer; returns the new print job's cluster_job_id and status (queued, or wait_approval when the workspace needs approval)",
};

export const onlyIfIdleProperty: INodeProperties = {
	displayName: 'Only if a Printer Is Idle',
	name: 'onlyIfIdle',
	type: 'boolean',
	default: false,
	description:
		'Whether to send the job only when at least one printer of the cluster is idle; otherwise the node fails without queueing, so jobs do not pile up on a busy printer',
};

const BEST_MATCH = { show: { target: ['bestMatch'] } };

/** With the best-match target, where the job's needs come from and which clusters are searched. */
export const bestMatchProperties: INodeProperties[] = updateDisplayOptions(BEST_MATCH, [
	sourceProperty({}),
	toolpathBinaryProperty('The binary field holding the toolpath the job was uploaded from (only its header is read)'),
	...requirementsProperties({}),
]);

export const properties: INodeProperties[] = [
	targetProperty,
	clusterIdProperty('The cluster (printer group) whose queue receives the job', { target: ['cluster'] }),
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		description: 'The job_id of an uploaded job (from Upload Job); the same job can be printed many times',
	},
	...bestMatchProperties,
	...updateDisplayOptions(BEST_MATCH, searchScopeProperties),
	copiesProperty,
	onlyIfIdleProperty,
	referenceProperty('The order reference the job was uploaded with: the job is checked to carry it before anything is sent.'),
];

/** Best match: the job's needs (refused before any request when unreadable), the reference, then the choice and the sends. */
async function toBestMatch(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection, jobId: string, reference: string | null): Promise<IDataObject[]> {
	const copies = readCopies.call(this, itemIndex);
	const onlyIfIdle = this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean;
	const needs = await readJobNeeds.call(this, itemIndex, this.getNodeParameter('source', itemIndex, 'toolpath') as string);
	if (reference !== null) await assertJobReference.call(this, connection, jobId, reference, itemIndex);
	const chosen = await choosePrinters.call(this, connection, itemIndex, { requirements: needs.requirements, copies, onlyIfIdle, nothing: 'nothing was sent' });
	const sent = await sendToEach.call(this, connection, itemIndex, { jobId, onlyIfIdle }, chosen);
	return reference === null ? sent : sent.map((print) => ({ ...print, reference }));
}

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: CloudConnection): Promise<IDataObject[]> {
	const jobId = rawId(this.getNodeParameter('jobId', itemIndex, ''));
	const reference = readReference.call(this, itemIndex);
	if (readTarget.call(this, itemIndex) === 'bestMatch') return await toBestMatch.call(this, itemIndex, connection, jobId, reference);
	if (reference !== null) await assertJobReference.call(this, connection, jobId, reference, itemIndex);
	const target = await readClusterTarget.call(this, connection, itemIndex);
	const printed = withHost(
		await sendPrint.call(this, itemIndex, connection, {
			clusterId: target.clusterId,
			jobId,
			onlyIfIdle: this.getNodeParameter('onlyIfIdle', itemIndex, false) as boolean,
		}),
		target,
	);
	return [reference === null ? printed : { ...printed, reference }];
}
