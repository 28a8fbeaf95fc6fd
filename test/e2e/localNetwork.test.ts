/**
 * The local network connection in a real n8n (`n8n execute --id`) against the emulator's LAN listener: pair
 * (someone presses Allow while the workflow waits) → status → upload and print → action → camera snapshot →
 * print history. n8n runs with its SSRF protection ON (N8N_SSRF_PROTECTION_ENABLED=true, n8n ≥ 2.x where it
 * exists; 2.8.4 has none) and the printer's address allowed (N8N_SSRF_ALLOWED_IP_RANGES), the setting the README
 * asks of users who turn the protection on. The trigger on the LAN is covered by
 * test/integration/trigger/lanTrigger.test.ts (n8n-core's poll context): in a real n8n it polls once a minute.
 */
import { LanClient, startEmulator } from '../../emulator';
import type { CredentialRef, Workflow } from '../../scripts/lib/workflows';
import { assertSucceeded, FIXTURES_DIR, linearWorkflow, N8nSandbox, nodeOutput, readFile, udf } from './harness';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(300_000);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const PAIRING: CredentialRef = { id: 'udfE2eLanPair0001', name: 'Printer (not paired yet)' };
const PAIRED: CredentialRef = { id: 'udfE2eLanPaired01', name: 'Printer (paired)' };
const LAN_TYPE = 'ultimakerLocalNetworkApi';

/** The workflow with the local network credential on every Ultimaker node and authentication = localNetwork. */
function onLan(workflow: Workflow, ref: CredentialRef): Workflow {
	for (const node of workflow.nodes) {
		if (!node.credentials) continue;
		node.credentials = { [LAN_TYPE]: { ...ref } };
		node.parameters = { authentication: 'localNetwork', ...node.parameters };
	}
	return workflow;
}

describe('local network connection in real n8n', () => {
	let emu: Emulator;
	let n8n: N8nSandbox;
	let lan: LanClient;

	beforeAll(async () => {
		emu = await startEmulator({ port: 0, storagePort: 0, speed: 0, seed: 'e2e-lan' });
		lan = new LanClient(emu.lanUrl);
		n8n = N8nSandbox.create({ env: { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' } });
		const host = emu.lanUrl.replace('http://', '');
		await n8n.importCredentials([{ id: PAIRING.id, name: PAIRING.name, type: LAN_TYPE, data: { host, authId: '', authKey: '' } }]);
		await n8n.importWorkflows([
			onLan(linearWorkflow('e2eLanPair', 'e2e: pair', [udf('Pair', { resource: 'localNetwork', operation: 'pair', user: 'e2e', timeoutSeconds: 60 })], PAIRING), PAIRING),
		]);
	});

	afterAll(async () => {
		await n8n?.cleanup();
		await emu?.close();
	});

	it('pair → status → upload and print → action → snapshot → history', async () => {
		// Pair: the workflow waits while "someone" presses Allow on the printer.
		const pairing = n8n.execute('e2eLanPair');
		let id: string | undefined;
		for (let i = 0; i < 600 && !id; i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			id = ((await lan.settings()).pairings as Array<{ id: string }>)[0]?.id;
		}
		await lan.pressOnPrinter(id!, 'allow');
		const paired = await pairing;
		assertSucceeded(paired);
		const [pair] = nodeOutput(paired, 'Pair');
		expect(pair).toMatchObject({ id, status: 'authorized' });

		const host = emu.lanUrl.replace('http://', '');
		await n8n.importCredentials([{ id: PAIRED.id, name: PAIRED.name, type: LAN_TYPE, data: { host, authId: pair.id, authKey: pair.key } }]);
		// The group's only printer is busy (a print sent through Digital Factory, not over the LAN), so the job n8n
		// uploads waits in the queue: "move to top" applies only to a queued job (the printer answers 409 otherwise).
		const busyJob = await emu.client.uploadJob('already-printing.gcode', readFileSync(join(FIXTURES_DIR, 'calibration-cube.gcode')));
		await emu.client.sendPrint(emu.lan.clusterId, busyJob);
		expect((await lan.printJobs()).map((job) => job.status)).not.toContain('queued');
		await n8n.importWorkflows([
			onLan(
				linearWorkflow(
					'e2eLanPrint',
					'e2e: print on the LAN',
					[
						readFile('Read G-code', join(FIXTURES_DIR, 'calibration-cube.gcode')),
						udf('Upload and print', { resource: 'print', operation: 'uploadAndSend', target: 'cluster', binaryPropertyName: 'data' }),
						udf('Move to top', { resource: 'print', operation: 'action', printAction: 'moveToTop', printJobUuid: '={{ $json.uuid }}' }),
						udf('Status', { resource: 'cluster', operation: 'getStatus' }),
						udf('Snapshot', { resource: 'printer', operation: 'cameraSnapshot' }),
						udf('History', { resource: 'printer', operation: 'history', returnAll: true }),
					],
					PAIRED,
				),
				PAIRED,
			),
		]);
		const outcome = await n8n.execute('e2eLanPrint');
		assertSucceeded(outcome);
		const [printed] = nodeOutput(outcome, 'Upload and print');
		expect(printed).toMatchObject({ name: 'calibration-cube', uuid: expect.any(String) });
		expect(printed.key).toBeUndefined();
		const [status] = nodeOutput(outcome, 'Status');
		expect((status.print_jobs as Array<{ uuid: string }>).map((job) => job.uuid)).toContain(printed.uuid);
		// Still waiting behind the busy printer, where "move to top" put it.
		expect((status.print_jobs as Array<{ uuid: string; status: string }>).find((job) => job.uuid === printed.uuid)?.status).toBe('queued');
		const [snapshot] = nodeOutput(outcome, 'Snapshot');
		expect(snapshot).toMatchObject({ printer_name: expect.any(String), taken_at: expect.any(String) });
		expect(await lan.uploads()).toEqual([expect.objectContaining({ name: 'calibration-cube', owner: 'n8n' })]);
		// The key never appears in what n8n stored of the run.
		expect(JSON.stringify(outcome.execution)).not.toContain(pair.key);
	});
});
