/**
 * The trigger's pure diff: previous compact state + what this poll saw → events + new compact state.
 * No I/O, no clock (the caller passes `now`), deterministic: the same input always yields the same output.
 */
import {
	extrudersFrom,
	jobFromApi,
	jobFromState,
	jobStateFrom,
	materialFromTuple,
	printerFromApi,
	printerFromState,
	sameMaterial,
	terminalKey,
} from './items';
import { finiteOrNull, hasStarted, jobPhase, terminalOutcome } from './jobStatus';
import type {
	ApiClusterStatus,
	ApiPrinterStatus,
	ApiPrintJobStatus,
	ClusterObservation,
	ClusterState,
	DiffOptions,
	DiffResult,
	EventJob,
	EventPrinter,
	JobState,
	PrinterState,
	TriggerEvent,
	TriggerEventName,
	TriggerState,
} from './types';

/** How a cluster is treated this poll: first look silently, first look emitting its current state, or a real diff. */
type Mode = 'baseline' | 'emitCurrent' | 'diff';

interface Context {
	detectedAt: string;
	nowMs: number;
	threshold: number;
	includeSnapshot: boolean;
}

/** Events of one cluster, grouped so they can be put in time order. */
interface ClusterEvents {
	online: TriggerEvent[];
	jobs: Array<{ createdMs: number; index: number; events: TriggerEvent[] }>;
	printers: TriggerEvent[];
	offline: TriggerEvent[];
}

export function emptyState(): TriggerState {
	return { v: 1, c: {} };
}

/** Accepts whatever came out of static data; anything unrecognisable counts as "no previous state". */
export function isTriggerState(value: unknown): value is TriggerState {
	if (!value || typeof value !== 'object') return false;
	const candidate = value as Partial<TriggerState>;
	return candidate.v === 1 && !!candidate.c && typeof candidate.c === 'object';
}

export function diffSnapshots(
	previous: TriggerState | undefined,
	observations: ClusterObservation[],
	options: DiffOptions,
	now: Date,
): DiffResult {
	const context: Context = {
		detectedAt: now.toISOString(),
		nowMs: now.getTime(),
		threshold: Math.max(1, Math.floor(Number(options.offlineAfterMissedPolls) || 1)),
		includeSnapshot: options.includeSnapshot === true,
	};
	const state = emptyState();
	const events: TriggerEvent[] = [];
	for (const observation of observations) {
		const clusterId = observation.cluster_id;
		if (typeof clusterId !== 'string' || clusterId in state.c) continue;
		const before = previous?.c[clusterId];
		const mode: Mode = before ? 'diff' : options.emitOnFirstPoll ? 'emitCurrent' : 'baseline';
		const result = diffCluster(before, observation, mode, context);
		// A cluster never fetched successfully has nothing to remember yet.
		if (!result) continue;
		state.c[clusterId] = result.state;
		const grouped = result.events;
		grouped.jobs.sort((a, b) => a.createdMs - b.createdMs || a.index - b.index);
		events.push(...grouped.online, ...grouped.jobs.flatMap((group) => group.events), ...grouped.printers, ...grouped.offline);
	}
	// Clusters absent from `observations` (removed from the account, or no longer selected) are dropped silently.
	return { events, state };
}

function diffCluster(
	before: ClusterState | undefined,
	observation: ClusterObservation,
	mode: Mode,
	context: Context,
): { state: ClusterState; events: ClusterEvents } | undefined {
	const events: ClusterEvents = { online: [], jobs: [], printers: [], offline: [] };
	const status = observation.unreachable ? undefined : (observation.status ?? undefined);
	if (!status) {
		if (!before) return undefined;
		return { state: missedPoll(before, observation, events, context), events };
	}
	const clusterName = observation.friendly_name ?? before?.n ?? null;
	const next: ClusterState = { n: clusterName, g: status.generated_time ?? null, p: {}, j: {}, d: [] };
	const make = eventFactory(observation.cluster_id, clusterName, status, context);
	// Only events need these; most polls of most clusters have none.
	let referenceTime: number | undefined;
	const referenceMs = () => (referenceTime ??= parseTime(status.generated_time) ?? context.nowMs);
	const printers = (Array.isArray(status.printers) ? status.printers : []).filter(isPrinter);
	const jobs = (Array.isArray(status.print_jobs) ? status.print_jobs : []).filter(isJob);
	const printerOf = (uuid: string | null): EventPrinter | null => {
		if (!uuid) return null;
		const live = printers.find((printer) => printer.uuid === uuid);
		if (live) return printerFromApi(live);
		const remembered = before?.p[uuid];
		return remembered ? printerFromState(uuid, remembered) : null;
	};
	const singlePrinter = printers.length === 1 ? printers[0].uuid : null;
	const currentJobOf = (printerUuid: string): EventJob | null => {
		const job = jobs.find(
			(candidate) =>
				(explicitPrinterUuid(candidate, printers) ?? singlePrinter) === printerUuid &&
				(['active', 'paused', 'waiting'].includes(jobPhase(candidate.status)) || candidate.status === 'wait_cleanup'),
		);
		return job ? jobFromApi(job, referenceMs()) : null;
	};

	// A status without a printer or job list says nothing about them (not "all gone"): keep what we knew.
	if (Array.isArray(status.printers)) {
		diffPrinters(before, observation, printers, next, events, make, currentJobOf, mode, context);
	} else if (before) {
		next.p = { ...before.p };
	}
	if (!Array.isArray(status.print_jobs)) {
		if (before) {
			next.j = { ...before.j };
			next.d = [...before.d];
		}
		return { state: next, events };
	}

	const knownTerminal = before?.d ?? [];
	for (let index = 0; index < jobs.length; index++) {
		const job = jobs[index];
		if (job.uuid in next.j) continue; // listed twice: the first entry counts
		const remembered = before?.j[job.uuid];
		// A job followed in `j` is never in `d`: only the others need their key looked up.
		let key: string | undefined;
		if (!remembered) {
			key = terminalKey(job.uuid);
			if (knownTerminal.includes(key)) {
				next.d.push(key);
				continue;
			}
		}
		const assignedPrinter = explicitPrinterUuid(job, printers);
		if (remembered && remembered.s === (job.status ?? null)) {
			// Same status as last time (the usual case): no event is possible, only the progress moved.
			const started = remembered.st === 1 || hasStarted(job);
			if (started === (remembered.st === 1)) {
				next.j[job.uuid] = sameJobState(remembered, job, assignedPrinter, started)
					? remembered
					: jobStateFrom(job, assignedPrinter, started);
				continue;
			}
		}
		const phase = jobPhase(job.status);
		const silent =
			mode === 'baseline' ||
			(mode === 'emitCurrent' && phase === 'terminal') ||
			(!remembered && phase === 'terminal' && isReappearingHistory(job, before));
		const names = silent ? [] : jobTransitionNames(remembered, job);
		if (phase === 'terminal') {
			key ??= terminalKey(job.uuid);
			if (next.d.includes(key)) continue;
			next.d.push(key);
		} else {
			const started = remembered?.st === 1 || hasStarted(job);
			next.j[job.uuid] =
				remembered && sameJobState(remembered, job, assignedPrinter, started)
					? remembered
					: jobStateFrom(job, assignedPrinter, started);
		}
		if (names.length === 0) continue;
		const previous = remembered ? { status: remembered.s } : null;
		const item = jobFromApi(job, referenceMs());
		const printer = printerOf(assignedPrinter ?? singlePrinter);
		events.jobs.push({
			createdMs: parseTime(job.created_at) ?? Number.MAX_SAFE_INTEGER,
			index,
			events: names.map((name) => make(name, printer, item, previous)),
		});
	}

	// Jobs that left the list without a terminal state we saw: removed from the queue.
	if (before) {
		let index = jobs.length;
		for (const [uuid, remembered] of Object.entries(before.j)) {
			if (uuid in next.j || next.d.includes(terminalKey(uuid))) continue;
			const printer = printerOf(remembered.p ?? singlePrinter);
			events.jobs.push({
				// Its creation time is not kept (state size): removals come after the jobs still listed.
				createdMs: Number.MAX_SAFE_INTEGER,
				index: index++,
				events: [make('job.removed', printer, jobFromState(uuid, remembered, context.nowMs), { status: remembered.s })],
			});
		}
	}
	return { state: next, events };
}

/** The cluster could not be fetched: keep everything, count a missed poll for each of its printers. */
function missedPoll(before: ClusterState, observation: ClusterObservation, events: ClusterEvents, context: Context): ClusterState {
	const clusterName = observation.friendly_name ?? before.n;
	const make = eventFactory(observation.cluster_id, clusterName, null, context);
	const next: ClusterState = { n: clusterName, g: before.g, p: {}, j: { ...before.j }, d: [...before.d] };
	const printerUuids = Object.keys(before.p);
	const singlePrinter = printerUuids.length === 1 ? printerUuids[0] : undefined;
	for (const [uuid, printer] of Object.entries(before.p)) {
		next.p[uuid] = countMiss(printer, () => {
			const job = Object.entries(before.j).find(
				([, candidate]) =>
					(candidate.p ?? singlePrinter) === uuid && ['active', 'paused', 'waiting'].includes(jobPhase(candidate.s)),
			);
			events.offline.push(
				make(
					'printer.offline',
					printerFromState(uuid, printer, 'unreachable'),
					job ? jobFromState(job[0], job[1], context.nowMs) : null,
					{ status: printer.s, online: true },
				),
			);
		}, context);
	}
	return next;
}

function countMiss(printer: PrinterState, emitOffline: () => void, context: Context): PrinterState {
	const missed = (printer.m ?? 0) + 1;
	const next: PrinterState = { ...printer, m: missed };
	if (missed >= context.threshold && !printer.off) {
		next.off = 1;
		emitOffline();
	}
	return next;
}

function diffPrinters(
	before: ClusterState | undefined,
	observation: ClusterObservation,
	printers: ApiPrinterStatus[],
	next: ClusterState,
	events: ClusterEvents,
	make: EventFactory,
	currentJobOf: (printerUuid: string) => EventJob | null,
	mode: Mode,
	context: Context,
): void {
	const clusterOffline = observation.is_online === false;
	for (const printer of printers) {
		if (printer.uuid in next.p) continue;
		const remembered = before?.p[printer.uuid];
		const unreachable = clusterOffline || printer.status === 'unreachable';
		if (remembered && !unreachable && !remembered.m && !remembered.off && printerUnchanged(remembered, printer)) {
			next.p[printer.uuid] = remembered; // the usual case: nothing to report, nothing to allocate
			continue;
		}
		const fresh = freshPrinterState(printer, remembered, unreachable);
		if (!remembered) {
			// A printer seen for the first time is a baseline; with emitOnFirstPoll, announce it.
			if (unreachable) fresh.m = 1;
			next.p[printer.uuid] = fresh;
			if (mode === 'emitCurrent' && !unreachable) {
				const item = printerFromApi(printer);
				events.online.push(make('printer.online', item, currentJobOf(printer.uuid), null));
				if (fresh.mr) {
					events.printers.push(make('printer.maintenanceRequired', item, currentJobOf(printer.uuid), { maintenance_required: false }));
				}
			}
			continue;
		}
		if (unreachable) {
			next.p[printer.uuid] = countMiss(
				fresh,
				() =>
					events.offline.push(
						make('printer.offline', printerFromApi(printer), currentJobOf(printer.uuid), { status: remembered.s, online: true }),
					),
				context,
			);
			continue;
		}
		next.p[printer.uuid] = fresh;
		const item = printerFromApi(printer);
		const job = () => currentJobOf(printer.uuid);
		if (remembered.off) {
			events.online.push(make('printer.online', item, job(), { status: remembered.s, online: false }));
		}
		if (fresh.s !== remembered.s && fresh.s !== null) {
			events.printers.push(make('printer.statusChanged', item, job(), { status: remembered.s }));
		}
		if (fresh.mr && !remembered.mr) {
			events.printers.push(make('printer.maintenanceRequired', item, job(), { maintenance_required: false }));
		}
		for (const extruder of fresh.x) {
			const old = remembered.x.find((candidate) => candidate[0] === extruder[0]);
			if (!old) continue;
			const coreChanged = old[1] !== extruder[1];
			const materialChanged = !sameMaterial(old[2], extruder[2]);
			if (!coreChanged && !materialChanged) continue;
			const detail = {
				extruder_index: extruder[0],
				print_core_id: extruder[1],
				material: materialFromTuple(extruder[2]),
			};
			if (coreChanged) {
				events.printers.push({
					...make('printer.printCoreChanged', item, job(), { extruder_index: old[0], print_core_id: old[1] }),
					extruder: detail,
				});
			}
			if (materialChanged) {
				events.printers.push({
					...make('printer.materialChanged', item, job(), { extruder_index: old[0], material: materialFromTuple(old[2]) }),
					extruder: detail,
				});
			}
		}
	}
	// Printers no longer listed: while the cluster is offline they may just be hidden; otherwise they left.
	if (before && clusterOffline) {
		for (const [uuid, remembered] of Object.entries(before.p)) {
			if (uuid in next.p) continue;
			next.p[uuid] = countMiss(
				remembered,
				() =>
					events.offline.push(
						make('printer.offline', printerFromState(uuid, remembered, 'unreachable'), null, { status: remembered.s, online: true }),
					),
				context,
			);
		}
	}
}

/** True when the remembered job state already says what `job` says (then it is kept as is: fewer allocations). */
function sameJobState(remembered: JobState, job: ApiPrintJobStatus, printerUuid: string | null, started: boolean): boolean {
	return (
		remembered.s === (job.status ?? null) &&
		remembered.e === finiteOrNull(job.time_elapsed) &&
		remembered.t === finiteOrNull(job.time_total) &&
		remembered.n === (job.name ?? null) &&
		remembered.c === (job.cloud_job_id ?? null) &&
		remembered.o === (job.owner ?? null) &&
		(remembered.p ?? null) === printerUuid &&
		(remembered.st === 1) === started
	);
}

/** Would freshPrinterState() give exactly `remembered` for this reachable printer? (Checked without allocating.) */
function printerUnchanged(remembered: PrinterState, printer: ApiPrinterStatus): boolean {
	if (printer.friendly_name != null && printer.friendly_name !== remembered.n) return false;
	if (printer.machine_variant != null && printer.machine_variant !== remembered.v) return false;
	if (printer.status && printer.status !== 'unreachable' && printer.status !== remembered.s) return false;
	if (typeof printer.maintenance_required === 'boolean' && printer.maintenance_required !== (remembered.mr === 1)) return false;
	const configuration = printer.configuration;
	if (!Array.isArray(configuration)) return true;
	let position = 0;
	for (const core of configuration) {
		if (!core || typeof core.extruder_index !== 'number') continue;
		const kept = remembered.x[position++];
		if (!kept || kept[0] !== core.extruder_index || kept[1] !== (core.print_core_id ?? null)) return false;
		const material = core.material;
		const tuple = kept[2];
		if (!material || !tuple) {
			if (material || tuple) return false;
			continue;
		}
		if (
			tuple[0] !== (material.guid ?? null) ||
			tuple[1] !== (material.brand ?? null) ||
			tuple[2] !== (material.color ?? null) ||
			tuple[3] !== (material.material ?? null)
		) {
			return false;
		}
	}
	return position === remembered.x.length;
}

/** The state to keep for a printer. While unreachable, the snapshot's status and configuration are not trusted. */
function freshPrinterState(printer: ApiPrinterStatus, remembered: PrinterState | undefined, unreachable: boolean): PrinterState {
	const reportedStatus = printer.status && printer.status !== 'unreachable' ? printer.status : null;
	const next: PrinterState = {
		n: printer.friendly_name ?? remembered?.n ?? null,
		v: printer.machine_variant ?? remembered?.v ?? null,
		s: unreachable ? (remembered?.s ?? null) : (reportedStatus ?? remembered?.s ?? null),
		x: (unreachable ? null : extrudersFrom(printer.configuration)) ?? remembered?.x ?? [],
	};
	const maintenance = unreachable || typeof printer.maintenance_required !== 'boolean' ? remembered?.mr === 1 : printer.maintenance_required;
	if (maintenance) next.mr = 1;
	if (remembered?.m && unreachable) next.m = remembered.m;
	if (remembered?.off && unreachable) next.off = 1;
	return next;
}

/** The events a job's change from what we remembered (or from nothing) to what we see now implies, in order. */
export function jobTransitionNames(remembered: JobState | undefined, job: ApiPrintJobStatus): TriggerEventName[] {
	const names: TriggerEventName[] = [];
	const phase = jobPhase(job.status);
	const previousPhase = remembered ? jobPhase(remembered.s) : undefined;
	if (!remembered) names.push('job.queued');
	if (hasStarted(job) && remembered?.st !== 1) names.push('job.started');
	if (phase === 'paused' && previousPhase !== 'paused') names.push('job.paused');
	if (previousPhase === 'paused') {
		const running = phase === 'active' && job.status !== 'aborting';
		if (running || (phase === 'terminal' && terminalOutcome(job) === 'finished')) names.push('job.resumed');
	}
	if (phase === 'waiting' && remembered?.s !== job.status) names.push('job.waitingForUser');
	if (phase === 'terminal') names.push(`job.${terminalOutcome(job)}` as TriggerEventName);
	return names;
}

/**
 * A finished job we never saw, created before our previous look at the cluster, would have been visible then:
 * it is an old history entry coming back into the 10-job window, not news.
 */
function isReappearingHistory(job: ApiPrintJobStatus, before: ClusterState | undefined): boolean {
	const created = parseTime(job.created_at);
	const lastLook = parseTime(before?.g);
	return created !== undefined && lastLook !== undefined && created < lastLook;
}

/**
 * The printer a job runs on or is assigned to, as the API says. (Events of an unassigned job in a
 * single-printer cluster name that printer: the cluster's queue is its queue.)
 */
function explicitPrinterUuid(job: ApiPrintJobStatus, printers: ApiPrinterStatus[]): string | null {
	if (job.printer_uuid) return job.printer_uuid;
	if (job.printed_on_uuid) return job.printed_on_uuid;
	if (job.assigned_to) {
		const assigned = printers.find(
			(printer) => printer.unique_name === job.assigned_to || printer.friendly_name === job.assigned_to,
		);
		if (assigned) return assigned.uuid;
	}
	return null;
}

type EventFactory = (
	name: TriggerEventName,
	printer: EventPrinter | null,
	job: EventJob | null,
	previous: Record<string, unknown> | null,
) => TriggerEvent;

function eventFactory(
	clusterId: string,
	clusterName: string | null,
	snapshot: ApiClusterStatus | null,
	context: Context,
): EventFactory {
	return (name, printer, job, previous) => {
		const event: TriggerEvent = {
			event: name,
			detectedAt: context.detectedAt,
			cluster: { cluster_id: clusterId, friendly_name: clusterName },
			printer,
			job,
			previous,
		};
		if (context.includeSnapshot) event.snapshot = snapshot;
		return event;
	};
}

function isPrinter(value: unknown): value is ApiPrinterStatus {
	return !!value && typeof value === 'object' && typeof (value as ApiPrinterStatus).uuid === 'string';
}

function isJob(value: unknown): value is ApiPrintJobStatus {
	return !!value && typeof value === 'object' && typeof (value as ApiPrintJobStatus).uuid === 'string';
}

function parseTime(value: string | null | undefined): number | undefined {
	if (!value) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : ms;
}
