/**
 * Send print and Upload and print with Send To = Best Matching Printer, and Copies: through n8n-core's real
 * ExecuteContext against the emulator. Exact request counts: one upload, one print per copy, nothing when nothing
 * fits; the choice checked again after the upload; a failure half-way says which copies are queued.
 */
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import type { ClusterSpec } from '../../../emulator/state';
import { failureOf } from '../../../nodes/UltimakerDigitalFactory/connections/failure';
import { actionError, apiTokenCredentials, runAction } from '../../helpers/actionNode';
import { useFarmEmulator } from '../../helpers/farmEmulator';
import { storeBinary } from '../../helpers/n8nContext';
import { GUID, griffinGcode, marlinGcode } from '../../fixtures/toolpaths';

jest.setTimeout(60_000);

let emu: Emulator;

/** Three printers fit a Generic PLA / AA 0.4 S5 job (Cells B, G, H); A has the wrong material, D is an S7. */
const FARM: ClusterSpec[] = [
	{ friendly_name: 'Cell A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Tough', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] }] },
	{ friendly_name: 'Cell B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 PLA 1', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell D', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 PLA', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell G', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 PLA 2', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell H', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 PLA 3', materials: ['PLA', 'PVA'] }] },
];

useFarmEmulator('best-match-tests', FARM, (started) => (emu = started));

const PLA = { extruders: [{ guid: GUID.genericPla, core: 'AA 0.4' }], printTime: '1200' };

async function toolpath(gcode = griffinGcode(PLA), fileName = 'bracket.gcode'): Promise<INodeExecutionData> {
	const binary: IBinaryData = await storeBinary(Buffer.from(gcode), { fileName, mimeType: 'text/plain' });
	return { json: {}, binary: { data: binary } };
}

const credentials = () => apiTokenCredentials(emu, { origin: '' });
const run = async (parameters: INodeParameters, items: INodeExecutionData[] = [{ json: {} }]) =>
	(await runAction({ parameters, items, credentials: credentials() })).map((item) => item.json as Record<string, any>);

const runError = (parameters: INodeParameters, items?: INodeExecutionData[]) => actionError({ parameters, items, credentials: credentials() });

async function traffic() {
	const all = await emu.client.requests();
	return {
		registrations: all.filter((entry) => entry.method === 'PUT' && entry.path === '/cura/v1/jobs/upload').length,
		storagePuts: all.filter((entry) => entry.server === 'storage' && entry.method === 'PUT').length,
		prints: all.filter((entry) => entry.method === 'POST' && /^\/connect\/v1\/clusters\/[^/]+\/print\//.test(entry.path)).map((entry) => decodeURIComponent(entry.path.split('/')[4])),
	};
}

const UPLOAD_AND_PRINT = { resource: 'print', operation: 'uploadAndSend', target: 'bestMatch' };

describe('Upload and print → best matching printer', () => {
	it('material mismatch → the printer that fits; one upload, one print, the chosen printer in the output', async () => {
		const clusters = await emu.client.clustersByName();
		const [printed] = await run({ ...UPLOAD_AND_PRINT, reference: 'SO-1001' }, [await toolpath()]);
		expect(printed).toMatchObject({
			status: 'queued',
			reference: 'SO-1001',
			copy: 1,
			copies: 1,
			cluster_id: clusters['Cell B'].cluster_id,
			printer: { printer_name: 'S5 PLA 1', cluster_name: 'Cell B', status: 'idle' },
			upload: { status: 'uploaded', job_name: '[ref=SO-1001] bracket.gcode' },
		});
		expect(await traffic()).toEqual({ registrations: 1, storagePuts: 1, prints: [clusters['Cell B'].cluster_id] });
		const queue = await emu.client.clusterStatus(clusters['Cell B'].cluster_id);
		expect(queue.print_jobs.map((job: any) => job.uuid)).toEqual([printed.job_instance_uuid]);
	});

	it('copies: one upload, one print on each of the three best printers, each once', async () => {
		const clusters = await emu.client.clustersByName();
		const printed = await run({ ...UPLOAD_AND_PRINT, copies: 3 }, [await toolpath()]);
		expect(printed.map((item) => [item.copy, item.printer.printer_name])).toEqual([
			[1, 'S5 PLA 1'],
			[2, 'S5 PLA 2'],
			[3, 'S5 PLA 3'],
		]);
		expect(new Set(printed.map((item) => item.upload.job_id)).size).toBe(1);
		const { registrations, storagePuts, prints } = await traffic();
		expect({ registrations, storagePuts }).toEqual({ registrations: 1, storagePuts: 1 });
		expect(prints).toEqual(['Cell B', 'Cell G', 'Cell H'].map((name) => clusters[name].cluster_id));
		for (const item of printed) {
			const status = await emu.client.clusterStatus(item.cluster_id);
			expect(status.print_jobs.filter((job: any) => job.cloud_job_id === item.job_id).map((job: any) => job.uuid)).toEqual([item.job_instance_uuid]);
		}
	});

	it('nothing fits → a NodeOperationError listing every printer and why; nothing uploaded or sent', async () => {
		const s3 = griffinGcode({ ...PLA, machine: 'Ultimaker S3' });
		const error = await runError(UPLOAD_AND_PRINT, [await toolpath(s3)]);
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toBe('No printer can take this job; nothing was uploaded or sent');
		expect(error.description.split('\n')).toEqual([
			'Cannot take it:',
			'S5 Tough (Cell A): is an Ultimaker S5, the job is for an Ultimaker S3; loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PLA',
			'S5 PLA 1 (Cell B): is an Ultimaker S5, the job is for an Ultimaker S3',
			'S7 PLA (Cell D): is an Ultimaker S7, the job is for an Ultimaker S3',
			'S5 PLA 2 (Cell G): is an Ultimaker S5, the job is for an Ultimaker S3',
			'S5 PLA 3 (Cell H): is an Ultimaker S5, the job is for an Ultimaker S3',
		]);
		expect(await traffic()).toEqual({ registrations: 0, storagePuts: 0, prints: [] });
	});

	it('more copies than printers that fit → refused before the upload', async () => {
		const error = await runError({ ...UPLOAD_AND_PRINT, copies: 4 }, [await toolpath()]);
		expect(error.message).toBe('Only 3 printers can take this job, 4 copies asked for; nothing was uploaded or sent');
		expect(error.description).toContain('S5 Tough (Cell A): loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PLA');
		expect(await traffic()).toEqual({ registrations: 0, storagePuts: 0, prints: [] });
	});

	it('an invalid toolpath is refused before anything is uploaded', async () => {
		const marlin = await runError(UPLOAD_AND_PRINT, [await toolpath(marlinGcode(), 'marlin.gcode')]);
		expect(marlin.message).toBe('"marlin.gcode" does not say which machine it is for (Marlin flavour, no Griffin header)');
		const junk = await runError(UPLOAD_AND_PRINT, [await toolpath('PK\u0003\u0004 not really a zip', 'part.ufp')]);
		expect(junk.constructor.name).toBe('NodeOperationError');
		expect(await emu.client.requests({ server: 'api' })).toEqual([]);
	});

	it('checks the choice again after the upload: a printer that no longer fits is not sent to', async () => {
		const clusters = await emu.client.clustersByName();
		const first = (await emu.client.clusterStatus(clusters['Cell B'].cluster_id)).printers[0].uuid;
		// The storage PUT takes a second; meanwhile Cell B's spool is swapped for Tough PLA.
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'slow', delayMs: 1500 });
		const running = run(UPLOAD_AND_PRINT, [await toolpath()]);
		await new Promise((resolve) => setTimeout(resolve, 500));
		await emu.client.updatePrinter(first, { configuration: [{ extruder_index: 0, material: 'ULTIMAKER_TOUGH_PLA_BLACK' }] });
		const [printed] = await running;
		expect(printed.printer.printer_name).toBe('S5 PLA 2');
		expect((await traffic()).prints).toEqual([clusters['Cell G'].cluster_id]);
	});

	it('a copy that fails half-way: the error says which copies are queued and the job id; nothing is sent twice', async () => {
		const clusters = await emu.client.clustersByName();
		await emu.client.addFault({ method: 'POST', path: `/connect/v1/clusters/${encodeURIComponent(clusters['Cell G'].cluster_id)}/print/*`, kind: 'status', status: 422 });
		const error = await runError({ ...UPLOAD_AND_PRINT, copies: 3 }, [await toolpath()]);
		expect(error.message).toMatch(/^Copy 2 of 3 \(S5 PLA 2\) was not sent: /);
		expect(error.description).toMatch(/1 copy already queued — running the node again would print them again:\nS5 PLA 1 \(Cell B\): [0-9a-f-]{36}\n/);
		expect(error.description).toContain('The file itself was uploaded as job');
		expect(error.context.job_id).toEqual(expect.any(String));
		expect((await traffic()).prints).toEqual([clusters['Cell B'].cluster_id, clusters['Cell G'].cluster_id]);
	});

	it('a copy whose send may have worked: the error keeps outcome "unknown" and says to check that queue first', async () => {
		const clusters = await emu.client.clustersByName();
		// The connection drops before the answer: the node watches the queue for 30 s, finds no print, cannot tell.
		await emu.client.addFault({ method: 'POST', path: `/connect/v1/clusters/${encodeURIComponent(clusters['Cell G'].cluster_id)}/print/*`, kind: 'drop' });
		const error = await runError({ ...UPLOAD_AND_PRINT, copies: 2 }, [await toolpath()]);
		expect(error.message).toMatch(/^Copy 2 of 2 \(S5 PLA 2\) may have been queued: /);
		expect(error.description).toContain('1 copy already queued — running the node again would print them again:\nS5 PLA 1 (Cell B): ');
		expect(error.description).toContain('Check the queue of Cell G for copy 2 before sending it or the remaining copies with Send Print');
		expect(failureOf(error)?.outcome).toBe('unknown');
	}, 90_000);

	it('only if a printer is idle: busy printers that fit are passed over, and named when too few are idle', async () => {
		const clusters = await emu.client.clustersByName();
		const busy = await emu.client.uploadJob('busy.gcode', griffinGcode(PLA));
		for (const name of ['Cell B', 'Cell G']) await emu.client.sendPrint(clusters[name].cluster_id, busy);
		await emu.client.advanceClock(60);
		await emu.client.clearRequests();
		const error = await runError({ ...UPLOAD_AND_PRINT, onlyIfIdle: true, copies: 2 }, [await toolpath()]);
		expect(error.message).toBe('Only 1 idle printer can take this job, 2 copies asked for; nothing was uploaded or sent');
		expect(error.description).toContain('Can take it but are not idle ("Only if a Printer Is Idle" is on):\nS5 PLA 1 (Cell B): printing, free in 20 min\nS5 PLA 2 (Cell G): printing, free in 20 min');
		expect(await traffic()).toEqual({ registrations: 0, storagePuts: 0, prints: [] });
		const [printed] = await run({ ...UPLOAD_AND_PRINT, onlyIfIdle: true }, [await toolpath()]);
		expect(printed.printer.printer_name).toBe('S5 PLA 3');
	});
});

describe('Send print → best matching printer', () => {
	it('from typed requirements: the uploaded job on the two best printers, checked against its reference', async () => {
		const clusters = await emu.client.clustersByName();
		const [uploaded] = await run({ resource: 'job', operation: 'upload', reference: 'SO-7' }, [await toolpath()]);
		await emu.client.clearRequests();
		const printed = await run({
			resource: 'print',
			operation: 'send',
			target: 'bestMatch',
			jobId: uploaded.job_id,
			source: 'requirements',
			machine: 'Ultimaker S5',
			materials: GUID.genericPla,
			printCores: 'AA 0.4',
			copies: 2,
			reference: 'SO-7',
		});
		expect(printed.map((item) => [item.printer.printer_name, item.reference, item.job_id])).toEqual([
			['S5 PLA 1', 'SO-7', uploaded.job_id],
			['S5 PLA 2', 'SO-7', uploaded.job_id],
		]);
		expect(await traffic()).toEqual({ registrations: 0, storagePuts: 0, prints: [clusters['Cell B'].cluster_id, clusters['Cell G'].cluster_id] });
	});

	it('from the toolpath in the item; selected clusters only; nothing fits → nothing sent', async () => {
		const clusters = await emu.client.clustersByName();
		const [uploaded] = await run({ resource: 'job', operation: 'upload' }, [await toolpath()]);
		await emu.client.clearRequests();
		const error = await runError(
			{ resource: 'print', operation: 'send', target: 'bestMatch', jobId: uploaded.job_id, clusterScope: 'selected', clusterIds: [clusters['Cell A'].cluster_id] },
			[await toolpath()],
		);
		expect(error.message).toBe('No printer can take this job; nothing was sent');
		expect(error.description).toBe('Cannot take it:\nS5 Tough (Cell A): loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PLA');
		expect((await traffic()).prints).toEqual([]);
	});
});
