/**
 * Fault injection through the real node code paths: the action node's `execute` in n8n-core's ExecuteContext,
 * against the emulator over real sockets, with faults injected through the emulator's control API.
 *
 * Each row states what a user expects (retried and succeeded, or a clear error), and after the run the suite
 * checks, from the emulator's own state and request log:
 * - the exact number of requests per route (bounded retries, no storms),
 * - no duplicate job upload and no duplicate print,
 * - no job reported `uploaded` by the node that the emulator does not have as `uploaded`,
 * - no print reported queued by the node that the emulator does not have, no print the emulator has that the
 *   node reported as not queued (an ambiguous outcome is reported `outcome: "unknown"`, never as a failure),
 * - no test token in any output or error (harness.run scans both).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { httpRequest } from '../../../emulator';
import { failureOf } from '../../../nodes/UltimakerDigitalFactory/connections/failure';
import type { ClusterSpec, Emulator } from '../../../emulator';
import type { CredentialStore } from '../../helpers/n8nContext';
import { inMemoryBinary } from '../../helpers/n8nContext';
import { registerSecret } from '../../helpers/secrets';
import type { FaultSpec } from './harness';
import type { Auth, RunResult } from '../../helpers/actionNode';
import { clusterIds, gcodeItem, gcodeText, jobsOf, printsOf, routeCounts, sent, start, summary, uploadedJob } from './harness';
import { byId, credentialsFor, tryAction as run } from '../../helpers/actionNode';

// Rows wait out backoffs of up to ~30 s; the 130,000-row page takes ~25 s alone and longer on a loaded CI machine
// (and rows run side by side).
const ROW_TIMEOUT_MS = 180_000;

const REGISTER = 'PUT /cura/v1/jobs/upload';
const STORAGE = 'PUT /upload/:slot';
const JOB = 'GET /cura/v1/jobs/:job';
const LIST = 'GET /connect/v1/clusters';
const CLUSTER = 'GET /connect/v1/clusters/:cluster';
const STATUS = 'GET /connect/v1/clusters/:cluster/status';
const PRINT = 'POST /connect/v1/clusters/:cluster/print/:job';
const ACTION = 'POST /connect/v1/clusters/:cluster/print_jobs/:uuid/action/:action';
const JOBS = 'GET /cura/v1/jobs';
const TOKEN = 'POST /token';
const PRINT_PATH = '/connect/v1/clusters/*/print/*';
const REPORT_CREATE = 'PUT /report/v1/reports';
const REPORT = 'GET /report/v1/reports/:report';
const HISTORY_FILE = 'GET /history/:file';
const PRINT_JOBS = 'GET /connect/v1/print_jobs';
const COMMENTS = 'PUT /cura/v1/projects/:project/comments';
const SNAPSHOT = 'POST /connect/v1/clusters/:cluster/printers/:printer/action/get_webcam_snapshot';
const ACTION_STATUS = 'GET /connect/v1/clusters/:cluster/action_status/:action';

/** The report came back as a file, and storage (another origin) never saw the token. */
async function reportDownloadedWithoutToken(items: IDataObject[], ctx: Ctx, result: RunResult): Promise<void> {
	expect(items[0]).toMatchObject({ status: 'success', report_id: expect.stringMatching(/^report-/) });
	expect(result.items![0]!.binary?.report).toMatchObject({ mimeType: 'text/csv' });
	const files = (await ctx.emu.client.requests({ server: 'storage' })).filter((entry) => entry.path.startsWith('/history/'));
	expect(files.length).toBeGreaterThan(0);
	expect(files.every((entry) => entry.headers.authorization === undefined)).toBe(true);
}

async function snapshotWithoutToken(items: IDataObject[], ctx: Ctx, result: RunResult): Promise<void> {
	expect(items[0]).toMatchObject({ cluster_id: ctx.clusters[0], image_url: expect.stringContaining('/history/') });
	expect(result.items![0]!.binary?.snapshot).toMatchObject({ mimeType: 'image/png' });
	const files = (await ctx.emu.client.requests({ server: 'storage' })).filter((entry) => entry.path.startsWith('/history/'));
	expect(files.every((entry) => entry.headers.authorization === undefined)).toBe(true);
}
const STATUS_PATH = '/connect/v1/clusters/*/status';

const ONE_S5: ClusterSpec[] = [{ friendly_name: 'Bay 1', printers: [{ type: 'ultimaker_s5' }] }];
const THREE_S5: ClusterSpec[] = [1, 2, 3].map((n) => ({ friendly_name: `Bay ${n}`, printers: [{ type: 'ultimaker_s5' }] }));

type Operation =
	| 'upload'
	| 'uploadInMemory'
	| 'uploadInMemoryWrapped'
	| 'send'
	| 'sendTwice'
	| 'uploadAndSend'
	| 'listClusters'
	| 'getClusters'
	| 'getCluster'
	| 'listJobs'
	| 'abort'
	| 'remove'
	| 'report'
	| 'printJobs'
	| 'comment'
	| 'apiGet'
	| 'apiPost'
	| 'snapshot';

/** Operations that print an already-uploaded job (Ctx.jobId). */
const SENDS: Operation[] = ['send', 'sendTwice'];

interface Ctx {
	emu: Emulator;
	clusters: string[];
	/** An already-uploaded job (for Send print and the print-job actions). */
	jobId: string;
	/** A print of it: printing (abort) or queued behind another (remove). */
	printUuid: string;
	/** A Digital Library project (Add comment rows). */
	projectId?: string;
}

interface Row {
	name: string;
	operation: Operation;
	auth?: Auth;
	farm?: ClusterSpec[];
	faults?: (ctx: Ctx) => FaultSpec[];
	/** Changes to the farm before the run (offline cluster, expired access token …). */
	before?: (ctx: Ctx, credentials: CredentialStore) => Promise<void>;
	/** Something that happens while the node runs: when a request to `whenPath` arrives (held by a slow fault), `action` runs. */
	midRun?: { whenPath: (ctx: Ctx) => string; action: (ctx: Ctx) => Promise<void> };
	continueOnFail?: boolean;
	/** n8n's "Retry On Fail": a failed run is run once more, as n8n would. */
	retryOnFail?: boolean;
	expect:
		| { ok: true; check?: (items: IDataObject[], ctx: Ctx, result: RunResult) => void | Promise<void> }
		| { error: RegExp; type: 'api' | 'operation'; description?: RegExp };
	requests: Record<string, number>;
	/** The run had to wait at least this long (Retry-After / backoff honoured). */
	minMs?: number;
	/** …and took no longer than this (total deadlines). */
	maxMs?: number;
	/** Print-job instances of the job sent (Send print rows) or of any job (upload-and-print rows). */
	prints?: number;
	/** Jobs the emulator has after the run, by status (besides the pre-uploaded one for Send print). */
	jobs?: Partial<Record<'uploaded' | 'uploading' | 'failed', number>>;
	/**
	 * The protocol of the `upload_url` the registration hands out: a one-time signed URL (the default here: the rows
	 * without it were written for that) or a Google Cloud Storage resumable session, as Ultimaker's recorded answer.
	 */
	storage?: 'signed' | 'resumable';
}

function parametersFor(operation: Operation, ctx: Ctx): INodeParameters {
	switch (operation) {
		case 'upload':
		case 'uploadInMemory':
			return { resource: 'job', operation: 'upload' };
		case 'uploadInMemoryWrapped':
			return { resource: 'job', operation: 'upload' };
		case 'send':
		case 'sendTwice':
			return { resource: 'print', operation: 'send', clusterId: byId(ctx.clusters[0]), jobId: ctx.jobId };
		case 'abort':
		case 'remove':
			return { resource: 'print', operation: 'action', clusterId: byId(ctx.clusters[0]), printJobUuid: ctx.printUuid, printAction: operation };
		case 'getCluster':
			return { resource: 'cluster', operation: 'get', clusterId: byId(ctx.clusters[0]) };
		case 'listJobs':
			return { resource: 'job', operation: 'getMany', returnAll: true };
		case 'uploadAndSend':
			return { resource: 'print', operation: 'uploadAndSend', clusterId: byId(ctx.clusters[0]) };
		case 'listClusters':
			return { resource: 'cluster', operation: 'getMany', returnAll: true };
		case 'getClusters':
			return { resource: 'cluster', operation: 'get', clusterId: byId('={{ $json.clusterId }}') };
		case 'report':
			return { resource: 'report', operation: 'create', timeoutSeconds: 3 };
		case 'printJobs':
			return { resource: 'print', operation: 'getMany', returnAll: true };
		case 'comment':
			return { resource: 'project', operation: 'addComment', projectId: ctx.projectId ?? '', comment: 'Printed on Bay 1' };
		case 'apiGet':
			return { resource: 'api', operation: 'request', method: 'GET', service: 'connect', path: 'print_jobs' };
		case 'apiPost':
			return { resource: 'api', operation: 'request', method: 'POST', service: 'connect', path: `clusters/${ctx.clusters[0]}/print/${ctx.jobId}` };
		case 'snapshot':
			return { resource: 'printer', operation: 'cameraSnapshot', clusterId: byId(ctx.clusters[0]), timeoutSeconds: 10 };
	}
}

/** For the resumable rows: big enough (1.1 MB) that storage keeps whole 256 KiB units of a broken PUT. */
const SESSION_GCODE = gcodeText(600, 100_000);

async function itemsFor(operation: Operation, ctx: Ctx, text?: string) {
	if (operation === 'upload' || operation === 'uploadAndSend') return [await gcodeItem('part.gcode', text)];
	if (operation === 'uploadInMemory') return [await gcodeItem('part.gcode', text, 'memory')];
	if (operation === 'uploadInMemoryWrapped') return [wrappedBase64Item('part.gcode', WRAPPED_GCODE)];
	if (operation === 'getClusters') return ctx.clusters.map((clusterId) => ({ json: { clusterId } }));
	return [{ json: {} }];
}

/** Waits until the emulator has seen a request to `path` (it is then held by a slow fault). */
async function waitForRequest(emu: Emulator, path: string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		const log = await sent(emu);
		if (log.some((entry) => decodeURIComponent(entry.path) === path)) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`no request to ${path} within 10 s`);
}

const expireStaticToken = async (ctx: Ctx) => {
	await ctx.emu.client.control('POST', '/tokens', { token: ctx.emu.apiToken, expired: true });
};
/** Access tokens live 600 virtual seconds. */
const expireAccessToken = async (ctx: Ctx) => {
	await ctx.emu.client.advanceClock(601);
};
const holdSecondCluster = (ctx: Ctx): FaultSpec[] => [{ method: 'GET', path: `/connect/v1/clusters/${ctx.clusters[1]}`, kind: 'slow', delayMs: 1500 }];

/** A G-code whose in-memory base64 is wrapped at 76 characters with CRLF, as MIME tools write it. */
const WRAPPED_GCODE = gcodeText(600, 40);
function wrappedBase64Item(name: string, text: string) {
	const item = { json: {}, binary: { data: inMemoryBinary(Buffer.from(text), { fileName: name, mimeType: 'text/plain' }) } };
	item.binary.data.data = (item.binary.data.data.match(/.{1,76}/g) ?? []).join('\r\n');
	return item;
}

/**
 * A resumed upload: `resumes` data PUTs after the first, each with a Content-Range from the byte storage kept on,
 * `statusQueries` empty status queries, the data PUTs together carrying less than the file twice, the last one 200.
 */
async function expectResumed(ctx: Ctx, resumes: number, statusQueries = resumes): Promise<void> {
	const storage = await sent(ctx.emu, 'storage');
	const queries = storage.filter((entry) => entry.bodyBytes === 0 && /^bytes \*\//.test(entry.headers['content-range'] ?? ''));
	const data = storage.filter((entry) => !queries.includes(entry));
	expect(queries).toHaveLength(statusQueries);
	expect(data).toHaveLength(resumes + 1);
	expect(data[0]!.headers['content-range']).toBeUndefined();
	const size = Number(data[0]!.headers['content-length']);
	for (const entry of data.slice(1)) {
		const first = Number(/^bytes (\d+)-(\d+)\/(\d+)$/.exec(entry.headers['content-range'] ?? '')?.[1]);
		expect(first).toBeGreaterThan(0);
		expect(Number(entry.headers['content-length'])).toBe(size - first);
	}
	expect(data.at(-1)!.status).toBe(200);
	expect(data.reduce((sum, entry) => sum + entry.bodyBytes, 0)).toBeLessThan(2 * size);
}

/** The node says the outcome is unknown: in words and as `outcome: "unknown"`, never advising a blind retry. */
const unknownWords = /may have been queued — check the queue before retrying/;

const uploaded = (items: IDataObject[]) => {
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({ status: 'uploaded', job_name: 'part.gcode' });
	expect(items[0].upload_url).toBeUndefined();
};
const queued = (items: IDataObject[]) => {
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({ status: 'queued', job_instance_uuid: expect.any(String) });
};

const ROWS: Row[] = [
	// --- 429 bursts -----------------------------------------------------------------------------------------
	{
		name: '429 ×2 with Retry-After: 1 on the upload registration → waits, then uploads once',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'rateLimit', retryAfter: 1, count: 2 }],
		expect: { ok: true, check: uploaded },
		requests: { [REGISTER]: 3, [STORAGE]: 1, [JOB]: 1 },
		minMs: 1900,
		jobs: { uploaded: 1 },
	},
	{
		name: '429 ×2 with Retry-After: 1 on List clusters → waits, then lists',
		operation: 'listClusters',
		faults: () => [{ path: '/connect/v1/clusters', kind: 'rateLimit', retryAfter: 1, count: 2 }],
		expect: { ok: true, check: (items) => expect(items).toHaveLength(4) },
		requests: { [LIST]: 3 },
		minMs: 1900,
	},
	{
		name: '429 burst longer than the retry budget (Retry-After: 0) → 1 + 3 requests, then a rate-limit error',
		operation: 'listClusters',
		faults: () => [{ path: '/connect/v1/clusters', kind: 'rateLimit', retryAfter: 0, count: 20 }],
		expect: { error: /limiting how fast requests can be made/, type: 'api', description: /waited and retried/ },
		requests: { [LIST]: 4 },
	},
	{
		name: '429 with Retry-After: 120 (beyond the 60 s bound) → fails at once, one request',
		operation: 'listClusters',
		faults: () => [{ path: '/connect/v1/clusters', kind: 'rateLimit', retryAfter: 120, count: 5 }],
		expect: { error: /limiting how fast requests can be made/, type: 'api' },
		requests: { [LIST]: 1 },
	},
	{
		name: '429 with Retry-After: 1 on the print POST (refused before acting) → retried, printed once',
		operation: 'send',
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'rateLimit', retryAfter: 1, count: 1 }],
		expect: { ok: true, check: queued },
		requests: { [STATUS]: 1, [PRINT]: 2 },
		minMs: 900,
		prints: 1,
	},
	// --- 5xx on the registration ----------------------------------------------------------------------------
	...[500, 502, 503].map(
		(status): Row => ({
			name: `${status} once on the upload registration → retried, one job, uploaded`,
			operation: 'upload',
			faults: () => [{ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'status', status, count: 1 }],
			expect: { ok: true, check: uploaded },
			requests: { [REGISTER]: 2, [STORAGE]: 1, [JOB]: 1 },
			jobs: { uploaded: 1 },
		}),
	),
	{
		name: '503 on every registration → 3 attempts, a server error, nothing stored',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'status', status: 503, count: 10 }],
		expect: { error: /server error \(503\) while handling the job upload registration/, type: 'api', description: /service side/ },
		requests: { [REGISTER]: 3 },
		jobs: {},
	},
	{
		name: 'connection dropped on the registration (no answer) → retried, one job',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'drop', count: 1 }],
		expect: { ok: true, check: uploaded },
		requests: { [REGISTER]: 2, [STORAGE]: 1, [JOB]: 1 },
		jobs: { uploaded: 1 },
	},
	// --- 5xx on storage -------------------------------------------------------------------------------------
	...[500, 502, 503].map(
		(status): Row => ({
			name: `${status} once on the storage PUT → the API is asked first (still uploading), retried with a fresh stream, uploaded`,
			operation: 'upload',
			faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'status', status, count: 1 }],
			expect: { ok: true, check: uploaded },
			requests: { [REGISTER]: 1, [STORAGE]: 2, [JOB]: 2 },
			minMs: 450,
			jobs: { uploaded: 1 },
		}),
	),
	{
		name: '503 on every storage PUT → 5 attempts with backoff, the API asked after each, a clear error, the job stays not uploaded',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'status', status: 503, count: 10 }],
		expect: { error: /Uploading "part\.gcode" failed: storage answered 503/, type: 'api', description: /Nothing was sent to a printer/ },
		requests: { [REGISTER]: 1, [STORAGE]: 5, [JOB]: 5 },
		minMs: 7000,
		jobs: { uploading: 1 },
	},
	// --- dropped / slow uploads -----------------------------------------------------------------------------
	{
		name: 'connection dropped mid-upload (stored binary, streamed) → clear error, the job is failed, never uploaded',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody' }],
		expect: { error: /Uploading "part\.gcode" failed: the connection to storage broke .*marked the upload failed/, type: 'api' },
		requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 1 },
		jobs: { failed: 1 },
	},
	{
		name: 'connection dropped mid-upload (in-memory binary) → same clear error',
		operation: 'uploadInMemory',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody' }],
		expect: { error: /the connection to storage broke/, type: 'api' },
		requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 1 },
		jobs: { failed: 1 },
	},
	{
		name: 'slow storage (1.5 s before answering) → waits, one PUT, uploaded',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'slow', delayMs: 1500 }],
		expect: { ok: true, check: uploaded },
		requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 1 },
		minMs: 1450,
		jobs: { uploaded: 1 },
	},
	{
		name: 'Upload and print with the upload dropped mid-body → error, the print is never requested',
		operation: 'uploadAndSend',
		farm: ONE_S5,
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody' }],
		expect: { error: /the connection to storage broke/, type: 'api' },
		requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 1 },
		prints: 0,
		jobs: { failed: 1 },
	},
	{
		name: 'Upload and print with a 502 on the registration → retried, uploaded and printed once',
		operation: 'uploadAndSend',
		farm: ONE_S5,
		faults: () => [{ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'status', status: 502 }],
		expect: { ok: true, check: (items) => expect(items[0]).toMatchObject({ status: 'queued', upload: { status: 'uploaded' } }) },
		requests: { [REGISTER]: 2, [STORAGE]: 1, [JOB]: 1, [STATUS]: 1, [PRINT]: 1 },
		prints: 1,
		jobs: { uploaded: 1 },
	},
	// --- expired credentials mid-run ------------------------------------------------------------------------
	{
		name: 'API token expires between items (continue on fail) → item 1 ok, items 2–3 say the token expired and where to make one',
		operation: 'getClusters',
		farm: THREE_S5,
		faults: holdSecondCluster,
		midRun: { whenPath: (ctx) => `/connect/v1/clusters/${ctx.clusters[1]}`, action: expireStaticToken },
		continueOnFail: true,
		expect: {
			ok: true,
			check: (items, ctx) => {
				expect(items).toHaveLength(3);
				expect(items[0].cluster_id).toBe(ctx.clusters[0]);
				for (const failed of items.slice(1)) {
					expect(failed.error).toBe('The Digital Factory API token has expired');
					expect(failed.description).toMatch(/Create a new token in Digital Factory → Settings → API Tokens/);
					expect(failed.httpCode).toBe('403');
				}
			},
		},
		requests: { [CLUSTER]: 3 },
	},
	{
		name: 'API token expires between items (no continue on fail) → the run stops at item 2 with the expiry message',
		operation: 'getClusters',
		farm: THREE_S5,
		faults: holdSecondCluster,
		midRun: { whenPath: (ctx) => `/connect/v1/clusters/${ctx.clusters[1]}`, action: expireStaticToken },
		expect: { error: /^The Digital Factory API token has expired$/, type: 'api', description: /Settings → API Tokens/ },
		requests: { [CLUSTER]: 2 },
	},
	{
		name: 'OAuth2 access token expired on the virtual clock before the run → one refresh, then success',
		operation: 'listClusters',
		auth: 'oAuth2',
		before: expireAccessToken,
		expect: {
			ok: true,
			check: (items, _ctx, result) => {
				expect(items).toHaveLength(4);
				const tokens = result.credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as IDataObject;
				expect(tokens.access_token).toMatch(/^umat-/);
			},
		},
		requests: { [LIST]: 2, [TOKEN]: 1 },
	},
	{
		name: 'OAuth2 access token expires between items → refreshed once, every item succeeds',
		operation: 'getClusters',
		auth: 'oAuth2',
		farm: THREE_S5,
		faults: holdSecondCluster,
		midRun: { whenPath: (ctx) => `/connect/v1/clusters/${ctx.clusters[1]}`, action: expireAccessToken },
		expect: { ok: true, check: (items, ctx) => expect(items.map((item) => item.cluster_id)).toEqual(ctx.clusters) },
		requests: { [CLUSTER]: 4, [TOKEN]: 1 },
	},
	{
		name: 'OAuth2 access token expired and the refresh token already rotated away → one refresh attempt, then "reconnect"',
		operation: 'listClusters',
		auth: 'oAuth2',
		before: async (ctx, credentials) => {
			const tokens = credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as IDataObject;
			// Somebody else (another n8n instance with a copy of the credential) used the refresh token: it is dead now.
			const basic = Buffer.from(`${ctx.emu.oauthClient.clientId}:${ctx.emu.oauthClient.clientSecret}`).toString('base64');
			const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) }).toString();
			const rotated = await httpRequest('POST', `${ctx.emu.url}/token`, {
				body: form,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form), Authorization: `Basic ${basic}` },
			});
			expect(rotated.status).toBe(200);
			registerSecret(rotated.json.access_token);
			registerSecret(rotated.json.refresh_token);
			await expireAccessToken(ctx);
		},
		expect: { error: /login has expired and could not be renewed/, type: 'api', description: /Reconnect/ },
		requests: { [LIST]: 1, [TOKEN]: 1 },
	},
	// --- farm states ----------------------------------------------------------------------------------------
	{
		name: 'cluster offline → Send print explains the printer is offline; nothing queued, POST not repeated',
		operation: 'send',
		farm: ONE_S5,
		before: async (ctx) => {
			await ctx.emu.client.control('POST', `/clusters/${encodeURIComponent(ctx.clusters[0])}/connectivity`, { is_online: false });
		},
		expect: { error: /cannot take jobs right now: it is offline or inactive/, type: 'api', description: /switched on, connected/ },
		requests: { [STATUS]: 1, [PRINT]: 1 },
		prints: 0,
	},
	{
		name: 'queue full → Send print says the queue is full; nothing queued, POST not repeated',
		operation: 'send',
		farm: [{ friendly_name: 'Full bay', queue_limit: 0, printers: [{ type: 'ultimaker_s5' }] }],
		expect: { error: /print queue is full/, type: 'api', description: /remove jobs from the queue/ },
		requests: { [STATUS]: 1, [PRINT]: 1 },
		prints: 0,
	},
	{
		name: 'slow status answer (1.5 s) before Send print → waits, prints once',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'GET', path: '/connect/v1/clusters/*/status', kind: 'slow', delayMs: 1500 }],
		expect: { ok: true, check: queued },
		requests: { [STATUS]: 1, [PRINT]: 1 },
		minMs: 1450,
		prints: 1,
	},
	// --- duplicate send -------------------------------------------------------------------------------------
	{
		name: 'duplicate send: the print went through but its answer was cut off → recovered from the queue, exactly one print',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'dropMidBody' }],
		retryOnFail: true,
		expect: {
			ok: true,
			check: async (items, ctx) => {
				expect(items).toHaveLength(1);
				expect(items[0]).toMatchObject({ recovered_after_error: true, job_id: ctx.jobId, cluster_id: ctx.clusters[0] });
				const [print] = await printsOf(ctx.emu, ctx.jobId);
				expect(items[0].job_instance_uuid).toBe(print.uuid);
			},
		},
		requests: { [STATUS]: 2, [PRINT]: 1 },
		prints: 1,
	},
	{
		name: 'duplicate send: connection dropped before the server acted → clear error, not re-sent; n8n "Retry On Fail" then prints once',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'drop' }],
		retryOnFail: true,
		expect: { ok: true, check: queued },
		// First run: status, POST (dropped), five re-reads over the recovery window (nothing new) → error. Retry: status, POST.
		requests: { [STATUS]: 7, [PRINT]: 2 },
		prints: 1,
	},
	{
		name: 'duplicate send: 502 on the print POST → the queue is checked, no blind repeat, a clear error',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'status', status: 502 }],
		expect: { error: /Sending the print was interrupted and the job does not appear in the queue/, type: 'api', description: /not re-sent automatically/ },
		// The queue re-read five times over the 30 s recovery window.
		requests: { [STATUS]: 6, [PRINT]: 1 },
		minMs: 29_000,
		prints: 0,
	},
	// --- print once: ambiguous answers ---------------------------------------------------------------------
	{
		name: 'print POST answered 2xx with an unreadable body although the print was queued → recovered from the queue, one print',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'garbled' }],
		expect: {
			ok: true,
			check: async (items, ctx) => {
				const [print] = await printsOf(ctx.emu, ctx.jobId);
				expect(items[0]).toMatchObject({ recovered_after_error: true, job_instance_uuid: print.uuid, cluster_job_id: print.uuid, status: print.status });
			},
		},
		requests: { [STATUS]: 2, [PRINT]: 1 },
		prints: 1,
	},
	{
		name: 'print POST answered 502 after queueing and every re-read of the queue fails → "may have been queued", outcome unknown (continue on fail)',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [
			{ method: 'POST', path: PRINT_PATH, kind: 'failAfter', status: 502 },
			{ method: 'GET', path: STATUS_PATH, kind: 'status', status: 502, skip: 1, count: 20 },
		],
		continueOnFail: true,
		expect: {
			ok: true,
			check: (items) => {
				expect(items[0]).toMatchObject({ error: 'Sending the print was interrupted and the queue could not be read', outcome: 'unknown', httpCode: '502' });
				expect(items[0].description).toMatch(unknownWords);
				expect(items[0].description).not.toMatch(/run the node again|try again later/i);
			},
		},
		requests: { [STATUS]: 6, [PRINT]: 1 },
		prints: 1,
	},
	{
		name: 'gateway 504 while the backend queues the print a second later → found on a later re-read, one print',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'lateCommit', status: 504, delayMs: 1000 }],
		expect: {
			ok: true,
			check: async (items, ctx) => {
				const [print] = await printsOf(ctx.emu, ctx.jobId);
				expect(items[0]).toMatchObject({ recovered_after_error: true, job_instance_uuid: print.uuid });
			},
		},
		// Before, the immediate re-read (not there yet), the re-read 2 s later (there).
		requests: { [STATUS]: 3, [PRINT]: 1 },
		minMs: 1900,
		prints: 1,
	},
	{
		name: 'print answer dripping one byte every 5 s → cut at the 30 s deadline, the queue shows the print → recovered, one print',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'drip', delayMs: 5000 }],
		expect: { ok: true, check: (items) => expect(items[0]).toMatchObject({ recovered_after_error: true, job_instance_uuid: expect.any(String) }) },
		requests: { [STATUS]: 2, [PRINT]: 1 },
		minMs: 29_000,
		// The 30 s deadline, then the queue read that finds the print. Without the deadline the drip would run for
		// many minutes; 45 s was passed by 46.4 s with two clones' test runs side by side (load average 15), so the
		// queue read after the cut gets 30 s.
		maxMs: 60_000,
		prints: 1,
	},
	{
		name: 'recorded print answer with cluster_job_id "" → the id comes from the queue, under both names',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'blankPrintId' }],
		expect: {
			ok: true,
			check: async (items, ctx) => {
				const [print] = await printsOf(ctx.emu, ctx.jobId);
				expect(items[0]).toMatchObject({ status: 'queued', job_instance_uuid: print.uuid, cluster_job_id: print.uuid, instance_from_queue: true });
			},
		},
		requests: { [STATUS]: 2, [PRINT]: 1 },
		prints: 1,
	},
	{
		name: 'print answer cut off and the status listing every print twice → still one print claimed, once',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [
			{ method: 'POST', path: PRINT_PATH, kind: 'dropMidBody' },
			{ method: 'GET', path: STATUS_PATH, kind: 'duplicateRows', skip: 1, count: 5 },
		],
		expect: {
			ok: true,
			check: async (items, ctx) => {
				const [print] = await printsOf(ctx.emu, ctx.jobId);
				expect(items[0]).toMatchObject({ recovered_after_error: true, job_instance_uuid: print.uuid });
			},
		},
		requests: { [STATUS]: 2, [PRINT]: 1 },
		prints: 1,
	},
	{
		name: 'two executions send the same job at once; one is queued, the other gets a 502 → one success with that print, the other "unknown", never both success',
		operation: 'sendTwice',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'status', status: 502 }],
		continueOnFail: true,
		expect: {
			ok: true,
			check: async (items, ctx) => {
				const prints = await printsOf(ctx.emu, ctx.jobId);
				const succeeded = items.filter((item) => !item.error);
				const failed = items.filter((item) => item.error);
				expect(succeeded).toHaveLength(1);
				expect(succeeded[0].job_instance_uuid).toBe(prints[0].uuid);
				expect(failed).toHaveLength(1);
				expect(failed[0]).toMatchObject({ outcome: 'unknown' });
				expect(failed[0].description).toMatch(unknownWords);
			},
		},
		requests: { [STATUS]: 7, [PRINT]: 2 },
		prints: 1,
	},
	{
		name: 'two executions send the same job at once and both answers are lost after queueing → two prints, neither claimed, both "unknown"',
		operation: 'sendTwice',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'failAfter', status: 502, count: 2 }],
		continueOnFail: true,
		expect: {
			ok: true,
			check: (items) => {
				expect(items.map((item) => item.outcome)).toEqual(['unknown', 'unknown']);
				for (const item of items) expect(item.error).toBe('Sending the print was interrupted; a print of this job exists, possibly from another run');
			},
		},
		requests: { [STATUS]: 12, [PRINT]: 2 },
		prints: 2,
	},
	{
		name: 'Upload and print: 502 after queueing, re-reads failing → the hint says to check the queue, never to send again blindly',
		operation: 'uploadAndSend',
		farm: ONE_S5,
		faults: () => [
			{ method: 'POST', path: PRINT_PATH, kind: 'failAfter', status: 502 },
			{ method: 'GET', path: STATUS_PATH, kind: 'status', status: 503, skip: 1, count: 20 },
		],
		expect: {
			error: /^Sending the print was interrupted and the queue could not be read$/,
			type: 'api',
			description: /may have been queued — check the queue before retrying.*Check the queue for a print of it before sending it again/s,
		},
		requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 1, [STATUS]: 6, [PRINT]: 1 },
		prints: 1,
		jobs: { uploaded: 1 },
	},
	// --- uploads: only 2xx is stored; the API decides after a storage failure ------------------------------
	...[307, 308].map(
		(status): Row => ({
			name: `storage answers ${status} (not followed, nothing stored) → a failed upload, never "uploaded"`,
			operation: 'upload',
			faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'redirect', status }],
			expect: { error: new RegExp(`Uploading "part\\.gcode" failed: storage answered ${status}`), type: 'api' },
			requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 1 },
			jobs: { uploading: 1 },
		}),
	),
	{
		name: 'storage answers 503 after it stored the bytes → the API says uploaded → success, no second PUT',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'failAfter', status: 503 }],
		expect: { ok: true, check: uploaded },
		requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 2 },
		jobs: { uploaded: 1 },
	},
	{
		name: 'in-memory binary whose base64 has line breaks → the declared size is the bytes sent, uploaded',
		operation: 'uploadInMemoryWrapped',
		expect: {
			ok: true,
			check: async (items, ctx) => {
				uploaded(items);
				expect(items[0].file_size).toBe(Buffer.byteLength(WRAPPED_GCODE));
				const [put] = await sent(ctx.emu, 'storage');
				expect(put.bodyBytes).toBe(Buffer.byteLength(WRAPPED_GCODE));
			},
		},
		requests: { [REGISTER]: 1, [STORAGE]: 1, [JOB]: 1 },
		jobs: { uploaded: 1 },
	},
	// --- resumable sessions: continue from what storage kept, never everything again -------------------------
	...(['upload', 'uploadInMemory'] as const).map(
		(operation): Row => ({
			name: `resumable session dropped at 60 % (${operation === 'upload' ? 'stored binary, streamed' : 'in-memory binary'}) → storage asked what it kept, only the rest sent, uploaded once`,
			operation,
			storage: 'resumable',
			faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 }],
			expect: { ok: true, check: async (items, ctx) => { uploaded(items); await expectResumed(ctx, 1); } },
			requests: { [REGISTER]: 1, [STORAGE]: 3, [JOB]: 1 },
			jobs: { uploaded: 1 },
		}),
	),
	{
		name: 'resumable session dropped twice (at 60 %, then half-way through the rest) → resumed twice, uploaded once',
		operation: 'upload',
		storage: 'resumable',
		faults: () => [
			{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 },
			// skip: the status query between the two data PUTs.
			{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.5, skip: 1 },
		],
		expect: { ok: true, check: async (items, ctx) => { uploaded(items); await expectResumed(ctx, 2); } },
		requests: { [REGISTER]: 1, [STORAGE]: 5, [JOB]: 1 },
		jobs: { uploaded: 1 },
	},
	{
		name: 'resumable session: the data PUT answered 308 with a Range (part kept) → the rest from there without a status query, uploaded',
		operation: 'upload',
		storage: 'resumable',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'incomplete', fraction: 0.5 }],
		expect: { ok: true, check: async (items, ctx) => { uploaded(items); await expectResumed(ctx, 1, 0); } },
		requests: { [REGISTER]: 1, [STORAGE]: 2, [JOB]: 1 },
		jobs: { uploaded: 1 },
	},
	{
		name: 'resumable session: the data PUT answered 308 without a Range (nothing kept) → never "uploaded" on a 308: status query, the file again from 0, uploaded',
		operation: 'upload',
		storage: 'resumable',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'redirect', status: 308 }],
		expect: { ok: true, check: uploaded },
		requests: { [REGISTER]: 1, [STORAGE]: 3, [JOB]: 1 },
		jobs: { uploaded: 1 },
	},
	{
		name: 'resumable session: the data PUT answered 308 with a Range covering the whole file → a status query (never an empty PUT with an invalid range), uploaded',
		operation: 'upload',
		storage: 'resumable',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'incomplete', fraction: 1 }],
		expect: {
			ok: true,
			check: async (items, ctx) => {
				uploaded(items);
				const storage = await sent(ctx.emu, 'storage');
				expect(storage.map((entry) => entry.headers['content-range'] ?? 'whole')).toEqual(['whole', `bytes */${storage[0]!.headers['content-length']}`]);
				expect(storage.map((entry) => entry.status)).toEqual([308, 200]);
			},
		},
		requests: { [REGISTER]: 1, [STORAGE]: 2, [JOB]: 1 },
		jobs: { uploaded: 1 },
	},
	{
		name: 'resumable session: 503 after storing every byte → the status query says complete → success, no second data PUT',
		operation: 'upload',
		storage: 'resumable',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'failAfter', status: 503 }],
		expect: { ok: true, check: uploaded },
		requests: { [REGISTER]: 1, [STORAGE]: 2, [JOB]: 1 },
		jobs: { uploaded: 1 },
	},
	...([
		['answered 503', { kind: 'status', status: 503 }],
		['connection dropped', { kind: 'drop' }],
	] as const).map(
		([what, fault]): Row => ({
			name: `resumable session dropped at 60 %, the status query ${what} once → asked again after a backoff, then resumed, uploaded`,
			operation: 'upload',
			storage: 'resumable',
			faults: () => [
				{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 },
				{ method: 'PUT', path: '/upload/*', ...fault },
			],
			expect: { ok: true, check: async (items, ctx) => { uploaded(items); await expectResumed(ctx, 1, 2); } },
			requests: { [REGISTER]: 1, [STORAGE]: 4, [JOB]: 1 },
			minMs: 950,
			jobs: { uploaded: 1 },
		}),
	),
	{
		name: 'resumable session: every PUT and status query answered 503 → one data PUT, 5 status queries with backoff, a clear error, the job stays not uploaded',
		operation: 'upload',
		storage: 'resumable',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'status', status: 503, count: 20 }],
		expect: {
			error: /Uploading "part\.gcode" failed: storage answered 503 .*asking storage how much of the file it keeps failed: storage answered 503 .*storage keeps 0 of \d+ bytes after 1 PUTs/,
			type: 'api',
			description: /Nothing was sent to a printer/,
		},
		requests: { [REGISTER]: 1, [STORAGE]: 6, [JOB]: 1 },
		minMs: 7500,
		jobs: { uploading: 1 },
	},
	{
		name: 'resumable session gone (410 on the status query after a drop) → a clear error naming the expired session, the API asked, nothing sent again',
		operation: 'upload',
		storage: 'resumable',
		faults: () => [
			{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 },
			{ method: 'PUT', path: '/upload/*', kind: 'status', status: 410 },
		],
		expect: {
			error: /Uploading "part\.gcode" failed: the connection to storage broke .*storage answered 410 .*the resumable upload session has expired or was cancelled/,
			type: 'api',
			description: /run the node again to upload the file anew/,
		},
		requests: { [REGISTER]: 1, [STORAGE]: 2, [JOB]: 1 },
		jobs: { uploading: 1 },
	},
	{
		name: 'Upload and print with the resumable upload dropped at 60 % → resumed, uploaded and printed once',
		operation: 'uploadAndSend',
		storage: 'resumable',
		farm: ONE_S5,
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 }],
		expect: { ok: true, check: async (_items, ctx) => expectResumed(ctx, 1) },
		requests: { [REGISTER]: 1, [STORAGE]: 3, [JOB]: 1, [STATUS]: 1, [PRINT]: 1 },
		prints: 1,
		jobs: { uploaded: 1 },
	},
	// --- limits ---------------------------------------------------------------------------------------------
	{
		name: 'Get cluster answer dripping one byte every 5 s → fails at the 30 s total deadline, not retried',
		operation: 'getCluster',
		faults: () => [{ method: 'GET', path: '/connect/v1/clusters/*', kind: 'drip', delayMs: 5000, count: 5 }],
		expect: { error: /connection to Digital Factory failed while requesting cluster .*: no complete answer within 30 seconds/, type: 'api' },
		requests: { [CLUSTER]: 1 },
		minMs: 29_000,
		maxMs: 40_000,
	},
	{
		name: 'List clusters whose answer lists every cluster twice → each cluster once',
		operation: 'listClusters',
		faults: () => [{ path: '/connect/v1/clusters', kind: 'duplicateRows' }],
		expect: { ok: true, check: (items) => expect(new Set(items.map((item) => item.cluster_id)).size).toBe(items.length) },
		requests: { [LIST]: 1 },
	},
	{
		name: 'Get many jobs with a single page of 130,000 rows → every row, no crash',
		operation: 'listJobs',
		faults: () => [{ path: '/cura/v1/jobs', kind: 'raw', status: 200, contentType: 'application/json', body: bigPage(130_000) }],
		expect: { ok: true, check: (items) => expect(items).toHaveLength(130_000) },
		requests: { [JOBS]: 1 },
	},
	// --- print-job actions whose first attempt may have worked ---------------------------------------------
	{
		name: 'abort whose 502 answer was lost after it worked → retried, 409 → the job is aborting → reported done',
		operation: 'abort',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print_jobs/*/action/abort', kind: 'failAfter', status: 502 }],
		expect: {
			ok: true,
			check: (items, ctx) => expect(items[0]).toMatchObject({ action: 'abort', accepted: true, recovered_after_error: true, status: 'aborting', print_job_uuid: ctx.printUuid }),
		},
		requests: { [ACTION]: 2, [STATUS]: 1 },
	},
	{
		name: 'remove whose 502 answer was lost after it worked (not retried) → the job is gone → reported done',
		operation: 'remove',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print_jobs/*/action/remove', kind: 'failAfter', status: 502 }],
		expect: { ok: true, check: (items) => expect(items[0]).toMatchObject({ action: 'remove', recovered_after_error: true }) },
		requests: { [ACTION]: 1, [STATUS]: 1 },
	},
	{
		name: 'abort answered 502 every time without acting → the job is still printing → the error says so',
		operation: 'abort',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print_jobs/*/action/abort', kind: 'status', status: 502, count: 5 }],
		expect: { error: /server error \(502\) while handling the abort action/, type: 'api', description: /The job's state now: printing; it does not show the abort action/ },
		requests: { [ACTION]: 3, [STATUS]: 1 },
	},
	// --- farm history and the API escape hatch (issue 20) ---------------------------------------------------------
	{
		name: 'Create report: 503 on the create (PUT) → not repeated (a second report), an error',
		operation: 'report',
		faults: () => [{ method: 'PUT', path: '/report/v1/reports', kind: 'status', status: 503, count: 5 }],
		expect: { error: /503|unavailable|server error/i, type: 'api' },
		requests: { [LIST]: 1, [REPORT_CREATE]: 1 },
	},
	{
		name: 'Create report: 429 with Retry-After: 1 on the create → waits, creates once, downloads without the token',
		operation: 'report',
		faults: () => [{ method: 'PUT', path: '/report/v1/reports', kind: 'rateLimit', retryAfter: 1, count: 1 }],
		expect: { ok: true, check: reportDownloadedWithoutToken },
		requests: { [LIST]: 1, [REPORT_CREATE]: 2, [REPORT]: 2, [HISTORY_FILE]: 1 },
		minMs: 900,
	},
	{
		name: 'Create report: 503 on a status read → read again, report delivered',
		operation: 'report',
		faults: () => [{ method: 'GET', path: '/report/v1/reports/*', kind: 'status', status: 503, count: 1 }],
		expect: { ok: true, check: (items) => expect(items[0]).toMatchObject({ status: 'success' }) },
		requests: { [LIST]: 1, [REPORT_CREATE]: 1, [REPORT]: 3, [HISTORY_FILE]: 1 },
	},
	{
		name: 'Create report: an unreadable answer (HTML 200) to the create → an error that does not invite a blind repeat',
		operation: 'report',
		faults: () => [{ method: 'PUT', path: '/report/v1/reports', kind: 'raw', status: 200, body: '<html>Sign in</html>', contentType: 'text/html', count: 1 }],
		expect: { error: /could not be read for a new report/, type: 'api', description: /most likely was carried out/ },
		requests: { [LIST]: 1, [REPORT_CREATE]: 1 },
	},
	{
		name: 'Create report: the report fails → an error naming the report id',
		operation: 'report',
		before: async (ctx) => void (await ctx.emu.client.setHistoryBehaviour({ reportOutcome: 'failed' })),
		expect: { error: /could not make report report-\S+ \(status "failed"\)/, type: 'api' },
		requests: { [LIST]: 1, [REPORT_CREATE]: 1, [REPORT]: 2 },
	},
	{
		name: 'Create report: never ready → bounded wait (3 s), the error names the report id for a later run',
		operation: 'report',
		before: async (ctx) => void (await ctx.emu.client.setHistoryBehaviour({ reportOutcome: 'never' })),
		expect: { error: /Report report-\S+ was not ready within 3 seconds/, type: 'operation', description: /Report ID = report-/ },
		requests: { [LIST]: 1, [REPORT_CREATE]: 1, [REPORT]: 3 },
		minMs: 2900,
		maxMs: 8000,
	},
	{
		name: 'Create report: the download URL on another origin answers 503 once → fetched again without the token',
		operation: 'report',
		faults: () => [{ method: 'GET', path: '/history/*', kind: 'status', status: 503, count: 1 }],
		expect: { ok: true, check: reportDownloadedWithoutToken },
		requests: { [LIST]: 1, [REPORT_CREATE]: 1, [REPORT]: 2, [HISTORY_FILE]: 2 },
	},
	{
		name: 'Get many print jobs: 503 once and 429 once → read again, listed',
		operation: 'printJobs',
		faults: () => [
			{ path: '/connect/v1/print_jobs', kind: 'status', status: 503, count: 1 },
			{ path: '/connect/v1/print_jobs', kind: 'rateLimit', retryAfter: 0, count: 1 },
		],
		expect: { ok: true, check: (items) => expect(items).toEqual([]) },
		requests: { [PRINT_JOBS]: 3 },
	},
	{
		name: 'Get many print jobs: an unreadable answer → an error, not an empty list',
		operation: 'printJobs',
		faults: () => [{ path: '/connect/v1/print_jobs', kind: 'raw', status: 200, body: '{"data": {}}', contentType: 'application/json', count: 1 }],
		expect: { error: /could not be read for the print job list/, type: 'api' },
		requests: { [PRINT_JOBS]: 1 },
	},
	{
		name: 'Add comment: 503 → not repeated (a second comment), an error; 429 would be retried',
		operation: 'comment',
		faults: () => [{ method: 'PUT', path: '/cura/v1/projects/*/comments', kind: 'status', status: 503, count: 5 }],
		expect: { error: /503|unavailable|server error/i, type: 'api' },
		requests: { [COMMENTS]: 1 },
	},
	{
		name: 'Add comment: 429 with Retry-After: 0 → posted once after the wait',
		operation: 'comment',
		faults: () => [{ method: 'PUT', path: '/cura/v1/projects/*/comments', kind: 'rateLimit', retryAfter: 0, count: 1 }],
		expect: { ok: true, check: (items) => expect(items[0]).toMatchObject({ body: 'Printed on Bay 1' }) },
		requests: { [COMMENTS]: 2 },
	},
	{
		name: 'API request GET: 503 once → retried, the whole answer',
		operation: 'apiGet',
		faults: () => [{ method: 'GET', path: '/connect/v1/print_jobs', kind: 'status', status: 503, count: 1 }],
		expect: { ok: true, check: (items) => expect(items[0]).toMatchObject({ data: [], links: expect.any(Object), meta: expect.any(Object) }) },
		requests: { [PRINT_JOBS]: 2 },
	},
	{
		name: 'API request POST: 503 → never repeated (it may have printed), outcome unknown',
		operation: 'apiPost',
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'status', status: 503, count: 5 }],
		expect: { error: /503|unavailable|server error/i, type: 'api', description: /check in Digital Factory before trying again/ },
		requests: { [PRINT]: 1 },
	},
	{
		name: 'API request POST: 429 → refused before acting, so retried; printed once',
		operation: 'apiPost',
		faults: () => [{ method: 'POST', path: PRINT_PATH, kind: 'rateLimit', retryAfter: 0, count: 1 }],
		expect: { ok: true, check: (items) => expect(items[0]).toMatchObject({ data: { status: 'queued' } }) },
		requests: { [PRINT]: 2 },
	},
	{
		name: 'Camera snapshot: 503 on the webcam action and on the image once → both asked again, the image without the token',
		operation: 'snapshot',
		faults: () => [
			{ method: 'POST', path: '/connect/v1/clusters/*/printers/*/action/get_webcam_snapshot', kind: 'status', status: 503, count: 1 },
			{ method: 'GET', path: '/history/*', kind: 'status', status: 503, count: 1 },
		],
		expect: { ok: true, check: snapshotWithoutToken },
		requests: { [CLUSTER]: 1, [SNAPSHOT]: 2, [ACTION_STATUS]: 2, [HISTORY_FILE]: 2 },
	},
	{
		name: 'Camera snapshot: an unreadable action status → an error in words',
		operation: 'snapshot',
		faults: () => [{ method: 'GET', path: '/connect/v1/clusters/*/action_status/*', kind: 'raw', status: 200, body: '<html/>', contentType: 'text/html', count: 1 }],
		expect: { error: /could not be read for the snapshot action/, type: 'api' },
		requests: { [CLUSTER]: 1, [SNAPSHOT]: 1, [ACTION_STATUS]: 1 },
	},
];
/** A `GET /cura/v1/jobs` page of `rows` jobs and no next link. */
function bigPage(rows: number): string {
	const data = Array.from({ length: rows }, (_, index) => ({ job_id: `job-${index}`, job_name: `part-${index}.gcode`, status: 'uploaded' }));
	return JSON.stringify({ data, links: { next: null } });
}

async function setUp(row: Row, index: number): Promise<Ctx> {
	// Its own seed: ids no other row's emulator repeats, so rows can run side by side in this process.
	const emu = await start({ farm: row.farm, uploadUrlStyle: row.storage ?? 'signed', seed: `reliability-row-${index}` });
	const clusters = await clusterIds(emu);
	const needsJob = [...SENDS, 'abort', 'remove', 'apiPost'].includes(row.operation);
	const jobId = needsJob ? await uploadedJob(emu, 'ready.gcode') : '';
	let printUuid = '';
	if (row.operation === 'abort' || row.operation === 'remove') {
		const print = async () => (await emu.client.api('POST', `/connect/v1/clusters/${encodeURIComponent(clusters[0])}/print/${encodeURIComponent(jobId)}`)).json.data.cluster_job_id as string;
		const first = await print();
		// abort: the first print, printing once pre-print is over; remove: a second print, queued behind it.
		printUuid = row.operation === 'abort' ? first : await print();
		await emu.client.advanceClock(60);
	}
	const projectId = row.operation === 'comment' ? ((await emu.client.api('PUT', '/cura/v1/projects', { data: { display_name: 'Orders' } })).json.data.library_project_id as string) : undefined;
	return { emu, clusters, jobId, printUuid, projectId };
}

async function runRow(row: Row, ctx: Ctx): Promise<{ result: RunResult; ms: number; runs: number }> {
	const credentials = await credentialsFor(ctx.emu, row.auth ?? 'apiToken');
	if (row.before) await row.before(ctx, credentials);
	for (const fault of row.faults?.(ctx) ?? []) await ctx.emu.client.addFault(fault);
	await ctx.emu.client.clearRequests();
	const started = Date.now();
	const once = async () =>
		run({ parameters: parametersFor(row.operation, ctx), items: await itemsFor(row.operation, ctx, row.storage === 'resumable' ? SESSION_GCODE : undefined), credentials, continueOnFail: row.continueOnFail });
	let result: RunResult;
	if (row.operation === 'sendTwice') {
		// Two executions of the same workflow at once: their items side by side.
		const both = await Promise.all([once(), once()]);
		result = { items: both.flatMap((one) => one.items ?? []), error: both.find((one) => one.error)?.error, credentials };
	} else if (row.midRun) {
		const running = once();
		await waitForRequest(ctx.emu, row.midRun.whenPath(ctx));
		await row.midRun.action(ctx);
		result = await running;
	} else {
		result = await once();
	}
	let runs = 1;
	if (result.error && row.retryOnFail) {
		runs++;
		result = await once();
	}
	return { result, ms: Date.now() - started, runs };
}

/** Duplicate or lost prints and uploads across all rows (the target is 0), printed at the end. */
const tally = { prints: 0, uploads: 0 };

describe('fault injection through the node (execute in n8n-core ExecuteContext, emulator over real sockets)', () => {
	afterAll(() => {
		console.log(`fault table: ${ROWS.length} rows; duplicate or lost prints: ${tally.prints}; duplicate or lost uploads: ${tally.uploads}`);
	});

	// Rows run side by side (jest's maxConcurrency at a time), each on its own emulator: most of the table's time is
	// waiting (backoffs, 30 s recovery windows and deadlines), and waits overlap.
	test.concurrent.each(ROWS.map((row, index) => [row.name, row, index] as const))('%s', async (_name, row, index) => {
		const ctx = await setUp(row, index);
		try {
			await checkRow(row, ctx);
		} finally {
			await ctx.emu.close();
		}
	}, ROW_TIMEOUT_MS);
});

async function checkRow(row: Row, ctx: Ctx): Promise<void> {
	const { result, ms } = await runRow(row, ctx);
	const log = await sent(ctx.emu);

	// 1. The outcome a user expects.
	if ('ok' in row.expect) {
		if (result.error) throw new Error(`expected success, got: ${result.error.message} — ${result.error.description}\n${summary(log).join('\n')}`);
		await row.expect.check?.(result.items!.map((item) => item.json), ctx, result);
		// One expectation for all items (130,000 expect calls alone take seconds): the items paired wrongly, if any.
		const pairedTo = (index: number) => (row.operation === 'getClusters' ? index : 0);
		const unpaired = result.items!.flatMap((item, index) => {
			const paired = item.pairedItem as { item?: unknown } | undefined;
			return paired?.item === pairedTo(index) && Object.keys(paired).length === 1 ? [] : [{ index, pairedItem: item.pairedItem }];
		});
		expect(unpaired).toEqual([]);
	} else {
		expect(result.items).toBeUndefined();
		expect(result.error).toBeInstanceOf(row.expect.type === 'api' ? NodeApiError : NodeOperationError);
		expect(result.error.message).toMatch(row.expect.error);
		if (row.expect.description) expect(result.error.description).toMatch(row.expect.description);
	}

	// 2. Exactly the requests expected: bounded retries, no storms.
	expect(routeCounts(log)).toEqual(row.requests);
	if (row.minMs !== undefined) expect(ms).toBeGreaterThanOrEqual(row.minMs);
	if (row.maxMs !== undefined) expect(ms).toBeLessThanOrEqual(row.maxMs);

	// 3. No duplicate print, no lost print: every print the node claims exists and is claimed once, and every
	//    print that exists was claimed or reported with an unknown outcome (never as "not queued").
	if (row.prints !== undefined) {
		const prints = SENDS.includes(row.operation) ? await printsOf(ctx.emu, ctx.jobId) : await printsOf(ctx.emu);
		expect(prints).toHaveLength(row.prints);
		const items = (result.items ?? []).map((item) => item.json);
		const claimed = items.map((item) => item.job_instance_uuid).filter((uuid): uuid is string => typeof uuid === 'string');
		const unknown = items.filter((item) => item.outcome === 'unknown').length + (failureOf(result.error)?.outcome === 'unknown' ? 1 : 0);
		const duplicates = claimed.length - new Set(claimed).size + claimed.filter((uuid) => !prints.some((print) => print.uuid === uuid)).length;
		const lost = Math.max(0, prints.length - new Set(claimed).size - unknown);
		tally.prints += duplicates + lost;
		expect({ duplicates, lost }).toEqual({ duplicates: 0, lost: 0 });
	}

	// 4. No duplicate upload, and nothing reported uploaded that is not — nor failed that is.
	const jobs = (await jobsOf(ctx.emu)).filter((job) => job.job_id !== ctx.jobId);
	if (row.jobs !== undefined) {
		const byStatus: Record<string, number> = {};
		for (const job of jobs) byStatus[job.status] = (byStatus[job.status] ?? 0) + 1;
		expect(byStatus).toEqual(row.jobs);
	}
	const reallyUploaded = new Set(jobs.filter((job) => job.status === 'uploaded').map((job) => job.job_id));
	let uploadFaults = 0;
	const uploads = row.operation.startsWith('upload');
	for (const item of uploads ? (result.items ?? []) : []) {
		const claims = [item.json, item.json.upload as IDataObject | undefined].filter(Boolean) as IDataObject[];
		for (const claim of claims) if (claim.status === 'uploaded' && !reallyUploaded.has(String(claim.job_id))) uploadFaults++;
	}
	// An upload reported failed that the emulator has as uploaded is a lost upload; two uploaded jobs for one file a duplicate.
	if (result.error && /^Uploading /.test(String(result.error.message)) && reallyUploaded.size > 0) uploadFaults++;
	if (reallyUploaded.size > 1) uploadFaults++;
	tally.uploads += uploadFaults;
	expect(uploadFaults).toBe(0);

	// 5. The storage host never saw an Authorization header.
	for (const entry of log.filter((request) => request.server === 'storage')) expect(entry.headers.authorization).toBeUndefined();
}
