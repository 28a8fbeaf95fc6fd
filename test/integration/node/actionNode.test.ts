/**
 * The action node against the emulator over real sockets, run through n8n-core's real ExecuteContext
 * (test/helpers/n8nContext): every operation, bad inputs and the emulator's faults.
 */
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Emulator, FaultRequest } from '../../../emulator';
import { startEmulator } from '../../../emulator';
import { UltimakerDigitalFactory } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
import { forgetSends } from '../../../nodes/UltimakerDigitalFactory/actions/print/owners';
import type { CredentialStore } from '../../helpers/n8nContext';
import { inMemoryBinary, storeBinary } from '../../helpers/n8nContext';
import { actionError, apiTokenCredentials, byId, oauthCredentials, runAction } from '../../helpers/actionNode';

jest.setTimeout(60_000);

const nodeType = new UltimakerDigitalFactory();
let emu: Emulator;

beforeAll(async () => {
	// The print answer as Ultimaker recorded it (cluster_job_id only): the node fills job_instance_uuid from it.
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'node-tests', speed: 0 });
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	await emu.client.reset({ seed: 'node-tests' });
	// The reset hands out the same ids again; the node's memory of its own print sends must not carry over.
	forgetSends();
	await emu.client.clearFaults();
	await emu.client.clearRequests();
});

const tokenCredentials = (overrides: Record<string, string> = {}): CredentialStore => apiTokenCredentials(emu, { origin: '', ...overrides });

type Options = { items?: INodeExecutionData[]; credentials?: CredentialStore; continueOnFail?: boolean };
const run = (parameters: INodeParameters, options: Options = {}) =>
	runAction({ parameters, ...options, credentials: options.credentials ?? tokenCredentials() });
const runError = (parameters: INodeParameters, options: Options = {}) =>
	actionError({ parameters, ...options, credentials: options.credentials ?? tokenCredentials() });
const rl = byId;

async function api<T = any>(path: string, init: RequestInit = {}): Promise<T> {
	const response = await fetch(`${emu.url}${path}`, {
		...init,
		headers: { Authorization: `Bearer ${emu.apiToken}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
	return (text ? JSON.parse(text) : undefined) as T;
}

async function clusterIds(): Promise<string[]> {
	const body = await api<{ data: Array<{ cluster_id: string }> }>('/connect/v1/clusters');
	return body.data.map((cluster) => cluster.cluster_id);
}

function gcode(printSeconds = 600, padBytes = 2000): Buffer {
	const header = `;FLAVOR:Griffin\n;TARGET_MACHINE.NAME:Ultimaker S5\n;PRINT.TIME:${printSeconds}\n;END_OF_HEADER\n`;
	return Buffer.concat([Buffer.from(header), Buffer.alloc(padBytes, 'G1 X1 Y1\n')]);
}

async function storedItem(data: Buffer, fileName: string, mimeType = 'application/octet-stream'): Promise<INodeExecutionData> {
	const binary: IBinaryData = await storeBinary(data, { fileName, mimeType });
	return { json: {}, binary: { data: binary } };
}

async function uploadJob(fileName = 'bracket.gcode', data = gcode()): Promise<string> {
	const [item] = await run({ resource: 'job', operation: 'upload' }, { items: [await storedItem(data, fileName)] });
	return item.json.job_id as string;
}

async function status(clusterId: string): Promise<any> {
	return (await api(`/connect/v1/clusters/${encodeURIComponent(clusterId)}/status`)).data;
}

const storageRequests = async () => (await emu.client.requests()).filter((entry) => entry.server === 'storage');
const apiRequests = async (pathPrefix: string) =>
	(await emu.client.requests()).filter((entry) => entry.server === 'api' && entry.path.startsWith(pathPrefix));
const fault = (spec: FaultRequest) => emu.client.addFault(spec);

describe('credentials and transport', () => {
	test('API token: Bearer auth on API calls, one item per cluster with pairedItem', async () => {
		const items = await run({ resource: 'cluster', operation: 'getMany' });
		expect(items).toHaveLength(4);
		expect(items.map((item) => item.pairedItem)).toEqual(items.map(() => ({ item: 0 })));
		expect(Object.keys(items[0].json)).toEqual(expect.arrayContaining(['cluster_id', 'friendly_name', 'is_online', 'printer_type']));
		const [logged] = await apiRequests('/connect/v1/clusters');
		expect(logged.headers.authorization).toBe('[redacted]');
	});

	test('an expired API token says so and says where to make a new one, without the token', async () => {
		const error = await runError(
			{ resource: 'cluster', operation: 'getMany' },
			{ credentials: tokenCredentials({ apiToken: emu.expiredToken }) },
		);
		expect(error.message).toBe('The Digital Factory API token has expired');
		expect(error.description).toContain('Digital Factory → Settings → API Tokens');
		expect(error.httpCode).toBe('403');
		expect(error.context.apiError).toMatchObject({ code: 'tokenExpired', http_status: '403' });
		expect(JSON.stringify({ message: error.message, description: error.description, context: error.context })).not.toContain(
			emu.expiredToken,
		);
	});

	test('an unknown token is a 401 with a hint, and the token is not echoed', async () => {
		const secret = 'umapi-not-a-real-token-xyz|main';
		const error = await runError({ resource: 'cluster', operation: 'getMany' }, { credentials: tokenCredentials({ apiToken: secret }) });
		expect(error.message).toBe('Digital Factory did not accept the API token');
		expect(error.context.apiError.code).toBe('unauthorized');
		expect(JSON.stringify(error)).not.toContain('not-a-real-token');
	});

	test('a token pasted with surrounding whitespace or a newline still works', async () => {
		const items = await run({ resource: 'cluster', operation: 'getMany' }, { credentials: tokenCredentials({ apiToken: ` ${emu.apiToken}\n` }) });
		expect(items).toHaveLength(4);
	});

	test.each([
		['http://example.com', /must use https/],
		['ftp://127.0.0.1', /must start with https/],
		['https://user:pw@api.ultimaker.com', /user name or password/],
		['https://api.ultimaker.com/?x=1', /query string/],
		['https://api.ultimaker.com/a/../b', /path/],
		['not a url', /not a valid URL/],
	])('base URL %s is refused before any request', async (baseUrl, message) => {
		const error = await runError({ resource: 'cluster', operation: 'getMany' }, { credentials: tokenCredentials({ baseUrl }) });
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toMatch(message);
		expect(await emu.client.requests()).toHaveLength(0);
	});

	test('429 with Retry-After is honoured (bounded) and the call succeeds', async () => {
		await fault({ method: 'GET', path: '/connect/v1/clusters', kind: 'rateLimit', retryAfter: 1, count: 1 });
		const started = Date.now();
		const items = await run({ resource: 'cluster', operation: 'getMany' });
		expect(items).toHaveLength(4);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		const calls = await apiRequests('/connect/v1/clusters');
		expect(calls.map((call) => call.status)).toEqual([429, 200]);
	});

	test('a Retry-After beyond the bound fails fast with a rate-limit message', async () => {
		await fault({ method: 'GET', path: '/connect/v1/clusters', kind: 'rateLimit', retryAfter: 3600, count: 5 });
		const started = Date.now();
		const error = await runError({ resource: 'cluster', operation: 'getMany' });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error.message).toBe('Digital Factory is limiting how fast requests can be made');
		expect(error.httpCode).toBe('429');
	});

	test('a 5xx on a GET is retried; a persistent one is a clear server error', async () => {
		await fault({ method: 'GET', path: '/connect/v1/clusters', kind: 'status', status: 502, count: 1 });
		expect(await run({ resource: 'cluster', operation: 'getMany' })).toHaveLength(4);
		await fault({ method: 'GET', path: '/connect/v1/clusters', kind: 'status', status: 503, count: 10 });
		const error = await runError({ resource: 'cluster', operation: 'getMany' });
		expect(error.message).toMatch(/server error \(503\)/);
	});

	test('a dropped connection on a GET is retried', async () => {
		await fault({ method: 'GET', path: '/connect/v1/clusters', kind: 'drop', count: 1 });
		expect(await run({ resource: 'cluster', operation: 'getMany' })).toHaveLength(4);
	});

	test('OAuth2: an expired access token (403 tokenExpired) goes through n8n refresh; the rotated tokens are saved', async () => {
		const credentials = await oauthCredentials(emu);
		const tokens = { ...(credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as Record<string, unknown>) };
		const params = { authentication: 'oAuth2', resource: 'cluster', operation: 'getMany' };
		expect(await run(params, { credentials })).toHaveLength(4);
		await emu.client.control('POST', '/clock/advance', { seconds: 601 });
		await emu.client.clearRequests();
		expect(await run(params, { credentials })).toHaveLength(4);
		const log = await emu.client.requests();
		expect(log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
			'GET /connect/v1/clusters 403',
			'POST /token 200',
			'GET /connect/v1/clusters 200',
		]);
		const saved = credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as Record<string, string>;
		expect(saved.refresh_token).toBeDefined();
		expect(saved.refresh_token).not.toBe(tokens.refresh_token);
		expect(saved.access_token).not.toBe(tokens.access_token);
	});

	test('OAuth2: when the refresh itself is refused, the error says to reconnect', async () => {
		const credentials = await oauthCredentials(emu, {
			oauthTokenData: { access_token: emu.expiredToken, refresh_token: 'dead-refresh-token', token_type: 'bearer' },
		});
		const error = await runError({ authentication: 'oAuth2', resource: 'cluster', operation: 'getMany' }, { credentials });
		expect(error.message).toBe('The Digital Factory login has expired and could not be renewed');
		expect(error.description).toMatch(/Reconnect/);
	});

	test('continueOnFail: one error item per failing input item, with pairedItem; other items still run', async () => {
		const [clusterId] = await clusterIds();
		const items = await run(
			{ resource: 'cluster', operation: 'get', clusterId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ items: [{ json: { id: clusterId } }, { json: { id: 'no-such-cluster' } }, { json: { id: '  ' } }], continueOnFail: true },
		);
		expect(items).toHaveLength(3);
		expect(items[0]).toMatchObject({ json: { cluster_id: clusterId }, pairedItem: { item: 0 } });
		expect(items[1]).toMatchObject({ json: { httpCode: '404', code: 'notFound' }, pairedItem: { item: 1 } });
		expect(items[1].json.error).toMatch(/could not find cluster no-such-cluster/);
		expect(items[2]).toMatchObject({ json: { error: 'cluster ID is empty' }, pairedItem: { item: 2 } });
	});
});

describe('clusters', () => {
	test('List clusters: filters (online only, printer type) and limit', async () => {
		const ids = await clusterIds();
		await emu.client.control('POST', `/clusters/${encodeURIComponent(ids[0])}/connectivity`, { is_online: false });
		expect(await run({ resource: 'cluster', operation: 'getMany', filters: { onlineOnly: true } })).toHaveLength(3);
		const s7 = await run({ resource: 'cluster', operation: 'getMany', filters: { printerType: 'ultimaker_s7' } });
		expect(s7.map((item) => item.json.printer_type)).toEqual(['ultimaker_s7']);
		const byVariant = await run({ resource: 'cluster', operation: 'getMany', filters: { printerType: 'Ultimaker S5' } });
		expect(byVariant).toHaveLength(2);
		expect(await run({ resource: 'cluster', operation: 'getMany', limit: 2 })).toHaveLength(2);
	});

	test('Get cluster and Get cluster status (whole, per printer, per print job)', async () => {
		const [clusterId] = await clusterIds();
		const [cluster] = await run({ resource: 'cluster', operation: 'get', clusterId: rl(clusterId) });
		expect(cluster.json.cluster_id).toBe(clusterId);
		const [whole] = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId) });
		expect(Object.keys(whole.json).sort()).toEqual(['generated_time', 'print_jobs', 'printers']);
		const printers = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId), splitInto: 'printers' });
		expect(printers).toHaveLength(1);
		expect(printers[0].json).toMatchObject({ cluster_id: clusterId, status: 'idle' });
		const jobId = await uploadJob();
		await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		const jobs = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId), splitInto: 'printJobs' });
		expect(jobs.map((item) => item.json.cloud_job_id)).toEqual([jobId, jobId]);
		expect(jobs.every((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	test('the cluster resource locator list search returns the clusters by name', async () => {
		const { createExecuteContext } = await import('../../helpers/n8nContext');
		const { context } = createExecuteContext({
			nodeType,
			parameters: { authentication: 'apiToken', resource: 'cluster', operation: 'get' },
			credentials: tokenCredentials(),
		});
		// The list search only needs getCredentials, getCurrentNodeParameter and the HTTP helpers.
		const loadContext = Object.assign(Object.create(context), {
			getCurrentNodeParameter: (name: string) => (name === 'authentication' ? 'apiToken' : undefined),
		});
		const all = await nodeType.methods.listSearch.searchClusters.call(loadContext, undefined);
		expect(all.results).toHaveLength(4);
		const filtered = await nodeType.methods.listSearch.searchClusters.call(loadContext, 'S7');
		expect(filtered.results).toHaveLength(1);
		expect(filtered.results[0].name).toMatch(/S7/);
	});
});

describe('uploads', () => {
	test('Upload job streams the stored binary with the declared headers and no Authorization header', async () => {
		const data = gcode(900, 300_000);
		const [item] = await run(
			{ resource: 'job', operation: 'upload', origin: 'https://farm.example.com' },
			{ items: [await storedItem(data, 'bracket.gcode')] },
		);
		expect(item.json).toMatchObject({ job_name: 'bracket.gcode', status: 'uploaded', content_type: 'text/plain', file_size: data.length });
		expect(item.json.download_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/download\//);
		expect(item.json.upload_url).toBeUndefined();
		const storage = await storageRequests();
		expect(storage).toHaveLength(1);
		expect(storage[0].method).toBe('PUT');
		expect(storage[0].status).toBe(200);
		expect(storage[0].headers.authorization).toBeUndefined();
		expect(storage[0].headers['content-type']).toBe('text/plain');
		expect(storage[0].headers['content-length']).toBe(String(data.length));
		expect(storage[0].headers.origin).toBe('https://farm.example.com');
		expect(storage[0].bodyBytes).toBe(data.length);
		const registration = (await apiRequests('/cura/v1/jobs/upload'))[0];
		expect(registration.headers.authorization).toBe('[redacted]');
	});

	test('in-memory binary data (no id) is uploaded from its buffer; the credential origin is the default', async () => {
		const data = gcode();
		const [item] = await run(
			{ resource: 'job', operation: 'upload', jobName: 'Named job.gcode' },
			{
				items: [{ json: {}, binary: { data: inMemoryBinary(data, { fileName: 'x.gcode', mimeType: 'text/plain' }) } }],
				credentials: tokenCredentials({ origin: 'https://default.example.com/' }),
			},
		);
		expect(item.json).toMatchObject({ job_name: 'Named job.gcode', status: 'uploaded', origin: 'https://default.example.com' });
		const [storage] = await storageRequests();
		expect(storage.headers.origin).toBe('https://default.example.com');
	});

	test.each([
		['part.gcode.gz', 'application/gzip'],
		['part.ufp', 'application/x-ufp'],
		['PART.GCODE', 'text/plain'],
	])('content type of %s is %s', async (fileName, contentType) => {
		const [item] = await run({ resource: 'job', operation: 'upload' }, { items: [await storedItem(gcode(), fileName)] });
		expect(item.json.content_type).toBe(contentType);
	});

	test('the binary file name decides the type even when Job Name has a dot in it; a name alone works too', async () => {
		const [item] = await run({ resource: 'job', operation: 'upload', jobName: 'Bracket v1.2' }, { items: [await storedItem(gcode(), 'bracket.ufp')] });
		expect(item.json).toMatchObject({ job_name: 'Bracket v1.2', content_type: 'application/x-ufp' });
		const [named] = await run({ resource: 'job', operation: 'upload', jobName: 'bracket.gcode' }, { items: [await storedItem(gcode(), 'blob')] });
		expect(named.json).toMatchObject({ job_name: 'bracket.gcode', content_type: 'text/plain' });
	});

	test('Content Type can be overridden', async () => {
		const [item] = await run(
			{ resource: 'job', operation: 'upload', contentType: 'application/octet-stream' },
			{ items: [await storedItem(gcode(), 'print.makerbot')] },
		);
		expect(item.json.content_type).toBe('application/octet-stream');
		expect((await storageRequests())[0].headers['content-type']).toBe('application/octet-stream');
	});

	test('waitForUpload off returns right after the storage PUT', async () => {
		const [item] = await run({ resource: 'job', operation: 'upload', waitForUpload: false }, { items: [await storedItem(gcode(), 'a.gcode')] });
		expect(item.json.job_id).toBeDefined();
		expect(await apiRequests('/cura/v1/jobs/')).toHaveLength(1); // only the registration, no polling
	});

	test('Get job and Get many jobs (limit and all pages via links.next)', async () => {
		const first = await uploadJob('one.gcode');
		const [job] = await run({ resource: 'job', operation: 'get', jobId: first });
		expect(job.json).toMatchObject({ job_id: first, status: 'uploaded' });
		for (let i = 0; i < 2; i++) await uploadJob(`more-${i}.gcode`);
		expect(await run({ resource: 'job', operation: 'getMany', limit: 2 })).toHaveLength(2);
		expect(await run({ resource: 'job', operation: 'getMany', returnAll: true })).toHaveLength(3);
	});

	test('Upload file to a project; Create project; Get many projects follows links.next across pages', async () => {
		const [project] = await run({ resource: 'project', operation: 'create', projectName: 'Brackets' });
		expect(project.json).toMatchObject({ display_name: 'Brackets' });
		const projectId = project.json.library_project_id as string;
		const [file] = await run(
			{ resource: 'file', operation: 'upload', projectId },
			{ items: [await storedItem(Buffer.from('solid x\nendsolid x\n'), 'bracket.stl')] },
		);
		expect(file.json).toMatchObject({ file_name: 'bracket.stl', content_type: 'model/stl', library_project_id: projectId, status: 'uploaded' });
		const [threeMf] = await run({ resource: 'file', operation: 'upload' }, { items: [await storedItem(Buffer.alloc(100, 1), 'bracket.3mf')] });
		expect(threeMf.json.content_type).toBe('application/x-cura-project+3mf');

		for (let i = 0; i < 104; i++) await api('/cura/v1/projects', { method: 'PUT', body: JSON.stringify({ data: { display_name: `P${i}` } }) });
		await emu.client.clearRequests();
		const all = await run({ resource: 'project', operation: 'getMany', returnAll: true });
		expect(all).toHaveLength(105);
		const pages = await apiRequests('/cura/v1/projects');
		expect(pages).toHaveLength(2);
		expect(pages[1].query).toMatchObject({ page: '2' });
		expect(await run({ resource: 'project', operation: 'getMany', search: 'Brack' })).toHaveLength(1);
	});

	test('one-time URL: storage 5xx is retried with a fresh stream; the job ends uploaded', async () => {
		await emu.client.setUploadUrlStyle('signed');
		await fault({ method: 'PUT', path: '/upload/*', kind: 'status', status: 503, count: 2 });
		const data = gcode(600, 200_000);
		const [item] = await run({ resource: 'job', operation: 'upload' }, { items: [await storedItem(data, 'retry.gcode')] });
		expect(item.json.status).toBe('uploaded');
		const storage = await storageRequests();
		expect(storage.map((entry) => entry.status)).toEqual([503, 503, 200]);
		expect(storage.every((entry) => entry.headers.authorization === undefined)).toBe(true);
	});

	test('one-time URL: persistent storage 5xx is a clear error, and the job is not reported uploaded', async () => {
		await emu.client.setUploadUrlStyle('signed');
		await fault({ method: 'PUT', path: '/upload/*', kind: 'status', status: 500, count: 20 });
		const error = await runError({ resource: 'job', operation: 'upload' }, { items: [await storedItem(gcode(), 'broken.gcode')] });
		expect(error.message).toMatch(/^Uploading "broken.gcode" failed: storage answered 500/);
		expect(error.description).toMatch(/Nothing was sent to a printer/);
		expect(await storageRequests()).toHaveLength(5);
		const state = await emu.client.state();
		expect(state.jobs.map((job: { status: string }) => job.status)).toEqual(['uploading']);
	}, 30_000);

	test('one-time URL: a connection dropped mid-upload is a clear error; the job is failed, never uploaded', async () => {
		await emu.client.setUploadUrlStyle('signed');
		await fault({ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', count: 1 });
		const error = await runError({ resource: 'job', operation: 'upload' }, { items: [await storedItem(gcode(600, 500_000), 'cut.gcode')] });
		expect(error.message).toMatch(/^Uploading "cut.gcode" failed: the connection to storage broke/);
		expect(error.message).toMatch(/marked the upload failed/);
		const state = await emu.client.state();
		expect(state.jobs.map((job: { status: string }) => job.status)).toEqual(['failed']);
	});

	test('5xx on the upload registration is retried; persistent failure is a server error', async () => {
		await fault({ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'status', status: 500, count: 1 });
		const [item] = await run({ resource: 'job', operation: 'upload' }, { items: [await storedItem(gcode(), 'reg.gcode')] });
		expect(item.json.status).toBe('uploaded');
		await fault({ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'status', status: 500, count: 10 });
		const error = await runError({ resource: 'job', operation: 'upload' }, { items: [await storedItem(gcode(), 'reg2.gcode')] });
		expect(error.message).toMatch(/server error \(500\) while handling the job upload registration/);
		expect(await storageRequests()).toHaveLength(1);
	});

	test.each([
		[{ resource: 'job', operation: 'upload' }, 'setup.exe', /Cannot tell the content type of "setup.exe"/, /\.gcode, \.ufp/],
		[{ resource: 'file', operation: 'upload' }, 'part.gcode', /printable toolpath \(\.gcode\); use the Upload Job/, /toolpaths go to the print-job endpoint/],
		[{ resource: 'job', operation: 'upload' }, 'part.stl', /not a printable toolpath \(\.stl\); use the Upload File/, /Slice the model/],
		[{ resource: 'file', operation: 'upload' }, 'notes.xyz', /Cannot tell the content type/, /\.3mf, \.stl/],
		[{ resource: 'job', operation: 'upload', contentType: 'text plain' }, 'a.gcode', /not a valid content type/, /MIME type/],
		[{ resource: 'job', operation: 'upload', origin: 'https://farm.example.com/path' }, 'a.gcode', /not a bare origin/, /scheme:\/\/host/],
	])('bad upload input %o %s is refused before anything is registered', async (parameters, fileName, message, hint) => {
		const error = await runError(parameters, { items: [await storedItem(gcode(), fileName)] });
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toMatch(message);
		expect(error.description).toMatch(hint);
		expect(await apiRequests('/cura/v1/')).toHaveLength(0);
	});

	test('a missing binary field and an empty file are refused', async () => {
		const missing = await runError({ resource: 'job', operation: 'upload', binaryPropertyName: 'file' }, { items: [await storedItem(gcode(), 'a.gcode')] });
		expect(missing.message).toMatch(/file/);
		const empty = await runError(
			{ resource: 'job', operation: 'upload' },
			{ items: [{ json: {}, binary: { data: inMemoryBinary(Buffer.alloc(0), { fileName: 'a.gcode', mimeType: 'text/plain' }) } }] },
		);
		expect(empty.message).toMatch(/is empty \(0 bytes\)/);
		expect(await apiRequests('/cura/v1/')).toHaveLength(0);
	});
});

describe('ids never reach another endpoint', () => {
	test.each([['', 'job ID is empty'], ['   ', 'job ID is empty'], ['..', '".." is not a valid job ID'], ['.', '"." is not a valid job ID']])(
		'job ID %j is refused',
		async (jobId, message) => {
			const error = await runError({ resource: 'job', operation: 'get', jobId });
			expect(error.constructor.name).toBe('NodeOperationError');
			expect(error.message).toBe(message);
			expect(await emu.client.requests()).toHaveLength(0);
		},
	);

	test.each(['../../connect/v1/clusters', 'abc?limit=1', 'a%2Fb', 'x#frag', 'a/b'])('job ID %j stays one encoded path segment', async (jobId) => {
		const error = await runError({ resource: 'job', operation: 'get', jobId });
		expect(error.httpCode).toBe('404');
		const [logged] = await emu.client.requests();
		expect(logged.path).toBe(`/cura/v1/jobs/${encodeURIComponent(jobId)}`);
		expect(Object.keys(logged.query as object)).toHaveLength(0);
	});

	test('cluster IDs with = are encoded and still found; a cluster id with / is not routed elsewhere', async () => {
		const [clusterId] = await clusterIds();
		expect(clusterId).toMatch(/=$/);
		const [item] = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId) });
		expect(item.json.printers).toBeDefined();
		const error = await runError({ resource: 'cluster', operation: 'getStatus', clusterId: rl(`${clusterId}/../../clusters`) });
		expect(error.httpCode).toBe('404');
	});
});

describe('printing', () => {
	test('Send print returns the API ids and status with an explanation', async () => {
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob();
		const [item] = await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		expect(item.json).toMatchObject({ job_id: jobId, status: 'queued', cluster_id: clusterId });
		expect(item.json.job_instance_uuid).toBe(item.json.cluster_job_id);
		expect(item.json.status_explanation).toMatch(/printer queue/);
	});

	test('wait_approval is explained in operator words', async () => {
		await emu.client.reset({ seed: 'approval', farm: [{ requires_approval: true, printers: [{ type: 'ultimaker_s5' }] }] });
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob();
		const [item] = await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		expect(item.json.status).toBe('wait_approval');
		expect(item.json.status_explanation).toMatch(/approve new jobs in Digital Factory/);
	});

	test('409 printerInactive and queueFull are explained', async () => {
		await emu.client.reset({ seed: 'full', farm: [{ queue_limit: 1, printers: [{ type: 'ultimaker_s5' }] }, { printers: [{ type: 'ultimaker_s5' }] }] });
		const [small, other] = await clusterIds();
		const jobId = await uploadJob();
		// The first print goes straight to the idle printer; the second fills the one queue slot.
		await run({ resource: 'print', operation: 'send', clusterId: rl(small), jobId });
		await run({ resource: 'print', operation: 'send', clusterId: rl(small), jobId });
		const full = await runError({ resource: 'print', operation: 'send', clusterId: rl(small), jobId });
		expect(full.message).toBe("The printer's print queue is full");
		expect(full.description).toMatch(/Wait until queued jobs have printed/);
		expect(full.context.apiError.code).toBe('queueFull');
		await emu.client.control('POST', `/clusters/${encodeURIComponent(other)}/connectivity`, { is_online: false });
		const offline = await runError({ resource: 'print', operation: 'send', clusterId: rl(other), jobId });
		expect(offline.message).toBe('The printer cannot take jobs right now: it is offline or inactive');
		expect(offline.httpCode).toBe('409');
	});

	test('"only if a printer is idle" refuses to queue on a busy cluster', async () => {
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob();
		await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId, onlyIfIdle: true });
		await emu.client.control('POST', '/clock/advance', { seconds: 40 });
		const error = await runError({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId, onlyIfIdle: true });
		expect(error.message).toBe('No printer in this cluster is idle, so the job was not sent');
		expect(error.description).toMatch(/printing/);
		expect((await status(clusterId)).print_jobs).toHaveLength(1);
	});

	test('a print POST dropped before the server acted: clear error, not re-sent, nothing queued', async () => {
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob();
		await fault({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'drop', count: 1 });
		const error = await runError({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		expect(error.message).toBe('Sending the print was interrupted and the job does not appear in the queue');
		expect(error.description).toMatch(/not re-sent automatically/);
		expect(await apiRequests('/connect/v1/clusters/')).toEqual(
			expect.arrayContaining([expect.objectContaining({ method: 'POST' })]),
		);
		expect((await apiRequests('/connect/v1/clusters/')).filter((entry) => entry.method === 'POST')).toHaveLength(1);
		expect((await status(clusterId)).print_jobs).toHaveLength(0);
	});

	test('a print that went through but whose answer was lost is recovered from the queue, exactly once', async () => {
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob();
		await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId }); // an earlier print of the same file
		await fault({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'dropMidBody', count: 1 });
		const [item] = await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		expect(item.json.recovered_after_error).toBe(true);
		const queue = (await status(clusterId)).print_jobs as Array<{ uuid: string; cloud_job_id: string }>;
		expect(queue).toHaveLength(2);
		expect(queue.map((job) => job.uuid)).toContain(item.json.job_instance_uuid);
		expect((await apiRequests('/connect/v1/clusters/')).filter((entry) => entry.method === 'POST')).toHaveLength(2);
	});

	test('a 5xx on the print POST is ambiguous: the queue is checked, nothing is re-sent', async () => {
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob();
		await fault({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'status', status: 502, count: 1 });
		const error = await runError({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		expect(error.message).toBe('Sending the print was interrupted and the job does not appear in the queue');
		const calls = (await apiRequests('/connect/v1/clusters/')).map((entry) => `${entry.method} ${entry.path.replace(/.*\//, '')} ${entry.status}`);
		// The queue is re-read with backoff over the recovery window (five reads), never the POST again.
		expect(calls).toEqual(['GET status 200', `POST ${encodeURIComponent(jobId)} 502`, ...Array(5).fill('GET status 200')]);
	});

	test('a 429 on the print POST is retried (the server refused before acting)', async () => {
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob();
		await fault({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'rateLimit', retryAfter: 1, count: 1 });
		const [item] = await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId });
		expect(item.json.status).toBe('queued');
		expect((await status(clusterId)).print_jobs).toHaveLength(1);
	});

	test('Upload and print: one step, streamed upload then queued print', async () => {
		const [clusterId] = await clusterIds();
		const [item] = await run(
			{ resource: 'print', operation: 'uploadAndSend', clusterId: rl(clusterId) },
			{ items: [await storedItem(gcode(), 'both.gcode')] },
		);
		expect(item.json).toMatchObject({ status: 'queued', upload: { status: 'uploaded', job_name: 'both.gcode' } });
		expect(item.json.job_id).toBe((item.json.upload as { job_id: string }).job_id);
		expect((await storageRequests())[0].headers.authorization).toBeUndefined();
	});

	test('Upload and print on an offline cluster: the error names the uploaded job so it can be sent later', async () => {
		const [clusterId] = await clusterIds();
		await emu.client.control('POST', `/clusters/${encodeURIComponent(clusterId)}/connectivity`, { is_online: false });
		const error = await runError({ resource: 'print', operation: 'uploadAndSend', clusterId: rl(clusterId) }, { items: [await storedItem(gcode(), 'later.gcode')] });
		expect(error.message).toBe('The printer cannot take jobs right now: it is offline or inactive');
		const [job] = (await emu.client.state()).jobs as Array<{ job_id: string; status: string }>;
		expect(job.status).toBe('uploaded');
		expect(error.description).toContain(`uploaded as job ${job.job_id}: use Send Print`);
	});

	test('print job actions: pause, resume, abort, move to top, remove, force', async () => {
		const [clusterId] = await clusterIds();
		const jobId = await uploadJob('long.gcode', gcode(7200));
		const send = async () =>
			(await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId }))[0].json.job_instance_uuid as string;
		const printing = await send();
		const second = await send();
		const third = await send();
		await emu.client.control('POST', '/clock/advance', { seconds: 60 });
		const act = async (printJobUuid: string, printAction: string) =>
			(await run({ resource: 'print', operation: 'action', clusterId: rl(clusterId), printJobUuid, printAction }))[0].json;
		const jobStatus = async (uuid: string) =>
			((await status(clusterId)).print_jobs as Array<{ uuid: string; status: string }>).find((job) => job.uuid === uuid)?.status;

		expect(await jobStatus(printing)).toBe('printing');
		expect(await act(printing, 'pause')).toMatchObject({ action: 'pause', accepted: true, print_job_uuid: printing });
		await emu.client.control('POST', '/clock/advance', { seconds: 30 });
		expect(await jobStatus(printing)).toBe('paused');
		await act(printing, 'resume');
		await emu.client.control('POST', '/clock/advance', { seconds: 30 });
		expect(await jobStatus(printing)).toBe('printing');

		await act(third, 'moveToTop');
		const moveCall = (await apiRequests('/connect/v1/clusters/')).find((entry) => entry.path.endsWith('/action/move'));
		expect(moveCall?.status).toBe(204);
		const queued = ((await status(clusterId)).print_jobs as Array<{ uuid: string; status: string }>).filter((job) => job.status === 'queued');
		expect(queued.map((job) => job.uuid)).toEqual([third, second]);

		await act(second, 'remove');
		expect(await jobStatus(second)).toBeUndefined();
		await act(third, 'force');
		await act(printing, 'abort');
		await emu.client.control('POST', '/clock/advance', { seconds: 30 });
		expect(['aborting', 'wait_cleanup', 'aborted']).toContain(await jobStatus(printing));

		const unknown = await runError({ resource: 'print', operation: 'action', clusterId: rl(clusterId), printJobUuid: printing, printAction: 'explode' });
		expect(unknown.message).toBe('Unknown print job action "explode"');
	});
});

test('no output item or error of a full run contains the API token', async () => {
	const [clusterId] = await clusterIds();
	const outputs = [
		await run({ resource: 'print', operation: 'uploadAndSend', clusterId: rl(clusterId) }, { items: [await storedItem(gcode(), 't.gcode')] }),
		await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId) }),
		await run({ resource: 'job', operation: 'get', jobId: 'missing' }, { continueOnFail: true }),
	];
	const text = JSON.stringify(outputs);
	expect(text).not.toContain(emu.apiToken);
	expect(text).not.toContain('umapi-');
});
