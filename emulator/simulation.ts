/**
 * The printer simulation, as pure functions: each takes a cluster (never mutated) and returns a new one.
 * `advanceCluster(cluster, toMs)` runs every transition due up to `toMs` in time order, so one call that
 * spans hours yields the same state as many small steps.
 */
import type {
	ClusterState,
	ConfigurationChange,
	PrintJobState,
	PrinterState,
	Timings,
} from './model';
import { DEFAULT_TIMINGS } from './model';
import { MATERIALS } from './catalog';

export type ActionName = 'pause' | 'resume' | 'abort' | 'move' | 'remove' | 'force';
export const ACTION_NAMES: readonly ActionName[] = ['pause', 'resume', 'abort', 'move', 'remove', 'force'];

export interface SimulationError {
	httpStatus: number;
	code: string;
	title: string;
	detail: string;
}

export type SimulationResult = { ok: true; cluster: ClusterState } | { ok: false; error: SimulationError };

export function cloneCluster(cluster: ClusterState): ClusterState {
	return structuredClone(cluster);
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
	if (cluster.history.length > timings.historyLimit) cluster.history.length = timings.historyLimit;
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

/** What would have to change on `printer` before `job` can print on it. */
export function configurationChangesFor(job: PrintJobState, printer: PrinterState): ConfigurationChange[] {
	const changes: ConfigurationChange[] = [];
	for (const required of job.requiredMaterials) {
		const loaded = printer.configuration.find((c) => c.extruder_index === required.extruder_index)?.material;
		if (loaded?.guid?.toLowerCase() === required.guid.toLowerCase()) continue;
		const target = Object.values(MATERIALS).find((m) => m.guid === required.guid.toLowerCase());
		changes.push({
			type_of_change: 'material',
			index: required.extruder_index,
			target_id: required.guid,
			origin_id: loaded?.guid ?? '',
			target_name: target ? `${target.brand} ${target.material}` : required.guid,
			origin_name: loaded ? `${loaded.brand ?? ''} ${loaded.material}`.trim() : 'empty',
		});
	}
	return changes;
}

/**
 * Starts queued jobs on free printers (queue order; jobs needing a material change wait unless forced).
 * The G-code's target machine is not checked: a mismatch is the slicer's business, not the queue's.
 */
function assignQueuedJobs(cluster: ClusterState, now: number): void {
	for (const printer of cluster.printers) {
		if (!printerCanTakeJob(cluster, printer)) continue;
		const job = cluster.queue.find(
			(candidate) =>
				candidate.status === 'queued' &&
				(candidate.force || configurationChangesFor(candidate, printer).length === 0),
		);
		if (!job) continue;
		printer.activeJobUuid = job.uuid;
		job.status = 'pre_print';
		job.phaseStartedAt = now;
		job.printer_uuid = printer.uuid;
		job.printed_on_uuid = printer.uuid;
		job.assigned_to = printer.friendly_name;
		job.configuration_changes_required = [];
	}
	for (const job of cluster.queue) {
		if (job.status !== 'queued') continue;
		if (job.force) {
			job.configuration_changes_required = [];
			continue;
		}
		// Report what the first printer without a job would need (or the first printer).
		const candidate = cluster.printers.find((p) => p.activeJobUuid === null) ?? cluster.printers[0];
		job.configuration_changes_required = candidate ? configurationChangesFor(job, candidate) : [];
	}
}

function fail(httpStatus: number, code: string, title: string, detail: string): SimulationResult {
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

/** Adds a print job to the queue (the caller checked connectivity and queue limits). */
export function enqueueJob(cluster: ClusterState, job: PrintJobState, now: number, timings = DEFAULT_TIMINGS): ClusterState {
	const next = cloneCluster(cluster);
	next.queue.push(structuredClone(job));
	return advanceCluster(next, Math.max(now, next.syncedAt), timings);
}

export function queuedCount(cluster: ClusterState): number {
	return cluster.queue.filter((job) => job.status === 'queued').length;
}

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
	const cluster = cloneCluster(input);
	const job = cluster.queue.find((j) => j.uuid === uuid);
	if (!job) {
		const past = cluster.history.find((j) => j.uuid === uuid);
		if (past) return invalidState(past, action, 'still in the queue');
		return fail(404, 'notFound', 'Print job not found', `No print job ${uuid} in cluster ${cluster.cluster_id}.`);
	}
	if (!cluster.is_online && action !== 'move' && action !== 'remove' && action !== 'force') {
		return fail(409, 'printerInactive', 'The printer is inactive', 'The cluster is offline; printer actions cannot be delivered.');
	}
	switch (action) {
		case 'pause':
			if (job.status !== 'printing') return invalidState(job, action, 'printing');
			setPhase(job, 'pausing', now);
			break;
		case 'resume':
			if (job.status !== 'paused') return invalidState(job, action, 'paused');
			setPhase(job, 'resuming', now);
			break;
		case 'abort':
			if (!['pre_print', 'printing', 'pausing', 'paused', 'resuming', 'wait_user_action'].includes(job.status)) {
				return invalidState(job, action, 'started and not yet finished (use remove for a queued job)');
			}
			setPhase(job, 'aborting', now);
			break;
		case 'move': {
			if (job.status !== 'queued') return invalidState(job, action, 'queued');
			const body = (data ?? {}) as { list?: unknown; to_position?: unknown };
			if (body.list !== 'queued') {
				return fail(422, 'validationError', 'Validation error', 'data.list must be "queued"');
			}
			const position = body.to_position;
			if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
				return fail(422, 'validationError', 'Validation error', 'data.to_position must be an integer >= 0');
			}
			const others = cluster.queue.filter((j) => j.uuid !== job.uuid);
			const queuedOthers = others.filter((j) => j.status === 'queued');
			const before = queuedOthers[position];
			const insertAt = before ? others.indexOf(before) : others.length;
			others.splice(insertAt, 0, job);
			cluster.queue = others;
			break;
		}
		case 'remove':
			if (job.status !== 'queued') return invalidState(job, action, 'queued (abort a started job instead)');
			cluster.queue = cluster.queue.filter((j) => j.uuid !== job.uuid);
			break;
		case 'force':
			if (job.status !== 'queued') return invalidState(job, action, 'queued');
			job.force = true;
			job.configuration_changes_required = [];
			break;
	}
	return { ok: true, cluster: advanceCluster(cluster, now, timings) };
}

/** Control API: clear the build plate (wait_cleanup → the job retires, the printer is free). */
export function clearBuildPlate(
	input: ClusterState,
	printerUuid: string,
	now: number,
	timings: Timings = DEFAULT_TIMINGS,
): SimulationResult {
	const cluster = cloneCluster(input);
	const printer = cluster.printers.find((p) => p.uuid === printerUuid);
	if (!printer) return fail(404, 'notFound', 'Printer not found', `No printer ${printerUuid}.`);
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
	const cluster = cloneCluster(input);
	const job = cluster.queue.find((j) => j.uuid === uuid);
	if (!job) return fail(404, 'notFound', 'Print job not found', `No queued or active print job ${uuid}.`);
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
