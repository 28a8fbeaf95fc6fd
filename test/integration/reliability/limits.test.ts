/**
 * Limits, through the real node code paths (n8n-core's ExecuteContext and PollContext): a hostile server on
 * loopback that never stops sending next-page links, a status of 130,000 print jobs, a total deadline on every
 * API call (a dripping answer, the trigger's poll), and the execution's own cancel signal still honoured beside
 * the deadline.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeApiError } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { UltimakerDigitalFactory } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import { MAX_PAGES } from '../../../nodes/UltimakerDigitalFactory/connections/cloud/transport/pagination';
import { createExecuteContext, prepareBinaryData } from '../../helpers/n8nContext';
import { triggerPoller } from '../../helpers/triggerPoll';
import { clusterIds, start } from './harness';
import { byId, tryAction as run } from '../../helpers/actionNode';

jest.setTimeout(120_000);

/** A server that answers every job-list page with one row and a link to the next page, forever. */
async function endlessPages(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
	let count = 0;
	let base = '';
	const server: Server = createServer((req, res) => {
		count++;
		const page = Number(new URL(req.url ?? '/', base).searchParams.get('page') ?? '1');
		res.setHeader('Content-Type', 'application/json');
		res.end(JSON.stringify({ data: [{ job_id: `job-${page}`, status: 'uploaded' }], links: { next: `${base}/cura/v1/jobs?page=${page + 1}` } }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url: base, requests: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const tokenFor = (url: string) => ({ ultimakerDigitalFactoryApi: { apiToken: 'umapi-limits-test-token-0001|main', baseUrl: url } });

describe('Return All past the page cap', () => {
	let hostile: Awaited<ReturnType<typeof endlessPages>>;
	beforeEach(async () => {
		hostile = await endlessPages();
	});
	afterEach(async () => {
		await hostile.close();
	});

	test(`a list that never ends → an error after ${MAX_PAGES} pages, never a silently cut list`, async () => {
		const result = await run({ parameters: { resource: 'job', operation: 'getMany', returnAll: true }, credentials: tokenFor(hostile.url) });
		expect(result.items).toBeUndefined();
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error.message).toBe(`The job list has more than ${MAX_PAGES} pages; the node stopped after ${MAX_PAGES} rows`);
		expect(result.error.description).toMatch(/Rather than return a silently cut list/);
		expect(hostile.requests()).toBe(MAX_PAGES);
	});

	test('with a Limit the same list stops at the limit, without an error', async () => {
		const result = await run({ parameters: { resource: 'job', operation: 'getMany', returnAll: false, limit: 30 }, credentials: tokenFor(hostile.url) });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(30);
		expect(hostile.requests()).toBe(30);
	});
});

describe('a status of 130,000 print jobs', () => {
	let emu: Emulator;
	afterEach(async () => {
		await emu?.close();
	});

	test('Get cluster status split per print job, and two trigger polls: no crash, every row', async () => {
		emu = await start({ farm: [{ friendly_name: 'Huge', printers: [{ type: 'ultimaker_s5' }] }] });
		const [clusterId] = await clusterIds(emu);
		const jobs = Array.from({ length: 130_000 }, (_, index) => ({ uuid: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, cloud_job_id: `job-${index}`, name: `part-${index}`, status: 'queued' }));
		const body = JSON.stringify({ data: { generated_time: '2026-12-01T10:00:00.000Z', printers: [], print_jobs: jobs } });
		await emu.client.addFault({ path: '/connect/v1/clusters/*/status', kind: 'raw', status: 200, contentType: 'application/json', body, count: 3 });

		const split = await run({ parameters: { resource: 'cluster', operation: 'getStatus', clusterId: byId(clusterId), splitInto: 'printJobs' }, credentials: { ultimakerDigitalFactoryApi: { apiToken: emu.apiToken, baseUrl: emu.url } } });
		if (split.error) throw split.error;
		expect(split.items).toHaveLength(130_000);

		const { poll, staticData } = triggerPoller(new UltimakerDigitalFactoryTrigger(), emu);
		expect(await poll()).toBeNull();
		expect(await poll()).toBeNull();
		expect(JSON.stringify(staticData).length).toBeGreaterThan(130_000);
	});
});

describe('every API call has a total deadline; the execution can still be stopped', () => {
	let emu: Emulator;
	afterEach(async () => {
		await emu?.close();
	});

	test("the trigger's poll against a status dripping a byte every 5 s ends within the deadline (a missed poll, not a hung one)", async () => {
		emu = await start({ farm: [{ friendly_name: 'Drip', printers: [{ type: 'ultimaker_s5' }] }] });
		await emu.client.addFault({ path: '/connect/v1/clusters/*/status', kind: 'drip', delayMs: 5000, count: 5 });
		const { poll } = triggerPoller(new UltimakerDigitalFactoryTrigger(), emu);
		const started = Date.now();
		expect(await poll()).toBeNull();
		const ms = Date.now() - started;
		expect(ms).toBeGreaterThanOrEqual(29_000);
		expect(ms).toBeLessThan(40_000);
	});

	test('stopping the workflow cuts a slow request at once (n8n\'s cancel signal is kept beside the deadline)', async () => {
		emu = await start();
		const [clusterId] = await clusterIds(emu);
		await emu.client.addFault({ method: 'GET', path: '/connect/v1/clusters/*', kind: 'slow', delayMs: 10_000 });
		await prepareBinaryData();
		const controller = new AbortController();
		const nodeType = new UltimakerDigitalFactory();
		const { context } = createExecuteContext({
			nodeType,
			parameters: { authentication: 'apiToken', resource: 'cluster', operation: 'get', clusterId: byId(clusterId) },
			credentials: { ultimakerDigitalFactoryApi: { apiToken: emu.apiToken, baseUrl: emu.url } },
			abortSignal: controller.signal,
		});
		const started = Date.now();
		const running = nodeType.execute.call(context).then(
			() => undefined,
			(error: Error) => error,
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		controller.abort();
		const error = await running;
		expect(error?.message).toMatch(/^The workflow was stopped while requesting cluster /);
		expect(Date.now() - started).toBeLessThan(3000);
	});
});
