/**
 * Sending an uploaded job to a cluster's queue without ever printing it twice: the queue is read before the
 * POST, and when the POST ends ambiguously (dropped connection, 5xx) the queue is read again to find out
 * whether a new print of this job appeared. The POST itself is never repeated blindly.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { explainPrintStatus, idlePrinters, instancesOf } from '../../shared/api/clusterStatus';
import type { Connection } from '../../shared/transport/request';
import { apiData, asNodeError, isNetworkFailure } from '../../shared/transport/request';
import { pathId } from '../descriptions';

function isAmbiguous(error: unknown): boolean {
	if (isNetworkFailure(error)) return true;
	const status = error instanceof NodeApiError ? Number((error.context as IDataObject).httpStatus) : NaN;
	return status >= 500;
}

export async function sendPrint(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: Connection,
	clusterId: string,
	jobId: string,
	onlyIfIdle: boolean,
): Promise<IDataObject> {
	const clusterSegment = pathId.call(this, clusterId, 'cluster ID', itemIndex);
	const jobSegment = pathId.call(this, jobId, 'job ID', itemIndex);
	const statusRequest = {
		method: 'GET' as const,
		path: `/connect/v1/clusters/${clusterSegment}/status`,
		what: `the status of cluster ${clusterId}`,
		retry: 'idempotent' as const,
		itemIndex,
	};
	const before = await apiData.call(this, connection, statusRequest);
	if (onlyIfIdle) {
		const idle = idlePrinters(before);
		if (idle.length === 0) {
			const states = ((before.printers as IDataObject[] | undefined) ?? [])
				.map((printer) => `${String(printer.friendly_name ?? printer.uuid)}: ${String(printer.status)}${printer.enabled === false ? ' (disabled)' : ''}`)
				.join(', ');
			throw new NodeOperationError(this.getNode(), 'No printer in this cluster is idle, so the job was not sent', {
				description: `"Only if a Printer Is Idle" is on. Printer states: ${states || 'no printers reported'}. Try again when a printer is free, or turn the option off to queue the job anyway.`,
				itemIndex,
			});
		}
	}
	const known = new Set(instancesOf(before, jobId).map((job) => String(job.uuid)));
	try {
		const data = await apiData.call(this, connection, {
			method: 'POST',
			path: `/connect/v1/clusters/${clusterSegment}/print/${jobSegment}`,
			what: `printing job ${jobId} on cluster ${clusterId}`,
			// Never repeated on its own: a repeat could print the part twice.
			retry: 'rateLimitOnly',
			itemIndex,
		});
		return { ...data, cluster_id: clusterId, status_explanation: explainPrintStatus(data.status) };
	} catch (error) {
		if (!isAmbiguous(error)) throw asNodeError.call(this, error, itemIndex);
		const after = await apiData.call(this, connection, statusRequest);
		const created = instancesOf(after, jobId).find((job) => !known.has(String(job.uuid)));
		if (created) {
			return {
				job_id: jobId,
				job_instance_uuid: created.uuid as string,
				cluster_job_id: created.uuid as string,
				status: created.status as string,
				generated_time: after.generated_time,
				cluster_id: clusterId,
				status_explanation: explainPrintStatus(created.status),
				recovered_after_error: true,
			};
		}
		throw new NodeApiError(this.getNode(), { message: (error as Error).message } as never, {
			message: 'Sending the print was interrupted and the job does not appear in the queue',
			description: `${(error as Error).message}. The cluster's queue shows no new print of job ${jobId}, so it was most likely not queued. It was not re-sent automatically, to avoid printing it twice; check the queue (and pending approvals) in Digital Factory, then run the node again.`,
			itemIndex,
		});
	}
}
