/**
 * Sending an uploaded job to a cluster's queue without ever printing it twice or losing a print. The queue is
 * read before the POST; the POST is never repeated (only a 429, refused before acting, is retried). When the POST
 * fails in a way that may have taken effect (failure.ts), or answers without a print-instance id, the queue is
 * re-read with backoff over RECOVERY_DELAYS_MS, and a new print of this job is claimed only when it is certainly
 * this send's (queue.ts `sightPrint`, owners.ts). Otherwise the outcome is unknown and said so — in words and as
 * `outcome: "unknown"` on the error — never "run it again".
 */
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { ApiClusterStatus } from '../../core/status/model';
import type { PrinterConnection } from '../../connections/printerConnection';
import type { Failure } from '../../connections/failure';
import { asNodeError, failureError, failureOf } from '../../connections/failure';
import { pathId } from '../../connections/ids';
import type { Send } from './owners';
import { abandonSend, beginSend, otherSends, settleSend } from './owners';
import type { Sighting } from '../../core/send/sighting';
import { baselineOf, idlePrinters, instanceIdOf, printerStates, sightPrint } from '../../core/send/sighting';
import { explainPrintStatus } from '../../core/status/phases';

export interface PrintRequest {
	clusterId: string;
	jobId: string;
	onlyIfIdle: boolean;
	/** The printer of the cluster to print on, where the connection can pin one (the local network); else the cluster's choice. */
	printerUuid?: string;
}

/**
 * Waits before each re-read of the queue after an ambiguous send: 0, 2, 4, 8 and 16 s — five reads over 30 s.
 * A gateway may answer 502/504 while the backend commits the print seconds later, and a new print reaches the
 * cluster's status only with the cluster's next report; Cura reads that status every 10 s and Ultimaker asks for
 * no more than one read per 10 s, so 30 s covers three of its intervals with a quick first look (a cut-off answer
 * of a print already queued is seen at once) and spaced reads after it.
 */
export const RECOVERY_DELAYS_MS = [0, 2000, 4000, 8000, 16000];

/** Said whenever this run cannot tell whether it queued a print. */
export const UNKNOWN_PRINT = 'The print may have been queued — check the queue before retrying.';
const NOT_RESENT = 'It was not re-sent automatically, to avoid printing it twice.';

function assertIdlePrinter(this: IExecuteFunctions, status: ApiClusterStatus, itemIndex: number): void {
	if (idlePrinters(status).length > 0) return;
	throw new NodeOperationError(this.getNode(), 'No printer in this cluster is idle, so the job was not sent', {
		description: `"Only if a Printer Is Idle" is on. Printer states: ${printerStates(status) || 'no printers reported'}. Try again when a printer is free, or turn the option off to queue the job anyway.`,
		itemIndex,
	});
}

/** The output item: the answer's fields with one print-instance id under both of its names. */
function printedItem(data: IDataObject, uuid: string | null, watch: Watch, extra: IDataObject = {}): IDataObject {
	const { print, connection } = watch;
	return {
		...data,
		job_id: typeof data.job_id === 'string' && data.job_id !== '' ? data.job_id : print.jobId,
		job_instance_uuid: uuid,
		cluster_job_id: uuid,
		cluster_id: print.clusterId,
		status_explanation: explainPrintStatus(data.status, connection.kind),
		...extra,
	};
}

interface Watch {
	connection: PrinterConnection;
	print: PrintRequest;
	send: Send;
	baseline: Set<string>;
	itemIndex: number;
}

/** Re-reads the queue on RECOVERY_DELAYS_MS until this send's print is seen; the last sighting otherwise. */
async function watchQueue(this: IExecuteFunctions, watch: Watch): Promise<Sighting> {
	let last: Sighting = { kind: 'unread' };
	for (const delay of RECOVERY_DELAYS_MS) {
		if (delay > 0) await sleep(delay);
		if (this.getExecutionCancelSignal()?.aborted) break;
		let after: ApiClusterStatus;
		try {
			// Not retried inside: this loop is the retry, and a failed read must not stretch the window.
			after = await watch.connection.readStatus(watch.print.clusterId, { retry: 'rateLimitOnly', itemIndex: watch.itemIndex });
		} catch {
			continue;
		}
		last = sightPrint(after, watch.print.jobId, watch.baseline, otherSends(watch.send));
		if (last.kind === 'mine') return last;
	}
	return last;
}

/** What the queue showed, in words for the unknown outcome. */
function sightingWords(sighting: Sighting, jobId: string): { message: string; seen: string } {
	switch (sighting.kind) {
		case 'others':
			return {
				message: 'Sending the print was interrupted; a print of this job exists, possibly from another run',
				seen: `The queue shows ${sighting.prints.length} new print(s) of job ${jobId} (${sighting.prints.map((job) => String(job.uuid)).join(', ')}), but another run may own them, so this run claims none.`,
			};
		case 'unmatchable':
			return {
				message: 'Sending the print was interrupted and the queue does not say which file each print is',
				seen: `The queue shows ${sighting.count} new print(s) without a cloud_job_id; one of them may be this one.`,
			};
		case 'unread':
			return { message: 'Sending the print was interrupted and the queue could not be read', seen: 'Every re-read of the queue failed.' };
		default:
			return {
				message: 'Sending the print was interrupted and the job does not appear in the queue',
				seen: `The queue showed no new print of job ${jobId} for ${RECOVERY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0) / 1000} s.`,
			};
	}
}

/** The error for a send whose outcome stays unknown: the POST's failure, with `outcome: "unknown"`. */
function unknownOutcome(this: IExecuteFunctions, error: unknown, sighting: Sighting, print: PrintRequest, itemIndex: number): Error {
	const postFailure = failureOf(error) as Failure;
	const words = sightingWords(sighting, print.jobId);
	const cause = (error as Error).message;
	const apiError = (error as { context?: { apiError?: JsonObject } }).context?.apiError;
	return failureError(
		this.getNode(),
		{ ...postFailure, outcome: 'unknown' },
		{ message: words.message, description: `${cause}. ${words.seen} ${UNKNOWN_PRINT} ${NOT_RESENT} Look for job ${print.jobId} (also under pending approvals) in Digital Factory.`, itemIndex },
		apiError,
	);
}

/** After a POST that may have taken effect: this send's print from the queue, or an unknown outcome. */
async function recoverPrint(this: IExecuteFunctions, watch: Watch, error: unknown): Promise<IDataObject> {
	const sighting = await watchQueue.call(this, watch);
	if (sighting.kind !== 'mine') {
		settleSend(watch.send, undefined);
		throw unknownOutcome.call(this, error, sighting, watch.print, watch.itemIndex);
	}
	const uuid = sighting.print.uuid as string;
	settleSend(watch.send, uuid);
	const data = { job_id: watch.print.jobId, status: sighting.print.status, generated_time: sighting.generatedTime };
	return printedItem(data, uuid, watch, { recovered_after_error: true });
}

/** An answer that queued the print but named no instance (`cluster_job_id: ""`): the id from the queue, if certain. */
async function identifyPrint(this: IExecuteFunctions, watch: Watch, data: IDataObject): Promise<IDataObject> {
	// A print waiting for approval is not in the queue yet: there is nothing to find.
	const sighting: Sighting = data.status === 'wait_approval' ? { kind: 'none' } : await watchQueue.call(this, watch);
	if (sighting.kind === 'mine') {
		const uuid = sighting.print.uuid as string;
		settleSend(watch.send, uuid);
		return printedItem(data, uuid, watch, { instance_from_queue: true });
	}
	settleSend(watch.send, undefined);
	return printedItem(data, null, watch, {
		status_explanation: `${explainPrintStatus(data.status, watch.connection.kind)} Digital Factory did not say which print instance it is, and the queue does not show it unambiguously: find job ${watch.print.jobId} in Get Cluster Status (cloud_job_id) before acting on it.`,
	});
}

export async function sendPrint(this: IExecuteFunctions, itemIndex: number, connection: PrinterConnection, print: PrintRequest): Promise<IDataObject> {
	// Both ids are checked before anything is read or sent.
	pathId.call(this, print.clusterId, 'cluster ID', itemIndex);
	pathId.call(this, print.jobId, 'job ID', itemIndex);
	const before = await connection.readStatus(print.clusterId, { retry: 'idempotent', itemIndex });
	if (print.onlyIfIdle) assertIdlePrinter.call(this, before, itemIndex);
	const watch: Watch = { connection, print, send: beginSend(print.clusterId, print.jobId), baseline: baselineOf(before), itemIndex };
	try {
		let data: IDataObject;
		try {
			// The reading above is the send's baseline for the connection too (the local one needs the queue before its upload).
			data = await connection.sendPrint(print.clusterId, print.jobId, itemIndex, { ...(print.printerUuid ? { printerUuid: print.printerUuid } : {}), before });
		} catch (error) {
			if (!failureOf(error)?.mayHaveTakenEffect || connection.sendPrintSettlesOutcome) {
				abandonSend(watch.send);
				throw asNodeError(this.getNode(), error, itemIndex);
			}
			return await recoverPrint.call(this, watch, error);
		}
		const uuid = instanceIdOf(data);
		if (uuid === undefined) return await identifyPrint.call(this, watch, data);
		settleSend(watch.send, uuid);
		return printedItem(data, uuid, watch);
	} finally {
		// Whatever went wrong on the way, a send that did not end stays unresolved for the others.
		if (watch.send.endedAt === undefined) settleSend(watch.send, undefined);
	}
}
