/**
 * The printers' own local API (the "cluster API" Ultimaker Cura's print-over-network uses, and the printer API), on
 * a listener of its own, for one printer group of the farm: bare JSON answers (arrays for lists, no `data`
 * envelope), the pairing flow (a control call presses Allow or Deny on the "printer's screen"), HTTP Digest
 * challenges (SHA-256 and/or MD5, a nonce that goes stale), multipart uploads to the queue, the job actions with
 * the local API's verbs, camera snapshots (a small generated JPEG behind a 302, as the printer redirects to its
 * camera port) and print history. Faults from the shared registry apply to its paths as on the cloud listener.
 *
 * One listener serves one group (the emulator option `lanCluster`, default the farm's first cluster): a real group
 * host answers for every printer of its group, and its members' own `/api/v1` (camera, history) is served here
 * for the host printer. Shapes follow ../../shared/reference/lan-cluster-api.md; where that reference marks a fact
 * inferred, this is one guess among several (e.g. the upload answers 200 with an empty body, as Cura's own
 * test emulator does).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context, Guard, RouteTable } from './http';
import { HttpError, Router, mountRoutes, readBody, readJson, routes, send, sendJson, simulationError, streamBody } from './http';
import type { PartSink } from './multipart';
import { FieldSink, MultipartParser, boundaryOf } from './multipart';
import type { Runtime } from './runtime';
import type { ClusterState, PrintJobState } from './stateModel';
import { applyPrintJobAction, enqueueJob, queuedPrintJob } from './simulation';
import { iso, renderPrintJob, renderPrinter } from './view';
import { ToolpathHeaderReader } from './gcode';

export type LanAlgorithm = 'SHA-256' | 'MD5';

export interface Pairing {
	id: string;
	key: string;
	application: string;
	user: string;
	status: 'unknown' | 'authorized' | 'unauthorized' | 'revoked';
}

export interface LanSettings {
	/** Algorithms offered in the challenge, in order (one `WWW-Authenticate` header each). Default SHA-256 only (2025 firmware [S/I]). */
	algorithms: LanAlgorithm[];
	/** Whether reads of the cluster API need Digest too (newer firmware may gate job lists [S]). Default false. */
	digestReads: boolean;
	/** A nonce older than this (real ms) is answered with `stale=true`. Default 60 s. */
	nonceLifetimeMs: number;
	/** Whether `GET /api/v1/auth/check/{id}` exists (newer firmware may not have it [I]). Default true. */
	authCheck: boolean;
}

export interface LanState {
	clusterId: string;
	pairings: Map<string, Pairing>;
	nonces: Map<string, number>;
	settings: LanSettings;
	/** Uploads received, for tests: name, owner, require_printer_name, bytes. */
	uploads: Array<{ name: string; owner: string | null; requirePrinterName: string | null; bytes: number }>;
}

export const DEFAULT_LAN_SETTINGS: LanSettings = { algorithms: ['SHA-256'], digestReads: false, nonceLifetimeMs: 60_000, authCheck: true };
export const JEDI_REALM = 'Jedi-API';

export function newLanState(clusterId: string): LanState {
	return { clusterId, pairings: new Map(), nonces: new Map(), settings: { ...DEFAULT_LAN_SETTINGS }, uploads: [] };
}

interface LanEnv {
	rt: Runtime;
	lan: () => LanState;
}

/** A 1×1 grey baseline JPEG (SOI, quantisation and Huffman tables, one scan, EOI), made once. */
export const SNAPSHOT_JPEG = Buffer.from(
	'/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=',
	'base64',
);

function cluster(env: LanEnv): ClusterState {
	env.rt.state.sync();
	const found = env.rt.state.clusters.get(env.lan().clusterId);
	if (!found) throw new HttpError(503, 'groupGone', 'Service unavailable', 'The printer group of this listener is gone.');
	return found;
}

/** The listener's own host name: printers report it as their `ip_address`, so clients reach their `/api/v1` here. */
function hostOf(ctx: Context): string {
	return (ctx.req.headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
}

function lanPrinter(ctx: Context, c: ClusterState, printer: ClusterState['printers'][number]): Record<string, unknown> {
	return { ...renderPrinter(c, printer), ip_address: hostOf(ctx), material_station: null };
}

/** A job as the cluster API lists it: no cloud file id, a zoneless `created_at` with microseconds [S: captured answer]. */
function lanJob(c: ClusterState, job: PrintJobState, now: number): Record<string, unknown> {
	const rendered = renderPrintJob(c, job, now);
	return { ...rendered, cloud_job_id: null, created_at: iso(job.createdAt).replace(/Z$/, '').replace(/\.(\d{3})$/, '.$1000') };
}

// ---- Digest ----

const H = (algorithm: LanAlgorithm, text: string) => createHash(algorithm === 'SHA-256' ? 'sha256' : 'md5').update(text, 'utf8').digest('hex');

function parseAuthorization(header: string | undefined): Record<string, string> | null {
	if (!header || !/^Digest\s+/i.test(header)) return null;
	const out: Record<string, string> = {};
	const pattern = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
	for (let m = pattern.exec(header); m; m = pattern.exec(header)) out[m[1]!.toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
	return out;
}

function challenge(env: LanEnv, stale: boolean): HttpError {
	const lan = env.lan();
	const nonce = randomBytes(16).toString('hex');
	lan.nonces.set(nonce, Date.now());
	const headers = lan.settings.algorithms.map(
		(algorithm) => `Digest realm="${JEDI_REALM}", qop="auth", nonce="${nonce}", algorithm=${algorithm}${stale ? ', stale=true' : ''}`,
	);
	// Node's setHeader with an array sends one header line per challenge.
	return new HttpError(401, 'unauthorized', 'Not authorized', 'Not authorized. Check or request your id/key combination, and/or http digest implementation.', {
		'WWW-Authenticate': headers as unknown as string,
	});
}

/** Admits a request signed by an authorized pairing; otherwise a 401 with a fresh challenge (stale when only the nonce expired). */
function requireDigest(ctx: Context, env: LanEnv): void {
	const lan = env.lan();
	const fields = parseAuthorization(ctx.req.headers.authorization);
	if (!fields) throw challenge(env, false);
	const algorithm = (fields.algorithm ?? 'MD5').toUpperCase() as LanAlgorithm;
	if (!lan.settings.algorithms.includes(algorithm)) throw challenge(env, false);
	const pairing = lan.pairings.get(fields.username ?? '');
	if (!pairing || pairing.status !== 'authorized' || fields.realm !== JEDI_REALM) throw challenge(env, false);
	const ha1 = H(algorithm, `${pairing.id}:${JEDI_REALM}:${pairing.key}`);
	const ha2 = H(algorithm, `${ctx.method}:${fields.uri}`);
	const expected = fields.qop
		? H(algorithm, `${ha1}:${fields.nonce}:${fields.nc}:${fields.cnonce}:${fields.qop}:${ha2}`)
		: H(algorithm, `${ha1}:${fields.nonce}:${ha2}`);
	if (expected !== fields.response || fields.uri !== (ctx.req.url ?? '')) throw challenge(env, false);
	const issued = lan.nonces.get(fields.nonce ?? '');
	// A right answer to an unknown or expired nonce: the key is fine, the nonce is not.
	if (issued === undefined || Date.now() - issued > lan.settings.nonceLifetimeMs) throw challenge(env, true);
}

// ---- handlers ----

function listPrinters(ctx: Context, env: LanEnv): void {
	const c = cluster(env);
	sendJson(ctx, 200, c.printers.map((p) => lanPrinter(ctx, c, p)));
}

function listPrintJobs(ctx: Context, env: LanEnv): void {
	const c = cluster(env);
	const now = env.rt.clock.now();
	sendJson(ctx, 200, [...c.queue, ...c.history].map((job) => lanJob(c, job, now)));
}

/** Form fields of an upload (`owner`, `require_printer_name`) are kept up to this size each. */
const MAX_FIELD_BYTES = 64 * 1024;

/** The file part of an upload as it streams by: its name, its size, and its toolpath header read on the way. */
interface UploadedFile {
	filename: string | null;
	bytes: number;
	reader: ToolpathHeaderReader | null;
}

/** The content type the emulator reads an uploaded file as, from its name. */
const uploadContentType = (fileName: string) => (/\.ufp$/i.test(fileName) ? 'application/x-ufp' : 'text/x-gcode');

/**
 * Reads an upload's multipart body as it arrives, as a printer writes it to its disk: the file part is counted and
 * its toolpath header read on the way (its bytes are not kept), the small fields are kept. Resolves when the body
 * has ended with its closing boundary; a body it cannot read is read to its end and then refused (400).
 */
async function readUpload(ctx: Context, limit: number): Promise<{ file: UploadedFile | null; fields: Map<string, Buffer> }> {
	const fields = new Map<string, Buffer>();
	let file: UploadedFile | null = null;
	let parser: MultipartParser | undefined;
	let unreadable: unknown;
	try {
		parser = new MultipartParser(boundaryOf(ctx.req.headers['content-type']), (part): PartSink => {
			if (part.name === 'file') {
				const format = ToolpathHeaderReader.formatOf(uploadContentType(part.filename ?? 'upload.gcode'));
				const streamed: UploadedFile = { filename: part.filename, bytes: 0, reader: format ? new ToolpathHeaderReader(format) : null };
				return {
					write: (chunk) => {
						streamed.bytes += chunk.length;
						streamed.reader?.write(chunk);
					},
					// A later part of the same name wins, as in a form.
					end: () => void (file = streamed),
				};
			}
			const field = new FieldSink(part.name ?? '', MAX_FIELD_BYTES);
			return {
				write: (chunk) => field.write(chunk),
				end: () => {
					field.end();
					if (part.name) fields.set(part.name, field.value!);
				},
			};
		});
	} catch (error) {
		unreadable = error;
	}
	await streamBody(ctx, limit, (chunk) => parser?.write(chunk));
	if (!parser) throw unreadable;
	parser.end();
	return { file, fields };
}

async function upload(ctx: Context, env: LanEnv): Promise<void> {
	const { file, fields } = await readUpload(ctx, env.rt.options.maxFileSize);
	if (!file || file.bytes === 0) throw new HttpError(400, 'badRequest', 'Bad request', 'The "file" part is missing or empty.');
	const c = cluster(env);
	const now = env.rt.clock.now();
	const requirePrinter = fields.get('require_printer_name')?.toString('utf8') ?? null;
	const printer = requirePrinter ? c.printers.find((p) => p.unique_name === requirePrinter) : undefined;
	if (requirePrinter && !printer) throw new HttpError(400, 'badRequest', 'Bad request', `No printer ${requirePrinter} in this group.`);
	const fileName = file.filename ?? 'upload.gcode';
	const header = file.reader ? await file.reader.end().catch(() => null) : null;
	const owner = fields.get('owner')?.toString('utf8') ?? null;
	const job = queuedPrintJob(
		{
			uuid: env.rt.state.ids.uuid(),
			// A LAN upload has no Digital Factory job behind it.
			cloudJobId: null as unknown as string,
			// The printer lists the file name without its extension [I].
			name: fileName.replace(/\.(gcode\.gz|gcode|ufp)$/i, ''),
			owner: owner ?? 'unknown',
			assignedTo: printer?.uuid ?? null,
			header,
			fallbackVariant: c.printers[0]!.machine_variant,
		},
		now,
		env.rt.state.timings,
	);
	// `require_printer_name`: this printer only; the scheduler assigns the job nowhere else.
	job.requiredPrinterUuid = printer?.uuid ?? null;
	env.lan().uploads.push({ name: job.name, owner, requirePrinterName: requirePrinter, bytes: file.bytes });
	env.rt.state.clusters.set(c.cluster_id, enqueueJob(c, job, now, env.rt.state.timings));
	// The real answer is not documented (Cura ignores it) [I]: 200, empty, as Cura's own emulator answers [S].
	send(ctx, 200, null);
}

async function act(ctx: Context, env: LanEnv, action: string, data?: unknown): Promise<void> {
	const c = cluster(env);
	const result = applyPrintJobAction(c, ctx.params.uuid!, action, data, env.rt.clock.now(), env.rt.state.timings);
	if (!result.ok) throw simulationError(result.error);
	env.rt.state.clusters.set(c.cluster_id, result.cluster);
	send(ctx, 204, null);
}

async function jobAction(ctx: Context, env: LanEnv): Promise<void> {
	const body = (await readJson(ctx, 64 * 1024)) as { action?: unknown } | undefined;
	// The printer's verbs: pause, print (= resume), abort [C].
	const verbs: Record<string, string> = { pause: 'pause', print: 'resume', abort: 'abort' };
	const action = typeof body?.action === 'string' ? verbs[body.action] : undefined;
	if (!action) throw new HttpError(400, 'badRequest', 'Bad request', 'action must be pause, print or abort.');
	await act(ctx, env, action);
}

async function move(ctx: Context, env: LanEnv): Promise<void> {
	const body = (await readJson(ctx, 64 * 1024)) as Record<string, unknown> | undefined;
	await act(ctx, env, 'move', { list: body?.list ?? 'queued', to_position: body?.to_position ?? 0 });
}

async function updateJob(ctx: Context, env: LanEnv): Promise<void> {
	const body = (await readJson(ctx, 64 * 1024)) as { force?: unknown } | undefined;
	if (body?.force !== true) throw new HttpError(400, 'badRequest', 'Bad request', 'Only {"force": true} is supported.');
	await act(ctx, env, 'force');
}

function system(ctx: Context, env: LanEnv): void {
	const c = cluster(env);
	const host = c.printers[0]!;
	sendJson(ctx, 200, {
		name: c.friendly_name,
		hostname: host.unique_name,
		guid: host.uuid,
		firmware: host.firmware_version,
		variant: host.machine_variant,
		platform: 'emulator',
		type: '3D printer',
		hardware: { typeid: 9051, revision: 0 },
	});
}

function history(ctx: Context, env: LanEnv): void {
	const c = cluster(env);
	const offset = Math.max(0, Number(ctx.query.get('offset') ?? 0) || 0);
	const count = Math.max(0, Math.min(500, Number(ctx.query.get('count') ?? 50) || 50));
	const host = c.printers[0]!;
	const mine = c.history.filter((job) => (job.printed_on_uuid ?? job.printer_uuid) === host.uuid || c.printers.length === 1);
	const entries = mine.map((job) => ({
		uuid: job.uuid,
		name: job.name,
		owner: job.owner,
		created_at: iso(job.createdAt),
		datetime_started: iso(job.phaseStartedAt),
		datetime_finished: job.finishedAt === null ? null : iso(job.finishedAt),
		datetime_cleaned: null,
		time_elapsed: Math.round(job.elapsedMs / 1000),
		time_estimated: job.time_total,
		time_total: job.time_total,
		result: job.aborted ? 'Aborted' : job.status === 'failed' ? 'Failed' : 'Finished',
		source: 'WEB_API',
		reprint_original_uuid: null,
		material_0_guid: job.requiredMaterials[0] ?? null,
		material_0_amount: 0,
		extruders_used: [true, false],
	}));
	sendJson(ctx, 200, entries.slice(offset, offset + count));
}

function pairRequest(ctx: Context, env: LanEnv): Promise<void> {
	return readBody(ctx, 64 * 1024).then((body) => {
		let fields: Record<string, unknown> = {};
		const text = body.toString('utf8');
		try {
			fields = text.trim().startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(text));
		} catch {
			throw new HttpError(400, 'badRequest', 'Bad request', 'application and user are required.');
		}
		const pairing: Pairing = {
			id: randomBytes(16).toString('hex'),
			key: randomBytes(32).toString('hex'),
			application: String(fields.application ?? ''),
			user: String(fields.user ?? ''),
			status: 'unknown',
		};
		env.lan().pairings.set(pairing.id, pairing);
		sendJson(ctx, 200, { id: pairing.id, key: pairing.key });
	});
}

function pairCheck(ctx: Context, env: LanEnv): void {
	if (!env.lan().settings.authCheck) throw new HttpError(404, 'notFound', 'Not found', 'No such endpoint.');
	const pairing = env.lan().pairings.get(ctx.params.id!);
	sendJson(ctx, 200, { message: pairing?.status === 'authorized' ? 'authorized' : pairing?.status === 'unauthorized' ? 'unauthorized' : 'unknown' });
}

function cameraRedirect(ctx: Context, env: LanEnv): void {
	cluster(env);
	if (ctx.params.index !== '0') throw new HttpError(404, 'notFound', 'Not found', 'No such camera.');
	// The real printer redirects to its camera port (8080) [S]; here the camera is a path of this listener.
	send(ctx, 302, null, { Location: '/_camera/0/snapshot' });
}

// ---- control (presses on the printer's screen, firmware settings) ----

async function control(ctx: Context, env: LanEnv): Promise<void> {
	const lan = env.lan();
	const body = ((await readJson(ctx, 64 * 1024)) ?? {}) as Record<string, unknown>;
	const pairing = ctx.params.id ? lan.pairings.get(ctx.params.id) : undefined;
	switch (ctx.params.verb) {
		case 'allow':
		case 'deny':
		case 'revoke': {
			if (!pairing) throw new HttpError(404, 'notFound', 'Not found', `No pairing ${ctx.params.id}.`);
			pairing.status = ctx.params.verb === 'allow' ? 'authorized' : ctx.params.verb === 'deny' ? 'unauthorized' : 'revoked';
			return sendJson(ctx, 200, { id: pairing.id, application: pairing.application, user: pairing.user, status: pairing.status });
		}
		default:
			throw new HttpError(404, 'notFound', 'Not found', 'Unknown control verb.');
	}
	void body;
}

async function settings(ctx: Context, env: LanEnv): Promise<void> {
	const lan = env.lan();
	const body = ((await readJson(ctx, 64 * 1024)) ?? {}) as Partial<LanSettings> & { expireNonces?: boolean };
	if (Array.isArray(body.algorithms)) lan.settings.algorithms = body.algorithms.filter((a): a is LanAlgorithm => a === 'SHA-256' || a === 'MD5');
	if (typeof body.digestReads === 'boolean') lan.settings.digestReads = body.digestReads;
	if (typeof body.nonceLifetimeMs === 'number') lan.settings.nonceLifetimeMs = body.nonceLifetimeMs;
	if (typeof body.authCheck === 'boolean') lan.settings.authCheck = body.authCheck;
	if (body.expireNonces === true) for (const nonce of lan.nonces.keys()) lan.nonces.set(nonce, 0);
	sendJson(ctx, 200, { ...lan.settings, clusterId: lan.clusterId, pairings: [...lan.pairings.values()].map(({ id, application, user, status }) => ({ id, application, user, status })) });
}

function uploads(ctx: Context, env: LanEnv): void {
	sendJson(ctx, 200, env.lan().uploads);
}

type LanAuth = 'open' | 'read' | 'digest';

export const LAN_ROUTES: RouteTable<LanEnv, LanAuth> = [
	...routes<LanEnv, LanAuth>('open', {
		'GET /api/v1/system': system,
		'GET /api/v1/history/print_jobs': history,
		'GET /api/v1/camera/:index/snapshot': cameraRedirect,
		'GET /_camera/0/snapshot': (ctx) => send(ctx, 200, SNAPSHOT_JPEG, { 'Content-Type': 'image/jpeg' }),
		'POST /api/v1/auth/request': pairRequest,
		'GET /api/v1/auth/check/:id': pairCheck,
		'POST /_emulator/lan/pairings/:id/:verb': control,
		'POST /_emulator/lan/settings': settings,
		'GET /_emulator/lan/uploads': uploads,
	}),
	...routes<LanEnv, LanAuth>('read', {
		'GET /cluster-api/v1/printers': listPrinters,
		'GET /cluster-api/v1/print_jobs': listPrintJobs,
	}),
	...routes<LanEnv, LanAuth>('digest', {
		'POST /cluster-api/v1/print_jobs': upload,
		'PUT /cluster-api/v1/print_jobs/:uuid/action': jobAction,
		'POST /cluster-api/v1/print_jobs/:uuid/action/move': move,
		'DELETE /cluster-api/v1/print_jobs/:uuid': (ctx, env) => act(ctx, env, 'remove'),
		'PUT /cluster-api/v1/print_jobs/:uuid': updateJob,
		'GET /api/v1/auth/verify': (ctx) => sendJson(ctx, 200, { message: 'ok' }),
	}),
];

const LAN_GUARDS: Record<LanAuth, Guard<LanEnv>> = {
	open: () => undefined,
	read: (ctx, env) => {
		if (env.lan().settings.digestReads) requireDigest(ctx, env);
	},
	digest: requireDigest,
};

export function lanRouter(rt: Runtime, lan: () => LanState): Router {
	return mountRoutes(new Router(), { rt, lan }, LAN_GUARDS, [LAN_ROUTES]);
}
