/**
 * How busy a printer is: the cluster's print jobs attributed to it, and how long until it has printed them.
 * Job statuses are an open list; unknown ones count as waiting (a job is only ignored when it is over).
 */
import type { ApiPrinterStatus, ApiPrintJobStatus } from '../status/model';
import type { ClusterSnapshot } from './types';

type Phase = 'waiting' | 'running' | 'over';

const PHASES: Record<string, Phase> = {
	pre_print: 'running',
	printing: 'running',
	pausing: 'running',
	paused: 'running',
	resuming: 'running',
	aborting: 'running',
	post_print: 'running',
	wait_user_action: 'running',
	finished: 'over',
	aborted: 'over',
	failed: 'over',
	// The print is done; the bed waits for a person, which the printer's own status shows.
	wait_cleanup: 'over',
	deleted: 'over',
};

function phaseOf(job: ApiPrintJobStatus): Phase {
	return PHASES[job.status ?? ''] ?? 'waiting';
}

const finite = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Jobs on or for this printer: by `printer_uuid`, else by `assigned_to` (also a printer uuid). In a
 * one-printer cluster, unattributed jobs are that printer's too (where else would they print?).
 */
export function jobsOf(cluster: ClusterSnapshot, printer: ApiPrinterStatus): ApiPrintJobStatus[] {
	const uuid = printer.uuid ?? '';
	const alone = cluster.printers.length === 1;
	return cluster.print_jobs.filter((job) => {
		if (phaseOf(job) === 'over') return false;
		const owner = job.printer_uuid || job.assigned_to || '';
		return owner === '' ? alone : owner === uuid;
	});
}

function remainingSeconds(job: ApiPrintJobStatus): number | null {
	const total = finite(job.time_total);
	if (total === null || total < 0) return null;
	if (phaseOf(job) === 'waiting') return total;
	return Math.max(0, total - (finite(job.time_elapsed) ?? 0));
}

/**
 * Seconds until the printer has worked through its jobs. Unknown (null) when a job has no duration, or when
 * the printer is busy with something the queue does not show (a print started at the printer, a bed
 * waiting to be cleared).
 */
export function secondsUntilFree(printer: ApiPrinterStatus, jobs: ApiPrintJobStatus[]): number | null {
	const running = jobs.some((job) => phaseOf(job) === 'running');
	if (printer.status !== 'idle' && !running) return null;
	let total = 0;
	for (const job of jobs) {
		const seconds = remainingSeconds(job);
		if (seconds === null) return null;
		total += seconds;
	}
	return total;
}
