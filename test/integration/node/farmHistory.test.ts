/**
 * Farm history and the API escape hatch against the emulator (real sockets, n8n-core's ExecuteContext): Create
 * report, Get many print jobs, Add comment / project filters, API request, Camera snapshot — and the token never
 * leaving the Base URL.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { startEmulator } from '../../../emulator';
import type { ClusterSpec } from '../../../emulator/state';
import { actionError, apiTokenCredentials, byId, runAction } from '../../helpers/actionNode';
import { binaryBytes } from '../../helpers/n8nContext';
import { GUID, griffinGcode } from '../../fixtures/toolpaths';

jest.setTimeout(60_000);

const FARM: ClusterSpec[] = [
	{ friendly_name: 'Cell A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 One', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Two', materials: ['PLA', 'PVA'] }] },
];

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'history-tests', speed: 0, farm: FARM });
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	await emu.client.reset({ seed: 'history-tests', farm: FARM });
	await emu.client.clearFaults();
	await emu.client.clearRequests();
});

const run = (parameters: INodeParameters) => runAction({ parameters, credentials: apiTokenCredentials(emu, { origin: '' }) });
const runError = (parameters: INodeParameters) => actionError({ parameters, credentials: apiTokenCredentials(emu, { origin: '' }) });

/** Prints one job on each cluster and lets `seconds` of virtual time pass (the job takes 600 s). */
async function printOnEach(seconds: number): Promise<Record<string, string>> {
	const clusters = await emu.client.clustersByName();
	const gcode = griffinGcode({ printTime: '600', extruders: [{ guid: GUID.genericPla }] });
	const jobId = await emu.client.uploadJob('[ref=SO-7] bracket.gcode', gcode);
	for (const cluster of Object.values(clusters)) await emu.client.sendPrint(cluster.cluster_id, jobId);
	await emu.client.advanceClock(seconds);
	return Object.fromEntries(Object.entries(clusters).map(([name, cluster]) => [name, cluster.cluster_id]));
}

const REPORT = { resource: 'report', operation: 'create', timeoutSeconds: 20 };

describe('Create report', () => {
	// The emulator's clock runs ahead of real time here (advanceClock), so the prints' content is checked with a date range below.
	it('all clusters, last 7 days: the CSV as binary "report", fetched without the token', async () => {
		const ids = await printOnEach(3600);
		const [item] = await run(REPORT);
		expect(item!.json).toMatchObject({ status: 'success', report_type: 'print_jobs', report_id: expect.any(String) });
		expect((item!.json.cluster_ids as string[]).sort()).toEqual(Object.values(ids).sort());
		expect(new Date(String(item!.json.end_date)).getTime() - new Date(String(item!.json.start_date)).getTime()).toBe(7 * 86_400_000);
		expect(item!.binary?.report).toMatchObject({ mimeType: 'text/csv' });
		const csv = (await binaryBytes(item!.binary!.report!)).toString('utf8');
		expect(csv).toMatch(/^Prints\r\nprinter_model,printer_name,printer_uuid,job_uuid,job_name/);
		expect(csv).toContain('Material consumption');
		// The file is on storage's origin: asked for without the Authorization header.
		const downloads = (await emu.client.requests({ server: 'storage' })).filter((request) => request.path.startsWith('/history/'));
		expect(downloads).toHaveLength(1);
		expect(downloads[0]!.headers.authorization).toBeUndefined();
	});

	it('built from the prints the printers ran: one item per CSV row with its table; selected clusters only; a date range', async () => {
		const ids = await printOnEach(3600);
		const items = await run({
			...REPORT,
			clusterScope: 'selected',
			clusterIds: [ids['Cell A']],
			period: 'range',
			startDate: new Date(Date.now() - 86_400_000).toISOString(),
			endDate: new Date(Date.now() + 86_400_000).toISOString(),
			outputRows: true,
		});
		const prints = items.filter((item) => item.json.report_table === 'Prints');
		expect(prints).toHaveLength(1);
		expect(prints[0]!.json).toMatchObject({ printer_name: 'S5 One', 'Extruder 1 material': 'Generic PLA', 'Extruder 1 material_used_g': '7.95' });
		expect(items.find((item) => item.json.report_table === 'Material consumption')?.json).toMatchObject({ material: 'Generic PLA', prints: '1' });
		expect(items.every((item) => item.binary === undefined)).toBe(true);
	});

	it('a report on the Base URL is fetched with the credential', async () => {
		await printOnEach(3600);
		await emu.client.setHistoryBehaviour({ reportDownloadOn: 'api' });
		const [item] = await run(REPORT);
		expect(String(item!.json.download_url)).toContain(emu.url);
		expect((await binaryBytes(item!.binary!.report!)).toString('utf8')).toContain('Prints');
	});

	it('failed and unknown reports are errors naming the report id; no wait returns the id at once', async () => {
		await emu.client.setHistoryBehaviour({ reportOutcome: 'failed' });
		const failed = await runError(REPORT);
		expect(failed.message).toMatch(/^Digital Factory could not make report report-\S+ \(status "failed"\)/);
		await emu.client.setHistoryBehaviour({ reportOutcome: 'unknown' });
		expect((await runError(REPORT)).message).toMatch(/status "unknown"/);
		const [queued] = await run({ ...REPORT, waitForReport: false });
		expect(queued!.json).toMatchObject({ report_id: expect.stringMatching(/^report-/), status: 'pending', download_url: null });
	});

	it('a report never ready: the timeout names the report id, and a later run fetches it by that id', async () => {
		await emu.client.setHistoryBehaviour({ reportOutcome: 'never' });
		const error = await runError({ ...REPORT, timeoutSeconds: 3 });
		const id = /Report (report-\S+) was not ready within 3 seconds/.exec(error.message)?.[1];
		expect(id).toBeDefined();
		expect(error.description).toContain(`Report ID = ${id}`);
		const [later] = await run({ ...REPORT, waitForReport: false, options: { reportId: id } });
		expect(later!.json).toMatchObject({ report_id: id, status: 'processing' });
	});

	it('bad input is refused before any request', async () => {
		expect((await runError({ ...REPORT, period: 'range', startDate: '2026-11-02', endDate: '2026-11-01' })).message).toMatch(/not after/);
		expect((await runError({ ...REPORT, clusterScope: 'selected', clusterIds: [] })).message).toMatch(/No cluster selected/);
		expect(await emu.client.requests({ server: 'api', path: '/report/v1/reports' })).toEqual([]);
	});
});

describe('Get many print jobs', () => {
	it('in progress by default, with reference and blocked_reason; history on request; limit and pages', async () => {
		await printOnEach(120);
		const running = await run({ resource: 'print', operation: 'getMany' });
		expect(running).toHaveLength(2);
		expect(running[0]!.json).toMatchObject({ state: 'in_progress', reference: 'SO-7', blocked_reason: null, configuration_changes_required: [] });
		expect(await run({ resource: 'print', operation: 'getMany', status: 'history' })).toHaveLength(0);
		const one = await run({ resource: 'print', operation: 'getMany', limit: 1 });
		expect(one).toHaveLength(1);
		await emu.client.advanceClock(3600);
		const history = await run({ resource: 'print', operation: 'getMany', status: 'history', returnAll: true });
		expect(history.map((item) => item.json.status)).toEqual(['finished', 'finished']);
		const requests = await emu.client.requests({ server: 'api', path: '/connect/v1/print_jobs' });
		expect(requests.every((request) => request.query.status !== undefined)).toBe(true);
	});

	it('lists history beyond the 10 recent jobs /status shows; the report has them too', async () => {
		const clusterId = (await emu.client.clustersByName())['Cell A']!.cluster_id;
		const jobId = await emu.client.uploadJob('short.gcode', griffinGcode({ printTime: '60', extruders: [{ guid: GUID.genericPla }] }));
		for (let i = 0; i < 12; i++) await emu.client.sendPrint(clusterId, jobId);
		await emu.client.advanceClock(12 * 600);
		const status = await emu.client.clusterStatus(clusterId);
		expect((status.print_jobs as Array<{ status: string }>).filter((job) => job.status === 'finished')).toHaveLength(10);
		const history = await run({ resource: 'print', operation: 'getMany', status: 'history', returnAll: true });
		expect(history).toHaveLength(12);
		const rows = await run({ ...REPORT, period: 'range', startDate: new Date(Date.now() - 86_400_000).toISOString(), endDate: new Date(Date.now() + 86_400_000).toISOString(), outputRows: true });
		expect(rows.filter((item) => item.json.report_table === 'Prints').map((item) => item.json.job_uuid).sort()).toEqual(history.map((item) => item.json.uuid).sort());
	});

	it('follows links.next across pages', async () => {
		await printOnEach(120);
		const before = (await emu.client.requests({ server: 'api', path: '/connect/v1/print_jobs' })).length;
		await emu.client.addFault({ path: '/connect/v1/print_jobs', kind: 'duplicateRows', count: 0 } as never).catch(() => undefined);
		await emu.client.clearFaults();
		const all = await run({ resource: 'print', operation: 'getMany', returnAll: true });
		expect(all).toHaveLength(2);
		expect((await emu.client.requests({ server: 'api', path: '/connect/v1/print_jobs' })).length).toBeGreaterThan(before);
	});

	it('a status that is not a word is refused', async () => {
		expect((await runError({ resource: 'print', operation: 'getMany', status: 'in progress&x=1' })).message).toMatch(/is not a print job status/);
	});
});

describe('Projects: add comment, search and shared filters', () => {
	it('adds a comment and returns it; filters by search and shared', async () => {
		const [project] = await run({ resource: 'project', operation: 'create', projectName: 'Demo project' });
		const id = String(project!.json.library_project_id);
		const [comment] = await run({ resource: 'project', operation: 'addComment', projectId: id, comment: 'Demo comment' });
		expect(comment!.json).toMatchObject({ library_project_id: id, body: 'Demo comment', username: 'emulator-user' });
		expect((await emu.client.setHistoryBehaviour({})).comments[id]).toHaveLength(1);
		const found = await run({ resource: 'project', operation: 'getMany', search: 'demo', shared: 'false' });
		expect(found.map((item) => item.json.library_project_id)).toEqual([id]);
		expect(await run({ resource: 'project', operation: 'getMany', search: 'demo', shared: 'true' })).toEqual([]);
		const sent = await emu.client.requests({ server: 'api', path: '/cura/v1/projects' });
		expect(sent.at(-1)!.query).toMatchObject({ search: 'demo', shared: 'true' });
	});

	it('an unknown project is a 404 error; an empty comment is refused before any request', async () => {
		expect((await runError({ resource: 'project', operation: 'addComment', projectId: 'nope', comment: 'x' })).httpCode).toBe('404');
		expect((await runError({ resource: 'project', operation: 'addComment', projectId: 'p', comment: '  ' })).message).toBe('Comment is empty');
	});
});

describe('API request', () => {
	it('GET any path under a service: the whole answer (data, meta, links)', async () => {
		await printOnEach(120);
		const [page] = await run({ resource: 'api', operation: 'request', method: 'GET', service: 'connect', path: 'print_jobs', query: { parameter: [{ name: 'status', value: 'in_progress' }, { name: 'limit', value: '1' }] } });
		expect(page!.json).toMatchObject({ data: [expect.objectContaining({ state: 'in_progress' })], meta: { page: { total_count: 2, total_pages: 2 } } });
		expect((page!.json.links as { next: string }).next).toContain('page=2');
		const ids = await emu.client.clustersByName();
		const [maintenance] = await run({ resource: 'api', operation: 'request', service: 'connect', path: `/clusters/${ids['Cell A']!.cluster_id}/maintenance/pending` });
		expect(maintenance!.json).toEqual({ data: [] });
		const [root] = await run({ resource: 'api', operation: 'request', service: 'cura', path: '' });
		expect(root!.json).toMatchObject({ version: '1.0.0' });
	});

	it('PUT with a JSON body; a 204 answer is an empty object; a POST is never repeated after a 5xx', async () => {
		const [created] = await run({ resource: 'api', operation: 'request', method: 'PUT', service: 'cura', path: 'projects', body: '{"data": {"display_name": "Via API"}}' });
		expect(created!.json).toMatchObject({ data: { display_name: 'Via API' } });
		await printOnEach(120);
		const [job] = (await run({ resource: 'print', operation: 'getMany' })).map((item) => item.json);
		const action = `clusters/${job!.cluster_id}/print_jobs/${job!.uuid}/action/pause`;
		expect(await run({ resource: 'api', operation: 'request', method: 'POST', service: 'connect', path: action })).toEqual([expect.objectContaining({ json: {} })]);
		await emu.client.addFault({ method: 'POST', path: '/connect/v1/clusters/*/action/resume', kind: 'status', status: 503, count: 5 });
		const error = await runError({ resource: 'api', operation: 'request', method: 'POST', service: 'connect', path: action.replace('pause', 'resume') });
		expect(error.httpCode).toBe('503');
		const posts = (await emu.client.requests({ server: 'api' })).filter((request) => request.method === 'POST' && request.path.endsWith('/action/resume'));
		expect(posts).toHaveLength(1);
	});

	it.each([['../../_emulator/state'], ['//evil.example/x'], ['https://evil.example/connect/v1/clusters'], ['clusters%2F..%2F..'], ['clusters\\x'], ['a\u0007b']])(
		'refuses the path %j before any request',
		async (path) => {
			const error = await runError({ resource: 'api', operation: 'request', path });
			expect(error.constructor.name).toBe('NodeOperationError');
			expect(error.message).toMatch(/^Path: /);
			expect(await emu.client.requests({ server: 'api' })).toEqual([]);
		},
	);

	it('a body that is not a JSON object is refused', async () => {
		expect((await runError({ resource: 'api', operation: 'request', method: 'POST', path: 'x', body: '[1]' })).message).toBe('Body must be a JSON object');
		expect((await runError({ resource: 'api', operation: 'request', method: 'POST', path: 'x', body: '{' })).message).toBe('Body is not valid JSON');
	});
});

describe('Camera snapshot', () => {
	it("the host printer's picture as binary snapshot (PNG), fetched without the token", async () => {
		const ids = await emu.client.clustersByName();
		const clusterId = ids['Cell A']!.cluster_id;
		const [item] = await run({ resource: 'printer', operation: 'cameraSnapshot', clusterId: byId(clusterId) });
		const status = await emu.client.clusterStatus(clusterId);
		expect(item!.json).toMatchObject({ cluster_id: clusterId, printer_uuid: (status.printers as Array<{ uuid: string }>)[0]!.uuid, image_url: expect.stringContaining(emu.storageUrl) });
		expect(new Date(String(item!.json.taken_at)).getTime()).toBeGreaterThan(0);
		expect(item!.binary?.snapshot).toMatchObject({ mimeType: 'image/png', fileName: 'snapshot.png' });
		expect((await binaryBytes(item!.binary!.snapshot!)).subarray(1, 4).toString('latin1')).toBe('PNG');
		const image = await emu.client.requests({ server: 'storage' });
		expect(image).toHaveLength(1);
		expect(image[0]!.headers.authorization).toBeUndefined();
	});

	it('a failed action, an action never done (timeout) and an unknown printer are errors in words', async () => {
		const clusterId = (await emu.client.clustersByName())['Cell A']!.cluster_id;
		const params = { resource: 'printer', operation: 'cameraSnapshot', clusterId: byId(clusterId), timeoutSeconds: 3 };
		await emu.client.setHistoryBehaviour({ snapshotOutcome: 'failed' });
		expect((await runError(params)).message).toMatch(/took no snapshot \(action action-\S+, status "failed"\)/);
		await emu.client.setHistoryBehaviour({ snapshotOutcome: 'never' });
		expect((await runError(params)).message).toMatch(/took no snapshot within 3 seconds/);
		expect((await runError({ ...params, printerUuid: '00000000-0000-4000-8000-000000000001' })).httpCode).toBe('404');
		expect((await runError({ ...params, printerUuid: '..' })).message).toMatch(/not a valid printer UUID/);
	});
});
