import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { clusterSegment, getClusterStatus } from '../../connections/cloud/clusters';
import type { Connection } from '../../connections/cloud/credential';
import { asNodeError, failureOf } from '../../connections/cloud/transport/failure';
import { apiRequest } from '../../connections/cloud/transport/request';
import { statusRows } from '../../core/status/items';
import { clusterIdProperty, pathId, rawId, readClusterId } from '../descriptions';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Print Job Action',
	action: 'Pause / resume / abort / move to top / remove / force',
	description:
		'Acts on a printer: pause, resume or abort (ends it for good) a running print; move to top, remove (drops it from the queue) or force a queued one',
};

/** Node value → API action and body. Move to top is the API's `move` to position 0 of the queue. */
export const PRINT_ACTIONS: Record<string, { apiAction: string; body?: IDataObject; idempotent: boolean }> = {
	pause: { apiAction: 'pause', idempotent: true },
	resume: { apiAction: 'resume', idempotent: true },
	abort: { apiAction: 'abort', idempotent: true },
	moveToTop: { apiAction: 'move', body: { data: { list: 'queued', to_position: 0 } }, idempotent: true },
	remove: { apiAction: 'remove', idempotent: false },
	force: { apiAction: 'force', idempotent: true },
};

const statusIn = (job: IDataObject | undefined, ...statuses: string[]) => typeof job?.status === 'string' && statuses.includes(job.status);

/**
 * Whether a print job's state shows the action carried out — asked when the request failed in a way that may
 * have taken effect (an abort whose 502 answer was lost, then refused with 409 on the retry because the job is
 * already aborting). `jobs` is the status's print_jobs list, `job` this job in it (undefined when it is gone).
 */
export const ACTION_DONE: Record<string, (job: IDataObject | undefined, jobs: IDataObject[]) => boolean> = {
	pause: (job) => statusIn(job, 'pausing', 'paused'),
	resume: (job) => statusIn(job, 'resuming', 'printing'),
	abort: (job) => statusIn(job, 'aborting', 'aborted'),
	moveToTop: (job, jobs) => statusIn(job, 'queued') && jobs.find((other) => other.status === 'queued')?.uuid === job?.uuid,
	remove: (job) => job === undefined || statusIn(job, 'deleted', 'removed'),
	force: (job) => job?.force === true,
};

export const properties: INodeProperties[] = [
	clusterIdProperty('The cluster the print job is queued or printing on'),
	{
		displayName: 'Print Job UUID',
		name: 'printJobUuid',
		type: 'string',
		default: '',
		required: true,
		description: 'The print job instance: job_instance_uuid from Send Print, or uuid in Get Cluster Status print_jobs',
	},
	{
		displayName: 'Action',
		name: 'printAction',
		type: 'options',
		default: 'pause',
		options: [
			{ name: 'Abort', value: 'abort', description: 'Stop the print for good; the printer then waits for the build plate to be cleared' },
			{ name: 'Force', value: 'force', description: 'Print even though the loaded material or print core differs from what the job asks for' },
			{ name: 'Move to Top', value: 'moveToTop', description: 'Make this queued job the next one to print' },
			{ name: 'Pause', value: 'pause', description: 'Pause the running print' },
			{ name: 'Remove', value: 'remove', description: 'Delete the job from the queue (it will not print)' },
			{ name: 'Resume', value: 'resume', description: 'Continue a paused print' },
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: Connection): Promise<IDataObject[]> {
	const clusterId = readClusterId.call(this, itemIndex);
	const cluster = clusterSegment.call(this, clusterId, itemIndex);
	const uuid = rawId(this.getNodeParameter('printJobUuid', itemIndex, ''));
	const uuidSegment = pathId.call(this, uuid, 'print job UUID', itemIndex);
	const printAction = this.getNodeParameter('printAction', itemIndex, '') as string;
	const action = PRINT_ACTIONS[printAction];
	if (!action) {
		throw new NodeOperationError(this.getNode(), `Unknown print job action "${printAction}"`, {
			description: `Use one of: ${Object.keys(PRINT_ACTIONS).join(', ')}.`,
			itemIndex,
		});
	}
	const done = { cluster_id: clusterId, print_job_uuid: uuid, action: printAction, accepted: true };
	let response;
	try {
		response = await apiRequest.call(this, connection, {
			method: 'POST',
			path: `/connect/v1/clusters/${cluster}/print_jobs/${uuidSegment}/action/${action.apiAction}`,
			body: action.body,
			what: `the ${printAction} action on print job ${uuid}`,
			retry: action.idempotent ? 'idempotent' : 'rateLimitOnly',
			itemIndex,
		});
	} catch (error) {
		if (!failureOf(error)?.mayHaveTakenEffect) throw asNodeError(this.getNode(), error, itemIndex);
		return [{ ...done, ...(await confirmAction.call(this, connection, { clusterId, uuid, printAction, itemIndex }, error)) }];
	}
	const data = (response.body as { data?: unknown } | undefined)?.data;
	// Only an object is the action's answer; a list or a scalar is not spread into the item.
	const fields = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as IDataObject) : {};
	return [{ ...fields, ...done }];
}

/** After an action that may have been carried out although it failed: the job's state decides. */
async function confirmAction(
	this: IExecuteFunctions,
	connection: Connection,
	action: { clusterId: string; uuid: string; printAction: string; itemIndex: number },
	error: unknown,
): Promise<IDataObject> {
	let jobs: IDataObject[];
	try {
		jobs = statusRows(await getClusterStatus.call(this, connection, action.clusterId, { retry: 'idempotent', itemIndex: action.itemIndex }), 'print_jobs');
	} catch {
		throw asNodeError(this.getNode(), error, action.itemIndex);
	}
	const job = jobs.find((candidate) => candidate.uuid === action.uuid);
	if (ACTION_DONE[action.printAction]?.(job, jobs)) {
		return { status: job?.status ?? null, recovered_after_error: true };
	}
	const failure = asNodeError(this.getNode(), error, action.itemIndex);
	failure.description = `${failure.description ?? ''} The job's state now: ${job ? String(job.status) : 'not in the queue'}; it does not show the ${action.printAction} action.`.trim();
	throw failure;
}
