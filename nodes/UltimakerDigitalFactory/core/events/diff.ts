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
 * The snapshot's time to remember (`g`), never later than ours: a server clock that jumps ahead and back must not make
 * jobs created in between look like old history. Only read where a cluster has no newest created_at (`nc`) yet — a
 * state saved before it was kept, or one whose jobs were never listed — and by such an older release reading this
 * state: jobs.ts otherwise compares created_at with created_at. (It mixes clocks, the server's capped by n8n's,
 * but only ever towards reporting; on the local network it is n8n's clock twice.)
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
	const hostGuid = hostGuidOf(observation) ?? before?.hostGuid ?? null;
	const cluster = { cluster_id: observation.cluster_id, name, host_guid: hostGuid };
	const status = observation.unreachable ? undefined : (observation.status ?? undefined);
	if (!status) {
		if (!before) return undefined;
		const context = new PollContext(settings, mode, cluster, null);
		const memory = missedPoll(before, name, events, context);
		return { memory, events: inOrder(events) };
	}
	const context = new PollContext(settings, mode, cluster, status);
	const snapshot = snapshotOf(status, settings.nowMs);
	const next = new NextCluster(name, rememberedTime(status.generated_time, settings), before, hostGuid);
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

/** Former cluster_ids kept per cluster. */
const FORMER_IDS = 5;

function hostGuidOf(observation: ClusterObservation): string | null {
	const guid = observation.host_guid;
	return typeof guid === 'string' && guid !== '' ? guid : null;
}

/**
 * What each observation is compared with: the cluster remembered under its id, else — a reconnect or reset gave it
 * a new cluster_id — the one remembered with its host_guid, if that one is not observed under its own id this poll.
 * Clusters remembered without a host_guid (states saved before it was kept) are found by id only.
 */
export function matchRemembered(before: Map<string, RememberedCluster>, observations: ClusterObservation[]): Array<RememberedCluster | undefined> {
	const matched: Array<RememberedCluster | undefined> = observations.map((observation) => before.get(observation.cluster_id));
	const missing = matched.findIndex((remembered, index) => !remembered && hostGuidOf(observations[index]) !== null);
	if (missing < 0) return matched;
	const claimed = new Set<RememberedCluster>(matched.filter((remembered): remembered is RememberedCluster => !!remembered));
	const byHost = new Map<string, RememberedCluster>();
	for (const remembered of before.values()) {
		if (remembered.hostGuid !== null && !claimed.has(remembered) && !byHost.has(remembered.hostGuid)) byHost.set(remembered.hostGuid, remembered);
	}
	for (let index = missing; index < observations.length; index++) {
		const guid = hostGuidOf(observations[index]);
		if (matched[index] || guid === null) continue;
		matched[index] = byHost.get(guid);
		byHost.delete(guid);
	}
	return matched;
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
	const rememberedOf = matchRemembered(before, observations);
	const after = new Map<string, NextCluster>();
	const events: TriggerEvent[] = [];
	for (let index = 0; index < observations.length; index++) {
		const observation = observations[index];
		const clusterId = observation.cluster_id;
		if (typeof clusterId !== 'string' || after.has(clusterId)) continue;
		const remembered = rememberedOf[index];
		const mode: Mode = remembered ? 'diff' : options.emitOnFirstPoll ? 'emitCurrent' : 'baseline';
		const result = diffCluster(remembered, observation, mode, settings);
		if (!result) continue;
		if (remembered && remembered.clusterId !== clusterId) result.memory.formerIds = [...remembered.formerIds.filter((id) => id !== clusterId), remembered.clusterId].slice(-FORMER_IDS);
		after.set(clusterId, result.memory);
		events.push(...result.events);
	}
	// Clusters absent from `observations` (removed from the account, or no longer selected) are dropped silently; one
	// followed to a new cluster_id by its host_guid is saved under the new id only.
	return { events, state: saveState(after) };
}
