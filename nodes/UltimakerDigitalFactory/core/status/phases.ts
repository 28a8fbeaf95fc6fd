/**
 * The one table of print-job statuses, and what each means: the trigger's phases (jobPhase), Find printer's view
 * of them (farm/workload.ts derives waiting / running / over from jobPhase) and Send print's words for a status
 * (explainPrintStatus). The API's list of statuses is open, so unknown values fall into `other` and never produce a
 * terminal event by themselves.
 */

/**
 * `removed`: the job was deleted from the queue. The trigger reads it as it reads `other` (every check of a phase
 * there names the phases it acts on, and the duplicate-entry ranking in events/snapshot.ts gives both 0); Find
 * printer counts it as over.
 */
export type JobPhase = 'queued' | 'active' | 'paused' | 'waiting' | 'terminal' | 'removed' | 'other';
export type TerminalOutcome = 'finished' | 'aborted' | 'failed';

export const PHASE_BY_STATUS: Readonly<Record<string, JobPhase>> = {
	queued: 'queued',
	wait_approval: 'queued',
	sent_to_printer: 'queued',
	// Cura shows `error` as "queued, with a problem".
	error: 'queued',
	none: 'queued',
	pre_print: 'active',
	printing: 'active',
	resuming: 'active',
	post_print: 'active',
	aborting: 'active',
	pausing: 'paused',
	paused: 'paused',
	wait_user_action: 'waiting',
	wait_cleanup: 'terminal',
	finished: 'terminal',
	aborted: 'terminal',
	failed: 'terminal',
	deleted: 'removed',
};

export function jobPhase(status: string | null | undefined): JobPhase {
	return (status && PHASE_BY_STATUS[status]) || 'other';
}

/**
 * What a print's answer status means, for people running the farm (Send print's `status_explanation`); `kind`
 * says who answered: Digital Factory, or the printer group on the local network.
 */
export function explainPrintStatus(status: unknown, kind: 'cloud' | 'localNetwork' = 'cloud'): string {
	const source = kind === 'cloud' ? 'Digital Factory' : 'The printer';
	switch (status) {
		case 'queued':
			return 'The job is in the printer queue and starts when a matching printer is free.';
		case 'wait_approval':
			return 'The job is waiting for approval: this workspace requires an operator to approve new jobs in Digital Factory before they enter the print queue.';
		case 'failed':
			return kind === 'cloud'
				? 'Digital Factory could not queue the job; check the file and the printer in Digital Factory.'
				: 'The printer could not queue the job; check the file and the printer on its screen.';
		case 'pre_print':
		case 'printing':
			return `A printer has started the job ("${status}").`;
		default:
			return `${source} reports the job as "${String(status)}".`;
	}
}

interface JobTimes {
	status?: string | null;
	time_elapsed?: number | null;
	time_total?: number | null;
}

/**
 * The outcome of a job in a terminal status. `wait_cleanup` is shared by finished and aborted prints:
 * elapsed ≥ total means it finished (as Cura reads it). Without a known total we cannot tell, and call it finished.
 */
export function terminalOutcome(job: JobTimes): TerminalOutcome {
	switch (job.status) {
		case 'aborted':
			return 'aborted';
		case 'failed':
			return 'failed';
		case 'finished':
			return 'finished';
		default: {
			const total = finiteOrNull(job.time_total);
			if (total === null || total <= 0) return 'finished';
			return (finiteOrNull(job.time_elapsed) ?? 0) >= total ? 'finished' : 'aborted';
		}
	}
}

/** Did this job, as seen now, necessarily start printing at some point? */
export function hasStarted(job: JobTimes & { started?: boolean | null }): boolean {
	const phase = jobPhase(job.status);
	if (phase === 'active' || phase === 'paused') return true;
	if (job.started === true || (finiteOrNull(job.time_elapsed) ?? 0) > 0) return true;
	return phase === 'terminal' && terminalOutcome(job) === 'finished';
}

export function finiteOrNull(value: unknown): number | null {
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Percent printed, one decimal, floored (so 49.96 % is not reported as 50); null without a total. */
export function progressPercent(elapsed: number | null, total: number | null): number | null {
	if (total === null || total <= 0) return null;
	return Math.floor(Math.min(100, Math.max(0, ((elapsed ?? 0) / total) * 100)) * 10) / 10;
}
