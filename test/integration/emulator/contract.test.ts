/**
 * The emulator's answers have the keys and JSON types of Ultimaker's own (test/fixtures/ultimaker, written from
 * the answers Ultimaker recorded for Cura and from Cura's models), recursively, so the two cannot drift apart.
 *
 * Rules: a key every fixture example has must be in the emulator's answer, with the same JSON type ("integer" and
 * "float" are told apart); a key some examples have may be absent; a key no example has must be declared below
 * in EXTRA with its type and where Ultimaker defines it; null is allowed only where NULLABLE says so.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../../emulator';
import type { Emulator, Rendered } from '../../../emulator';
import { gcodeHeader } from '../../fixtures/gcode';

type Kind = 'string' | 'integer' | 'float' | 'boolean' | 'null' | 'object' | 'array';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../fixtures/ultimaker', `${name}.json`), 'utf8')).data;

function kindOf(value: unknown): Kind {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
	return typeof value as Kind;
}

/**
 * Keys Ultimaker's recorded answers leave out but Cura's models (or Ultimaker's docs) define, which the emulator
 * sends. `like`: the fixture path whose examples the value is compared with.
 */
const EXTRA: Record<string, { kinds: Kind[]; source: string; like?: string }> = {
	'cluster.friendly_name': { kinds: ['string'], source: 'CloudClusterResponse: friendly_name Optional[str]' },
	'cluster.printer_type': { kinds: ['string'], source: 'CloudClusterResponse: printer_type str = "ultimaker3"' },
	'cluster.printer_count': { kinds: ['integer'], source: 'CloudClusterResponse: printer_count int = 1' },
	'cluster.capabilities': { kinds: ['array'], source: 'CloudClusterResponse: capabilities Optional[List[str]]' },
	'cluster.capabilities[]': { kinds: ['string'], source: 'CloudClusterResponse: capabilities Optional[List[str]]' },
	'cluster.display_status': { kinds: ['string'], source: 'secondary sources only (see docs/emulator.md)' },
	'cluster.host_printer': { kinds: ['object'], source: 'CloudClusterWithConfigResponse: host_printer ClusterPrinterStatus', like: 'status.printers[]' },
	'status.printers[].maintenance_required': { kinds: ['boolean'], source: 'ClusterPrinterStatus: Optional[bool] = False' },
	'status.printers[].firmware_update_status': { kinds: ['string'], source: 'ClusterPrinterStatus: Optional[str]' },
	'status.printers[].latest_available_firmware': { kinds: ['string'], source: 'ClusterPrinterStatus: Optional[str]' },
	'status.printers[].build_plate': { kinds: ['object'], source: 'ClusterPrinterStatus: build_plate ClusterBuildPlate' },
	'status.printers[].build_plate.type': { kinds: ['string'], source: 'ClusterBuildPlate: type str = "glass"' },
	'status.print_jobs[].cloud_job_id': { kinds: ['string'], source: "Ultimaker's docs (print-job tracking): the uploaded file's job_id" },
	'status.print_jobs[].printed_on_uuid': { kinds: ['string'], source: 'ClusterPrintJobStatus: Optional[str]' },
	'status.print_jobs[].compatible_machine_families': { kinds: ['array'], source: 'ClusterPrintJobStatus: List[str]' },
	'status.print_jobs[].compatible_machine_families[]': { kinds: ['string'], source: 'ClusterPrintJobStatus: List[str]' },
	'status.print_jobs[].build_plate': { kinds: ['object'], source: 'ClusterPrintJobStatus: build_plate ClusterBuildPlate' },
	'status.print_jobs[].build_plate.type': { kinds: ['string'], source: 'ClusterBuildPlate: type str = "glass"' },
	'status.print_jobs[].preview_url': { kinds: ['null'], source: 'ClusterPrintJobStatus: preview_url (optional)' },
	'status.print_jobs[].deleted_at': { kinds: ['null'], source: 'ClusterPrintJobStatus: Optional[str]' },
	'upload.file_size': { kinds: ['integer'], source: "Ultimaker's docs (upload example)" },
	'upload.origin': { kinds: ['null', 'string'], source: "Ultimaker's docs (upload example)" },
	'upload.download_url': { kinds: ['null', 'string'], source: 'CloudPrintJobResponse: Optional[str]' },
	'upload.slicing_details': { kinds: ['null'], source: 'CloudPrintJobResponse: Optional[dict]' },
	'print.job_instance_uuid': { kinds: ['string'], source: "Ultimaker's docs (print-job tracking); sent only with printResponse: documented" },
	'print.generated_time': { kinds: ['string'], source: 'CloudPrintResponse: generated_time; sent only with printResponse: documented' },
};

/** Where the emulator may answer null although the fixtures' values are not null (Cura's models: Optional). */
const NULLABLE = new Set([
	'status.print_jobs[].printer_uuid', // ClusterPrintJobStatus: Optional[str]; absent in the recorded queued job
	'status.print_jobs[].assigned_to', // Optional[str]: a queued job no enabled printer can take
	'status.print_jobs[].printed_on_uuid',
	'status.print_jobs[].configuration[].print_core_id', // ClusterPrintCoreConfiguration: Optional[str]
	'status.print_jobs[].configuration[].material', // Union[None, Dict, …]
	'upload.upload_url', // CloudPrintJobResponse: only while uploading
]);

interface Mismatch {
	path: string;
	problem: string;
}

/** Compares `actual` with the fixture examples at `path`; returns every mismatch (empty = same shape). */
function compare(actual: unknown, examples: unknown[], path: string, out: Mismatch[] = []): Mismatch[] {
	const kind = kindOf(actual);
	const declared = EXTRA[path];
	const allowed = new Set<Kind>(declared ? declared.kinds : examples.map(kindOf));
	if (NULLABLE.has(path)) allowed.add('null');
	if (!allowed.has(kind)) {
		out.push({ path, problem: `is ${kind}${kind === 'null' ? '' : ` (${JSON.stringify(actual)?.slice(0, 60)})`}, Ultimaker's is ${[...allowed].join(' or ')}` });
		return out;
	}
	const like = declared?.like ? lookup(declared.like) : examples;
	if (kind === 'object') {
		const objects = like.filter((e): e is Record<string, unknown> => kindOf(e) === 'object');
		const value = actual as Record<string, unknown>;
		const union = new Set(objects.flatMap((o) => Object.keys(o)));
		const childPath = (key: string) => (declared?.like ? `${declared.like}.${key}` : `${path}.${key}`);
		for (const key of union) {
			if (objects.every((o) => key in o) && !(key in value)) out.push({ path: childPath(key), problem: 'missing (every Ultimaker example has it)' });
		}
		for (const [key, child] of Object.entries(value)) {
			const examplesOfKey = objects.filter((o) => key in o).map((o) => o[key]);
			if (examplesOfKey.length === 0 && !EXTRA[childPath(key)]) {
				out.push({ path: childPath(key), problem: 'not in any Ultimaker example and not declared in EXTRA' });
				continue;
			}
			compare(child, examplesOfKey, childPath(key), out);
		}
	} else if (kind === 'array') {
		const items = like.filter(Array.isArray).flat();
		for (const item of actual as unknown[]) compare(item, items, declared?.like ? `${declared.like}[]` : `${path}[]`, out);
	}
	return out;
}

const FIXTURES: Record<string, unknown[]> = {
	cluster: fixture('clusters'),
	status: [fixture('cluster-status')],
	upload: [fixture('upload-registration'), fixture('upload-registration-minimal')],
	print: [fixture('print-response'), fixture('print-response-empty-id')],
};

/** The fixture examples at a path like `status.printers[]`. */
function lookup(path: string): unknown[] {
	const [root, ...rest] = path.split('.');
	let values: unknown[] = FIXTURES[root!]!;
	for (const part of rest) {
		const key = part.replace(/\[\]$/, '');
		values = values.flatMap((v) => (v && typeof v === 'object' && key in v ? [(v as Record<string, unknown>)[key]] : []));
		if (part.endsWith('[]')) values = values.flatMap((v) => (Array.isArray(v) ? v : []));
	}
	return values;
}

const expectSameShape = (actual: unknown, root: string) => expect(compare(actual, FIXTURES[root]!, root)).toEqual([]);

describe('the emulator answers in the shapes of Ultimaker’s recorded data', () => {
	let emu: Emulator;
	let clusterId: string;
	let printers: Rendered[];
	const gcode = (options: Parameters<typeof gcodeHeader>[0]) => `${gcodeHeader(options)}G1 X1\n`;
	const TOUGH_BLACK = '03f24266-0291-43c2-a6da-5211892a2699';

	beforeAll(async () => {
		emu = await startEmulator({
			port: 0,
			seed: 'contract',
			speed: 0,
			farm: [
				{
					friendly_name: null,
					printers: [
						{ type: 'ultimaker_s5', materials: ['PLA', 'ULTIMAKER_PVA'] },
						{ type: 'ultimaker_s5', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] },
						{ type: 'ultimaker_s5', materials: ['empty', 'empty'], enabled: false },
					],
				},
				{ friendly_name: null, status: 'inactive', is_online: false, printers: [{ type: 'ultimaker_s5' }] },
			],
		});
		clusterId = [...emu.state.clusters.keys()][0]!;
		const send = async (name: string, options: Parameters<typeof gcodeHeader>[0]) =>
			emu.client.sendPrint(clusterId, await emu.client.uploadJob(name, gcode(options)));
		// Printing on the printer that has the material; then a queued job pre-assigned to it, one needing changes,
		// one too large for any printer.
		await send('gearbox housing', { printTimeSeconds: 10_800, materialGuids: [TOUGH_BLACK] });
		await send('spare clip', { printTimeSeconds: 2460, materialGuids: [TOUGH_BLACK] });
		await send('two-colour badge', { printTimeSeconds: 1980, materialGuids: [TOUGH_BLACK, '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9'], printCores: ['AA 0.4', 'AA 0.4'] });
		await send('full-bed tray', { printTimeSeconds: 30_240, materialGuids: [TOUGH_BLACK] });
		await emu.client.advanceClock(600);
		printers = (await emu.client.clusterStatus(clusterId)).printers;
	});
	afterAll(() => emu.close());

	test('GET /connect/v1/clusters: the recorded keys, no friendly_name where the farm gives none', async () => {
		const clusters = await emu.client.clusters();
		expect(clusters).toHaveLength(2);
		for (const cluster of clusters) {
			expect(cluster).not.toHaveProperty('friendly_name');
			expectSameShape(cluster, 'cluster');
		}
	});

	test('GET …/status: printers and print jobs, field for field', async () => {
		const status = await emu.client.clusterStatus(clusterId);
		expectSameShape(status, 'status');
		// The scenarios the fixture has are all there, so every nested shape was compared.
		const jobs = status.print_jobs as Rendered[];
		expect(jobs.map((j) => j.status)).toEqual(['printing', 'queued', 'queued', 'queued']);
		expect(jobs.some((j) => j.configuration_changes_required.length > 0)).toBe(true);
		expect(jobs.some((j) => j.configuration_changes_required.some((c: Rendered) => c.type_of_change === 'print_core_change'))).toBe(true);
		expect(status.printers.map((p: Rendered) => [p.enabled, p.reserved_by === '' ? 'free' : 'claimed'])).toEqual([
			[true, 'free'],
			[true, 'claimed'],
			[false, 'free'],
		]);
		expect(printers[2]!.configuration[0].material).toEqual({ material: 'empty' });
	});

	test('a job too large for the printers carries an impediment (compared with the fixture’s)', async () => {
		await emu.client.reset({ seed: 'contract-big', farm: [{ printers: [{ type: 'ultimaker_s3' }] }] });
		const id = [...emu.state.clusters.keys()][0]!;
		// An S5-sized print (330 mm wide) on an S3 (230 mm).
		const wide = gcode({ printTimeSeconds: 100 }).replace(';PRINT.SIZE.MAX.X:173.7', ';PRINT.SIZE.MAX.X:320');
		await emu.client.sendPrint(id, await emu.client.uploadJob('wide tray', wide));
		const status = await emu.client.clusterStatus(id);
		expect(status.print_jobs[0].impediments_to_printing).toEqual([{ translation_key: 'does_not_fit_in_build_volume', severity: 3 }]);
		expectSameShape(status, 'status');
	});

	test('the print answer: recorded keys by default, the documented ones on request, an empty id by fault', async () => {
		const jobId = await emu.client.uploadJob('clip', gcode({ printTimeSeconds: 60 }));
		const id = [...emu.state.clusters.keys()][0]!;
		const recorded = await emu.client.sendPrint(id, jobId);
		expect(Object.keys(recorded).sort()).toEqual(['cluster_job_id', 'job_id', 'status']);
		expectSameShape(recorded, 'print');
		await emu.client.addFault({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'blankPrintId' });
		const blank = await emu.client.sendPrint(id, jobId);
		expect(blank).toEqual({ cluster_job_id: '', job_id: jobId, status: 'queued' });
		expectSameShape(blank, 'print');

		const documented = await startEmulator({ port: 0, seed: 'contract-doc', speed: 0, printResponse: 'documented', farm: [{ printers: [{ type: 'ultimaker_s5' }] }] });
		try {
			const docJob = await documented.client.uploadJob('clip', gcode({ printTimeSeconds: 60 }));
			const answer = await documented.client.sendPrint([...documented.state.clusters.keys()][0]!, docJob);
			expect(answer.job_instance_uuid).toBe(answer.cluster_job_id);
			expectSameShape(answer, 'print');
		} finally {
			await documented.close();
		}
	});

	test('the upload registration and the uploaded job', async () => {
		const body = gcode({ printTimeSeconds: 60 });
		const registered = await emu.client.registerJob({ job_name: 'bracket v3', file_size: Buffer.byteLength(body) });
		expectSameShape(registered, 'upload');
		expect(registered.upload_url).toMatch(/\/upload\/storage\/v1\/b\/[^/]+\/o\?uploadType=resumable&upload_id=/);
		expect(typeof registered.status_description).toBe('string');
		await emu.client.putToStorage(registered.upload_url, body, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
		const uploaded = await emu.client.data('GET', `/cura/v1/jobs/${encodeURIComponent(registered.job_id)}`);
		expect(uploaded.status).toBe('uploaded');
		expectSameShape(uploaded, 'upload');
	});

	test('the comparison catches drift: a renamed key, a wrong type, a null where none is allowed, an undeclared key', () => {
		const [printer] = FIXTURES.status.flatMap((s) => (s as Rendered).printers) as Rendered[];
		const renamed = { ...printer, reserved_by: undefined, reservedBy: '' };
		delete renamed.reserved_by;
		expect(compare(renamed, lookup('status.printers[]'), 'status.printers[]').map((m) => m.path)).toEqual(
			expect.arrayContaining(['status.printers[].reserved_by', 'status.printers[].reservedBy']),
		);
		const job = (FIXTURES.status[0] as Rendered).print_jobs[1];
		expect(compare({ ...job, last_seen: 500 }, lookup('status.print_jobs[]'), 'status.print_jobs[]')).toEqual([
			expect.objectContaining({ path: 'status.print_jobs[].last_seen', problem: expect.stringContaining('integer') }),
		]);
		expect(compare({ ...job, owner: null }, lookup('status.print_jobs[]'), 'status.print_jobs[]')).toHaveLength(1);
		expect(compare({ ...job, printer_uuid: null }, lookup('status.print_jobs[]'), 'status.print_jobs[]')).toEqual([]);
	});
});
