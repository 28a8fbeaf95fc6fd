/** Shaping of cluster data for output (pure). */

/** A cluster as the API returns it (only the fields used here are read). */
export type ClusterLike = object;

export interface ClusterFilters {
	onlineOnly?: boolean;
	printerType?: string;
}

/** Client-side filters of List clusters: the API's own `machine_variant` filter wants display names. */
export function filterClusters<T extends ClusterLike>(clusters: T[], filters: ClusterFilters): T[] {
	const type = filters.printerType?.trim().toLowerCase();
	return clusters.filter((cluster) => {
		const fields = cluster as { is_online?: unknown; printer_type?: unknown; host_printer?: { machine_variant?: unknown } | null };
		if (filters.onlineOnly && fields.is_online !== true) return false;
		if (type) {
			const id = String(fields.printer_type ?? '').toLowerCase();
			const variant = String(fields.host_printer?.machine_variant ?? '').toLowerCase();
			if (id !== type && variant !== type) return false;
		}
		return true;
	});
}

export type StatusSplit = 'none' | 'printers' | 'printJobs';

/** A `/status` answer's data (printers, print_jobs, generated_time); read defensively. */
type StatusData = object;

function rowsOf(status: StatusData, key: 'printers' | 'print_jobs'): Array<Record<string, unknown>> {
	const rows = (status as Record<string, unknown>)[key];
	return Array.isArray(rows)
		? rows.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null)
		: [];
}

/**
 * The status snapshot as output items: one item (the API's `data`), or one per printer / print job with the
 * cluster id and snapshot time added so each item stands on its own.
 */
export function splitStatus(status: StatusData, clusterId: string, split: StatusSplit): Array<Record<string, unknown>> {
	if (split === 'printers' || split === 'printJobs') {
		const generated_time = (status as Record<string, unknown>).generated_time;
		return rowsOf(status, split === 'printers' ? 'printers' : 'print_jobs').map((row) => ({
			...row,
			cluster_id: clusterId,
			generated_time,
		}));
	}
	return [status as Record<string, unknown>];
}

/** Printers that can start a job now: idle and enabled. */
export function idlePrinters(status: StatusData): Array<Record<string, unknown>> {
	return rowsOf(status, 'printers').filter((printer) => printer.status === 'idle' && printer.enabled !== false);
}

/** Print-job instance uuids for an uploaded job (`cloud_job_id`) in a status snapshot. */
export function instancesOf(status: StatusData, jobId: string): Array<Record<string, unknown>> {
	return rowsOf(status, 'print_jobs').filter((job) => job.cloud_job_id === jobId);
}

/** What a print's answer status means, for people running the farm. */
export function explainPrintStatus(status: unknown): string {
	switch (status) {
		case 'queued':
			return 'The job is in the printer queue and starts when a matching printer is free.';
		case 'wait_approval':
			return 'The job is waiting for approval: this workspace requires an operator to approve new jobs in Digital Factory before they enter the print queue.';
		case 'failed':
			return 'Digital Factory could not queue the job; check the file and the printer in Digital Factory.';
		default:
			return `Digital Factory reports the job as "${String(status)}".`;
	}
}
