/**
 * The control API under `/_emulator/` (no auth): reset, state, request log, storage protocol, faults, clock, tokens
 * and the recorder. The farm's own controls (clusters, printers, print jobs) are in controlFarm.ts.
 */
import type { Context } from './http';
import { readObject, readJson, sendJson, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes } from './runtime';
import { validateFarm } from './state';
import { renderCluster, renderClusterStatus, renderToolpathJob, renderLibraryFile, renderProject, iso } from './view';

async function reset(ctx: Context, rt: Runtime): Promise<void> {
	const body = await readObject(ctx);
	if (body.seed !== undefined && typeof body.seed !== 'string') throw validation('seed must be a string');
	const farm = body.farm === undefined ? undefined : validateFarm(body.farm);
	rt.reset(body.seed as string | undefined, farm);
	sendJson(ctx, 200, { data: { clusters: [...rt.state.clusters.values()].map(renderCluster) } });
}

/** Everything the emulator holds, brought up to now, with what the API does not show (approval, limits, uploads, tokens). */
function state(ctx: Context, rt: Runtime): void {
	const now = rt.state.sync();
	const { clusters, objectOrder, objects, projects, uploads, tokens } = rt.state;
	const stored = objectOrder.map((id) => objects.get(id)!);
	sendJson(ctx, 200, {
		data: {
			now: iso(now),
			speed: rt.clock.speed,
			apiUrl: rt.apiUrl(),
			storageUrl: rt.storageUrl(),
			clusters: [...clusters.values()].map((c) => ({
				...renderCluster(c),
				requires_approval: c.requires_approval,
				queue_limit: c.queue_limit,
				...renderClusterStatus(c, now),
				pending_approval: c.pendingApproval.map((j) => j.uuid),
			})),
			jobs: stored.filter((o) => o.kind === 'job').map((o) => ({ ...renderToolpathJob(o, now), header: o.header })),
			files: stored.filter((o) => o.kind === 'file').map(renderLibraryFile),
			projects: [...projects.values()].map(renderProject),
			uploads: [...uploads.values()].map((u) => ({
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
			tokens: [...tokens.values()].map((t) => ({
				token_prefix: `${t.token.slice(0, 10)}…`,
				kind: t.kind,
				expired: t.expired || (t.expiresAt !== null && now >= t.expiresAt),
				expires_at: t.expiresAt === null ? null : iso(t.expiresAt),
				client_id: t.clientId,
			})),
			faults: rt.faults.list(),
		},
	});
}

/** Optional filters: `?server=api|storage`, `?path=<prefix>`. */
function requests(ctx: Context, rt: Runtime): void {
	const server = ctx.query.get('server');
	const prefix = ctx.query.get('path');
	const entries = rt.log.list().filter((e) => (server === null || e.server === server) && (prefix === null || e.path.startsWith(prefix)));
	sendJson(ctx, 200, { data: entries });
}

/** Which storage protocol the `upload_url` of the next registrations speaks; uploads already registered keep theirs. */
async function setUploadUrlStyle(ctx: Context, rt: Runtime): Promise<void> {
	const { uploadUrlStyle } = await readObject(ctx);
	if (uploadUrlStyle !== 'resumable' && uploadUrlStyle !== 'signed') throw validation('uploadUrlStyle must be "resumable" or "signed"');
	rt.options.uploadUrlStyle = uploadUrlStyle;
	sendJson(ctx, 200, { data: { uploadUrlStyle } });
}

async function addFault(ctx: Context, rt: Runtime): Promise<void> {
	// A raw fault may carry a large body (a list page of 100,000+ rows).
	const rule = rt.faults.add(await readObject(ctx, 64 * 1024 * 1024));
	sendJson(ctx, 200, { data: rule });
}

/** A non-negative finite number from the body, or 422. */
async function readAmount(ctx: Context, field: 'seconds' | 'speed'): Promise<number> {
	const value = (await readObject(ctx))[field];
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw validation(`${field} must be a number >= 0`);
	return value;
}

async function advanceClock(ctx: Context, rt: Runtime): Promise<void> {
	const seconds = await readAmount(ctx, 'seconds');
	rt.state.sync();
	rt.clock.advance(seconds);
	const now = rt.state.sync();
	sendJson(ctx, 200, { data: { now: iso(now), speed: rt.clock.speed } });
}

async function setClockSpeed(ctx: Context, rt: Runtime): Promise<void> {
	const speed = await readAmount(ctx, 'speed');
	rt.state.sync();
	rt.clock.setSpeed(speed);
	sendJson(ctx, 200, { data: { now: iso(rt.clock.now()), speed } });
}

/** Adds a static token, or marks a known one expired or valid again. */
async function putToken(ctx: Context, rt: Runtime): Promise<void> {
	const { token, expired } = await readObject(ctx);
	if (typeof token !== 'string' || !/^\S+$/.test(token)) throw validation('token: required, a string without spaces');
	if (expired !== undefined && typeof expired !== 'boolean') throw validation('expired must be a boolean');
	const existing = rt.state.tokens.get(token);
	if (existing) existing.expired = expired ?? false;
	else rt.state.addStaticToken(token, expired ?? false);
	sendJson(ctx, 200, { data: { token_prefix: `${token.slice(0, 10)}…`, expired: expired ?? false } });
}

/** The recorder: a channel per name that keeps every JSON body posted to it (e.g. by a workflow's HTTP node). */
async function record(ctx: Context, rt: Runtime): Promise<void> {
	const body = await readJson(ctx);
	const list = rt.recorder.get(ctx.params.channel!) ?? [];
	list.push(body ?? null);
	rt.recorder.set(ctx.params.channel!, list);
	sendJson(ctx, 200, { data: { count: list.length } });
}

/** Answers that something was emptied, after `clear` did it. */
const cleared = (clear: (ctx: Context, rt: Runtime) => void) => (ctx: Context, rt: Runtime) => {
	clear(ctx, rt);
	sendJson(ctx, 200, { data: { cleared: true } });
};

const clockNow = (ctx: Context, rt: Runtime) => sendJson(ctx, 200, { data: { now: iso(rt.clock.now()), speed: rt.clock.speed } });

export const controlRoutes: ApiTable = [
	...apiRoutes('none', {
		'POST /_emulator/reset': reset,
		'GET /_emulator/state': state,
		'GET /_emulator/requests': requests,
		'DELETE /_emulator/requests': cleared((_ctx, rt) => rt.log.clear()),
		'GET /_emulator/storage': (ctx, rt) => sendJson(ctx, 200, { data: { uploadUrlStyle: rt.options.uploadUrlStyle } }),
		'POST /_emulator/storage': setUploadUrlStyle,
		'POST /_emulator/faults': addFault,
		'GET /_emulator/faults': (ctx, rt) => sendJson(ctx, 200, { data: rt.faults.list() }),
		'DELETE /_emulator/faults': cleared((_ctx, rt) => rt.faults.clear()),
		'POST /_emulator/clock/advance': advanceClock,
		'POST /_emulator/clock/speed': setClockSpeed,
		'GET /_emulator/clock': clockNow,
		'POST /_emulator/tokens': putToken,
		'POST /_emulator/recorder/:channel': record,
		'GET /_emulator/recorder/:channel': (ctx, rt) => sendJson(ctx, 200, { data: rt.recorder.get(ctx.params.channel!) ?? [] }),
		'DELETE /_emulator/recorder/:channel': cleared((ctx, rt) => rt.recorder.delete(ctx.params.channel!)),
	}),
];
