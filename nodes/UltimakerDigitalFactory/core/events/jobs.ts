/**
 * The job steps of a poll: each listed job against what was remembered of it (queued, started, paused, resumed,
 * waiting, finished / aborted / failed), and jobs that left the list without an ending anyone saw (removed).
 */
import type { ApiPrintJobStatus } from '../status/model';
import type { TriggerEventName } from './names';
import type { ClusterEvents, PollContext } from './context';
import { printerFromApi, printerFromMemory, terminalKey } from './items';
import { finiteOrNull, hasStarted, jobPhase, terminalOutcome } from '../status/phases';
import type { JobMemory, NextCluster, RememberedCluster } from './memory';
import { progressStep } from './milestones';
import type { Snapshot } from './snapshot';
import { eventJob, laterTime, parseTime, printerIn, printerOfJob } from './snapshot';
import type { EventPrinter } from './types';

/** The events a job's change from what was remembered (or from nothing) to what is seen now implies, in order. */
function transitionNames(remembered: JobMemory | undefined, job: ApiPrintJobStatus): TriggerEventName[] {
	const names: TriggerEventName[] = [];
	const phase = jobPhase(job.status);
	const previousPhase = remembered ? jobPhase(remembered.status) : undefined;
	if (!remembered) names.push('job.queued');
	if (hasStarted(job) && !remembered?.started) names.push('job.started');
	if (phase === 'paused' && previousPhase !== 'paused') names.push('job.paused');
	if (previousPhase === 'paused') {
		const running = phase === 'active' && job.status !== 'aborting';
		if (running || (phase === 'terminal' && terminalOutcome(job) === 'finished')) names.push('job.resumed');
	}
	if (phase === 'waiting' && remembered?.status !== job.status) names.push('job.waitingForUser');
	if (phase === 'terminal') names.push(`job.${terminalOutcome(job)}` as TriggerEventName);
	return names;
}

function jobMemoryFrom(job: ApiPrintJobStatus, printerUuid: string | null, started: boolean, peakProgress: number | null): JobMemory {
	return {
		status: job.status ?? null,
		name: job.name ?? null,
		cloudJobId: job.cloud_job_id ?? null,
		owner: job.owner ?? null,
		printerUuid,
		elapsed: finiteOrNull(job.time_elapsed),
		total: finiteOrNull(job.time_total),
		started,
		peakProgress,
	};
}

/** The remembered job when nothing about it changed (the usual case: no allocation), else a fresh one. */
function rememberJob(remembered: JobMemory | undefined, job: ApiPrintJobStatus, printerUuid: string | null, started: boolean, peakProgress: number | null): JobMemory {
	const same =
		!!remembered &&
		remembered.status === (job.status ?? null) &&
		remembered.elapsed === finiteOrNull(job.time_elapsed) &&
		remembered.total === finiteOrNull(job.time_total) &&
		remembered.name === (job.name ?? null) &&
		remembered.cloudJobId === (job.cloud_job_id ?? null) &&
		remembered.owner === (job.owner ?? null) &&
		remembered.printerUuid === printerUuid &&
		remembered.started === started &&
		remembered.peakProgress === peakProgress;
	return same ? remembered! : jobMemoryFrom(job, printerUuid, started, peakProgress);
}

/**
 * An ended job never seen, created before the newest job listed at the previous look at the cluster, would have
 * been listed then: it is an old history entry coming back into the 10-job window, not news. A job created after
 * that look is newer than every job then listed. Both times are `created_at`s, so one clock decides — the
 * printer's on the local network, whatever n8n's clock says (memory.ts, `nc`).
 */
function isReappearingHistory(job: ApiPrintJobStatus, before: RememberedCluster | undefined): boolean {
	const created = parseTime(job.created_at);
	return created !== undefined && before !== undefined && created < before.historyBefore();
}

function printerItem(uuid: string | null, snapshot: Snapshot, before: RememberedCluster | undefined): EventPrinter | null {
	if (!uuid) return null;
	const live = printerIn(snapshot, uuid);
	if (live) return printerFromApi(live);
	const remembered = before?.printers.get(uuid);
	return remembered ? printerFromMemory(uuid, remembered) : null;
}

/** The transitions with the passed milestones in lifecycle order: after it (re)started, before it paused or waits. */
function withMilestones(names: TriggerEventName[], crossed: readonly number[]): Array<[TriggerEventName, number | undefined]> {
	const steps: Array<[TriggerEventName, number | undefined]> = names.map((name) => [name, undefined]);
	if (crossed.length === 0) return steps;
	const at = names.findIndex((name) => name !== 'job.queued' && name !== 'job.started' && name !== 'job.resumed');
	steps.splice(at < 0 ? steps.length : at, 0, ...crossed.map((milestone): [TriggerEventName, number] => ['job.progress', milestone]));
	return steps;
}

/** Was the job seen before and is it where it was (status, started)? Then only milestones can be news. */
function sameStatus(remembered: JobMemory | undefined, job: ApiPrintJobStatus, started: boolean): boolean {
	return !!remembered && remembered.status === (job.status ?? null) && started === remembered.started;
}

/**
 * One listed job: what to remember of it, and the events of its change, if any. True when the job was listed at the
 * previous look (followed in `jobs`, or ended in `ended`).
 */
function diffJob(job: ApiPrintJobStatus, index: number, before: RememberedCluster | undefined, snapshot: Snapshot, next: NextCluster, events: ClusterEvents, context: PollContext): boolean {
	const remembered = before?.jobs.get(job.uuid);
	// A job followed in `jobs` is never in `ended`: only the others need their key looked up.
	const key = remembered ? undefined : terminalKey(job.uuid);
	if (key !== undefined && before?.hasEnded(key)) {
		next.end(key);
		return true;
	}
	const listedBefore = remembered !== undefined;
	const printerUuid = printerOfJob(snapshot, job);
	const started = remembered?.started === true || hasStarted(job);
	const phase = jobPhase(job.status);
	const progress = progressStep(remembered, job, context.milestones);
	if (phase === 'terminal') next.end(key ?? terminalKey(job.uuid));
	else next.jobs.set(job.uuid, rememberJob(remembered, job, printerUuid, started, progress.peak));
	// Same status as last time (the usual case): only a milestone can be news.
	if (sameStatus(remembered, job, started) && progress.crossed.length === 0) return listedBefore;
	const silent =
		context.mode === 'baseline' ||
		(context.mode === 'emitCurrent' && phase === 'terminal') ||
		(!remembered && phase === 'terminal' && isReappearingHistory(job, before));
	const names = silent || sameStatus(remembered, job, started) ? [] : transitionNames(remembered, job);
	const steps = withMilestones(names, progress.crossed);
	if (steps.length === 0) return listedBefore;
	const previous = remembered ? { status: remembered.status } : null;
	const item = eventJob(snapshot, job);
	const printer = printerItem(printerUuid ?? snapshot.singlePrinter, snapshot, before);
	events.jobs.push({
		createdMs: parseTime(job.created_at) ?? Number.MAX_SAFE_INTEGER,
		index,
		events: steps.map(([name, milestone]) => {
			if (milestone === undefined) return context.make(name, printer, item, previous);
			const event = context.make(name, printer, item, { status: remembered!.status, progress: remembered!.peakProgress });
			return { ...event, milestone };
		}),
	});
	return listedBefore;
}

/** The newest created_at of the listed jobs (null: none readable). */
function newestCreated(jobs: readonly ApiPrintJobStatus[]): string | null {
	let newest: string | null = null;
	for (let index = 0; index < jobs.length; index++) newest = laterTime(newest, jobs[index].created_at);
	return newest;
}

/**
 * The listed jobs, and the newest created_at among them for the next poll to compare with (isReappearingHistory).
 * When every job listed at the previous look is listed again (the usual poll), the newest of those is the one
 * remembered, so only the jobs not listed then have their created_at read: touching every job's created_at made
 * the cold 100-cluster poll ~1.15× the build before (paired, bench/trigger.bench.ts). Otherwise all are read.
 */
export function diffJobs(before: RememberedCluster | undefined, snapshot: Snapshot, next: NextCluster, events: ClusterEvents, context: PollContext): void {
	let listedBefore = 0;
	let newestOfOthers: string | null = null;
	// A plain loop, not forEach with a closure over this poll's objects: V8 specialises such a closure's optimised
	// code on them and throws it away at the next full GC (bench/trigger.bench.ts, cold rows).
	for (let index = 0; index < snapshot.jobs.length; index++) {
		const job = snapshot.jobs[index];
		if (diffJob(job, index, before, snapshot, next, events, context)) listedBefore++;
		else newestOfOthers = laterTime(newestOfOthers, job.created_at);
	}
	const allListedAgain = before !== undefined && before.newestCreated !== undefined && listedBefore === before.jobs.size + before.ended.length;
	next.newestCreated = allListedAgain ? laterTime(before.newestCreated, newestOfOthers) : newestCreated(snapshot.jobs);
}

/** Jobs that left the list without an ending this trigger saw: removed from the queue. */
export function reportRemovals(before: RememberedCluster, snapshot: Snapshot, next: NextCluster, events: ClusterEvents, context: PollContext): void {
	let index = snapshot.jobs.length;
	for (const [uuid, remembered] of before.jobs.entries()) {
		if (next.jobs.has(uuid) || next.ended.has(terminalKey(uuid))) continue;
		const printer = printerItem(remembered.printerUuid ?? snapshot.singlePrinter, snapshot, before);
		events.jobs.push({
			// Its creation time is not kept (state size): removals come after the jobs still listed.
			createdMs: Number.MAX_SAFE_INTEGER,
			index: index++,
			events: [context.make('job.removed', printer, context.jobFromMemory(uuid, remembered), { status: remembered.status })],
		});
	}
}
