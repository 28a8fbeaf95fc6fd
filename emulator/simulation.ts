/**
 * The printer simulation, as pure functions: each takes a cluster (never mutated) and returns a new one.
 * `advanceCluster(cluster, toMs)` runs every transition due up to `toMs` in time order, so one call that
 * spans hours yields the same state as many small steps.
 */
import type {
	ClusterState,
	ConfigurationChange,
	ExtruderNeeds,
	Impediment,
	PrintJobState,
	GcodeHeader,
	PrinterState,
	Timings,
} from './stateModel';
import { ARCHIVE_LIMIT, DEFAULT_TIMINGS } from './stateModel';
import { PRINTER_TYPES, materialByGuid, materialDisplayName } from './catalog';

export type ActionName = 'pause' | 'resume' | 'abort' | 'move' | 'remove' | 'force';
export const ACTION_NAMES: readonly ActionName[] = ['pause', 'resume', 'abort', 'move', 'remove', 'force'];

export interface SimulationError {
	httpStatus: number;
	code: string;
	title: string;
	detail: string;
}

export type SimulationResult = { ok: true; cluster: ClusterState } | { ok: false; error: SimulationError };

/**
 * A copy to change. Archived jobs are never changed once archived (a factory reset deep-copies before it renames),
 * so the copy shares them: a long-running emulator's archive (up to ARCHIVE_LIMIT jobs) is not copied per request.
 */
export function cloneCluster(cluster: ClusterState): ClusterState {
	const { archive, ...changeable } = cluster;
	return { ...structuredClone(changeable), archive: [...archive] };
}

/** Runs the cluster's clock forward to `toMs`; an offline cluster is frozen (its jobs do not move). */
export function advanceCluster(
	input: ClusterState,
	toMs: number,
	timings: Timings = DEFAULT_TIMINGS,
): ClusterState {
	const cluster = cloneCluster(input);
	const target = Math.max(toMs, cluster.syncedAt);
	if (!cluster.is_online) {
		const frozenFor = target - cluster.syncedAt;
		for (const job of cluster.queue) if (job.status !== 'queued') job.phaseStartedAt += frozenFor;
		cluster.syncedAt = target;
		return cluster;
	}
	let now = cluster.syncedAt;
	// Bounded: every iteration applies one transition; a runaway loop would be a bug, not a hang.
	for (let step = 0; step < 100_000; step++) {
		assignQueuedJobs(cluster, now);
		let nextAt = Infinity;
		let nextPrinter: PrinterState | null = null;
		for (const printer of cluster.printers) {
			const job = activeJobOf(cluster, printer);
			if (!job) continue;
			const at = transitionDueAt(job, timings);
			if (at < nextAt) {
				nextAt = at;
				nextPrinter = printer;
			}
		}
		if (!nextPrinter || nextAt > target) break;
		now = Math.max(now, nextAt);
		applyTransition(cluster, nextPrinter, now, timings);
	}
	cluster.syncedAt = target;
	assignQueuedJobs(cluster, target);
	return cluster;
}

export function activeJobOf(cluster: ClusterState, printer: PrinterState): PrintJobState | undefined {
	if (!printer.activeJobUuid) return undefined;
	return cluster.queue.find((job) => job.uuid === printer.activeJobUuid);
}

/** When the job's current status ends by itself (Infinity: it waits for someone). */
export function transitionDueAt(job: PrintJobState, timings: Timings): number {
	const s = 1000;
	switch (job.status) {
		case 'pre_print':
			return job.phaseStartedAt + timings.prePrintSeconds * s;
		case 'printing':
			return job.phaseStartedAt + Math.max(0, job.time_total * s - job.elapsedMs);
		case 'pausing':
		case 'resuming':
		case 'aborting':
			return job.phaseStartedAt + timings.transitionSeconds * s;
		case 'post_print':
			return job.phaseStartedAt + timings.postPrintSeconds * s;
		case 'wait_cleanup':
			return job.phaseStartedAt + timings.cleanupSeconds * s;
		default:
			return Infinity;
	}
}

function applyTransition(cluster: ClusterState, printer: PrinterState, at: number, timings: Timings): void {
	const job = activeJobOf(cluster, printer);
	if (!job) return;
	switch (job.status) {
		case 'pre_print':
			setPhase(job, 'printing', at);
			job.started = true;
			break;
		case 'printing':
			job.elapsedMs = job.time_total * 1000;
			setPhase(job, 'post_print', at);
			break;
		case 'pausing':
			setPhase(job, 'paused', at);
			break;
		case 'resuming':
			setPhase(job, 'printing', at);
			break;
		case 'aborting':
			job.aborted = true;
			setPhase(job, 'wait_cleanup', at);
			break;
		case 'post_print':
			setPhase(job, 'wait_cleanup', at);
			break;
		case 'wait_cleanup':
			retireActiveJob(cluster, printer, job.aborted ? 'aborted' : 'finished', at, timings);
			break;
	}
}

/** Milliseconds printed by `atMs` (only the `printing` status moves the counter). */
export function elapsedMsAt(job: PrintJobState, atMs: number): number {
	if (job.status !== 'printing') return job.elapsedMs;
	return Math.min(job.time_total * 1000, job.elapsedMs + Math.max(0, atMs - job.phaseStartedAt));
}

function setPhase(job: PrintJobState, status: string, at: number): void {
	job.elapsedMs = elapsedMsAt(job, at);
	job.status = status;
	job.phaseStartedAt = at;
}

function retireActiveJob(
	cluster: ClusterState,
	printer: PrinterState,
	finalStatus: 'finished' | 'aborted' | 'failed',
	at: number,
	timings: Timings,
): void {
	const job = activeJobOf(cluster, printer);
	printer.activeJobUuid = null;
	if (!job) return;
	setPhase(job, finalStatus, at);
	job.finishedAt = at;
	cluster.queue = cluster.queue.filter((j) => j.uuid !== job.uuid);
	pushHistory(cluster, job, timings);
}

function pushHistory(cluster: ClusterState, job: PrintJobState, timings: Timings): void {
	cluster.history.unshift(job);
	if (cluster.history.length <= timings.historyLimit) return;
	cluster.archive.unshift(...cluster.history.splice(timings.historyLimit));
	if (cluster.archive.length > ARCHIVE_LIMIT) cluster.archive.length = ARCHIVE_LIMIT;
}

/** A printer takes new jobs when the cluster is online and active, and it is enabled, free and not overridden. */
export function printerCanTakeJob(cluster: ClusterState, printer: PrinterState): boolean {
	return (
		cluster.is_online &&
		cluster.status === 'active' &&
		printer.enabled &&
		printer.statusOverride === null &&
		printer.activeJobUuid === null
	);
}

/** What a job needs per extruder: the header's extruders, or (older state) its required materials alone. */
export function jobNeeds(job: PrintJobState): ExtruderNeeds[] {
	if (job.extruders && job.extruders.length > 0) return job.extruders;
	return job.requiredMaterials.map((m) => ({ extruder_index: m.extruder_index, material_guid: m.guid, print_core_id: null, nozzle_diameter: null }));
}

const sameCore = (a: string | null | undefined, b: string | null | undefined) =>
	(a ?? '').replace(/\s+/g, ' ').trim().toLowerCase() === (b ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * What would have to change on `printer` before `job` can print on it: per extruder the job uses, the print core
 * (`print_core_change`) and the material (`material`), ids and names as Cura's `ClusterPrintJobConfigurationChange`.
 */
export function configurationChangesFor(job: PrintJobState, printer: PrinterState): ConfigurationChange[] {
	const changes: ConfigurationChange[] = [];
	for (const need of jobNeeds(job)) {
		const slot = printer.configuration.find((c) => c.extruder_index === need.extruder_index);
		if (need.print_core_id && !sameCore(slot?.print_core_id, need.print_core_id)) {
			changes.push({
				type_of_change: 'print_core_change',
				index: need.extruder_index,
				target_id: need.print_core_id,
				origin_id: slot?.print_core_id ?? '',
				target_name: need.print_core_id,
				origin_name: slot?.print_core_id ?? '',
			});
		}
		if (!need.material_guid) continue;
		const loaded = slot?.material ?? null;
		if (loaded?.guid?.toLowerCase() === need.material_guid) continue;
		const target = materialByGuid(need.material_guid);
		const loadedName = loaded && loaded.material !== 'empty' ? materialDisplayName(loaded) : '';
		changes.push({
			type_of_change: 'material',
			index: need.extruder_index,
			target_id: need.material_guid,
			origin_id: loaded?.guid ?? '',
			target_name: target ? materialDisplayName(target) : need.material_guid,
			origin_name: loadedName || 'empty',
		});
	}
	return changes;
}

/** The translation key Cura's model documents for a print larger than the printer. */
export const DOES_NOT_FIT = 'does_not_fit_in_build_volume';

/** What stops `job` on `printer` even when forced: a print larger than the printer's build volume. */
export function impedimentsFor(job: PrintJobState, printer: PrinterState): Impediment[] {
	const volume = PRINTER_TYPES[printer.type]?.buildVolume;
	const size = job.printSize;
	if (!volume || !size) return [];
	const extents = [size.max.x - size.min.x, size.max.y - size.min.y, size.max.z - size.min.z];
	return extents.some((extent, axis) => extent > volume[axis]!) ? [{ translation_key: DOES_NOT_FIT, severity: 3 }] : [];
}

function lexicographicLess(a: number[], b: number[]): boolean {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
	return false;
}

/** Whether `job` may start on `printer` now that the printer is free. */
function canStartOn(job: PrintJobState, printer: PrinterState): boolean {
	return impedimentsFor(job, printer).length === 0 && (job.force || configurationChangesFor(job, printer).length === 0);
}

/**
 * The cluster's scheduler. Every queued job is assigned to the printer that will take it (`assigned_to` = that
 * printer's uuid, `printer_uuid` stays null until it starts), in queue order: among the enabled printers (of the
 * job's machine variant when the cluster has one), one it can print on as configured, then one that can take jobs,
 * then the least loaded (a job sent to one printer: that printer only). A job that needs configuration changes on its printer lists them and waits until forced
 * or until the printer is reconfigured; an impediment blocks it even when forced. A disabled printer gets nothing.
 * Then every free printer starts the first job assigned to it that may start.
 */
function assignQueuedJobs(cluster: ClusterState, now: number): void {
	const load = new Map(cluster.printers.map((p) => [p.uuid, p.activeJobUuid ? 1 : 0]));
	for (const job of cluster.queue) {
		if (job.status !== 'queued') continue;
		// A job sent to one printer (LAN `require_printer_name`) waits for that printer only.
		const enabled = cluster.printers.filter((p) => p.enabled && (!job.requiredPrinterUuid || p.uuid === job.requiredPrinterUuid));
		const sameVariant = enabled.filter((p) => job.targetMachine !== null && p.machine_variant === job.targetMachine);
		const pool = sameVariant.length > 0 ? sameVariant : enabled;
		let chosen: PrinterState | null = null;
		let chosenRank: number[] = [];
		for (const [index, printer] of pool.entries()) {
			const blocked = impedimentsFor(job, printer).length > 0 ? 2 : !job.force && configurationChangesFor(job, printer).length > 0 ? 1 : 0;
			const rank = [blocked, printer.statusOverride === null ? 0 : 1, load.get(printer.uuid) ?? 0, index];
			if (chosen === null || lexicographicLess(rank, chosenRank)) {
				chosen = printer;
				chosenRank = rank;
			}
		}
		job.assigned_to = chosen?.uuid ?? null;
		job.configuration_changes_required = chosen && !job.force ? configurationChangesFor(job, chosen) : [];
		job.impediments_to_printing = chosen ? impedimentsFor(job, chosen) : [];
		if (chosen) load.set(chosen.uuid, (load.get(chosen.uuid) ?? 0) + 1);
	}
	for (const printer of cluster.printers) {
		if (!printerCanTakeJob(cluster, printer)) continue;
		const job = cluster.queue.find((candidate) => candidate.status === 'queued' && candidate.assigned_to === printer.uuid && canStartOn(candidate, printer));
		if (!job) continue;
		printer.activeJobUuid = job.uuid;
		job.status = 'pre_print';
		job.phaseStartedAt = now;
		job.printer_uuid = printer.uuid;
		job.printed_on_uuid = printer.uuid;
		job.assigned_to = printer.uuid;
		job.configuration_changes_required = [];
		job.impediments_to_printing = [];
	}
}

function fail(httpStatus: number, code: string, title: string, detail: string): { ok: false; error: SimulationError } {
	return { ok: false, error: { httpStatus, code, title, detail } };
}

function invalidState(job: PrintJobState, action: string, allowed: string): SimulationResult {
	return fail(
		409,
		'invalidPrintJobState',
		'The print job is not in a state that allows this action',
		`Cannot ${action} print job ${job.uuid} while it is ${job.status}; ${action} needs a job that is ${allowed}.`,
	);
}

/** Who and what a new print job is; the rest of it follows from its toolpath header. */
export interface NewPrintJob {
	uuid: string;
	cloudJobId: string;
	name: string;
	owner: string;
	/** The printer it must print on (a LAN upload naming one), else null. */
	assignedTo: string | null;
	header: GcodeHeader | null | undefined;
	/** The machine it is for when the header names none: the cluster's first printer's. */
	fallbackVariant: string;
}

/** A print job as it enters a queue: queued, not started, with what its toolpath header says it needs. */
export function queuedPrintJob(job: NewPrintJob, now: number, timings: Timings): PrintJobState {
	const header = job.header;
	return {
		uuid: job.uuid,
		cloud_job_id: job.cloudJobId,
		name: job.name,
		status: 'queued',
		createdAt: now,
		owner: job.owner,
		machine_variant: header?.targetMachine ?? job.fallbackVariant,
		time_total: header?.printTimeSeconds ?? timings.defaultPrintSeconds,
		elapsedMs: 0,
		phaseStartedAt: now,
		force: false,
		started: false,
		printer_uuid: null,
		assigned_to: job.assignedTo,
		printed_on_uuid: null,
		requiredMaterials: header?.materials ?? [],
		extruders: header?.extruders ?? [],
		buildPlate: header?.buildPlate ?? null,
		printSize: header?.size ?? null,
		targetMachine: header?.targetMachine ?? null,
		configuration_changes_required: [],
		impediments_to_printing: [],
		aborted: false,
		finishedAt: null,
	};
}

/** Adds a print job to the queue (the caller checked connectivity and queue limits). */
export function enqueueJob(cluster: ClusterState, job: PrintJobState, now: number, timings = DEFAULT_TIMINGS): ClusterState {
	const next = cloneCluster(cluster);
	next.queue.push(structuredClone(job));
	return advanceCluster(next, Math.max(now, next.syncedAt), timings);
}

export function queuedCount(cluster: ClusterState): number {
	return cluster.queue.filter((job) => job.status === 'queued').length;
}

/** A copy of `input` to change with the item `find` picks in it; when it picks nothing, the 404 for `what`. */
function openCopy<T>(
	input: ClusterState,
	find: (cluster: ClusterState) => T | undefined,
	what: string,
	detail: string,
): { ok: true; cluster: ClusterState; item: T } | { ok: false; error: SimulationError } {
	const cluster = cloneCluster(input);
	const item = find(cluster);
	if (item === undefined) return fail(404, 'notFound', `${what} not found`, detail);
	return { ok: true, cluster, item };
}

/** What an action does to a queued or active job of the copied cluster (in place, then null); a refusal when it may not. */
type Action = (cluster: ClusterState, job: PrintJobState, data: unknown, now: number) => SimulationResult | null;

/** `action` on a job that is `from`: the job moves on to `to`. */
const phaseChange = (action: ActionName, from: string, to: string): Action => (_cluster, job, _data, now) => {
	if (job.status !== from) return invalidState(job, action, from);
	setPhase(job, to, now);
	return null;
};

/** `data = {list: 'queued', to_position: n}`: n = the place among the queued jobs (0 = top). */
function moveJob(cluster: ClusterState, job: PrintJobState, data: unknown): SimulationResult | null {
	if (job.status !== 'queued') return invalidState(job, 'move', 'queued');
	const body = (data ?? {}) as { list?: unknown; to_position?: unknown };
	if (body.list !== 'queued') return fail(422, 'validationError', 'Validation error', 'data.list must be "queued"');
	const position = body.to_position;
	if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
		return fail(422, 'validationError', 'Validation error', 'data.to_position must be an integer >= 0');
	}
	const others = cluster.queue.filter((j) => j.uuid !== job.uuid);
	const before = others.filter((j) => j.status === 'queued')[position];
	others.splice(before ? others.indexOf(before) : others.length, 0, job);
	cluster.queue = others;
	return null;
}

const ACTIONS: Record<ActionName, Action> = {
	pause: phaseChange('pause', 'printing', 'pausing'),
	resume: phaseChange('resume', 'paused', 'resuming'),
	abort: (_cluster, job, _data, now) => {
		if (!['pre_print', 'printing', 'pausing', 'paused', 'resuming', 'wait_user_action'].includes(job.status)) {
			return invalidState(job, 'abort', 'started and not yet finished (use remove for a queued job)');
		}
		setPhase(job, 'aborting', now);
		return null;
	},
	move: moveJob,
	remove: (cluster, job) => {
		if (job.status !== 'queued') return invalidState(job, 'remove', 'queued (abort a started job instead)');
		cluster.queue = cluster.queue.filter((j) => j.uuid !== job.uuid);
		return null;
	},
	force: (_cluster, job) => {
		if (job.status !== 'queued') return invalidState(job, 'force', 'queued');
		job.force = true;
		job.configuration_changes_required = [];
		return null;
	},
};

/** Actions an offline cluster still takes: they change only its queue, not a printer. */
const OFFLINE_ACTIONS: readonly string[] = ['move', 'remove', 'force'];

/**
 * `POST …/print_jobs/{uuid}/action/{action}`. The cluster must already be advanced to `now`.
 * move: `data = {list: 'queued', to_position: n}` (0 = top of the queued jobs).
 */
export function applyPrintJobAction(
	input: ClusterState,
	uuid: string,
	action: string,
	data: unknown,
	now: number,
	timings: Timings = DEFAULT_TIMINGS,
): SimulationResult {
	if (!(ACTION_NAMES as readonly string[]).includes(action)) {
		return fail(422, 'validationError', 'Validation error', `action must be one of ${ACTION_NAMES.join(', ')}`);
	}
	const opened = openCopy(input, (c) => c.queue.find((j) => j.uuid === uuid), 'Print job', `No print job ${uuid} in cluster ${input.cluster_id}.`);
	if (!opened.ok) {
		const past = input.history.find((j) => j.uuid === uuid);
		return past ? invalidState(past, action, 'still in the queue') : opened;
	}
	const { cluster, item: job } = opened;
	if (!cluster.is_online && !OFFLINE_ACTIONS.includes(action)) {
		return fail(409, 'printerInactive', 'The printer is inactive', 'The cluster is offline; printer actions cannot be delivered.');
	}
	const refused = ACTIONS[action as ActionName](cluster, job, data, now);
	return refused ?? { ok: true, cluster: advanceCluster(cluster, now, timings) };
}

/** Control API: clear the build plate (wait_cleanup → the job retires, the printer is free). */
export function clearBuildPlate(
	input: ClusterState,
	printerUuid: string,
	now: number,
	timings: Timings = DEFAULT_TIMINGS,
): SimulationResult {
	const opened = openCopy(input, (c) => c.printers.find((p) => p.uuid === printerUuid), 'Printer', `No printer ${printerUuid}.`);
	if (!opened.ok) return opened;
	const { cluster, item: printer } = opened;
	const job = activeJobOf(cluster, printer);
	if (!job || job.status !== 'wait_cleanup') {
		return fail(409, 'invalidPrinterState', 'Nothing to clear', `Printer ${printerUuid} is not waiting for cleanup.`);
	}
	retireActiveJob(cluster, printer, job.aborted ? 'aborted' : 'finished', now, timings);
	return { ok: true, cluster: advanceCluster(cluster, now, timings) };
}

/** Control API: force a job's status (e.g. `wait_user_action`, `failed`). */
export function forceJobStatus(
	input: ClusterState,
	uuid: string,
	status: string,
	now: number,
	timings: Timings = DEFAULT_TIMINGS,
): SimulationResult {
	const opened = openCopy(input, (c) => c.queue.find((j) => j.uuid === uuid), 'Print job', `No queued or active print job ${uuid}.`);
	if (!opened.ok) return opened;
	const { cluster, item: job } = opened;
	const printer = cluster.printers.find((p) => p.activeJobUuid === uuid) ?? null;
	if (status === 'finished' || status === 'aborted' || status === 'failed') {
		if (printer) retireActiveJob(cluster, printer, status, now, timings);
		else {
			setPhase(job, status, now);
			job.finishedAt = now;
			cluster.queue = cluster.queue.filter((j) => j.uuid !== uuid);
			pushHistory(cluster, job, timings);
		}
	} else if (status === 'queued') {
		if (printer) printer.activeJobUuid = null;
		setPhase(job, 'queued', now);
		job.printer_uuid = null;
		job.assigned_to = null;
	} else {
		if (!printer) {
			return fail(409, 'invalidPrintJobState', 'The print job holds no printer', `Print job ${uuid} is queued; only a started job can become ${status}.`);
		}
		setPhase(job, status, now);
		if (status === 'printing') job.started = true;
	}
	return { ok: true, cluster: advanceCluster(cluster, now, timings) };
}
