/**
 * Sending an uploaded job to a cluster's queue without ever printing it twice: the queue is read before the
 * POST, and when the POST fails in a way that may have taken effect (failure.ts) the queue is read again to find
 * out whether a new print of this job appeared. The POST itself is never repeated blindly.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { clusterSegment, getClusterStatus } from '../../shared/api/clusters';
import type { ApiClusterStatus } from '../../shared/api/types';
import type { Connection } from '../../shared/authentication';
import { asNodeError, failureOf } from '../../shared/transport/failure';
import { apiData } from '../../shared/transport/request';
import { pathId } from '../descriptions';
import { explainPrintStatus, idlePrinters, instancesOf, printerStates } from './queue';

export interface PrintRequest {
	clusterId: string;
	jobId: string;
	onlyIfIdle: boolean;
}

function assertIdlePrinter(this: IExecuteFunctions, status: ApiClusterStatus, itemIndex: number): void {
	if (idlePrinters(status).length > 0) return;
	throw new NodeOperationError(this.getNode(), 'No printer in this cluster is idle, so the job was not sent', {
		description: `"Only if a Printer Is Idle" is on. Printer states: ${printerStates(status) || 'no printers reported'}. Try again when a printer is free, or turn the option off to queue the job anyway.`,
		itemIndex,
	});
}

/** After a POST whose outcome is unknown: the print of this job that appeared since `known` was read, if any. */
async function recoverPrint(
	this: IExecuteFunctions,
	connection: Connection,
	print: PrintRequest,
	known: Set<string>,
	error: unknown,
	itemIndex: number,
): Promise<IDataObject> {
	const after = await getClusterStatus.call(this, connection, print.clusterId, { retry: 'idempotent', itemIndex });
	const created = instancesOf(after, print.jobId).find((job) => !known.has(String(job.uuid)));
	if (created) {
		return {
			job_id: print.jobId,
			job_instance_uuid: created.uuid as string,
			cluster_job_id: created.uuid as string,
			status: created.status as string,
			generated_time: after.generated_time,
			cluster_id: print.clusterId,
			status_explanation: explainPrintStatus(created.status),
			recovered_after_error: true,
		};
	}
	throw new NodeApiError(this.getNode(), { message: (error as Error).message } as never, {
		message: 'Sending the print was interrupted and the job does not appear in the queue',
		description: `${(error as Error).message}. The cluster's queue shows no new print of job ${print.jobId}, so it was most likely not queued. It was not re-sent automatically, to avoid printing it twice; check the queue (and pending approvals) in Digital Factory, then run the node again.`,
		itemIndex,
	});
}

export async function sendPrint(this: IExecuteFunctions, itemIndex: number, connection: Connection, print: PrintRequest): Promise<IDataObject> {
	const cluster = clusterSegment.call(this, print.clusterId, itemIndex);
	const job = pathId.call(this, print.jobId, 'job ID', itemIndex);
	const before = await getClusterStatus.call(this, connection, print.clusterId, { retry: 'idempotent', itemIndex });
	if (print.onlyIfIdle) assertIdlePrinter.call(this, before, itemIndex);
	const known = new Set(instancesOf(before, print.jobId).map((instance) => String(instance.uuid)));
	try {
		const data = await apiData.call(this, connection, {
			method: 'POST',
			path: `/connect/v1/clusters/${cluster}/print/${job}`,
			what: `printing job ${print.jobId} on cluster ${print.clusterId}`,
			// Never repeated on its own: a repeat could print the part twice.
			retry: 'rateLimitOnly',
			itemIndex,
		});
		return { ...data, cluster_id: print.clusterId, status_explanation: explainPrintStatus(data.status) };
	} catch (error) {
		if (!failureOf(error)?.mayHaveTakenEffect) throw asNodeError(this.getNode(), error, itemIndex);
		return await recoverPrint.call(this, connection, print, known, error, itemIndex);
	}
}
