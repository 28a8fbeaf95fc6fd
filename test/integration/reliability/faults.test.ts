/**
 * Fault injection through the real node code paths: the action node's `execute` in n8n-core's ExecuteContext,
 * against the emulator over real sockets, with faults injected through the emulator's control API.
 *
 * Each row states what a user expects (retried and succeeded, or a clear error), and after the run the suite
 * checks, from the emulator's own state and request log:
 * - the exact number of requests per route (bounded retries, no storms),
 * - no duplicate job upload and no duplicate print,
 * - no job reported `uploaded` by the node that the emulator does not have as `uploaded`,
 * - no test token in any output or error (harness.run scans both).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { httpRequest } from '../../../emulator';
import type { ClusterSpec, Emulator } from '../../../emulator';
import type { CredentialStore } from '../../helpers/n8nContext';
import { registerSecret } from '../../helpers/secrets';
import type { Auth, FaultSpec, RunResult } from './harness';
import {
	byId,
	clusterIds,
	credentialsFor,
	gcodeItem,
	jobsOf,
	printsOf,
	routeCounts,
	run,
	sent,
	start,
	summary,
	uploadedJob,
} from './harness';

jest.setTimeout(60_000);

const REGISTER = 'PUT /cura/v1/jobs/upload';
const STORAGE = 'PUT /upload/:slot';
const JOB = 'GET /cura/v1/jobs/:job';
const LIST = 'GET /connect/v1/clusters';
const CLUSTER = 'GET /connect/v1/clusters/:cluster';
const STATUS = 'GET /connect/v1/clusters/:cluster/status';
const PRINT = 'POST /connect/v1/clusters/:cluster/print/:job';
const TOKEN = 'POST /token';

const ONE_S5: ClusterSpec[] = [{ friendly_name: 'Bay 1', printers: [{ type: 'ultimaker_s5' }] }];
const THREE_S5: ClusterSpec[] = [1, 2, 3].map((n) => ({ friendly_name: `Bay ${n}`, printers: [{ type: 'ultimaker_s5' }] }));

type Operation = 'upload' | 'uploadInMemory' | 'send' | 'uploadAndSend' | 'listClusters' | 'getClusters';

interface Ctx {
	emu: Emulator;
	clusters: string[];
	/** An already-uploaded job (for Send print). */
	jobId: string;
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
	/** Print-job instances of the job sent (Send print rows) or of any job (upload-and-print rows). */
	prints?: number;
	/** Jobs the emulator has after the run, by status (besides the pre-uploaded one for Send print). */
	jobs?: Partial<Record<'uploaded' | 'uploading' | 'failed', number>>;
}

function parametersFor(operation: Operation, ctx: Ctx): INodeParameters {
	switch (operation) {
		case 'upload':
		case 'uploadInMemory':
			return { resource: 'job', operation: 'upload' };
		case 'send':
			return { resource: 'print', operation: 'send', clusterId: byId(ctx.clusters[0]), jobId: ctx.jobId };
		case 'uploadAndSend':
			return { resource: 'print', operation: 'uploadAndSend', clusterId: byId(ctx.clusters[0]) };
		case 'listClusters':
			return { resource: 'cluster', operation: 'getMany', returnAll: true };
		case 'getClusters':
			return { resource: 'cluster', operation: 'get', clusterId: byId('={{ $json.clusterId }}') };
	}
}

async function itemsFor(operation: Operation, ctx: Ctx) {
	if (operation === 'upload' || operation === 'uploadAndSend') return [await gcodeItem('part.gcode')];
	if (operation === 'uploadInMemory') return [await gcodeItem('part.gcode', undefined, 'memory')];
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
			name: `${status} once on the storage PUT → retried with a fresh stream, uploaded`,
			operation: 'upload',
			faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'status', status, count: 1 }],
			expect: { ok: true, check: uploaded },
			requests: { [REGISTER]: 1, [STORAGE]: 2, [JOB]: 1 },
			minMs: 450,
			jobs: { uploaded: 1 },
		}),
	),
	{
		name: '503 on every storage PUT → 5 attempts with backoff, a clear error, the job stays not uploaded',
		operation: 'upload',
		faults: () => [{ method: 'PUT', path: '/upload/*', kind: 'status', status: 503, count: 10 }],
		expect: { error: /Uploading "part\.gcode" failed: storage answered 503/, type: 'api', description: /Nothing was sent to a printer/ },
		requests: { [REGISTER]: 1, [STORAGE]: 5 },
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
		// First run: status, POST (dropped), status again (nothing new) → error. Retry: status, POST.
		requests: { [STATUS]: 3, [PRINT]: 2 },
		prints: 1,
	},
	{
		name: 'duplicate send: 502 on the print POST → the queue is checked, no blind repeat, a clear error',
		operation: 'send',
		farm: ONE_S5,
		faults: () => [{ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'status', status: 502 }],
		expect: { error: /Sending the print was interrupted and the job does not appear in the queue/, type: 'api', description: /not re-sent automatically/ },
		requests: { [STATUS]: 2, [PRINT]: 1 },
		prints: 0,
	},
];

async function setUp(row: Row): Promise<Ctx> {
	const emu = await start({ farm: row.farm });
	const clusters = await clusterIds(emu);
	const jobId = row.operation === 'send' ? await uploadedJob(emu, 'ready.gcode') : '';
	return { emu, clusters, jobId };
}

async function runRow(row: Row, ctx: Ctx): Promise<{ result: RunResult; ms: number; runs: number }> {
	const credentials = await credentialsFor(ctx.emu, row.auth ?? 'apiToken');
	if (row.before) await row.before(ctx, credentials);
	for (const fault of row.faults?.(ctx) ?? []) await ctx.emu.client.addFault(fault);
	await ctx.emu.client.clearRequests();
	const started = Date.now();
	const once = async () =>
		run({ parameters: parametersFor(row.operation, ctx), items: await itemsFor(row.operation, ctx), credentials, continueOnFail: row.continueOnFail });
	let result: RunResult;
	if (row.midRun) {
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

describe('fault injection through the node (execute in n8n-core ExecuteContext, emulator over real sockets)', () => {
	let ctx: Ctx | undefined;
	afterEach(async () => {
		await ctx?.emu.close();
		ctx = undefined;
	});

	test.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
		ctx = await setUp(row);
		const { result, ms } = await runRow(row, ctx);
		const log = await sent(ctx.emu);

		// 1. The outcome a user expects.
		if ('ok' in row.expect) {
			if (result.error) throw new Error(`expected success, got: ${result.error.message} — ${result.error.description}\n${summary(log).join('\n')}`);
			await row.expect.check?.(result.items!.map((item) => item.json), ctx, result);
			result.items!.forEach((item, index) => expect(item.pairedItem).toEqual({ item: row.operation === 'getClusters' ? index : 0 }));
		} else {
			expect(result.items).toBeUndefined();
			expect(result.error).toBeInstanceOf(row.expect.type === 'api' ? NodeApiError : NodeOperationError);
			expect(result.error.message).toMatch(row.expect.error);
			if (row.expect.description) expect(result.error.description).toMatch(row.expect.description);
		}

		// 2. Exactly the requests expected: bounded retries, no storms.
		expect(routeCounts(log)).toEqual(row.requests);
		if (row.minMs !== undefined) expect(ms).toBeGreaterThanOrEqual(row.minMs);

		// 3. No duplicate print.
		if (row.prints !== undefined) {
			const prints = row.operation === 'send' ? await printsOf(ctx.emu, ctx.jobId) : await printsOf(ctx.emu);
			expect(prints).toHaveLength(row.prints);
		}

		// 4. No duplicate upload, and nothing reported uploaded that is not.
		const jobs = (await jobsOf(ctx.emu)).filter((job) => job.job_id !== ctx!.jobId);
		if (row.jobs !== undefined) {
			const byStatus: Record<string, number> = {};
			for (const job of jobs) byStatus[job.status] = (byStatus[job.status] ?? 0) + 1;
			expect(byStatus).toEqual(row.jobs);
		}
		const reallyUploaded = new Set(jobs.filter((job) => job.status === 'uploaded').map((job) => job.job_id));
		for (const item of result.items ?? []) {
			const claims = [item.json, item.json.upload as IDataObject | undefined].filter(Boolean) as IDataObject[];
			for (const claim of claims) {
				if (claim.status === 'uploaded') expect(reallyUploaded.has(String(claim.job_id))).toBe(true);
			}
		}

		// 5. The storage host never saw an Authorization header.
		for (const entry of log.filter((request) => request.server === 'storage')) expect(entry.headers.authorization).toBeUndefined();
	});
});
