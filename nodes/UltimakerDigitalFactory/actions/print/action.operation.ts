import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { PrinterConnection } from '../../connections/printerConnection';
import type { PrintJobAction } from '../../core/send/jobActions';
import { ACTION_DONE, isPrintJobAction, REPEATABLE_ACTIONS } from '../../core/send/jobActions';
import { asNodeError, failureOf } from '../../connections/failure';
import { statusRows } from '../../core/status/statusItems';
import { readClusterTarget, withHost } from '../clusterTarget';
import { choices, clusterIdProperty, rawId } from '../descriptions';
import { pathId } from '../../connections/ids';
import type { OperationModule } from '../operation';

export const option: OperationModule['option'] = {
	name: 'Print Job Action',
	action: 'Pause / resume / abort / move to top / remove / force',
	description:
		'Acts on a printer: pause, resume or abort (ends it for good) a running print; move to top, remove (drops it from the queue) or force a queued one',
};

/** Works over Digital Factory and over the printers' own API alike (the connection interface). */
export const connections: OperationModule['connections'] = ['cloud', 'localNetwork'];

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
		options: choices([
			['Abort', 'abort', 'Stop the print for good; the printer then waits for the build plate to be cleared'],
			['Force', 'force', 'Print even though the loaded material or print core differs from what the job asks for'],
			['Move to Top', 'moveToTop', 'Make this queued job the next one to print'],
			['Pause', 'pause', 'Pause the running print'],
			['Remove', 'remove', 'Delete the job from the queue (it will not print)'],
			['Resume', 'resume', 'Continue a paused print'],
		]),
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, connection: PrinterConnection): Promise<IDataObject[]> {
	const uuid = rawId(this.getNodeParameter('printJobUuid', itemIndex, ''));
	pathId.call(this, uuid, 'print job UUID', itemIndex);
	const printAction = this.getNodeParameter('printAction', itemIndex, '') as string;
	if (!isPrintJobAction(printAction)) {
		throw new NodeOperationError(this.getNode(), `Unknown print job action "${printAction}"`, {
			description: `Use one of: ${Object.keys(REPEATABLE_ACTIONS).join(', ')}.`,
			itemIndex,
		});
	}
	const target = await readClusterTarget.call(this, connection, itemIndex);
	const clusterId = target.clusterId;
	pathId.call(this, clusterId, 'cluster ID', itemIndex);
	const done = withHost({ cluster_id: clusterId, print_job_uuid: uuid, action: printAction, accepted: true }, target);
	let fields: IDataObject;
	try {
		fields = await connection.actOnPrintJob(clusterId, uuid, printAction, itemIndex);
	} catch (error) {
		if (!failureOf(error)?.mayHaveTakenEffect) throw asNodeError(this.getNode(), error, itemIndex);
		return [{ ...done, ...(await confirmAction.call(this, connection, { clusterId, uuid, printAction, itemIndex }, error)) }];
	}
	return [{ ...fields, ...done }];
}

/** After an action that may have been carried out although it failed: the job's state decides. */
async function confirmAction(
	this: IExecuteFunctions,
	connection: PrinterConnection,
	action: { clusterId: string; uuid: string; printAction: PrintJobAction; itemIndex: number },
	error: unknown,
): Promise<IDataObject> {
	let jobs: IDataObject[];
	try {
		jobs = statusRows(await connection.readStatus(action.clusterId, { retry: 'idempotent', itemIndex: action.itemIndex }), 'print_jobs');
	} catch {
		throw asNodeError(this.getNode(), error, action.itemIndex);
	}
	const job = jobs.find((candidate) => candidate.uuid === action.uuid);
	if (ACTION_DONE[action.printAction](job, jobs)) {
		return { status: job?.status ?? null, recovered_after_error: true };
	}
	const failure = asNodeError(this.getNode(), error, action.itemIndex);
	failure.description = `${failure.description ?? ''} The job's state now: ${job ? String(job.status) : 'not in the queue'}; it does not show the ${action.printAction} action.`.trim();
	throw failure;
}
