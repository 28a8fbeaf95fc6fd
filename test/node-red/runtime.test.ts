/**
 * End to end in a real Node-RED: `npm pack` of node-red/ installed into a clean user directory (npm install, as the
 * palette manager does), Node-RED 5 started on it (Node 24), the admin API's /nodes lists the package's nodes, the
 * example flow "Upload, print, read the status" is deployed against the emulator (inject → read file → upload and
 * print → status → debug) and triggered, and the emulator's request log shows what Node-RED sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Emulator } from '../../emulator';
import { DEFAULT_API_TOKEN, startEmulator } from '../../emulator';
import { freePort } from '../../scripts/lib/n8n';
import type { NodeRedRuntime } from '../../scripts/lib/nodeRed';
import { deployFlows, exampleFlow, installNodeRed, listedTypes, packNodeRedPackage, prepareUserDir, ROOT, startNodeRed } from '../../scripts/lib/nodeRed';

// First run: npm install of the tarball's dependency (n8n-workflow) into the user directory; later runs use npm's cache.
jest.setTimeout(10 * 60_000);

const TOOLPATH = join(ROOT, 'test', 'e2e', 'fixtures', 'calibration-cube.gcode');
const work = join(ROOT, '.e2e', 'node-red');
let emu: Emulator;
let red: NodeRedRuntime | undefined;

beforeAll(async () => {
	const dir = installNodeRed();
	const tarball = packNodeRedPackage(join(work, 'pack'), false);
	const port = await freePort();
	prepareUserDir(dir, join(work, 'user'), tarball, port);
	// The clock runs (as in the node suite): an upload becomes `uploaded` and the print can follow.
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'node-red-e2e' });
	red = await startNodeRed(dir, join(work, 'user'), port);
});
afterAll(async () => {
	await red?.stop();
	await emu?.close();
});

it('the admin API lists the package\'s nodes', async () => {
	expect((await listedTypes(red!.url)).sort()).toEqual(
		['ultimaker-connection', 'ultimaker-events', 'ultimaker-find-printer', 'ultimaker-inspect', 'ultimaker-job-action', 'ultimaker-print', 'ultimaker-status'].sort(),
	);
});

it('the example flow uploads and prints the toolpath and reads the cluster status from the emulator', async () => {
	const [cluster] = await emu.client.clusters();
	const flow = exampleFlow('upload-print-status.json', emu.url, DEFAULT_API_TOKEN);
	for (const node of flow) {
		if (node.id === 'st-inject') node.props = [{ p: 'filename', v: TOOLPATH, vt: 'str' }, { p: 'reference', v: 'E2E-1', vt: 'str' }];
		if (node.id === 'st-print') node.clusterId = cluster!.cluster_id;
		if (node.id === 'st-debug') node.console = true;
	}
	await deployFlows(red!.url, flow);
	await emu.client.clearRequests();
	// POST /flows can answer before the new flow's nodes are started: the inject endpoint is 404 until then.
	let injected = await fetch(`${red!.url}/inject/st-inject`, { method: 'POST' });
	for (let tries = 0; injected.status === 404 && tries < 40; tries++) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		injected = await fetch(`${red!.url}/inject/st-inject`, { method: 'POST' });
	}
	expect(injected.status).toBe(200);

	// The print node reads the queue before and after its one POST; the status node's read comes after the print.
	const statusPath = `/connect/v1/clusters/${cluster!.cluster_id}/status`;
	// The log keeps paths as sent: the cluster id is percent-encoded there.
	const printPrefix = `/connect/v1/clusters/${encodeURIComponent(cluster!.cluster_id)}/print/`;
	const statusAfterPrint = (log: Awaited<ReturnType<typeof emu.client.requests>>) => {
		const printed = log.findIndex((entry) => entry.method === 'POST' && entry.path.startsWith(printPrefix));
		return printed >= 0 && log.slice(printed + 1).some((entry) => entry.method === 'GET' && decodeURIComponent(entry.path) === statusPath);
	};
	const deadline = Date.now() + 60_000;
	let requests = await emu.client.requests();
	while (!statusAfterPrint(requests) && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		requests = await emu.client.requests();
	}
	const registrations = requests.filter((entry) => entry.method === 'PUT' && entry.path === '/cura/v1/jobs/upload');
	const storage = requests.filter((entry) => entry.server === 'storage' && entry.method === 'PUT');
	const prints = requests.filter((entry) => entry.method === 'POST' && entry.path.startsWith(printPrefix));
	if (prints.length !== 1) throw new Error(`expected one print, got ${prints.length}; Node-RED's log:\n${red!.log().slice(-3000)}`);
	expect({ registrations: registrations.length, storage: storage.length, prints: prints.length }).toEqual({ registrations: 1, storage: 1, prints: 1 });
	expect(storage[0]!.headers.authorization).toBeUndefined();
	expect(statusAfterPrint(requests)).toBe(true);
	const jobs = (await emu.client.clusterStatus(cluster!.cluster_id)).print_jobs as Array<{ name: string }>;
	expect(jobs.map((job) => job.name)).toContain('[ref=E2E-1] calibration-cube.gcode');
	// The debug node (console: true) printed the status Node-RED received.
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(red!.log()).toMatch(/generated_time/);
});

it('example "print failed → message": the events node\'s state survives a restart of Node-RED (persistent context), so a print that failed meanwhile is reported once', async () => {
	const [cluster] = await emu.client.clusters();
	const flow = exampleFlow('print-failed-message.json', emu.url, DEFAULT_API_TOKEN);
	const recorder = `${emu.url}/_emulator/recorder/node-red-alerts`;
	for (const node of flow) {
		// The example's debug node ("notify (replace me)") becomes an HTTP POST to the emulator's recorder.
		if (node.id === 'alert-out') Object.assign(node, { type: 'http request', method: 'POST', ret: 'txt', url: recorder, headers: [], wires: [] });
		if (node.id === 'alert-text') Object.assign(node, { field: 'payload.text' });
	}
	await emu.client.clearRequests();
	await deployFlows(red!.url, flow);
	// The first poll (100 ms after deploy) reads the farm and records it in the node's context.
	const statusPath = `/connect/v1/clusters/${cluster!.cluster_id}/status`;
	const polled = async () => (await emu.client.requests()).some((entry) => entry.method === 'GET' && decodeURIComponent(entry.path) === statusPath);
	for (const until = Date.now() + 30_000; !(await polled()) && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 250));
	expect(await polled()).toBe(true);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	// The localfilesystem store writes its cache to the user directory on close (else every 30 s).
	await red!.stop();
	expect(readFileSync(join(work, 'user', 'context', 'alert-tab', 'alert-events.json'), 'utf8')).toContain('ultimakerEvents');

	// While Node-RED is down: a print is queued and fails.
	const jobId = await emu.client.uploadJob('[ref=SO-7] bracket.gcode', readFileSync(TOOLPATH));
	const printed = await emu.client.sendPrint(cluster!.cluster_id, jobId);
	const uuid = String((printed as { cluster_job_id?: string }).cluster_job_id);
	await emu.client.setPrintJobStatus(uuid, 'failed');

	red = await startNodeRed(installNodeRed(), join(work, 'user'), Number(new URL(red!.url).port));
	let alerts: Array<{ text: string }> = [];
	for (const until = Date.now() + 30_000; alerts.length === 0 && Date.now() < until; ) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		alerts = await emu.client.recorded<{ text: string }>('node-red-alerts');
	}
	// Give a repeated event (a lost state would have made none at all: the first poll only records) time to arrive.
	await new Promise((resolve) => setTimeout(resolve, 1000));
	alerts = await emu.client.recorded<{ text: string }>('node-red-alerts');
	expect(alerts.map((alert) => alert.text)).toEqual([
		expect.stringMatching(/^Print \[ref=SO-7\] bracket\.gcode \(order SO-7\) ended as job\.failed on \S.* in \S.* at \d{4}-\d\d-\d\dT/),
	]);
});
