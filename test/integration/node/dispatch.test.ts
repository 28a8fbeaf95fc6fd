/**
 * Inspect toolpath and Find printer through n8n-core's real ExecuteContext: toolpaths from n8n's binary data
 * (stored on disk and streamed, or held in memory), and a mixed farm on the emulator over real sockets.
 */
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import type { ClusterSpec } from '../../../emulator/state';
import { actionError, apiTokenCredentials, runAction } from '../../helpers/actionNode';
import { useFarmEmulator } from '../../helpers/farmEmulator';
import { inMemoryBinary, storeBinary } from '../../helpers/n8nContext';
import { inspectToolpath } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import { buildUfp, GUID, griffinGcode, gzip, marlinGcode, tinyPng } from '../../fixtures/toolpaths';

jest.setTimeout(60_000);

let emu: Emulator;

/** A farm with one printer that fits a Generic PLA / AA 0.4 job on an S5, and one of each reason not to. */
const FARM: ClusterSpec[] = [
	{ friendly_name: 'Cell A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Tough', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] }] },
	{ friendly_name: 'Cell B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 PLA', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell C', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Off duty', materials: ['PLA', 'PVA'], enabled: false }] },
	{ friendly_name: 'Cell D', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 PLA', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell E', is_online: false, printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Away', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell F', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 BB', materials: ['PLA', 'PVA'], print_cores: ['BB 0.4', 'BB 0.4'] }] },
];

useFarmEmulator('dispatch-tests', FARM, (started) => (emu = started));

const credentials = () => apiTokenCredentials(emu, { origin: '' });
const run = (parameters: INodeParameters, items: INodeExecutionData[], options: { continueOnFail?: boolean; noCredentials?: boolean } = {}) =>
	runAction({ parameters, items, credentials: options.noCredentials ? {} : credentials(), continueOnFail: options.continueOnFail });

const runError = (parameters: INodeParameters, items: INodeExecutionData[]) => actionError({ parameters, items, credentials: credentials() });

async function stored(data: Buffer | string, fileName: string): Promise<INodeExecutionData> {
	const binary: IBinaryData = await storeBinary(Buffer.from(data), { fileName, mimeType: 'application/octet-stream' });
	return { json: { order: 'SO-1' }, binary: { data: binary } };
}

const PLA_JOB = { extruders: [{ guid: GUID.genericPla, core: 'AA 0.4' }] };

describe('Inspect toolpath (toolpath → inspect)', () => {
	it('reads a UFP streamed from disk: the contract fields, the thumbnail as binary "thumbnail", no request, no credential', async () => {
		const png = tinyPng(8);
		const ufp = buildUfp({ gcode: griffinGcode({ extruders: [{ guid: GUID.genericPla }, { guid: GUID.genericPva, core: 'BB 0.4' }] }), thumbnail: png });
		const [item] = await run({ resource: 'toolpath', operation: 'inspect' }, [await stored(ufp, 'bracket.ufp')], { noCredentials: true });
		// Exactly what the pure core reads from the same bytes (whose fields test/unit/toolpath checks one by one).
		const { json } = await inspectToolpath(ufp, { fileName: 'bracket.ufp', mimeType: 'application/octet-stream' });
		expect(item.json).toEqual(json);
		expect(item.json).toMatchObject({ file_name: 'bracket.ufp', content_type: 'application/x-ufp', machine: 'Ultimaker S5', has_thumbnail: true });
		expect((item.json.extruders as Array<{ material: string }>).map((extruder) => extruder.material)).toEqual(['Generic PLA', 'Generic PVA']);
		expect(item.binary?.thumbnail).toMatchObject({ mimeType: 'image/png', fileName: 'bracket.png' });
		expect(item.binary?.data).toBeDefined(); // the toolpath travels on to an upload
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(await emu.client.requests()).toEqual([]);
	});

	it('reads .gcode.gz held in memory, and a G-code with a thumbnail block', async () => {
		const png = tinyPng(6);
		const gz = gzip(griffinGcode({ printTime: '1200', thumbnail: { png, width: 6, height: 6 } }));
		const [item] = await run({ resource: 'toolpath', operation: 'inspect' }, [
			{ json: {}, binary: { data: inMemoryBinary(gz, { fileName: 'cube.gcode.gz', mimeType: 'application/gzip' }) } },
		]);
		expect(item.json).toMatchObject({ content_type: 'application/gzip', print_time_seconds: 1200, format: 'gcode.gz', has_thumbnail: true });
		expect(item.binary?.thumbnail).toMatchObject({ mimeType: 'image/png', fileName: 'cube.png' });
	});

	it('a non-Griffin G-code: nulls and a note, not an error', async () => {
		const [item] = await run({ resource: 'toolpath', operation: 'inspect' }, [await stored(marlinGcode(), 'marlin.gcode')]);
		expect(item.json).toMatchObject({ flavor: 'Marlin', machine: null, print_time_seconds: null, extruders: [], has_thumbnail: false });
		expect((item.json.notes as string[])[0]).toContain('no Griffin/Cheetah header');
		expect(item.binary?.thumbnail).toBeUndefined();
	});

	it('not a toolpath: a NodeOperationError with what to do; with Continue On Fail an error item', async () => {
		const stl = Buffer.concat([Buffer.from('solid bracket\n'), Buffer.alloc(4000, 0)]);
		const error = await runError({ resource: 'toolpath', operation: 'inspect' }, [await stored(stl, 'bracket.stl')]);
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toMatch(/^"bracket.stl" is not a toolpath/);
		expect(error.description).toContain('.ufp');
		const [failed] = await run({ resource: 'toolpath', operation: 'inspect' }, [await stored(stl, 'bracket.stl')], { continueOnFail: true });
		expect(failed.json.error).toMatch(/is not a toolpath/);
	});

	it('a missing binary field names the field', async () => {
		const error = await runError({ resource: 'toolpath', operation: 'inspect', binaryPropertyName: 'file' }, [await stored(griffinGcode(), 'a.gcode')]);
		expect(error.message).toMatch(/file/);
	});
});

describe('Find printer (print → findPrinter)', () => {
	const names = (list: Array<{ printer_name: string }>) => list.map((entry) => entry.printer_name);

	it('from the toolpath: the one printer that fits, and every other printer with its reasons in words', async () => {
		const [item] = await run({ resource: 'print', operation: 'findPrinter' }, [await stored(griffinGcode(PLA_JOB), 'bracket.gcode')]);
		const result = item.json as any;
		expect(result.chosen).toMatchObject({ printer_name: 'S5 PLA', cluster_name: 'Cell B', status: 'idle', machine_variant: 'Ultimaker S5', queue_length: 0, seconds_until_free: 0 });
		expect(names(result.candidates)).toEqual(['S5 PLA']);
		const reasons = Object.fromEntries(result.rejected.map((entry: any) => [entry.printer_name, entry.reasons]));
		expect(reasons).toEqual({
			'S5 Tough': ['loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PLA'],
			'S5 Off duty': ['disabled'],
			'S7 PLA': ['is an Ultimaker S7, the job is for an Ultimaker S5'],
			'S5 Away': ['offline'],
			'S5 BB': ['has a BB 0.4 print core in extruder 1, the job needs AA 0.4'],
		});
		expect(result.rejected.find((entry: any) => entry.printer_name === 'S5 Off duty').status).toBe('disabled');
		expect(result).toMatchObject({ toolpath: 'bracket.gcode', rejection_summary: null, requirements: { machine: 'Ultimaker S5', build_plate: null } });
		expect(item.binary?.data).toMatchObject({ fileName: 'bracket.gcode' }); // passed on for an upload
		// One list + one status per cluster, nothing else.
		const requests = await emu.client.requests({ server: 'api' });
		expect(requests.map((entry) => entry.method)).toEqual(Array(1 + FARM.length).fill('GET'));
	});

	it('from typed requirements, with no core named: only a core the material database marks compatible', async () => {
		const [item] = await run({ resource: 'print', operation: 'findPrinter', source: 'requirements', machine: 'Ultimaker S5', materials: GUID.genericPla, printCores: '' }, [
			{ json: {} },
		]);
		const result = item.json as any;
		expect(names(result.candidates)).toEqual(['S5 PLA']);
		expect(result.rejected.find((entry: any) => entry.printer_name === 'S5 BB').reasons).toEqual([
			'has a BB 0.4 print core in extruder 1, which the material database does not list for Generic PLA on an Ultimaker S5',
		]);
	});

	it('ranks idle printers before busy ones; a busy eligible printer is a candidate, not rejected', async () => {
		const clusters = await emu.client.clustersByName();
		const bb = (await emu.client.clusterStatus(clusters['Cell F'].cluster_id)).printers[0].uuid;
		await emu.client.updatePrinter(bb, { configuration: [{ extruder_index: 0, print_core_id: 'AA 0.4' }] });
		const jobId = await emu.client.uploadJob('busy.gcode', griffinGcode({ ...PLA_JOB, printTime: '600' }));
		await emu.client.sendPrint(clusters['Cell B'].cluster_id, jobId);
		await emu.client.advanceClock(60);
		const [item] = await run({ resource: 'print', operation: 'findPrinter' }, [await stored(griffinGcode(PLA_JOB), 'bracket.gcode')]);
		const result = item.json as any;
		expect(names(result.candidates)).toEqual(['S5 BB', 'S5 PLA']);
		expect(result.candidates[1]).toMatchObject({ status: 'printing', queue_length: 1, seconds_until_free: 570 });
		expect(result.candidates[0].score).toBeGreaterThan(result.candidates[1].score);
	});

	it('searches only the selected clusters; nothing fits → chosen null and the summary of every rejection', async () => {
		const clusters = await emu.client.clustersByName();
		const [item] = await run(
			{ resource: 'print', operation: 'findPrinter', clusterScope: 'selected', clusterIds: [clusters['Cell A'].cluster_id, clusters['Cell D'].cluster_id] },
			[await stored(griffinGcode(PLA_JOB), 'bracket.gcode')],
		);
		const result = item.json as any;
		expect(result.chosen).toBeNull();
		expect(result.candidates).toEqual([]);
		expect(result.rejection_summary).toBe(
			'S5 Tough (Cell A): loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PLA\n' +
				'S7 PLA (Cell D): is an Ultimaker S7, the job is for an Ultimaker S5',
		);
	});

	it('a cluster whose status cannot be read is reported in "unreadable" and the others are still ranked', async () => {
		const clusters = await emu.client.clustersByName();
		// Cell B (the one that fits) answers 503 to every try; Cell A is gone (404).
		await emu.client.addFault({ method: 'GET', path: `/connect/v1/clusters/${encodeURIComponent(clusters['Cell B'].cluster_id)}/status`, kind: 'status', status: 503, count: 100 });
		await emu.client.addFault({ method: 'GET', path: `/connect/v1/clusters/${encodeURIComponent(clusters['Cell A'].cluster_id)}/status`, kind: 'status', status: 404, count: 100 });
		const [item] = await run({ resource: 'print', operation: 'findPrinter' }, [await stored(griffinGcode(PLA_JOB), 'bracket.gcode')]);
		const result = item.json as any;
		expect(result.chosen).toBeNull();
		expect(result.unreadable.map((entry: any) => [entry.cluster_name, entry.reason === 'not found' ? 'not found' : 'error'])).toEqual([
			['Cell A', 'not found'],
			['Cell B', 'error'],
		]);
		expect(result.unreadable[1].reason).toContain('503');
		expect(names(result.rejected)).toEqual(['S5 Off duty', 'S7 PLA', 'S5 Away', 'S5 BB']);
	});

	it('best match: nothing readable fits → the error names the clusters that could not be read; nothing is uploaded', async () => {
		const clusters = await emu.client.clustersByName();
		await emu.client.addFault({ method: 'GET', path: `/connect/v1/clusters/${encodeURIComponent(clusters['Cell B'].cluster_id)}/status`, kind: 'status', status: 503, count: 100 });
		const error = await runError({ resource: 'print', operation: 'uploadAndSend', target: 'bestMatch' }, [await stored(griffinGcode(PLA_JOB), 'bracket.gcode')]);
		expect(error.message).toContain('No printer can take this job');
		expect(error.description).toContain('Could not be read (not searched):');
		expect(error.description).toContain('Cell B: ');
		expect((await emu.client.requests({ server: 'api' })).filter((entry) => entry.method !== 'GET')).toEqual([]);
	});

	it('only when no selected cluster can be read is it an error, naming each', async () => {
		const clusters = await emu.client.clustersByName();
		await emu.client.addFault({ method: 'GET', path: '/connect/v1/clusters/*/status', kind: 'status', status: 503, count: 100 });
		const error = await runError(
			{ resource: 'print', operation: 'findPrinter', clusterScope: 'selected', clusterIds: [clusters['Cell A'].cluster_id, clusters['Cell B'].cluster_id] },
			[await stored(griffinGcode(PLA_JOB), 'bracket.gcode')],
		);
		expect(error.description).toContain('No searched cluster could be read: Cell A (');
		expect(error.description).toContain('Cell B (');
	});

	it('bad input fails before any request, naming the fix', async () => {
		const name = await runError({ resource: 'print', operation: 'findPrinter', source: 'requirements', machine: 'Ultimaker S5', materials: 'Generic PLA' }, [{ json: {} }]);
		expect(name.message).toBe('Materials entry 1 ("Generic PLA") is not a material GUID');
		expect(name.description).toContain(GUID.genericPla);
		const marlin = await runError({ resource: 'print', operation: 'findPrinter' }, [await stored(marlinGcode(), 'marlin.gcode')]);
		expect(marlin.message).toBe('"marlin.gcode" does not say which machine it is for (Marlin flavour, no Griffin header)');
		expect(await emu.client.requests({ server: 'api' })).toEqual([]);
		const unknown = await runError({ resource: 'print', operation: 'findPrinter', clusterScope: 'selected', clusterIds: 'nope=' }, [await stored(griffinGcode(), 'a.gcode')]);
		expect(unknown.message).toBe('Cluster "nope=" is not among the active clusters of this workspace');
	});
});
