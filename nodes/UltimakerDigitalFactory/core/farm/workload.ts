/**
 * How busy a printer is: the cluster's print jobs attributed to it, and how long until it has printed them.
 * Job statuses are an open list; unknown ones count as waiting (a job is only ignored when it is over).
 */
import type { ApiPrinterStatus, ApiPrintJobStatus } from '../status/model';
import type { JobPhase } from '../status/phases';
import { finiteOrNull, jobPhase } from '../status/phases';
import type { ClusterSnapshot } from './types';

export type FarmPhase = 'waiting' | 'running' | 'over';

/** Find printer's view of the one phase table (status/phases.ts): does a job wait for the printer, hold it, or neither? */
const FARM_PHASE: Record<JobPhase, FarmPhase> = {
	queued: 'waiting',
	active: 'running',
	paused: 'running',
	// wait_user_action: the printer is held until someone acts.
	waiting: 'running',
	// Includes wait_cleanup: the print is done; the bed waits for a person, which the printer's own status shows.
	terminal: 'over',
	removed: 'over',
	other: 'waiting',
};

export function farmPhase(status: string | null | undefined): FarmPhase {
	return FARM_PHASE[jobPhase(status)];
}

/**
 * Jobs on or for this printer: by `printer_uuid`, else by `assigned_to` (also a printer uuid). In a
 * one-printer cluster, unattributed jobs are that printer's too (where else would they print?).
 */
export function jobsOf(cluster: ClusterSnapshot, printer: ApiPrinterStatus): ApiPrintJobStatus[] {
	const uuid = printer.uuid ?? '';
	const alone = cluster.printers.length === 1;
	return cluster.print_jobs.filter((job) => {
		if (farmPhase(job.status) === 'over') return false;
		const owner = job.printer_uuid || job.assigned_to || '';
		return owner === '' ? alone : owner === uuid;
	});
}

function remainingSeconds(job: ApiPrintJobStatus): number | null {
	const total = finiteOrNull(job.time_total);
	if (total === null || total < 0) return null;
	if (farmPhase(job.status) === 'waiting') return total;
	return Math.max(0, total - (finiteOrNull(job.time_elapsed) ?? 0));
}

/**
 * Seconds until the printer has worked through its jobs. Unknown (null) when a job has no duration, or when
 * the printer is busy with something the queue does not show (a print started at the printer, a bed
 * waiting to be cleared).
 */
export function secondsUntilFree(printer: ApiPrinterStatus, jobs: ApiPrintJobStatus[]): number | null {
	const running = jobs.some((job) => farmPhase(job.status) === 'running');
	if (printer.status !== 'idle' && !running) return null;
	let total = 0;
	for (const job of jobs) {
		const seconds = remainingSeconds(job);
		if (seconds === null) return null;
		total += seconds;
	}
	return total;
}
