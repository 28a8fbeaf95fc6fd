/**
 * "Fetch test event" in the editor: real event items built from the live status, without any stored state.
 * Pure, like the diff: live observations in, sample events out.
 */
import { diffSnapshots } from './diff';
import { jobFromApi, printerFromApi } from './items';
import { jobPhase, terminalOutcome } from '../status/phases';
import { printerIn, printerOfJob, referenceMs, snapshotOf } from './snapshot';
import type { ClusterObservation, TriggerEvent, TriggerEventName } from './types';

/**
 * One event per kind the live status can show: the current state (printer.online, job.queued / started /
 * paused / waitingForUser, printer.maintenanceRequired) plus the latest finished/aborted/failed job of each
 * cluster's history. When none of the selected kinds can be shown, the closest real item is returned under the
 * first selected name, so the workflow can still be built against the exact shape.
 */
/** The latest ended job of one cluster's history as the event it ended with, if there is one. */
function latestEnding(observation: ClusterObservation, now: Date, includeSnapshot: boolean): TriggerEvent | undefined {
	const status = observation.status;
	if (!status || observation.unreachable) return undefined;
	const snapshot = snapshotOf(status, now.getTime());
	const latest = snapshot.jobs
		.filter((job) => jobPhase(job.status) === 'terminal')
		.sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))[0];
	if (!latest) return undefined;
	const printer = printerIn(snapshot, printerOfJob(snapshot, latest) ?? snapshot.singlePrinter ?? '');
	const event: TriggerEvent = {
		event: `job.${terminalOutcome(latest)}` as TriggerEventName,
		detectedAt: now.toISOString(),
		cluster: { cluster_id: observation.cluster_id, friendly_name: observation.friendly_name ?? null, host_guid: observation.host_guid ?? null },
		printer: printer ? printerFromApi(printer) : null,
		job: jobFromApi(latest, referenceMs(snapshot)),
		previous: null,
	};
	if (includeSnapshot) event.snapshot = status;
	return event;
}

/** A job.progress sample names a milestone: the highest configured one the job has reached, else the first (50 without any). */
function sampleMilestone(event: TriggerEvent, milestones: readonly number[]): number {
	const progress = event.job?.progress ?? 0;
	return [...milestones].reverse().find((milestone) => milestone <= progress) ?? milestones[0] ?? 50;
}

export function sampleEvents(
	observations: ClusterObservation[],
	selected: TriggerEventName[],
	now: Date,
	includeSnapshot = false,
	milestones: readonly number[] = [],
): TriggerEvent[] {
	const current = diffSnapshots(undefined, observations, { offlineAfterMissedPolls: 1, emitOnFirstPoll: true, includeSnapshot }, now).events;
	const history = observations.map((observation) => latestEnding(observation, now, includeSnapshot)).filter((event): event is TriggerEvent => !!event);
	const onePerKind: TriggerEvent[] = [];
	for (const event of [...current, ...history]) {
		if (!onePerKind.some((kept) => kept.event === event.event)) onePerKind.push(event);
	}
	if (selected.length === 0) return onePerKind;
	const matching = onePerKind.filter((event) => selected.includes(event.event));
	if (matching.length > 0 || onePerKind.length === 0) return matching;
	const wanted = selected[0];
	const family = wanted.split('.')[0];
	const template = onePerKind.find((event) => event.event.startsWith(`${family}.`) && (family === 'printer' || event.job)) ?? onePerKind[0];
	if (wanted === 'job.progress') return [{ ...template, event: wanted, milestone: sampleMilestone(template, milestones) }];
	return [{ ...template, event: wanted }];
}

/** Keeps the selected event kinds (none selected = all). */
export function filterEvents(events: TriggerEvent[], selected: TriggerEventName[]): TriggerEvent[] {
	return selected.length === 0 ? events : events.filter((event) => selected.includes(event.event));
}
