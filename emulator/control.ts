/** The control API under `/_emulator/` (no auth): state, clock, faults, request log, farm changes, recorder. */
import type { Router } from './http';
import { HttpError, notFound, readObject, readJson, sendJson, validation } from './http';
import type { Runtime } from './runtime';
import type { Material, PrintCoreConfiguration } from './model';
import { validateClusterSpec, validateFarm } from './state';
import { advanceCluster, clearBuildPlate, forceJobStatus } from './simulation';
import { renderCluster, renderClusterStatus, renderToolpathJob, renderLibraryFile, renderProject, iso } from './view';
import { resolveMaterial } from './catalog';

function simulationError(error: { httpStatus: number; code: string; title: string; detail: string }): HttpError {
	return new HttpError(error.httpStatus, error.code, error.title, error.detail);
}

export function registerControlRoutes(router: Router, rt: Runtime): void {
	router.add('POST', '/_emulator/reset', async (ctx) => {
		const body = await readObject(ctx);
		if (body.seed !== undefined && typeof body.seed !== 'string') throw validation('seed must be a string');
		const farm = body.farm === undefined ? undefined : validateFarm(body.farm);
		rt.reset(body.seed as string | undefined, farm);
		sendJson(ctx, 200, { data: { clusters: [...rt.state.clusters.values()].map(renderCluster) } });
	});

	router.add('GET', '/_emulator/state', (ctx) => {
		const now = rt.state.sync();
		const state = rt.state;
		sendJson(ctx, 200, {
			data: {
				now: iso(now),
				speed: rt.clock.speed,
				apiUrl: rt.apiUrl(),
				storageUrl: rt.storageUrl(),
				clusters: [...state.clusters.values()].map((c) => ({
					...renderCluster(c),
					requires_approval: c.requires_approval,
					queue_limit: c.queue_limit,
					...renderClusterStatus(c, now),
					pending_approval: c.pendingApproval.map((j) => j.uuid),
				})),
				jobs: state.objectOrder.map((id) => state.objects.get(id)!).filter((o) => o.kind === 'job').map((o) => ({ ...renderToolpathJob(o, now), header: o.header })),
				files: state.objectOrder.map((id) => state.objects.get(id)!).filter((o) => o.kind === 'file').map(renderLibraryFile),
				projects: [...state.projects.values()].map(renderProject),
				uploads: [...state.uploads.values()].map((u) => ({
					id: u.id,
					object_kind: u.objectKind,
					object_id: u.objectId,
					content_type: u.contentType,
					size: u.size,
					origin: u.origin,
					protocol: u.protocol,
					state: u.state,
					received_bytes: u.receivedBytes,
					persisted_bytes: u.persistedBytes,
					rejections: u.rejections,
				})),
				tokens: [...state.tokens.values()].map((t) => ({
					token_prefix: `${t.token.slice(0, 10)}…`,
					kind: t.kind,
					expired: t.expired || (t.expiresAt !== null && now >= t.expiresAt),
					expires_at: t.expiresAt === null ? null : iso(t.expiresAt),
					client_id: t.clientId,
				})),
				faults: rt.faults.list(),
			},
		});
	});

	/** Optional filters: `?server=api|storage`, `?path=<prefix>`. */
	router.add('GET', '/_emulator/requests', (ctx) => {
		const server = ctx.query.get('server');
		const prefix = ctx.query.get('path');
		const entries = rt.log.list().filter((e) => (server === null || e.server === server) && (prefix === null || e.path.startsWith(prefix)));
		sendJson(ctx, 200, { data: entries });
	});
	router.add('DELETE', '/_emulator/requests', (ctx) => {
		rt.log.clear();
		sendJson(ctx, 200, { data: { cleared: true } });
	});

	/** Which storage protocol the `upload_url` of the next registrations speaks; uploads already registered keep theirs. */
	router.add('GET', '/_emulator/storage', (ctx) => sendJson(ctx, 200, { data: { uploadUrlStyle: rt.options.uploadUrlStyle } }));
	router.add('POST', '/_emulator/storage', async (ctx) => {
		const { uploadUrlStyle } = await readObject(ctx);
		if (uploadUrlStyle !== 'resumable' && uploadUrlStyle !== 'signed') throw validation('uploadUrlStyle must be "resumable" or "signed"');
		rt.options.uploadUrlStyle = uploadUrlStyle;
		sendJson(ctx, 200, { data: { uploadUrlStyle } });
	});

	router.add('POST', '/_emulator/faults', async (ctx) => {
		// A raw fault may carry a large body (a list page of 100,000+ rows).
		const rule = rt.faults.add(await readObject(ctx, 64 * 1024 * 1024));
		sendJson(ctx, 200, { data: rule });
	});
	router.add('GET', '/_emulator/faults', (ctx) => sendJson(ctx, 200, { data: rt.faults.list() }));
	router.add('DELETE', '/_emulator/faults', (ctx) => {
		rt.faults.clear();
		sendJson(ctx, 200, { data: { cleared: true } });
	});

	router.add('POST', '/_emulator/clock/advance', async (ctx) => {
		const { seconds } = await readObject(ctx);
		if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw validation('seconds must be a number >= 0');
		rt.state.sync();
		rt.clock.advance(seconds);
		const now = rt.state.sync();
		sendJson(ctx, 200, { data: { now: iso(now), speed: rt.clock.speed } });
	});
	router.add('POST', '/_emulator/clock/speed', async (ctx) => {
		const { speed } = await readObject(ctx);
		if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0) throw validation('speed must be a number >= 0');
		rt.state.sync();
		rt.clock.setSpeed(speed);
		sendJson(ctx, 200, { data: { now: iso(rt.clock.now()), speed } });
	});
	router.add('GET', '/_emulator/clock', (ctx) => sendJson(ctx, 200, { data: { now: iso(rt.clock.now()), speed: rt.clock.speed } }));

	router.add('POST', '/_emulator/clusters', async (ctx) => {
		const spec = validateClusterSpec(await readObject(ctx));
		rt.state.sync();
		const cluster = rt.state.addCluster(spec);
		sendJson(ctx, 201, { data: renderCluster(cluster) });
	});
	router.add('DELETE', '/_emulator/clusters/:cluster_id', (ctx) => {
		const id = ctx.params.cluster_id!;
		if (!rt.state.clusters.delete(id)) throw notFound('Cluster', id);
		sendJson(ctx, 200, { data: { cluster_id: id, deleted: true } });
	});
	router.add('POST', '/_emulator/clusters/:cluster_id/connectivity', async (ctx) => {
		const id = ctx.params.cluster_id!;
		const { is_online } = await readObject(ctx);
		if (typeof is_online !== 'boolean') throw validation('is_online: required, must be a boolean');
		rt.state.sync();
		const cluster = rt.state.clusters.get(id);
		if (!cluster) throw notFound('Cluster', id);
		sendJson(ctx, 200, { data: renderCluster(rt.state.putCluster({ ...cluster, is_online })) });
	});
	router.add('POST', '/_emulator/clusters/:cluster_id', async (ctx) => {
		const id = ctx.params.cluster_id!;
		const body = await readObject(ctx);
		rt.state.sync();
		const cluster = rt.state.clusters.get(id);
		if (!cluster) throw notFound('Cluster', id);
		const next = structuredClone(cluster);
		if (body.friendly_name !== undefined) {
			// null takes the key off the cluster object, as in Ultimaker's recorded cluster lists.
			if (body.friendly_name !== null && typeof body.friendly_name !== 'string') throw validation('friendly_name must be a string or null');
			next.hasFriendlyName = body.friendly_name !== null;
			if (body.friendly_name !== null) next.friendly_name = body.friendly_name;
		}
		if (body.status !== undefined) {
			if (body.status !== 'active' && body.status !== 'inactive') throw validation('status must be active or inactive');
			next.status = body.status;
		}
		if (body.requires_approval !== undefined) {
			if (typeof body.requires_approval !== 'boolean') throw validation('requires_approval must be a boolean');
			next.requires_approval = body.requires_approval;
		}
		if (body.queue_limit !== undefined) {
			if (typeof body.queue_limit !== 'number' || !Number.isInteger(body.queue_limit) || body.queue_limit < 0) throw validation('queue_limit must be an integer >= 0');
			next.queue_limit = body.queue_limit;
		}
		if (body.is_online !== undefined) {
			if (typeof body.is_online !== 'boolean') throw validation('is_online must be a boolean');
			next.is_online = body.is_online;
		}
		sendJson(ctx, 200, { data: renderCluster(rt.state.putCluster(next)) });
	});
	/** Approves print requests that were answered `wait_approval` (all, or `{uuid}`). */
	router.add('POST', '/_emulator/clusters/:cluster_id/approve', async (ctx) => {
		const id = ctx.params.cluster_id!;
		const { uuid } = await readObject(ctx);
		const now = rt.state.sync();
		const cluster = rt.state.clusters.get(id);
		if (!cluster) throw notFound('Cluster', id);
		const next = structuredClone(cluster);
		const approved = next.pendingApproval.filter((j) => uuid === undefined || j.uuid === uuid);
		if (uuid !== undefined && approved.length === 0) throw notFound('Pending print job', String(uuid));
		next.pendingApproval = next.pendingApproval.filter((j) => !approved.includes(j));
		for (const job of approved) next.queue.push({ ...job, createdAt: now, phaseStartedAt: now });
		rt.state.clusters.set(id, advanceCluster(next, now, rt.state.timings));
		sendJson(ctx, 200, { data: { approved: approved.map((j) => j.uuid) } });
	});

	/** Adds printers to an existing cluster: `{printers: [{type, friendly_name?, materials?}]}`. */
	router.add('POST', '/_emulator/clusters/:cluster_id/printers', async (ctx) => {
		const id = ctx.params.cluster_id!;
		const spec = validateClusterSpec(await readObject(ctx));
		rt.state.sync();
		const cluster = rt.state.clusters.get(id);
		if (!cluster) throw notFound('Cluster', id);
		const scratch = rt.state.buildPrinters(spec.printers);
		const next = structuredClone(cluster);
		next.printers.push(...scratch);
		const updated = rt.state.putCluster(next);
		sendJson(ctx, 201, { data: renderClusterStatus(updated, rt.clock.now()) });
	});
	/** Removes a printer; its active job (if any) goes back to the queue. The last printer cannot be removed. */
	router.add('DELETE', '/_emulator/printers/:printer_uuid', (ctx) => {
		const now = rt.state.sync();
		const found = rt.state.findPrinter(ctx.params.printer_uuid!);
		if (!found) throw notFound('Printer', ctx.params.printer_uuid!);
		if (found.cluster.printers.length === 1) throw new HttpError(409, 'lastPrinter', 'Cannot remove the last printer', 'Delete the cluster instead.');
		const next = structuredClone(found.cluster);
		next.printers = next.printers.filter((p) => p.uuid !== found.printer.uuid);
		const orphan = next.queue.find((j) => j.uuid === found.printer.activeJobUuid);
		if (orphan) {
			// The print is lost with the printer; the job starts over from the queue.
			Object.assign(orphan, { status: 'queued', phaseStartedAt: now, elapsedMs: 0, started: false, printer_uuid: null, assigned_to: null, printed_on_uuid: null });
		}
		const updated = rt.state.putCluster(next);
		sendJson(ctx, 200, { data: renderClusterStatus(updated, now) });
	});

	router.add('POST', '/_emulator/printers/:printer_uuid/clear-build-plate', (ctx) => {
		const now = rt.state.sync();
		const found = rt.state.findPrinter(ctx.params.printer_uuid!);
		if (!found) throw notFound('Printer', ctx.params.printer_uuid!);
		const result = clearBuildPlate(found.cluster, found.printer.uuid, now, rt.state.timings);
		if (!result.ok) throw simulationError(result.error);
		rt.state.clusters.set(found.cluster.cluster_id, result.cluster);
		sendJson(ctx, 200, { data: renderClusterStatus(result.cluster, now) });
	});

	router.add('POST', '/_emulator/printers/:printer_uuid', async (ctx) => {
		const body = await readObject(ctx);
		rt.state.sync();
		const found = rt.state.findPrinter(ctx.params.printer_uuid!);
		if (!found) throw notFound('Printer', ctx.params.printer_uuid!);
		const cluster = structuredClone(found.cluster);
		const printer = cluster.printers.find((p) => p.uuid === found.printer.uuid)!;
		if (body.status !== undefined) {
			if (typeof body.status !== 'string' || body.status === '') throw validation('status must be a non-empty string');
			printer.statusOverride = body.status === 'idle' ? null : body.status;
		}
		if (body.enabled !== undefined) {
			if (typeof body.enabled !== 'boolean') throw validation('enabled must be a boolean');
			printer.enabled = body.enabled;
		}
		if (body.maintenance_required !== undefined) {
			if (typeof body.maintenance_required !== 'boolean') throw validation('maintenance_required must be a boolean');
			printer.maintenance_required = body.maintenance_required;
		}
		if (body.friendly_name !== undefined) {
			if (typeof body.friendly_name !== 'string') throw validation('friendly_name must be a string');
			printer.friendly_name = body.friendly_name;
		}
		if (body.configuration !== undefined) {
			if (!Array.isArray(body.configuration)) throw validation('configuration must be an array');
			for (const [i, change] of (body.configuration as unknown[]).entries()) {
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
		const updated = rt.state.putCluster(cluster);
		sendJson(ctx, 200, { data: renderClusterStatus(updated, rt.clock.now()) });
	});

	router.add('POST', '/_emulator/print_jobs/:uuid', async (ctx) => {
		const { status } = await readObject(ctx);
		if (typeof status !== 'string' || status === '') throw validation('status: required, must be a string');
		const now = rt.state.sync();
		const cluster = rt.state.findPrintJobCluster(ctx.params.uuid!);
		if (!cluster) throw notFound('Print job', ctx.params.uuid!);
		const result = forceJobStatus(cluster, ctx.params.uuid!, status, now, rt.state.timings);
		if (!result.ok) throw simulationError(result.error);
		rt.state.clusters.set(cluster.cluster_id, result.cluster);
		sendJson(ctx, 200, { data: renderClusterStatus(result.cluster, now) });
	});

	router.add('POST', '/_emulator/tokens', async (ctx) => {
		const { token, expired } = await readObject(ctx);
		if (typeof token !== 'string' || !/^\S+$/.test(token)) throw validation('token: required, a string without spaces');
		if (expired !== undefined && typeof expired !== 'boolean') throw validation('expired must be a boolean');
		const existing = rt.state.tokens.get(token);
		if (existing) existing.expired = expired ?? false;
		else rt.state.addStaticToken(token, expired ?? false);
		sendJson(ctx, 200, { data: { token_prefix: `${token.slice(0, 10)}…`, expired: expired ?? false } });
	});

	router.add('POST', '/_emulator/recorder/:channel', async (ctx) => {
		const body = await readJson(ctx);
		const list = rt.recorder.get(ctx.params.channel!) ?? [];
		list.push(body ?? null);
		rt.recorder.set(ctx.params.channel!, list);
		sendJson(ctx, 200, { data: { count: list.length } });
	});
	router.add('GET', '/_emulator/recorder/:channel', (ctx) => sendJson(ctx, 200, { data: rt.recorder.get(ctx.params.channel!) ?? [] }));
	router.add('DELETE', '/_emulator/recorder/:channel', (ctx) => {
		rt.recorder.delete(ctx.params.channel!);
		sendJson(ctx, 200, { data: { cleared: true } });
	});
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
