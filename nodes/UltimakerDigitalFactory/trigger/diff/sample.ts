/**
 * "Fetch test event" in the editor: real event items built from the live status, without any stored state.
 * Pure, like the diff: live observations in, sample events out.
 */
import { diffSnapshots } from './diff';
import { jobFromApi, printerFromApi } from './items';
import { jobPhase, terminalOutcome } from './jobStatus';
import type { ClusterObservation, TriggerEvent, TriggerEventName } from './types';

/**
 * One event per kind the live status can show: the current state (printer.online, job.queued / started /
 * paused / waitingForUser, printer.maintenanceRequired) plus the latest finished/aborted/failed job of each
 * cluster's history. When none of the selected kinds can be shown, the closest real item is returned under the
 * first selected name, so the workflow can still be built against the exact shape.
 */
export function sampleEvents(
	observations: ClusterObservation[],
	selected: TriggerEventName[],
	now: Date,
	includeSnapshot = false,
): TriggerEvent[] {
	const current = diffSnapshots(
		undefined,
		observations,
		{ offlineAfterMissedPolls: 1, emitOnFirstPoll: true, includeSnapshot },
		now,
	).events;
	const history: TriggerEvent[] = [];
	for (const observation of observations) {
		const status = observation.status;
		if (!status || observation.unreachable) continue;
		const jobs = (status.print_jobs ?? []).filter((job) => job && typeof job.uuid === 'string');
		const printers = (status.printers ?? []).filter((printer) => printer && typeof printer.uuid === 'string');
		const latest = jobs
			.filter((job) => jobPhase(job.status) === 'terminal')
			.sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))[0];
		if (!latest) continue;
		const printerUuid = latest.printer_uuid ?? latest.printed_on_uuid ?? (printers.length === 1 ? printers[0].uuid : null);
		const printer = printers.find((candidate) => candidate.uuid === printerUuid);
		const referenceMs = Date.parse(status.generated_time ?? '') || now.getTime();
		const event: TriggerEvent = {
			event: `job.${terminalOutcome(latest)}` as TriggerEventName,
			detectedAt: now.toISOString(),
			cluster: { cluster_id: observation.cluster_id, friendly_name: observation.friendly_name ?? null },
			printer: printer ? printerFromApi(printer) : null,
			job: jobFromApi(latest, referenceMs),
			previous: null,
		};
		if (includeSnapshot) event.snapshot = status;
		history.push(event);
	}
	const onePerKind: TriggerEvent[] = [];
	for (const event of [...current, ...history]) {
		if (!onePerKind.some((kept) => kept.event === event.event)) onePerKind.push(event);
	}
	if (selected.length === 0) return onePerKind;
	const matching = onePerKind.filter((event) => selected.includes(event.event));
	if (matching.length > 0 || onePerKind.length === 0) return matching;
	const wanted = selected[0];
	const family = wanted.split('.')[0];
	const template =
		onePerKind.find((event) => event.event.startsWith(`${family}.`) && (family === 'printer' || event.job)) ?? onePerKind[0];
	return [{ ...template, event: wanted }];
}

/** Keeps the selected event kinds (none selected = all). */
export function filterEvents(events: TriggerEvent[], selected: TriggerEventName[]): TriggerEvent[] {
	return selected.length === 0 ? events : events.filter((event) => selected.includes(event.event));
}
