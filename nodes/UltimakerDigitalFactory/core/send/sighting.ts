/**
 * Reading a cluster's status for Send print (pure): who is idle, which prints of a job exist, which one a send may
 * claim as its own. What a status means is said next to the phase table (status/phases.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import type { ApiClusterStatus } from '../status/model';
import { checkIdSegment } from '../validation';
import type { PrinterRow, PrintJobRow } from '../status/statusItems';
import { statusRows } from '../status/statusItems';

// The words for a status live with the phase table (status/phases.ts); re-exported for Send print.

/** Printers that can start a job now: idle and enabled. */
export function idlePrinters(status: ApiClusterStatus): PrinterRow[] {
	return statusRows(status, 'printers').filter((printer) => printer.status === 'idle' && printer.enabled !== false);
}

/** The print-job instances of an uploaded job (`cloud_job_id`) in a status snapshot. */
export function instancesOf(status: ApiClusterStatus, jobId: string): PrintJobRow[] {
	return statusRows(status, 'print_jobs').filter((job) => job.cloud_job_id === jobId);
}

/** "Lab S5: printing, Bench S3: idle (disabled)" — for messages about why nothing was sent. */
export function printerStates(status: ApiClusterStatus): string {
	return statusRows(status, 'printers')
		.map((printer) => `${String(printer.friendly_name ?? printer.uuid)}: ${String(printer.status)}${printer.enabled === false ? ' (disabled)' : ''}`)
		.join(', ');
}

/** The print instances a status lists before a send: whatever is not among them afterwards appeared since. */
export function baselineOf(status: ApiClusterStatus): Set<string> {
	return new Set(statusRows(status, 'print_jobs').map((job) => job.uuid).filter((uuid): uuid is string => typeof uuid === 'string'));
}

/** The print-instance id of a print answer: `job_instance_uuid` or `cluster_job_id` (either may be missing; "" is unknown). */
export function instanceIdOf(data: IDataObject): string | undefined {
	const ids = [data.job_instance_uuid, data.cluster_job_id]
		.filter((id): id is string => typeof id === 'string' && id.trim() !== '')
		.map((id) => id.trim());
	// Two different ids: the answer contradicts itself, so neither is reliable.
	if (ids.length === 0 || ids.some((id) => id !== ids[0])) return undefined;
	return checkIdSegment(ids[0], 'print job UUID').ok ? ids[0] : undefined;
}

export type Sighting =
	/** Exactly one new print of this job, and no other send of this process can own it. */
	| { kind: 'mine'; print: PrintJobRow; generatedTime: string | null | undefined }
	/** New prints of this job, but another send (or run) may own them. */
	| { kind: 'others'; prints: PrintJobRow[] }
	/** New prints that do not say which file they are (no `cloud_job_id`): one could be this one. */
	| { kind: 'unmatchable'; count: number }
	/** No new print of this job. */
	| { kind: 'none' }
	/** The queue could not be read. */
	| { kind: 'unread' };

/**
 * After an ambiguous send (or an answer without an id): what the queue says about this send's print. A print
 * is claimed only if it appeared after the send began (not in `baseline`), is of this job (`cloud_job_id`), is
 * the only such print, and no other send of this process is unresolved or owns it.
 */
export function sightPrint(
	after: ApiClusterStatus,
	jobId: string,
	baseline: ReadonlySet<string>,
	others: { owned: ReadonlySet<string>; unresolved: boolean },
): Sighting {
	const appeared = new Map<string, PrintJobRow>();
	let unmatchable = 0;
	for (const job of statusRows(after, 'print_jobs')) {
		// Rows are only checked to be objects: a print without a string uuid cannot be claimed.
		// Listed twice in one answer is still one print.
		if (typeof job.uuid !== 'string' || baseline.has(job.uuid) || appeared.has(job.uuid)) continue;
		if (job.cloud_job_id === jobId) appeared.set(job.uuid, job);
		else if (typeof job.cloud_job_id !== 'string' || job.cloud_job_id === '') unmatchable++;
	}
	const prints = [...appeared.values()];
	const candidates = prints.filter((job) => !others.owned.has(job.uuid));
	if (candidates.length === 1 && !others.unresolved && unmatchable === 0) {
		return { kind: 'mine', print: candidates[0], generatedTime: after.generated_time };
	}
	if (prints.length > 0) return { kind: 'others', prints };
	if (unmatchable > 0) return { kind: 'unmatchable', count: unmatchable };
	return { kind: 'none' };
}
