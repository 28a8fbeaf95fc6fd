/**
 * job.progress: which of the configured milestones a print passed since this trigger last accounted for it.
 *
 * What is remembered per job is one number, the highest progress accounted for (`peakProgress`). A milestone is
 * announced when it lies above the remembered peak and at or below the progress seen now, and the peak then rises
 * to what is seen. Why that survives restarts: n8n saves the trigger's state only with a poll that emits items.
 * Every poll that raises the peak past a milestone emits that milestone, so its state is saved with it, and a
 * restart from the last saved state finds the milestone already accounted for (never twice). A quiet poll can only
 * raise the peak between milestones, and losing that rise changes nothing: after a restart the older, lower peak
 * still lies below the next milestone, which is announced when it is passed (never lost). The peak never falls,
 * so a print whose estimated total grows (progress going back) does not pass a milestone twice.
 */
import type { ApiPrintJobStatus } from '../status/model';
import { finiteOrNull, jobPhase, progressPercent } from '../status/phases';
import type { JobMemory } from './memory';

/** A passed milestone is announced while the print runs, is paused, or waits for someone — not once it ended. */
export function announcesProgress(status: string | null | undefined): boolean {
	const phase = jobPhase(status);
	return (phase === 'active' && status !== 'aborting') || phase === 'paused' || phase === 'waiting';
}

export interface ProgressStep {
	/** The peak to remember now. */
	peak: number | null;
	/** Milestones passed since the remembered peak, ascending. */
	crossed: readonly number[];
}

/** Shared by every step that passes no milestone (the usual case): nothing to allocate per job and poll. */
const NONE: readonly number[] = Object.freeze([]);

/**
 * A job seen for the first time is accounted at its current progress (nothing is announced for milestones it was
 * already past). A job in another phase keeps its peak, so a milestone passed while, say, the status said
 * something unknown is announced once the print is seen running again.
 */
export function progressStep(remembered: JobMemory | undefined, job: ApiPrintJobStatus, milestones: readonly number[]): ProgressStep {
	const current = progressPercent(finiteOrNull(job.time_elapsed), finiteOrNull(job.time_total));
	if (!remembered) return { peak: current, crossed: NONE };
	const before = remembered.peakProgress;
	if (!announcesProgress(job.status)) {
		return { peak: before ?? (jobPhase(job.status) === 'queued' ? current : null), crossed: NONE };
	}
	if (current === null) return { peak: before, crossed: NONE };
	// Never observed below anything: accounted from here on, like a first sight.
	if (before === null) return { peak: current, crossed: NONE };
	if (current <= before) return { peak: before, crossed: NONE };
	return { peak: current, crossed: milestones.filter((milestone) => before < milestone && milestone <= current) };
}

/** The milestones to watch: whole numbers 1–99, ascending, once each (anything else is dropped). */
export function cleanMilestones(values: readonly number[] | undefined): number[] {
	const valid = (values ?? []).filter((value) => Number.isInteger(value) && value >= 1 && value <= 99);
	return [...new Set(valid)].sort((a, b) => a - b);
}
