/**
 * The print-job actions a workflow can ask for (pure): which may be repeated safely, and whether a job's state
 * shows one carried out. Each connection maps them onto its own API's verbs.
 */

/** The fields of a print job the checks read (rows as the API gave them). */
interface JobState {
	uuid?: unknown;
	status?: unknown;
	force?: unknown;
}

export type PrintJobAction = 'pause' | 'resume' | 'abort' | 'moveToTop' | 'remove' | 'force';

const statusIn = (job: JobState | undefined, ...statuses: string[]) => typeof job?.status === 'string' && statuses.includes(job.status);

/** Whether asking twice does no harm: a second `remove` could remove another job moved into its place. */
export const REPEATABLE_ACTIONS: Record<PrintJobAction, boolean> = {
	pause: true,
	resume: true,
	abort: true,
	moveToTop: true,
	remove: false,
	force: true,
};

export function isPrintJobAction(value: unknown): value is PrintJobAction {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REPEATABLE_ACTIONS, value);
}

/**
 * Whether a print job's state shows the action carried out — asked when the request failed in a way that may
 * have taken effect (an abort whose 502 answer was lost, then refused with 409 on the retry because the job is
 * already aborting). `jobs` is the status's print_jobs list, `job` this job in it (undefined when it is gone).
 */
export const ACTION_DONE: Record<PrintJobAction, (job: JobState | undefined, jobs: JobState[]) => boolean> = {
	pause: (job) => statusIn(job, 'pausing', 'paused'),
	resume: (job) => statusIn(job, 'resuming', 'printing'),
	abort: (job) => statusIn(job, 'aborting', 'aborted'),
	moveToTop: (job, jobs) => statusIn(job, 'queued') && jobs.find((other) => other.status === 'queued')?.uuid === job?.uuid,
	remove: (job) => job === undefined || statusIn(job, 'deleted', 'removed'),
	force: (job) => job?.force === true,
};
