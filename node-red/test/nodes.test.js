// Node tests of the Node-RED package with node-red-node-test-helper, against the Digital Factory emulator.
// Run by test/node-red/nodes.test.ts (jest) under the Node that Node-RED 5 needs, with:
//   NODE_RED_DIR   the folder scripts/install-node-red.sh made (node_modules/node-red, node-red-node-test-helper)
//   EMULATOR_URL   the emulator's API URL; EMULATOR_TOKEN its API token
//   EMULATOR_LAN_URL  the emulator's local-network listener (the printers' own API for the farm's first cluster)
// `node --test node-red/test/nodes.test.js` after `npm run build && node node-red/build.js`.
'use strict';
const { describe, it, before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.NODE_RED_DIR;
const url = process.env.EMULATOR_URL;
const token = process.env.EMULATOR_TOKEN;
const lanUrl = process.env.EMULATOR_LAN_URL;
const helper = require(path.join(dir, 'node_modules', 'node-red-node-test-helper'));
helper.init(path.join(dir, 'node_modules', 'node-red'));
const ultimaker = require('../nodes/ultimaker.js');

const fixtures = path.join(__dirname, '..', '..', 'test', 'e2e', 'fixtures');
const cube = fs.readFileSync(path.join(fixtures, 'calibration-cube.gcode'));

const FARM = [
	{ friendly_name: 'Cell A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Tough', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] }] },
	{ friendly_name: 'Cell B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 PLA 1', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell G', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 PLA 2', materials: ['PLA', 'PVA'] }] },
];

async function control(method, route, body) {
	const response = await fetch(`${url}/_emulator${route}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	assert.ok(response.ok, `control ${method} ${route}: ${response.status}`);
	return (await response.json()).data;
}

async function clusters() {
	const response = await fetch(`${url}/connect/v1/clusters`, { headers: { Authorization: `Bearer ${token}` } });
	const byName = {};
	for (const cluster of (await response.json()).data) byName[cluster.friendly_name] = cluster;
	return byName;
}

const connection = { id: 'conn', type: 'ultimaker-connection', name: 'emulator', connection: 'cloud', baseUrl: url };
const credentials = { conn: { apiToken: token } };

/** Loads the flow `[connection, node under test → out]`; resolves with the node and the output helper. */
async function load(node, wires = true) {
	const flow = [connection, { ...node, id: 'n1', connection: 'conn', wires: wires ? [['out']] : [[]] }, { id: 'out', type: 'helper' }];
	await helper.load(ultimaker, flow, credentials);
	return { n1: helper.getNode('n1'), out: helper.getNode('out') };
}

/** The next `count` messages on the output helper (rejected if `node` reports an error first). */
function received(out, count = 1, node = helper.getNode('n1')) {
	return new Promise((resolve, reject) => {
		node?.on('call:error', (call) => reject(new Error(`node.error: ${call.args[0]}`)));
		const messages = [];
		out.on('input', (msg) => {
			messages.push(msg);
			if (messages.length === count) resolve(messages);
		});
	});
}

/** The next node.error call: its message and msg. */
function failed(node) {
	return new Promise((resolve) => node.on('call:error', (call) => resolve({ message: call.args[0], msg: call.args[1] })));
}

async function traffic() {
	const all = await control('GET', '/requests');
	return {
		registrations: all.filter((entry) => entry.method === 'PUT' && entry.path === '/cura/v1/jobs/upload'),
		storage: all.filter((entry) => entry.server === 'storage' && entry.method === 'PUT'),
		prints: all.filter((entry) => entry.method === 'POST' && /^\/connect\/v1\/clusters\/[^/]+\/print\//.test(entry.path)),
		actions: all.filter((entry) => entry.method === 'POST' && /\/action\//.test(entry.path)),
	};
}

before(async () => {
	await new Promise((resolve) => helper.startServer(resolve));
});
after(async () => {
	await new Promise((resolve) => helper.stopServer(resolve));
});
beforeEach(async () => {
	await control('POST', '/reset', { seed: 'node-red-tests', farm: FARM });
	await control('DELETE', '/requests');
});
afterEach(async () => {
	await helper.unload();
});

describe('ultimaker-connection and node registration', () => {
	it('registers the config node and the six nodes', async () => {
		await load({ type: 'ultimaker-status' });
		for (const type of ['ultimaker-connection', 'ultimaker-status', 'ultimaker-print', 'ultimaker-job-action', 'ultimaker-find-printer', 'ultimaker-inspect', 'ultimaker-events']) {
			assert.ok(helper._RED.nodes.getType(type), `${type} is registered`);
		}
		assert.equal(helper.getNode('conn').credentials.apiToken, token);
	});
});

describe('ultimaker-status', () => {
	it('msg.clusterId → msg.payload { printers, print_jobs, generated_time }', async () => {
		const { 'Cell B': cell } = await clusters();
		const { n1, out } = await load({ type: 'ultimaker-status' });
		const next = received(out);
		n1.receive({ clusterId: cell.cluster_id });
		const [msg] = await next;
		assert.deepEqual(Object.keys(msg.payload).sort(), ['generated_time', 'print_jobs', 'printers']);
		assert.equal(msg.payload.printers[0].friendly_name, 'S5 PLA 1');
	});

	it('an unknown cluster → node.error with the n8n node\'s words, msg.ultimakerError, a red status', async () => {
		const { n1 } = await load({ type: 'ultimaker-status', clusterId: 'no-such-cluster' });
		const statuses = [];
		n1.on('call:status', (call) => statuses.push(call.args[0]));
		const error = failed(n1);
		n1.receive({ payload: 'go' });
		const { message, msg } = await error;
		assert.match(message, /cluster/i);
		assert.equal(msg.ultimakerError.message, message);
		assert.equal(msg.ultimakerError.httpCode, '404');
		assert.equal(statuses.at(-1).fill, 'red');
	});

	it('a wrong token: the message names the credential, the token never appears', async () => {
		const flow = [connection, { id: 'n1', type: 'ultimaker-status', connection: 'conn', clusterId: 'x', wires: [[]] }];
		await helper.load(ultimaker, flow, { conn: { apiToken: 'umapi-wrong-token|main' } });
		const n1 = helper.getNode('n1');
		const error = failed(n1);
		n1.receive({});
		const { message, msg } = await error;
		assert.match(message, /401|token|credential/i);
		assert.ok(!JSON.stringify(msg.ultimakerError).includes('umapi-wrong-token'));
	});
});

describe('ultimaker-print', () => {
	it('Buffer + filename + msg.reference → one upload (no token to storage), one print, the n8n item as payload', async () => {
		const { 'Cell B': cell } = await clusters();
		const { n1, out } = await load({ type: 'ultimaker-print', target: 'cluster', clusterId: cell.cluster_id });
		const next = received(out);
		n1.receive({ payload: cube, filename: 'calibration-cube.gcode', reference: 'SO-1001' });
		const [msg] = await next;
		assert.equal(msg.payload.cluster_id, cell.cluster_id);
		assert.equal(msg.payload.reference, 'SO-1001');
		assert.ok(msg.payload.job_instance_uuid, 'the print job instance');
		assert.equal(msg.payload.upload.job_name, '[ref=SO-1001] calibration-cube.gcode');
		const sent = await traffic();
		assert.equal(sent.registrations.length, 1);
		assert.equal(sent.storage.length, 1);
		assert.equal(sent.storage[0].headers.authorization, undefined);
		assert.equal(sent.prints.length, 1);
	});

	it('target bestMatch, copies 2 → two messages, one per print, on the two printers that fit', async () => {
		const { n1, out } = await load({ type: 'ultimaker-print', target: 'bestMatch', copies: 2 });
		const next = received(out, 2);
		n1.receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const messages = await next;
		const names = messages.map((msg) => msg.payload.printer_name ?? msg.payload.chosen?.printer_name ?? msg.payload.cluster_id);
		assert.equal(new Set(names).size, 2);
		const sent = await traffic();
		assert.equal(sent.registrations.length, 1);
		assert.equal(sent.prints.length, 2);
	});

	it('nothing fits → the n8n node\'s error, nothing uploaded', async () => {
		await control('POST', '/reset', { seed: 'node-red-tests', farm: [FARM[0]] });
		const { n1 } = await load({ type: 'ultimaker-print', target: 'bestMatch' });
		const error = failed(n1);
		n1.receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const { message } = await error;
		assert.match(message, /nothing was uploaded or sent/);
		assert.equal((await traffic()).registrations.length, 0);
	});

	it('a payload that is not a Buffer → an error, no request', async () => {
		const { n1 } = await load({ type: 'ultimaker-print', clusterId: 'x' });
		const error = failed(n1);
		n1.receive({ payload: 'hello' });
		assert.match((await error).message, /msg\.payload must be a Buffer/);
		assert.equal((await control('GET', '/requests')).length, 0);
	});
});

describe('ultimaker-job-action', () => {
	it('{ printJobUuid, action } on a print → the action reaches the emulator, the payload says what was done', async () => {
		const { 'Cell B': cell } = await clusters();
		const jobId = (await (await fetch(`${url}/cura/v1/jobs/upload`, {
			method: 'PUT',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ data: { job_name: 'x.gcode', file_size: cube.length, content_type: 'text/plain' } }),
		})).json()).data;
		await fetch(jobId.upload_url, { method: 'PUT', body: cube, headers: { 'Content-Type': 'text/plain' } });
		const printed = await (await fetch(`${url}/connect/v1/clusters/${cell.cluster_id}/print/${jobId.job_id}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).json();
		const uuid = printed.data.job_instance_uuid ?? printed.data.cluster_job_id;
		// An idle printer starts it at once: abort a started print, remove a queued one.
		const status = await (await fetch(`${url}/connect/v1/clusters/${cell.cluster_id}/status`, { headers: { Authorization: `Bearer ${token}` } })).json();
		const job = status.data.print_jobs.find((entry) => entry.uuid === uuid);
		const action = job.status === 'queued' ? 'remove' : 'abort';
		const { n1, out } = await load({ type: 'ultimaker-job-action', clusterId: cell.cluster_id });
		const next = received(out);
		n1.receive({ payload: { printJobUuid: uuid, action } });
		const [msg] = await next;
		assert.deepEqual({ ...msg.payload }, { ...msg.payload, cluster_id: cell.cluster_id, print_job_uuid: uuid, action, accepted: true });
		assert.equal((await traffic()).actions.length, 1);
	});

	it('an unknown action → the n8n node\'s message', async () => {
		const { n1 } = await load({ type: 'ultimaker-job-action', clusterId: 'c1' });
		const error = failed(n1);
		n1.receive({ payload: { printJobUuid: 'abc', action: 'dance' } });
		assert.equal((await error).message, 'Unknown print job action "dance"');
	});
});

describe('ultimaker-find-printer and ultimaker-inspect', () => {
	it('a toolpath → chosen printer, candidates and why the others cannot take it', async () => {
		const { n1, out } = await load({ type: 'ultimaker-find-printer' });
		const next = received(out);
		n1.receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const [msg] = await next;
		assert.ok(['S5 PLA 1', 'S5 PLA 2'].includes(msg.payload.chosen.printer_name));
		assert.equal(msg.payload.candidates.length, 2);
		assert.equal(msg.payload.rejected.length, 1);
		assert.ok(Buffer.isBuffer(msg.toolpath));
	});

	it('typed needs in msg.payload → the same match', async () => {
		const { n1, out } = await load({ type: 'ultimaker-find-printer' });
		const next = received(out);
		n1.receive({ payload: { machine: 'Ultimaker S5', materials: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9' } });
		const [msg] = await next;
		assert.equal(msg.payload.candidates.length, 2);
	});

	it('inspect needs no connection and makes no request', async () => {
		await helper.load(ultimaker, [{ id: 'n1', type: 'ultimaker-inspect', wires: [['out']] }, { id: 'out', type: 'helper' }]);
		const next = received(helper.getNode('out'));
		helper.getNode('n1').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const [msg] = await next;
		assert.equal(msg.payload.machine, 'Ultimaker S5');
		assert.equal(msg.payload.print_time_seconds ?? msg.payload.printTimeSeconds ?? 1200, 1200);
		assert.equal((await control('GET', '/requests')).length, 0);
	});
});

describe('ultimaker-events', () => {
	it('the first poll records the state in the node context; a print queued after it → one job.queued message', async () => {
		const { 'Cell B': cell } = await clusters();
		const flow = [
			connection,
			{ id: 'ev', type: 'ultimaker-events', connection: 'conn', interval: 3600, wires: [['out']] },
			{ id: 'pr', type: 'ultimaker-print', connection: 'conn', clusterId: cell.cluster_id, wires: [['printed']] },
			{ id: 'out', type: 'helper' },
			{ id: 'printed', type: 'helper' },
		];
		await helper.load(ultimaker, flow, credentials);
		const ev = helper.getNode('ev');
		const out = helper.getNode('out');
		const events = [];
		out.on('input', (msg) => events.push(msg));
		// The start-up poll (100 ms after deploy) records the farm.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		assert.equal(events.length, 0);
		const stored = await new Promise((resolve) => ev.context().get('ultimakerEvents', (error, value) => resolve(value)));
		assert.ok(stored && stored.state, 'the diff state is in the node context');
		const printed = received(helper.getNode('printed'));
		helper.getNode('pr').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		await printed;
		const next = received(out);
		ev.receive({});
		const [msg] = await next;
		assert.equal(msg.topic, 'job.queued');
		assert.equal(msg.payload.event, 'job.queued');
		assert.equal(msg.payload.cluster.cluster_id, cell.cluster_id);
		assert.ok(msg.payload.job);
	});
});

// ---------------------------------------------------------------------------------------------------------
// The local network connection: the same nodes over the printers' own API (the emulator's LAN listener serves
// the farm's first cluster as one printer group), paired with Digest like the n8n node.

/** One group of three printers: two take PLA, one only Tough PLA (for find printer's rejections). */
const LAN_FARM = [
	{
		friendly_name: 'Office group',
		printers: [
			{ type: 'ultimaker_s5', friendly_name: 'S5 Left', materials: ['PLA', 'PVA'] },
			{ type: 'ultimaker_s5', friendly_name: 'S5 Right', materials: ['PLA', 'PVA'] },
			{ type: 'ultimaker_s5', friendly_name: 'S5 Tough', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] },
		],
	},
];
const lanHost = lanUrl.replace(/^http:\/\//, '');

async function lan(method, route, body) {
	const response = await fetch(`${lanUrl}${route}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	assert.ok(response.ok, `LAN ${method} ${route}: ${response.status}`);
	const text = await response.text();
	return text ? JSON.parse(text) : undefined;
}

/** A pairing as the printer hands it out, with Allow pressed on the (emulated) printer's screen. */
async function pairWithPrinter() {
	const pairing = await lan('POST', '/api/v1/auth/request', { application: 'node-red tests', user: 'test' });
	await lan('POST', `/_emulator/lan/pairings/${encodeURIComponent(pairing.id)}/allow`, {});
	return pairing;
}

const lanConnection = { id: 'lan', type: 'ultimaker-connection', name: 'office', connection: 'localNetwork', host: lanHost };

/**
 * Loads `nodes` (each wired to a helper `<id>-out`) on the local connection with `pairing` ({ id, key } or none),
 * and records every status, error, warning and log line and every message, to show the key is in none of them.
 */
async function loadLan(nodes, pairing) {
	const flow = [lanConnection];
	for (const node of nodes) flow.push({ connection: 'lan', ...node, wires: [[`${node.id}-out`]] }, { id: `${node.id}-out`, type: 'helper' });
	await helper.load(ultimaker, flow, { lan: { authId: pairing?.id ?? '', authKey: pairing?.key ?? '' } });
	const seen = [];
	for (const node of nodes) {
		const loaded = helper.getNode(node.id);
		for (const call of ['status', 'error', 'warn', 'log']) loaded.on(`call:${call}`, (recorded) => seen.push(recorded.args));
		helper.getNode(`${node.id}-out`).on('input', (msg) => seen.push(msg));
	}
	return { seen: () => JSON.stringify(seen) + JSON.stringify(helper.log().args) };
}

describe('the local network connection', () => {
	beforeEach(async () => {
		await control('POST', '/reset', { seed: 'node-red-lan', farm: LAN_FARM });
	});

	it('ultimaker-status without a cluster id → the group\'s { printers, print_jobs, generated_time }; reads need no pairing', async () => {
		await loadLan([{ id: 'st', type: 'ultimaker-status' }]);
		const next = received(helper.getNode('st-out'), 1, helper.getNode('st'));
		helper.getNode('st').receive({ payload: 'go' });
		const [msg] = await next;
		assert.deepEqual(Object.keys(msg.payload).sort(), ['generated_time', 'print_jobs', 'printers']);
		assert.deepEqual(msg.payload.printers.map((printer) => printer.friendly_name).sort(), ['S5 Left', 'S5 Right', 'S5 Tough']);
	});

	it('ultimaker-print (paired, to a named printer) → one multipart upload, the queued job as found in the queue; the key is in no msg, status or log', async () => {
		const pairing = await pairWithPrinter();
		const { seen } = await loadLan([{ id: 'pr', type: 'ultimaker-print', target: 'cluster', printerName: 'S5 Right' }], pairing);
		const next = received(helper.getNode('pr-out'), 1, helper.getNode('pr'));
		helper.getNode('pr').receive({ payload: cube, filename: 'calibration-cube.gcode', reference: 'SO-2001' });
		const [msg] = await next;
		assert.equal(typeof msg.payload.uuid, 'string');
		assert.equal(msg.payload.job_instance_uuid, msg.payload.uuid);
		assert.equal(msg.payload.reference, 'SO-2001');
		// The group is the cluster, by its host, as in the events' cluster.cluster_id.
		assert.equal(msg.payload.cluster_id, lanHost);
		const right = (await lan('GET', '/cluster-api/v1/printers')).find((printer) => printer.friendly_name === 'S5 Right');
		assert.equal(msg.payload.assigned_to, right.uuid);
		const uploads = await lan('GET', '/_emulator/lan/uploads');
		assert.equal(uploads.length, 1);
		assert.equal(uploads[0].bytes, cube.length);
		assert.equal(uploads[0].requirePrinterName, right.unique_name);
		assert.ok(!seen().includes(pairing.key), 'the pairing key appears in a message, status or log line');
	});

	it('ultimaker-print without a pairing → the n8n node\'s "needs a pairing" error with the way to pair, nothing uploaded', async () => {
		const { seen } = await loadLan([{ id: 'pr', type: 'ultimaker-print', target: 'cluster' }]);
		const error = failed(helper.getNode('pr'));
		helper.getNode('pr').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const { message, msg } = await error;
		assert.match(message, /needs a pairing/);
		assert.match(msg.ultimakerError.description, /Pair with Printer/);
		assert.equal((await lan('GET', '/_emulator/lan/uploads')).length, 0);
		assert.ok(!/"fill":"green"/.test(seen()));
	});

	it('a revoked pairing → "refused the pairing", the key in neither the error nor the status', async () => {
		const pairing = await pairWithPrinter();
		await lan('POST', `/_emulator/lan/pairings/${encodeURIComponent(pairing.id)}/revoke`, {});
		const { seen } = await loadLan([{ id: 'pr', type: 'ultimaker-print', target: 'cluster' }], pairing);
		const error = failed(helper.getNode('pr'));
		helper.getNode('pr').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const { message, msg } = await error;
		assert.match(message, /refused the pairing/);
		assert.match(msg.ultimakerError.description, /revoked/);
		assert.equal((await lan('GET', '/_emulator/lan/uploads')).length, 0);
		assert.ok(!seen().includes(pairing.key));
		assert.ok(!JSON.stringify(msg).includes(pairing.key));
	});

	it('the config node\'s "Pair with printer" (admin POST /ultimaker-connection/pair): Allow on the printer → { id, key, status: authorized }', async () => {
		await helper.load(ultimaker, [lanConnection]);
		const answer = helper.request().post('/ultimaker-connection/pair').send({ host: lanHost, user: 'workshop' });
		const pending = answer.then((response) => response);
		// Someone presses Allow on the printer once the request is on its screen.
		let pairing;
		for (let tries = 0; !pairing && tries < 100; tries++) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			pairing = (await lan('POST', '/_emulator/lan/settings', {})).pairings.find((entry) => entry.application === 'Node-RED' && entry.user === 'workshop');
		}
		assert.ok(pairing, 'the printer got a pairing request from Node-RED');
		await lan('POST', `/_emulator/lan/pairings/${encodeURIComponent(pairing.id)}/allow`, {});
		const response = await pending;
		assert.equal(response.status, 200);
		assert.equal(response.body.status, 'authorized');
		assert.equal(response.body.id, pairing.id);
		assert.match(response.body.key, /\S{8,}/);
	});

	it('"Pair with printer" with a public address → 400 with the credential\'s words, no request', async () => {
		await helper.load(ultimaker, [lanConnection]);
		await control('DELETE', '/requests');
		const response = await helper.request().post('/ultimaker-connection/pair').send({ host: '8.8.8.8' });
		assert.equal(response.status, 400);
		assert.match(response.body.message, /not a local network address/);
		assert.equal((await control('GET', '/requests')).length, 0);
	});

	it('a public address as host → the n8n credential\'s words, no request', async () => {
		await helper.load(ultimaker, [{ ...lanConnection, host: '8.8.8.8' }, { id: 'st', type: 'ultimaker-status', connection: 'lan', wires: [[]] }], { lan: { authId: '', authKey: '' } });
		await control('DELETE', '/requests');
		const error = failed(helper.getNode('st'));
		helper.getNode('st').receive({});
		assert.equal((await error).message, 'Credential problem: The printer host "8.8.8.8" is not a local network address');
		assert.equal((await control('GET', '/requests')).length, 0);
	});

	it('target bestMatch, copies 2 → two prints on the two printers of the group that take PLA', async () => {
		const pairing = await pairWithPrinter();
		await loadLan([{ id: 'pr', type: 'ultimaker-print', target: 'bestMatch', copies: 2 }], pairing);
		const next = received(helper.getNode('pr-out'), 2, helper.getNode('pr'));
		helper.getNode('pr').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		await next;
		const uploads = await lan('GET', '/_emulator/lan/uploads');
		const printers = await lan('GET', '/cluster-api/v1/printers');
		const nameOf = (unique) => printers.find((printer) => printer.unique_name === unique)?.friendly_name;
		assert.deepEqual(uploads.map((upload) => nameOf(upload.requirePrinterName)).sort(), ['S5 Left', 'S5 Right']);
	});

	it('ultimaker-find-printer → the two PLA printers as candidates, the Tough PLA one rejected', async () => {
		await loadLan([{ id: 'fp', type: 'ultimaker-find-printer' }]);
		const next = received(helper.getNode('fp-out'), 1, helper.getNode('fp'));
		helper.getNode('fp').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const [msg] = await next;
		assert.deepEqual(msg.payload.candidates.map((candidate) => candidate.printer_name).sort(), ['S5 Left', 'S5 Right']);
		assert.deepEqual(msg.payload.rejected.map((rejected) => rejected.printer_name), ['S5 Tough']);
		assert.ok(['S5 Left', 'S5 Right'].includes(msg.payload.chosen.printer_name));
	});

	it('ultimaker-job-action on a job the print node queued → the printer\'s own verb reaches it', async () => {
		const pairing = await pairWithPrinter();
		await loadLan([{ id: 'pr', type: 'ultimaker-print', target: 'cluster' }, { id: 'ja', type: 'ultimaker-job-action' }], pairing);
		const printed = received(helper.getNode('pr-out'), 1, helper.getNode('pr'));
		helper.getNode('pr').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const [{ payload: job }] = await printed;
		const now = (await lan('GET', '/cluster-api/v1/print_jobs')).find((entry) => entry.uuid === job.uuid);
		// An idle printer takes it at once: abort a started print, remove a queued one.
		const action = now.status === 'queued' ? 'remove' : 'abort';
		const next = received(helper.getNode('ja-out'), 1, helper.getNode('ja'));
		helper.getNode('ja').receive({ payload: { printJobUuid: job.uuid, action } });
		const [msg] = await next;
		assert.equal(msg.payload.print_job_uuid, job.uuid);
		assert.equal(msg.payload.action, action);
		const after = (await lan('GET', '/cluster-api/v1/print_jobs')).find((entry) => entry.uuid === job.uuid);
		if (action === 'remove') assert.equal(after, undefined);
		else assert.match(String(after.status), /abort/);
	});

	it('ultimaker-inspect works beside a local connection (no request)', async () => {
		await helper.load(ultimaker, [lanConnection, { id: 'in', type: 'ultimaker-inspect', wires: [['in-out']] }, { id: 'in-out', type: 'helper' }]);
		await control('DELETE', '/requests');
		const next = received(helper.getNode('in-out'), 1, helper.getNode('in'));
		helper.getNode('in').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const [msg] = await next;
		assert.equal(msg.payload.machine, 'Ultimaker S5');
		assert.equal((await control('GET', '/requests')).length, 0);
	});

	it('ultimaker-events: the first poll records the group; a print queued after it → one job.queued with the host as cluster_id', async () => {
		const pairing = await pairWithPrinter();
		const { seen } = await loadLan([{ id: 'ev', type: 'ultimaker-events', interval: 3600 }, { id: 'pr', type: 'ultimaker-print', target: 'cluster' }], pairing);
		const events = [];
		helper.getNode('ev-out').on('input', (msg) => events.push(msg));
		await new Promise((resolve) => setTimeout(resolve, 1500));
		assert.equal(events.length, 0);
		const printed = received(helper.getNode('pr-out'), 1, helper.getNode('pr'));
		helper.getNode('pr').receive({ payload: cube, filename: 'calibration-cube.gcode' });
		const [{ payload: job }] = await printed;
		const ev = helper.getNode('ev');
		// The poll's green status says how many events it sent; Node-RED delivers them after that, asynchronously.
		const polled = new Promise((resolve) => ev.on('call:status', (call) => call.args[0].fill === 'green' && resolve(Number.parseInt(call.args[0].text, 10))));
		ev.receive({});
		const sent = await polled;
		for (let waited = 0; events.length < sent && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
		assert.equal(events.length, sent, `the poll sent ${sent} events, the next node got ${events.length}`);
		// An idle printer takes the job at once, so the same poll may also report it started; it was queued once.
		const queued = events.filter((msg) => msg.topic === 'job.queued');
		assert.equal(queued.length, 1, `events: ${JSON.stringify(events.map((msg) => msg.topic))}`);
		assert.equal(queued[0].payload.event, 'job.queued');
		assert.equal(queued[0].payload.cluster.cluster_id, lanHost);
		assert.equal(queued[0].payload.job.uuid, job.uuid);
		assert.ok(!seen().includes(pairing.key));
	});
});
