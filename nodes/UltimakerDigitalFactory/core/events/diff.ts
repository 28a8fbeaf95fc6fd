/**
 * The trigger's pure diff: the state saved after the previous poll + what this poll saw → events + the state to
 * save. No I/O and no clock of its own (the caller passes `now`): the same input always gives the same output.
 * Per cluster: printers, then jobs, then removals (printers.ts, jobs.ts), over one indexed snapshot.
 */
import { emptyEvents, inOrder, PollContext, type Mode, type PollSettings } from './context';
import { diffJobs, reportRemovals } from './jobs';
import { cleanMilestones } from './milestones';
import type { RememberedCluster, TriggerState } from './memory';
import { loadState, NextCluster, saveState } from './memory';
import { diffPrinters, missedPoll } from './printers';
import { parseTime, snapshotOf } from './snapshot';
import type { ClusterObservation, DiffOptions, DiffResult, TriggerEvent } from './types';

/**
 * The snapshot's time to remember, never later than ours: a server clock that jumps ahead and back must not make
 * jobs created in between look like old history.
 */
function rememberedTime(generatedTime: string | null | undefined, settings: PollSettings): string | null {
	if (!generatedTime) return null;
	// ISO times of one format compare as strings; only another format needs parsing.
	if (generatedTime.length === settings.detectedAt.length && generatedTime.endsWith('Z')) return generatedTime > settings.detectedAt ? settings.detectedAt : generatedTime;
	const ms = parseTime(generatedTime);
	if (ms === undefined) return null;
	return ms > settings.nowMs ? settings.detectedAt : generatedTime;
}

/** One watched cluster: its new memory and its events; undefined for a cluster never read successfully. */
function diffCluster(before: RememberedCluster | undefined, observation: ClusterObservation, mode: Mode, settings: PollSettings): { memory: NextCluster; events: TriggerEvent[] } | undefined {
	const events = emptyEvents();
	const name = observation.friendly_name ?? before?.name ?? null;
	const status = observation.unreachable ? undefined : (observation.status ?? undefined);
	if (!status) {
		if (!before) return undefined;
		const context = new PollContext(settings, mode, { cluster_id: observation.cluster_id, name }, null);
		const memory = missedPoll(before, name, events, context);
		return { memory, events: inOrder(events) };
	}
	const context = new PollContext(settings, mode, { cluster_id: observation.cluster_id, name }, status);
	const snapshot = snapshotOf(status, settings.nowMs);
	const next = new NextCluster(name, rememberedTime(status.generated_time, settings), before);
	// A status without a printer or job list says nothing about them (not "all gone"): keep what was known.
	if (snapshot.printersListed) diffPrinters(before, observation.is_online, snapshot, next, events, context);
	else if (before) next.keep(before, 'printers');
	if (!snapshot.jobsListed) {
		if (before) next.keep(before, 'jobs');
		return { memory: next, events: inOrder(events) };
	}
	diffJobs(before, snapshot, next, events, context);
	if (before) reportRemovals(before, snapshot, next, events, context);
	return { memory: next, events: inOrder(events) };
}

export function diffSnapshots(previous: TriggerState | undefined, observations: ClusterObservation[], options: DiffOptions, now: Date): DiffResult {
	const settings: PollSettings = {
		detectedAt: now.toISOString(),
		nowMs: now.getTime(),
		threshold: Math.max(1, Math.floor(Number(options.offlineAfterMissedPolls) || 1)),
		includeSnapshot: options.includeSnapshot === true,
		milestones: cleanMilestones(options.progressMilestones),
	};
	const before = loadState(previous);
	const after = new Map<string, NextCluster>();
	const events: TriggerEvent[] = [];
	for (const observation of observations) {
		const clusterId = observation.cluster_id;
		if (typeof clusterId !== 'string' || after.has(clusterId)) continue;
		const remembered = before.get(clusterId);
		const mode: Mode = remembered ? 'diff' : options.emitOnFirstPoll ? 'emitCurrent' : 'baseline';
		const result = diffCluster(remembered, observation, mode, settings);
		if (!result) continue;
		after.set(clusterId, result.memory);
		events.push(...result.events);
	}
	// Clusters absent from `observations` (removed from the account, or no longer selected) are dropped silently.
	return { events, state: saveState(after) };
}
