/**
 * Fault table of the local network connection: the printer's own API misbehaving, through the shared operations.
 * Each row: the fault, what the node must do, and that nothing prints twice.
 */
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { LanClient, startEmulator } from '../../../emulator';
import { forgetSends } from '../../../nodes/UltimakerDigitalFactory/actions/print/owners';
import { failureOf } from '../../../nodes/UltimakerDigitalFactory/connections/failure';
import type { CredentialStore } from '../../helpers/n8nContext';
import { storeBinary } from '../../helpers/n8nContext';
import { actionError, lanCredentials, runAction } from '../../helpers/actionNode';

jest.setTimeout(90_000);

let emu: Emulator;
let lan: LanClient;

beforeAll(async () => {
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'lan-faults', speed: 0 });
	lan = new LanClient(emu.lanUrl);
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	await emu.client.reset({ seed: 'lan-faults' });
	forgetSends();
	await emu.client.clearFaults();
	await emu.client.clearRequests();
});

const gcode = () => Buffer.concat([Buffer.from(';FLAVOR:Griffin\n;PRINT.TIME:600\n;END_OF_HEADER\n'), Buffer.alloc(64 * 1024, 'G1 X1 Y1\n')]);

async function item(fileName: string): Promise<INodeExecutionData> {
	const binary: IBinaryData = await storeBinary(gcode(), { fileName, mimeType: 'application/octet-stream' });
	return { json: {}, binary: { data: binary } };
}

const upload = (credentials: CredentialStore, items: INodeExecutionData[]) =>
	actionError({ parameters: { resource: 'print', operation: 'uploadAndSend', target: 'cluster' } as INodeParameters, credentials, items });

const uploadPosts = async () => (await emu.client.requests({ path: '/cluster-api/v1/print_jobs/' })).filter((r) => r.method === 'POST');

describe('LAN fault table', () => {
	test('401 challenge on reads without pairing (newer firmware): says to pair, never a bare 401', async () => {
		await lan.settings({ digestReads: true });
		const error = await actionError({ parameters: { resource: 'cluster', operation: 'getStatus' }, credentials: lanCredentials(emu) });
		expect(error.message).toMatch(/needs a pairing/);
		expect(error.description).toMatch(/Pair with Printer/);
	});

	test('reads with pairing on firmware that gates them: signed after the challenge', async () => {
		await lan.settings({ digestReads: true });
		const [out] = await runAction({ parameters: { resource: 'cluster', operation: 'getStatus' }, credentials: lanCredentials(emu, await lan.pair()) });
		expect((out.json.printers as unknown[]).length).toBeGreaterThan(0);
	});

	test('revoked key: refused before any byte of the file is sent', async () => {
		const pairing = await lan.pair();
		await lan.pressOnPrinter(pairing.id, 'revoke');
		const error = await upload(lanCredentials(emu, pairing), [await item('revoked.gcode')]);
		expect(error.message).toMatch(/refused the pairing/);
		expect(await uploadPosts()).toHaveLength(0);
	});

	test('dropped upload (connection dies mid-body): outcome unknown, uploaded once, not again', async () => {
		const credentials = lanCredentials(emu, await lan.pair());
		await emu.client.addFault({ method: 'POST', path: '/cluster-api/v1/print_jobs*', kind: 'dropMidBody', count: 1 });
		const error = await upload(credentials, [await item('dropped.gcode')]);
		expect(failureOf(error)?.outcome).toBe('unknown');
		expect(error.description).toMatch(/check the printer's queue before uploading again/);
		expect(await uploadPosts()).toHaveLength(1);
		expect(await lan.uploads()).toHaveLength(0);
	});

	test('5xx on the upload after the printer queued it: found in the queue, never uploaded twice', async () => {
		const credentials = lanCredentials(emu, await lan.pair());
		await emu.client.addFault({ method: 'POST', path: '/cluster-api/v1/print_jobs*', kind: 'failAfter', status: 502, count: 1 });
		const [out] = await runAction({ parameters: { resource: 'print', operation: 'uploadAndSend', target: 'cluster' }, credentials, items: [await item('late.gcode')] });
		expect(out.json).toMatchObject({ name: 'late', recovered_after_error: true });
		expect(await uploadPosts()).toHaveLength(1);
	});

	test('5xx on a status read: retried, then read', async () => {
		await emu.client.addFault({ method: 'GET', path: '/cluster-api/v1/printers', kind: 'status', status: 503, count: 1 });
		const [out] = await runAction({ parameters: { resource: 'cluster', operation: 'getStatus' }, credentials: lanCredentials(emu) });
		expect(Array.isArray(out.json.printers)).toBe(true);
	});

	test('unreadable answer (a proxy page instead of a list): an unreadable failure in words', async () => {
		await emu.client.addFault({ method: 'GET', path: '/cluster-api/v1/print_jobs', kind: 'raw', status: 200, body: '<html>captive portal</html>', contentType: 'text/html', count: 5 });
		const error = await actionError({ parameters: { resource: 'cluster', operation: 'getStatus' }, credentials: lanCredentials(emu) });
		expect(failureOf(error)?.kind).toBe('unreadable');
		expect(error.description).toMatch(/not with a JSON list/);
	});

	test('printer unreachable: said with the host, nothing else tried', async () => {
		const error = await actionError({ parameters: { resource: 'cluster', operation: 'getStatus' }, credentials: lanCredentials(emu, undefined, { host: '127.0.0.1:1' }) });
		expect(error.description).toMatch(/could not be reached/);
	});

	test('bad inputs: public host, http:// with a path, host with credentials, id with ..', async () => {
		for (const [host, message] of [
			['8.8.8.8', /not a local network address/],
			['http://192.168.1.5/cluster-api', /must not contain a path/],
			['admin:pw@192.168.1.5', /user name or password/],
		] as const) {
			const error = await actionError({ parameters: { resource: 'cluster', operation: 'getStatus' }, credentials: lanCredentials(emu, undefined, { host }) });
			expect(error.message).toMatch(message);
		}
		const error = await actionError({
			parameters: { resource: 'print', operation: 'action', printAction: 'remove', printJobUuid: '..' },
			credentials: lanCredentials(emu, await lan.pair()),
		});
		expect(error.message).toMatch(/not a valid print job UUID/);
		expect((await emu.client.requests({})).filter((r) => r.method === 'DELETE')).toHaveLength(0);
	});
});
