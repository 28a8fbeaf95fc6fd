/**
 * Farm dispatch in a real n8n (`n8n execute --id`): the example "one file to 3 printers" unmodified but for its
 * sample path, and Inspect toolpath → Find printer on a UFP read from disk. One user folder, one import.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import { apiCredential, findNode, forCustomLoading, loadExample, withCredential, type CredentialRef } from '../../scripts/lib/workflows';
import { buildUfp, GUID, griffinGcode, tinyPng } from '../fixtures/toolpaths';
import { assertSucceeded, FIXTURES_DIR, linearWorkflow, N8nSandbox, nodeOutput, readFile, udf, type ExecutionOutcome } from './harness';

jest.setTimeout(240_000);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const CUBE = join(FIXTURES_DIR, 'calibration-cube.gcode'); // Ultimaker S5, Generic PLA, AA 0.4
const CREDENTIAL: CredentialRef = { id: 'udfE2eCredDisp001', name: 'Emulator (dispatch)' };

/** Three S5s fit the sample file; one loads another material; one is another machine. */
const FARM = [
	{ friendly_name: 'Bay 1', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Bay 1', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Bay 2', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Bay 2', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] }] },
	{ friendly_name: 'Bay 3', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Bay 3', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Bay 4', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 Bay 4', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Bay 5', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Bay 5', materials: ['PLA', 'PVA'] }] },
];

describe('farm dispatch in real n8n', () => {
	let emu: Emulator;
	let n8n: N8nSandbox;
	const png = tinyPng(8);

	beforeAll(async () => {
		emu = await startEmulator({ port: 0, storagePort: 0, speed: 0, seed: 'e2e-dispatch', farm: FARM });
		n8n = N8nSandbox.create();
		const ufp = join(n8n.workDir, 'bracket.ufp');
		writeFileSync(ufp, buildUfp({ gcode: griffinGcode({ extruders: [{ guid: GUID.genericPla }] }), thumbnail: png }));

		const batch = withCredential(forCustomLoading(loadExample('5-one-file-to-three-printers.json')), CREDENTIAL);
		(findNode(batch, 'Sample file path').parameters as any).assignments.assignments[0].value = CUBE;
		const inspectAndFind = linearWorkflow(
			'e2eInspectFind',
			'e2e: inspect a UFP, find a printer for it',
			[
				readFile('Read UFP', ufp),
				udf('Inspect toolpath', { resource: 'toolpath', operation: 'inspect', binaryPropertyName: 'data' }),
				udf('Find printer', { resource: 'print', operation: 'findPrinter', source: 'toolpath', binaryPropertyName: 'data' }),
			],
			CREDENTIAL,
		);
		await n8n.importCredentials([apiCredential(CREDENTIAL, emu.url, emu.apiToken)]);
		await n8n.importWorkflows([batch, inspectAndFind]);
	});

	afterAll(async () => {
		await n8n?.cleanup();
		await emu?.close();
	});

	it('example "one file to 3 printers": one upload, one print on each of the three printers that fit', async () => {
		await emu.client.clearRequests();
		const outcome: ExecutionOutcome = await n8n.execute('udfExampleBatch');
		assertSucceeded(outcome);
		const prints = nodeOutput(outcome, 'Upload once, print on 3');
		expect(prints.map((print) => [print.copy, print.printer.printer_name, print.status])).toEqual([
			[1, 'S5 Bay 1', 'queued'],
			[2, 'S5 Bay 3', 'queued'],
			[3, 'S5 Bay 5', 'queued'],
		]);
		const [summary] = nodeOutput(outcome, 'Batch summary');
		expect(summary).toMatchObject({ copies: 3, jobId: prints[0].job_id, batch: expect.stringMatching(/^BATCH-\d{8}-\d{4}$/) });

		const requests = await emu.client.requests();
		expect(requests.filter((entry) => entry.method === 'PUT' && entry.path === '/cura/v1/jobs/upload')).toHaveLength(1);
		expect(requests.filter((entry) => entry.server === 'storage' && entry.method === 'PUT')).toHaveLength(1);
		const sent = requests.filter((entry) => entry.method === 'POST' && /\/print\//.test(entry.path)).map((entry) => decodeURIComponent(entry.path.split('/')[4]));
		const clusters = await emu.client.clustersByName();
		expect(sent).toEqual(['Bay 1', 'Bay 3', 'Bay 5'].map((name) => clusters[name].cluster_id));
		for (const print of prints) {
			const status = await emu.client.clusterStatus(print.cluster_id);
			expect(status.print_jobs.map((job: any) => [job.uuid, job.name])).toEqual([[print.job_instance_uuid, `[ref=${summary.batch}] calibration-cube.gcode`]]);
		}
	});

	it('Inspect toolpath reads a UFP (thumbnail as binary) and Find printer ranks the farm for it, with every rejection in words', async () => {
		const outcome = await n8n.execute('e2eInspectFind');
		assertSucceeded(outcome);
		const [inspected] = nodeOutput(outcome, 'Inspect toolpath');
		expect(inspected).toMatchObject({ file_name: 'bracket.ufp', content_type: 'application/x-ufp', machine: 'Ultimaker S5', has_thumbnail: true });
		expect(inspected.extruders[0]).toMatchObject({ material_guid: GUID.genericPla, material: 'Generic PLA', print_core: 'AA 0.4' });
		const thumbnail = outcome.runData['Inspect toolpath'][0].data.main[0][0].binary.thumbnail;
		expect(thumbnail).toMatchObject({ mimeType: 'image/png', fileName: 'bracket.png' });
		const [found] = nodeOutput(outcome, 'Find printer');
		// Bay 1, 3 and 5 print the batch (pre_print with the frozen clock): all three fit, none is idle.
		expect(found.candidates.map((candidate: any) => candidate.printer_name)).toEqual(['S5 Bay 1', 'S5 Bay 3', 'S5 Bay 5']);
		expect(found.rejected.map((printer: any) => [printer.printer_name, printer.reasons])).toEqual([
			['S5 Bay 2', ['loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PLA']],
			['S7 Bay 4', ['is an Ultimaker S7, the job is for an Ultimaker S5']],
		]);
	});
});
