/**
 * The local network connection against the emulator's LAN listener (the printers' own API), through n8n-core's
 * real ExecuteContext: the same operations as on the cloud (status, upload and print, actions, find printer),
 * pairing with Digest (SHA-256 and MD5, stale nonces), camera snapshot and print history, and refusals.
 */
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { LanClient, startEmulator } from '../../../emulator';
import { forgetSends } from '../../../nodes/UltimakerDigitalFactory/actions/print/owners';
import type { CredentialStore } from '../../helpers/n8nContext';
import { inMemoryBinary, storeBinary } from '../../helpers/n8nContext';
import { actionError, lanCredentials, runAction } from '../../helpers/actionNode';
import { registerSecret } from '../../helpers/secrets';

jest.setTimeout(60_000);

let emu: Emulator;
let lan: LanClient;

beforeAll(async () => {
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'lan-tests', speed: 0 });
	lan = new LanClient(emu.lanUrl);
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	await emu.client.reset({ seed: 'lan-tests' });
	forgetSends();
	await emu.client.clearFaults();
});

function gcode(printSeconds = 600, padBytes = 2000): Buffer {
	const header = `;FLAVOR:Griffin\n;TARGET_MACHINE.NAME:Ultimaker S5\n;PRINT.TIME:${printSeconds}\n;END_OF_HEADER\n`;
	return Buffer.concat([Buffer.from(header), Buffer.alloc(padBytes, 'G1 X1 Y1\n')]);
}

async function storedItem(data: Buffer, fileName: string): Promise<INodeExecutionData> {
	const binary: IBinaryData = await storeBinary(data, { fileName, mimeType: 'application/octet-stream' });
	return { json: {}, binary: { data: binary } };
}

async function paired(): Promise<CredentialStore> {
	return lanCredentials(emu, await lan.pair());
}

const run = async (parameters: INodeParameters, credentials: CredentialStore, items?: INodeExecutionData[]) => await runAction({ parameters, credentials, items });
const runError = async (parameters: INodeParameters, credentials: CredentialStore, items?: INodeExecutionData[]) =>
	await actionError({ parameters, credentials, items });

describe('reads without pairing', () => {
	test('Get Cluster Status wraps the two bare lists into the cloud shape', async () => {
		const [item] = await run({ resource: 'cluster', operation: 'getStatus' }, lanCredentials(emu));
		expect(Array.isArray(item.json.printers)).toBe(true);
		expect(Array.isArray(item.json.print_jobs)).toBe(true);
		expect(typeof item.json.generated_time).toBe('string');
		expect((item.json.printers as unknown[]).length).toBeGreaterThan(0);
	});

	test('cloud-only operations are refused naming the connection', async () => {
		const error = await runError({ resource: 'job', operation: 'getMany' }, lanCredentials(emu));
		expect(error.message).toMatch(/not available with the local network connection/);
	});

	test('an upload without pairing is refused with the way to pair, never a bare 401', async () => {
		const error = await runError({ resource: 'print', operation: 'uploadAndSend' }, lanCredentials(emu), [await storedItem(gcode(), 'unpaired.gcode')]);
		expect(error.message).toMatch(/needs a pairing/);
		expect(error.description).toMatch(/Pair with Printer/);
		expect(await lan.uploads()).toHaveLength(0);
	});
});

describe('upload and print, actions', () => {
	test('uploads the file streamed from binary storage and returns the queued job as found in the queue', async () => {
		const credentials = await paired();
		const [item] = await run({ resource: 'print', operation: 'uploadAndSend', target: 'cluster' }, credentials, [await storedItem(gcode(), 'bracket.gcode')]);
		expect(item.json).toMatchObject({ name: 'bracket', status: expect.any(String) });
		expect(typeof item.json.uuid).toBe('string');
		expect(item.json.job_instance_uuid).toBe(item.json.uuid);
		const uploads = await lan.uploads();
		expect(uploads).toEqual([expect.objectContaining({ name: 'bracket', owner: 'n8n', requirePrinterName: null, bytes: gcode().length })]);
	});

	test('the queue is read once before the upload (its baseline serves print-once and the job lookup), once after', async () => {
		const credentials = await paired();
		await emu.client.clearRequests();
		await run({ resource: 'print', operation: 'uploadAndSend', target: 'cluster' }, credentials, [await storedItem(gcode(), 'once.gcode')]);
		const sequence = (await emu.client.requests({})).filter((r) => !r.path.startsWith('/_emulator')).map((r) => `${r.method} ${r.path}`);
		expect(sequence).toEqual([
			'GET /cluster-api/v1/printers',
			'GET /cluster-api/v1/print_jobs',
			'GET /api/v1/auth/verify',
			'GET /api/v1/auth/verify',
			'POST /cluster-api/v1/print_jobs/',
			'GET /cluster-api/v1/printers',
			'GET /cluster-api/v1/print_jobs',
		]);
	});

	test('an in-memory binary and a named printer: require_printer_name is its unique_name', async () => {
		const credentials = await paired();
		const [printer] = await lan.printers();
		const binary = inMemoryBinary(gcode(), { fileName: 'mem.gcode', mimeType: 'text/x-gcode' });
		const [item] = await run({ resource: 'print', operation: 'uploadAndSend', target: 'cluster', printerName: printer.friendly_name }, credentials, [
			{ json: {}, binary: { data: binary } },
		]);
		expect(item.json.assigned_to).toBe(printer.uuid);
		expect((await lan.uploads())[0].requirePrinterName).toBe(printer.unique_name);
	});

	test('MD5 printers (older firmware) are answered with MD5', async () => {
		await lan.settings({ algorithms: ['MD5'] });
		const credentials = await paired();
		await run({ resource: 'print', operation: 'uploadAndSend', target: 'cluster' }, credentials, [await storedItem(gcode(), 'md5.gcode')]);
		expect(await lan.uploads()).toHaveLength(1);
	});

	test('print actions use the printer verbs: pause, resume, abort, move to top, remove, force', async () => {
		const credentials = await paired();
		for (const name of ['one.gcode', 'two.gcode', 'three.gcode']) {
			await run({ resource: 'print', operation: 'uploadAndSend', target: 'cluster' }, credentials, [await storedItem(gcode(7200), name)]);
		}
		const jobs = await lan.printJobs();
		const queued = jobs.filter((job) => job.status === 'queued');
		const last = queued[queued.length - 1];
		const act = async (printAction: string, printJobUuid: string) =>
			(await run({ resource: 'print', operation: 'action', printAction, printJobUuid }, credentials))[0].json;
		if (last) {
			await act('moveToTop', last.uuid);
			await act('force', last.uuid);
			await act('remove', last.uuid);
			expect((await lan.printJobs()).some((job) => job.uuid === last.uuid && job.status === 'queued')).toBe(false);
		}
		const active = (await lan.printJobs()).find((job) => ['printing', 'pre_print', 'sent_to_printer'].includes(String(job.status)));
		if (active) {
			await emu.client.setPrintJobStatus(active.uuid, 'printing');
			await act('pause', active.uuid);
			// The clock stands still: the printer finishes pausing when told.
			await emu.client.setPrintJobStatus(active.uuid, 'paused');
			await act('resume', active.uuid);
			await emu.client.setPrintJobStatus(active.uuid, 'printing');
			await act('abort', active.uuid);
			expect((await lan.printJobs()).find((job) => job.uuid === active.uuid)?.status).toMatch(/abort/);
		}
		expect(last ?? active).toBeDefined();
	});

	test('a revoked pairing is said with the way to pair again', async () => {
		const pairing = await lan.pair();
		const credentials = lanCredentials(emu, pairing);
		await lan.pressOnPrinter(pairing.id, 'revoke');
		const error = await runError({ resource: 'print', operation: 'uploadAndSend', target: 'cluster' }, credentials, [await storedItem(gcode(), 'revoked.gcode')]);
		expect(error.message).toMatch(/refused the pairing/);
		expect(error.description).toMatch(/revoked/);
		expect(await lan.uploads()).toHaveLength(0);
	});
});

describe('pairing, camera, history', () => {
	test('Pair with Printer waits for Allow and returns id, key and authorized', async () => {
		const pending = runAction({ parameters: { resource: 'localNetwork', operation: 'pair', user: 'tests', timeoutSeconds: 20 }, credentials: lanCredentials(emu) });
		let id: string | undefined;
		for (let i = 0; i < 50 && !id; i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			const state = await lan.settings();
			id = (state.pairings as Array<{ id: string }>)[0]?.id;
		}
		await lan.pressOnPrinter(id!, 'allow');
		const [item] = await pending;
		registerSecret(item.json.key as string);
		expect(item.json).toMatchObject({ id, status: 'authorized' });
		expect(typeof item.json.key).toBe('string');
	});

	test('Pair with Printer: Deny is "unauthorized"', async () => {
		const pending = runAction({ parameters: { resource: 'localNetwork', operation: 'pair', timeoutSeconds: 20 }, credentials: lanCredentials(emu) });
		let id: string | undefined;
		for (let i = 0; i < 50 && !id; i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			id = ((await lan.settings()).pairings as Array<{ id: string }>)[0]?.id;
		}
		await lan.pressOnPrinter(id!, 'deny');
		const [item] = await pending;
		registerSecret(item.json.key as string);
		expect(item.json.status).toBe('unauthorized');
	});

	test('Camera Snapshot: binary "snapshot" (JPEG) and the printer it is of', async () => {
		const [item] = await run({ resource: 'printer', operation: 'cameraSnapshot' }, lanCredentials(emu));
		expect(item.json).toMatchObject({ printer_name: expect.any(String), printer_uuid: expect.any(String), taken_at: expect.any(String) });
		expect(item.binary?.snapshot?.mimeType).toBe('image/jpeg');
	});

	test('Print History: one item per finished print, paged by limit', async () => {
		const credentials = await paired();
		await run({ resource: 'print', operation: 'uploadAndSend', target: 'cluster' }, credentials, [await storedItem(gcode(60), 'short.gcode')]);
		const [job] = (await lan.printJobs()).filter((candidate) => candidate.name === 'short');
		await emu.client.setPrintJobStatus(job.uuid, 'finished');
		const items = await run({ resource: 'printer', operation: 'history', returnAll: false, limit: 5 }, credentials);
		expect(items.length).toBeGreaterThanOrEqual(1);
		expect(items[0].json).toMatchObject({ uuid: expect.any(String), name: expect.any(String), result: expect.any(String) });
	});
});
