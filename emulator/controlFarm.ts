/**
 * The control API's farm routes under `/_emulator/` (no auth): add, change and remove clusters and printers,
 * approve held print requests, clear build plates and force print-job statuses — what a person at the printers does.
 */
import type { Context } from './http';
import { HttpError, notFound, readObject, sendJson, simulationError, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes } from './runtime';
import type { ClusterState, Material, PrintCoreConfiguration, PrinterState } from './stateModel';
import { validateClusterSpec } from './state';
import { advanceCluster, clearBuildPlate, forceJobStatus } from './simulation';
import { renderCluster, renderClusterStatus } from './view';
import { resolveMaterial } from './catalog';
import { getCluster } from './apiInput';

/** A field a control body may set: when present it must pass `valid` (else 422 with `message`), then `apply` sets it. */
interface FieldRule<T> {
	field: string;
	valid: (value: unknown) => boolean;
	message: string;
	apply: (target: T, value: any) => void;
}

function applyFields<T>(body: Record<string, unknown>, target: T, rules: readonly FieldRule<T>[]): void {
	for (const { field, valid, message, apply } of rules) {
		const value = body[field];
		if (value === undefined) continue;
		if (!valid(value)) throw validation(message);
		apply(target, value);
	}
}

const isBoolean = (value: unknown) => typeof value === 'boolean';

const CLUSTER_FIELDS: readonly FieldRule<ClusterState>[] = [
	{
		field: 'friendly_name',
		valid: (v) => v === null || typeof v === 'string',
		message: 'friendly_name must be a string or null',
		// null takes the key off the cluster object, as in Ultimaker's recorded cluster lists.
		apply: (c, v: string | null) => {
			c.hasFriendlyName = v !== null;
			if (v !== null) c.friendly_name = v;
		},
	},
	{ field: 'status', valid: (v) => v === 'active' || v === 'inactive', message: 'status must be active or inactive', apply: (c, v) => (c.status = v) },
	{ field: 'requires_approval', valid: isBoolean, message: 'requires_approval must be a boolean', apply: (c, v) => (c.requires_approval = v) },
	{
		field: 'queue_limit',
		valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0,
		message: 'queue_limit must be an integer >= 0',
		apply: (c, v) => (c.queue_limit = v),
	},
	{ field: 'is_online', valid: isBoolean, message: 'is_online must be a boolean', apply: (c, v) => (c.is_online = v) },
];

const PRINTER_FIELDS: readonly FieldRule<PrinterState>[] = [
	{
		field: 'status',
		valid: (v) => typeof v === 'string' && v !== '',
		message: 'status must be a non-empty string',
		apply: (p, v: string) => (p.statusOverride = v === 'idle' ? null : v),
	},
	{ field: 'enabled', valid: isBoolean, message: 'enabled must be a boolean', apply: (p, v) => (p.enabled = v) },
	{ field: 'maintenance_required', valid: isBoolean, message: 'maintenance_required must be a boolean', apply: (p, v) => (p.maintenance_required = v) },
	{ field: 'friendly_name', valid: (v) => typeof v === 'string', message: 'friendly_name must be a string', apply: (p, v) => (p.friendly_name = v) },
	{ field: 'configuration', valid: Array.isArray, message: 'configuration must be an array', apply: (p, v: unknown[]) => configure(p, v) },
];

async function addCluster(ctx: Context, rt: Runtime): Promise<void> {
	const spec = validateClusterSpec(await readObject(ctx));
	rt.state.sync();
	sendJson(ctx, 201, { data: renderCluster(rt.state.addCluster(spec)) });
}

function deleteCluster(ctx: Context, rt: Runtime): void {
	const id = ctx.params.cluster_id!;
	if (!rt.state.clusters.delete(id)) throw notFound('Cluster', id);
	sendJson(ctx, 200, { data: { cluster_id: id, deleted: true } });
}

async function setConnectivity(ctx: Context, rt: Runtime): Promise<void> {
	const { is_online } = await readObject(ctx);
	if (typeof is_online !== 'boolean') throw validation('is_online: required, must be a boolean');
	rt.state.sync();
	const cluster = getCluster(rt, ctx.params.cluster_id!);
	sendJson(ctx, 200, { data: renderCluster(rt.state.putCluster({ ...cluster, is_online })) });
}

async function updateCluster(ctx: Context, rt: Runtime): Promise<void> {
	const body = await readObject(ctx);
	rt.state.sync();
	const next = structuredClone(getCluster(rt, ctx.params.cluster_id!));
	applyFields(body, next, CLUSTER_FIELDS);
	sendJson(ctx, 200, { data: renderCluster(rt.state.putCluster(next)) });
}

/** Approves print requests that were answered `wait_approval` (all, or `{uuid}`). */
async function approve(ctx: Context, rt: Runtime): Promise<void> {
	const { uuid } = await readObject(ctx);
	const now = rt.state.sync();
	const next = structuredClone(getCluster(rt, ctx.params.cluster_id!));
	const approved = next.pendingApproval.filter((j) => uuid === undefined || j.uuid === uuid);
	if (uuid !== undefined && approved.length === 0) throw notFound('Pending print job', String(uuid));
	next.pendingApproval = next.pendingApproval.filter((j) => !approved.includes(j));
	for (const job of approved) next.queue.push({ ...job, createdAt: now, phaseStartedAt: now });
	rt.state.clusters.set(next.cluster_id, advanceCluster(next, now, rt.state.timings));
	sendJson(ctx, 200, { data: { approved: approved.map((j) => j.uuid) } });
}

/** Adds printers to an existing cluster: `{printers: [{type, friendly_name?, materials?}]}`. */
async function addPrinters(ctx: Context, rt: Runtime): Promise<void> {
	const spec = validateClusterSpec(await readObject(ctx));
	rt.state.sync();
	const next = structuredClone(getCluster(rt, ctx.params.cluster_id!));
	next.printers.push(...rt.state.buildPrinters(spec.printers));
	sendJson(ctx, 201, { data: renderClusterStatus(rt.state.putCluster(next), rt.clock.now()) });
}

function getPrinter(rt: Runtime, uuid: string): { cluster: ClusterState; printer: PrinterState } {
	const found = rt.state.findPrinter(uuid);
	if (!found) throw notFound('Printer', uuid);
	return found;
}

/** Removes a printer; its active job (if any) goes back to the queue. The last printer cannot be removed. */
function removePrinter(ctx: Context, rt: Runtime): void {
	const now = rt.state.sync();
	const found = getPrinter(rt, ctx.params.printer_uuid!);
	if (found.cluster.printers.length === 1) throw new HttpError(409, 'lastPrinter', 'Cannot remove the last printer', 'Delete the cluster instead.');
	const next = structuredClone(found.cluster);
	next.printers = next.printers.filter((p) => p.uuid !== found.printer.uuid);
	const orphan = next.queue.find((j) => j.uuid === found.printer.activeJobUuid);
	if (orphan) {
		// The print is lost with the printer; the job starts over from the queue.
		Object.assign(orphan, { status: 'queued', phaseStartedAt: now, elapsedMs: 0, started: false, printer_uuid: null, assigned_to: null, printed_on_uuid: null });
	}
	sendJson(ctx, 200, { data: renderClusterStatus(rt.state.putCluster(next), now) });
}

function clearPlate(ctx: Context, rt: Runtime): void {
	const now = rt.state.sync();
	const found = getPrinter(rt, ctx.params.printer_uuid!);
	const result = clearBuildPlate(found.cluster, found.printer.uuid, now, rt.state.timings);
	if (!result.ok) throw simulationError(result.error);
	rt.state.clusters.set(found.cluster.cluster_id, result.cluster);
	sendJson(ctx, 200, { data: renderClusterStatus(result.cluster, now) });
}

async function updatePrinter(ctx: Context, rt: Runtime): Promise<void> {
	const body = await readObject(ctx);
	rt.state.sync();
	const found = getPrinter(rt, ctx.params.printer_uuid!);
	const cluster = structuredClone(found.cluster);
	applyFields(body, cluster.printers.find((p) => p.uuid === found.printer.uuid)!, PRINTER_FIELDS);
	sendJson(ctx, 200, { data: renderClusterStatus(rt.state.putCluster(cluster), rt.clock.now()) });
}

/** Loads print cores and materials: `[{extruder_index, print_core_id?, material?}]`, a slot the printer has each. */
function configure(printer: PrinterState, changes: unknown[]): void {
	for (const [i, change] of changes.entries()) {
		const c = change as Partial<PrintCoreConfiguration> & { material?: Partial<Material> | string | null };
		const slot = printer.configuration.find((s) => s.extruder_index === c?.extruder_index);
		if (!slot) throw validation(`configuration[${i}].extruder_index must be one of ${printer.configuration.map((s) => s.extruder_index).join(', ')}`);
		if (c.print_core_id !== undefined) {
			if (c.print_core_id !== null && typeof c.print_core_id !== 'string') throw validation(`configuration[${i}].print_core_id must be a string`);
			slot.print_core_id = c.print_core_id;
		}
		if (c.material !== undefined) slot.material = materialFrom(c.material, i);
	}
}

function materialFrom(value: unknown, index: number): Material | null {
	if (value === null) return { material: 'empty' };
	if (typeof value === 'string') {
		const known = resolveMaterial(value);
		if (!known && value !== 'empty') throw validation(`configuration[${index}].material: unknown material ${JSON.stringify(value)}`);
		return known ?? { material: 'empty' };
	}
	if (typeof value !== 'object') throw validation(`configuration[${index}].material must be an object or a name`);
	const m = value as Partial<Material>;
	const known = (m.guid && resolveMaterial(m.guid)) || (m.material && resolveMaterial(m.material)) || null;
	if (!known && !m.guid && !m.material) throw validation(`configuration[${index}].material needs guid or material`);
	return {
		guid: m.guid ?? known?.guid,
		brand: m.brand ?? known?.brand,
		color: m.color ?? known?.color,
		material: m.material ?? known?.material ?? 'Unknown',
	};
}

async function forceStatus(ctx: Context, rt: Runtime): Promise<void> {
	const { status } = await readObject(ctx);
	if (typeof status !== 'string' || status === '') throw validation('status: required, must be a string');
	const now = rt.state.sync();
	const cluster = rt.state.findPrintJobCluster(ctx.params.uuid!);
	if (!cluster) throw notFound('Print job', ctx.params.uuid!);
	const result = forceJobStatus(cluster, ctx.params.uuid!, status, now, rt.state.timings);
	if (!result.ok) throw simulationError(result.error);
	rt.state.clusters.set(cluster.cluster_id, result.cluster);
	sendJson(ctx, 200, { data: renderClusterStatus(result.cluster, now) });
}

/** A new id from the body's `field` (a non-empty string not in use), else a fresh one. */
function newId(body: Record<string, unknown>, field: string, inUse: (id: string) => boolean, fresh: () => string): string {
	const given = body[field];
	if (given === undefined) return fresh();
	if (typeof given !== 'string' || given.trim() === '') throw validation(`${field} must be a non-empty string`);
	if (inUse(given)) throw new HttpError(409, 'idInUse', `${field} ${given} is in use`, 'Give an id no cluster or printer has.');
	return given;
}

/** The cluster under a new cluster_id, in its place in the list: the old id is gone (404), host_guid and all else kept. */
function renameCluster(rt: Runtime, cluster: ClusterState, clusterId: string): ClusterState {
	const renamed: ClusterState = { ...cluster, cluster_id: clusterId };
	rt.state.clusters = new Map([...rt.state.clusters].map(([id, entry]) => (id === cluster.cluster_id ? [clusterId, renamed] : [id, entry])));
	return renamed;
}

/**
 * Digital Factory's reconnect: the printer was disconnected and connected again (or its Digital Factory connection
 * reset), so the cluster gets a new cluster_id (`{cluster_id}` to choose it) and keeps its host_guid, printers, queue
 * and history. Answers the cluster as listed, with `previous_cluster_id`.
 */
async function reconnectCluster(ctx: Context, rt: Runtime): Promise<void> {
	const body = await readObject(ctx);
	rt.state.sync();
	const cluster = getCluster(rt, ctx.params.cluster_id!);
	const clusterId = newId(body, 'cluster_id', (id) => rt.state.clusters.has(id), () => rt.state.ids.clusterId());
	const renamed = renameCluster(rt, cluster, clusterId);
	sendJson(ctx, 200, { data: { ...renderCluster(renamed), previous_cluster_id: cluster.cluster_id } });
}

/**
 * A factory reset: the printer gets a new uuid (`{uuid}` to choose it) and keeps its unique_name; its cluster gets a
 * new cluster_id too, as Ultimaker's FAQ says (`{keep_cluster_id: true}` keeps it), and keeps its host_guid. The
 * emulator keeps the queue and history (jobs now name the new uuid), so a test can follow a job across the reset.
 * Answers `{cluster_id, previous_cluster_id, uuid, previous_uuid, host_guid}`.
 */
async function factoryReset(ctx: Context, rt: Runtime): Promise<void> {
	const body = await readObject(ctx);
	if (body.keep_cluster_id !== undefined && typeof body.keep_cluster_id !== 'boolean') throw validation('keep_cluster_id must be a boolean');
	rt.state.sync();
	const found = getPrinter(rt, ctx.params.printer_uuid!);
	const oldUuid = found.printer.uuid;
	const uuid = newId(body, 'uuid', (id) => rt.state.findPrinter(id) !== null, () => rt.state.ids.uuid());
	const point = (value: string | null) => (value === oldUuid ? uuid : value);
	const next = structuredClone(found.cluster);
	for (const printer of next.printers) if (printer.uuid === oldUuid) printer.uuid = uuid;
	for (const job of [...next.queue, ...next.history, ...next.archive, ...next.pendingApproval]) {
		job.printer_uuid = point(job.printer_uuid);
		job.printed_on_uuid = point(job.printed_on_uuid);
		job.assigned_to = point(job.assigned_to);
	}
	rt.state.clusters.set(next.cluster_id, next);
	const cluster = body.keep_cluster_id === true ? next : renameCluster(rt, next, rt.state.ids.clusterId());
	sendJson(ctx, 200, {
		data: { cluster_id: cluster.cluster_id, previous_cluster_id: found.cluster.cluster_id, uuid, previous_uuid: oldUuid, host_guid: cluster.host_guid },
	});
}

export const controlFarmRoutes: ApiTable = [
	...apiRoutes('none', {
		'POST /_emulator/clusters': addCluster,
		'DELETE /_emulator/clusters/:cluster_id': deleteCluster,
		'POST /_emulator/clusters/:cluster_id/connectivity': setConnectivity,
		'POST /_emulator/clusters/:cluster_id': updateCluster,
		'POST /_emulator/clusters/:cluster_id/approve': approve,
		'POST /_emulator/clusters/:cluster_id/reconnect': reconnectCluster,
		'POST /_emulator/printers/:printer_uuid/factory-reset': factoryReset,
		'POST /_emulator/clusters/:cluster_id/printers': addPrinters,
		'DELETE /_emulator/printers/:printer_uuid': removePrinter,
		'POST /_emulator/printers/:printer_uuid/clear-build-plate': clearPlate,
		'POST /_emulator/printers/:printer_uuid': updatePrinter,
		'POST /_emulator/print_jobs/:uuid': forceStatus,
	}),
];
