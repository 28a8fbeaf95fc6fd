/**
 * Every operation's output shaping against Ultimaker's own recorded shapes (test/fixtures/ultimaker), not against
 * the emulator: a loopback HTTP server answers with the fixture files as they are, and the operations run through
 * n8n-core's real ExecuteContext. Only the storage URL of the upload registration is pointed at the server (same
 * resumable-session form), so the upload can complete.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { apiTokenCredentials, runAction } from '../../helpers/actionNode';
import { storeBinary } from '../../helpers/n8nContext';
import { GUID, griffinGcode } from '../../fixtures/toolpaths';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../fixtures/ultimaker', `${name}.json`), 'utf8')) as { data: any };
const CLUSTERS = fixture('clusters');
const STATUS = fixture('cluster-status');
const PRINT = fixture('print-response');
const REGISTRATION = fixture('upload-registration');
const ACTIVE = CLUSTERS.data[0];

let server: Server;
let baseUrl: string;
const seen: string[] = [];

function answer(res: ServerResponse, status: number, body?: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(body === undefined ? '' : JSON.stringify(body));
}

function route(req: IncomingMessage, res: ServerResponse): void {
	const url = new URL(req.url ?? '/', baseUrl);
	seen.push(`${req.method} ${url.pathname}`);
	const path = url.pathname;
	if (req.method === 'GET' && path === '/connect/v1/clusters') {
		// As Cura's recorded lists: `?status=active` leaves the inactive registration out.
		const data = url.searchParams.get('status') === 'active' ? CLUSTERS.data.filter((c: any) => c.status === 'active') : CLUSTERS.data;
		return answer(res, 200, { data });
	}
	if (req.method === 'GET' && path === `/connect/v1/clusters/${encodeURIComponent(ACTIVE.cluster_id)}`) return answer(res, 200, { data: ACTIVE });
	if (req.method === 'GET' && path === `/connect/v1/clusters/${encodeURIComponent(ACTIVE.cluster_id)}/status`) return answer(res, 200, STATUS);
	if (req.method === 'POST' && path.startsWith(`/connect/v1/clusters/${encodeURIComponent(ACTIVE.cluster_id)}/print/`)) return answer(res, 200, PRINT);
	if (req.method === 'PUT' && path === '/cura/v1/jobs/upload') {
		const storage = new URL(REGISTRATION.data.upload_url);
		return answer(res, 200, { data: { ...REGISTRATION.data, upload_url: `${baseUrl}${storage.pathname}${storage.search}` } });
	}
	if (req.method === 'PUT' && path.startsWith('/upload/storage/v1/b/')) {
		req.resume();
		req.on('end', () => answer(res, 200));
		return;
	}
	if (req.method === 'GET' && path === `/cura/v1/jobs/${REGISTRATION.data.job_id}`) {
		const stored = { ...REGISTRATION.data, status: 'uploaded', status_description: 'The file is uploaded and ready to print.' };
		delete stored.upload_url;
		return answer(res, 200, { data: stored });
	}
	answer(res, 404, { errors: [{ id: 'x', code: 'notFound', title: 'Not found', http_status: '404', detail: path }] });
}

beforeAll(async () => {
	server = createServer(route);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
	seen.length = 0;
});

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

async function run(parameters: INodeParameters, items?: INodeExecutionData[]): Promise<Array<Record<string, any>>> {
	const credentials = apiTokenCredentials({ url: baseUrl, apiToken: 'umapi-fixture' }, { origin: '' });
	return (await runAction({ parameters, items, credentials })).map((item) => item.json as Record<string, any>);
}

describe('operations on Ultimaker’s recorded shapes', () => {
	it('List clusters: the recorded objects as they are (no friendly_name), active ones unless inactive ones are asked for', async () => {
		expect(await run({ resource: 'cluster', operation: 'getMany', returnAll: true })).toEqual([ACTIVE]);
		expect(await run({ resource: 'cluster', operation: 'getMany', returnAll: true, filters: { includeInactive: true } })).toEqual(CLUSTERS.data);
		expect(await run({ resource: 'cluster', operation: 'getMany', returnAll: true, filters: { includeInactive: true, onlineOnly: true } })).toEqual([ACTIVE]);
	});

	it('Get cluster: the recorded object', async () => {
		expect(await run({ resource: 'cluster', operation: 'get', clusterId: rl(ACTIVE.cluster_id) })).toEqual([ACTIVE]);
	});

	it('Get cluster status: printers as recorded; every print job with both lists, blocked_reason and reference', async () => {
		const [whole] = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(ACTIVE.cluster_id) });
		expect(whole.printers).toEqual(STATUS.data.printers);
		expect(whole.generated_time).toBe(STATUS.data.generated_time);
		expect(whole.print_jobs).toHaveLength(STATUS.data.print_jobs.length);
		whole.print_jobs.forEach((job: any, index: number) => {
			expect(job).toMatchObject(STATUS.data.print_jobs[index]);
			expect(Object.keys(job)).toEqual(expect.arrayContaining(['impediments_to_printing', 'configuration_changes_required', 'blocked_reason', 'reference']));
		});
		const jobs = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(ACTIVE.cluster_id), splitInto: 'printJobs' });
		expect(jobs.map((job) => [job.name, job.blocked_reason])).toEqual([
			['gearbox housing', null],
			['spare clip', null],
			[
				'two-colour badge',
				'needs Ultimaker Tough PLA Black in extruder 1; Generic PLA is loaded — needs an AA 0.4 print core in extruder 2; a BB 0.4 is installed — needs Generic PLA in extruder 2; Ultimaker PVA Natural is loaded',
			],
			['full-bed tray', 'does not fit in the build volume'],
		]);
		expect(jobs.every((job) => job.cluster_id === ACTIVE.cluster_id && job.generated_time === STATUS.data.generated_time)).toBe(true);
		const printers = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(ACTIVE.cluster_id), splitInto: 'printers' });
		expect(printers).toEqual(STATUS.data.printers.map((printer: any) => ({ ...printer, cluster_id: ACTIVE.cluster_id, generated_time: STATUS.data.generated_time })));
	});

	it('Find printer: queued jobs pre-assigned by uuid count for their printer; a disabled, empty printer says both', async () => {
		const [result] = await run({ resource: 'print', operation: 'findPrinter', source: 'requirements', machine: 'Ultimaker S5', materials: GUID.genericPla, printCores: 'AA 0.4' }, [{ json: {} }]);
		expect(result.chosen).toEqual({
			cluster_id: ACTIVE.cluster_id,
			// No friendly_name in Ultimaker's cluster objects: the host name labels the cluster.
			cluster_name: ACTIVE.host_name,
			printer_uuid: '7b2e91c4-3f6a-4d08-a5c1-9e04d7f2b368',
			printer_name: 'Bay 1 S5',
			machine_variant: 'Ultimaker S5',
			status: 'idle',
			queue_length: 3,
			seconds_until_free: 2460 + 1980 + 30240,
			score: expect.any(Number),
		});
		expect(result.rejected.map((printer: any) => [printer.printer_name, printer.status, printer.reasons])).toEqual([
			['Bay 2 S5', 'printing', ['loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PLA']],
			['Bay 3 S5', 'disabled', ['disabled', 'has no material loaded in extruder 1, the job needs Generic PLA']],
		]);
		expect(seen).toEqual(['GET /connect/v1/clusters', `GET /connect/v1/clusters/${encodeURIComponent(ACTIVE.cluster_id)}/status`]);
	});

	it('Send print: the recorded answer passed through, with cluster_id and status_explanation', async () => {
		const [sent] = await run({ resource: 'print', operation: 'send', clusterId: rl(ACTIVE.cluster_id), jobId: PRINT.data.job_id });
		expect(sent).toMatchObject({ ...PRINT.data, cluster_id: ACTIVE.cluster_id, status_explanation: expect.stringContaining('queue') });
	});

	it('Upload job: the recorded registration answer without the one-time upload_url, plus reference', async () => {
		const binary = await storeBinary(Buffer.from(griffinGcode()), { fileName: 'bracket v3.gcode', mimeType: 'text/plain' });
		const [uploaded] = await run({ resource: 'job', operation: 'upload' }, [{ json: {}, binary: { data: binary } }]);
		const expected = { ...REGISTRATION.data, status: 'uploaded', status_description: 'The file is uploaded and ready to print.', reference: null };
		delete expected.upload_url;
		expect(uploaded).toEqual(expected);
	});
});
