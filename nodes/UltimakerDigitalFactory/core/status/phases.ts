/**
 * How the trigger reads print-job statuses. The API's list of statuses is open, so unknown
 * values fall into `other` and never produce a terminal event by themselves.
 */

export type JobPhase = 'queued' | 'active' | 'paused' | 'waiting' | 'terminal' | 'other';
export type TerminalOutcome = 'finished' | 'aborted' | 'failed';

const PHASE_BY_STATUS: Record<string, JobPhase> = {
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
};

export function jobPhase(status: string | null | undefined): JobPhase {
	return (status && PHASE_BY_STATUS[status]) || 'other';
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
