/**
 * The farm situations real Digital Factory data shows: queued jobs pre-assigned to a printer by uuid, disabled
 * printers, jobs blocked by their printer's material or print core until forced or reconfigured, an impediment
 * nothing overrides, clusters without a friendly name, the active-clusters filter, and toolpaths uploaded as
 * .gcode.gz or UFP. Over real sockets, on a frozen virtual clock.
 */
import { DEFAULT_FARM, startEmulator } from '../../../emulator';
import type { ClusterSpec, Emulator, Rendered } from '../../../emulator';
import { PLA_GUID, gcodeHeader } from '../../fixtures/gcode';
import { gcodeGz, ufp } from '../../fixtures/toolpath';

const TOUGH_BLACK = '03f24266-0291-43c2-a6da-5211892a2699';
const toolpath = (options: Parameters<typeof gcodeHeader>[0] = {}) => `${gcodeHeader({ printTimeSeconds: 600, ...options })}G1 X1\n`;

describe('farm scenarios', () => {
	let emu: Emulator;
	const start = async (farm?: ClusterSpec[]) => {
		emu = await startEmulator({ port: 0, seed: 'scenarios', speed: 0, farm });
		return [...emu.state.clusters.keys()];
	};
	afterEach(() => emu.close());
	const jobs = async (clusterId: string) => (await emu.client.clusterStatus(clusterId)).print_jobs as Rendered[];
	const print = async (clusterId: string, name: string, bytes: string | Buffer = toolpath(), contentType = 'text/plain') =>
		(await emu.client.sendPrint(clusterId, await emu.client.uploadJob(name, bytes, contentType))).cluster_job_id as string;

	test('a queued job is pre-assigned to the printer that will take it (assigned_to = its uuid, printer_uuid null until it starts)', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s5' }] }]);
		const first = await print(clusterId!, 'first');
		const second = await print(clusterId!, 'second');
		const status = await emu.client.clusterStatus(clusterId!);
		const printer = status.printers[0];
		expect(printer.reserved_by).toBe(first);
		const [running, waiting] = status.print_jobs as Rendered[];
		expect(running).toMatchObject({ uuid: first, status: 'pre_print', printer_uuid: printer.uuid, assigned_to: printer.uuid });
		expect(waiting).toMatchObject({ uuid: second, status: 'queued', printer_uuid: null, assigned_to: printer.uuid });
		await emu.client.advanceClock(30 + 600 + 10);
		await emu.client.clearBuildPlate(printer.uuid);
		expect((await jobs(clusterId!)).find((j) => j.uuid === second)).toMatchObject({ status: 'pre_print', printer_uuid: printer.uuid });
	});

	test('in a cluster of several printers, queued jobs spread over the printers that fit; reserved_by is "" when free', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s5' }, { type: 'ultimaker_s5', materials: ['ULTIMAKER_TOUGH_PLA_BLACK'] }] }]);
		const status0 = await emu.client.clusterStatus(clusterId!);
		expect(status0.printers.map((p: Rendered) => p.reserved_by)).toEqual(['', '']);
		const [plain, black] = status0.printers as Rendered[];
		const a = await print(clusterId!, 'tough A', toolpath({ materialGuids: [TOUGH_BLACK] }));
		const b = await print(clusterId!, 'tough B', toolpath({ materialGuids: [TOUGH_BLACK] }));
		const c = await print(clusterId!, 'plain C');
		const byUuid = Object.fromEntries((await jobs(clusterId!)).map((j) => [j.uuid, j]));
		expect(byUuid[a]).toMatchObject({ status: 'pre_print', printer_uuid: black!.uuid });
		// B waits for the printer that has its material rather than the free one that does not.
		expect(byUuid[b]).toMatchObject({ status: 'queued', assigned_to: black!.uuid, configuration_changes_required: [] });
		expect(byUuid[c]).toMatchObject({ status: 'pre_print', printer_uuid: plain!.uuid });
	});

	test('a disabled printer takes no jobs; enabled again, it starts the queued one', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s5', enabled: false }] }]);
		const uuid = await print(clusterId!, 'waits');
		let status = await emu.client.clusterStatus(clusterId!);
		expect(status.printers[0]).toMatchObject({ enabled: false, status: 'idle', reserved_by: '' });
		expect(status.print_jobs[0]).toMatchObject({ uuid, status: 'queued', assigned_to: null, printer_uuid: null });
		await emu.client.updatePrinter(status.printers[0].uuid, { enabled: true });
		status = await emu.client.clusterStatus(clusterId!);
		expect(status.print_jobs[0]).toMatchObject({ uuid, status: 'pre_print', printer_uuid: status.printers[0].uuid });
	});

	test('material mismatch: the job waits with configuration_changes_required; force prints it', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s5', materials: ['PLA', 'PVA'] }] }]);
		const uuid = await print(clusterId!, 'black part', toolpath({ materialGuids: [TOUGH_BLACK] }));
		await emu.client.advanceClock(3600);
		const [job] = await jobs(clusterId!);
		expect(job).toMatchObject({ uuid, status: 'queued', force: false, printer_uuid: null, impediments_to_printing: [] });
		expect(job!.configuration).toEqual([
			{ extruder_index: 0, print_core_id: 'AA 0.4', material: { guid: TOUGH_BLACK, brand: 'Ultimaker', color: 'Black', material: 'Tough PLA' } },
		]);
		expect(job!.configuration_changes_required).toEqual([
			{ type_of_change: 'material', index: 0, target_id: TOUGH_BLACK, origin_id: PLA_GUID, target_name: 'Ultimaker Tough PLA Black', origin_name: 'Generic PLA' },
		]);
		await emu.client.printJobAction(clusterId!, uuid, 'force');
		expect((await jobs(clusterId!))[0]).toMatchObject({ uuid, status: 'pre_print', force: true, configuration_changes_required: [] });
	});

	test('print core mismatch: print_core_change; swapping the core through the control API lets it print', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s5', materials: ['PLA', 'PVA'], print_cores: ['BB 0.4', 'BB 0.4'] }] }]);
		const uuid = await print(clusterId!, 'needs AA');
		let [job] = await jobs(clusterId!);
		expect(job!.configuration_changes_required).toEqual([
			{ type_of_change: 'print_core_change', index: 0, target_id: 'AA 0.4', origin_id: 'BB 0.4', target_name: 'AA 0.4', origin_name: 'BB 0.4' },
		]);
		const printerUuid = (await emu.client.clusterStatus(clusterId!)).printers[0].uuid;
		await emu.client.updatePrinter(printerUuid, { configuration: [{ extruder_index: 0, print_core_id: 'AA 0.4' }] });
		[job] = await jobs(clusterId!);
		expect(job).toMatchObject({ uuid, status: 'pre_print', configuration_changes_required: [] });
	});

	test('an impediment (too large for the printer) blocks the job even when forced', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s3' }] }]);
		const tall = toolpath().replace(';PRINT.SIZE.MAX.Z:60.27', ';PRINT.SIZE.MAX.Z:290');
		const uuid = await print(clusterId!, 'tall vase', tall);
		await emu.client.printJobAction(clusterId!, uuid, 'force');
		await emu.client.advanceClock(600);
		expect((await jobs(clusterId!))[0]).toMatchObject({
			uuid,
			status: 'queued',
			force: true,
			impediments_to_printing: [{ translation_key: 'does_not_fit_in_build_volume', severity: 3 }],
		});
	});

	test('the default farm mixes variants and configurations: a Generic PLA / AA 0.4 toolpath prints only on the first cluster', async () => {
		const ids = await start();
		expect(DEFAULT_FARM).toHaveLength(4);
		for (const id of ids) await print(id, 'pla part');
		const first = await Promise.all(ids.map(async (id) => (await jobs(id))[0]!));
		expect(first.map((j) => j.status)).toEqual(['pre_print', 'queued', 'queued', 'queued']);
		expect(first.map((j) => j.configuration_changes_required.map((c: Rendered) => `${c.type_of_change}:${c.index}`))).toEqual([
			[],
			['material:0'],
			['print_core_change:0', 'material:0'],
			['print_core_change:0'],
		]);
		const variants = await Promise.all(ids.map(async (id) => (await emu.client.clusterStatus(id)).printers[0].machine_variant));
		expect(variants).toEqual(['Ultimaker S5', 'Ultimaker S5', 'Ultimaker S7', 'MakerBot Method XL']);
	});

	test('.gcode.gz and UFP uploads: the emulator reads their header (time, cores, materials)', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s5', materials: ['PLA', 'PLA'] }] }, { printers: [{ type: 'ultimaker_s5', materials: ['PLA', 'PLA'] }] }]);
		const second = [...emu.state.clusters.keys()][1]!;
		const text = toolpath({ printTimeSeconds: 4321, materialGuids: [PLA_GUID, PLA_GUID], printCores: ['AA 0.4', 'AA 0.8'] });
		await print(clusterId!, 'gz part', gcodeGz(text), 'application/gzip');
		await print(second, 'ufp part', ufp(text, { dataDescriptor: true }), 'application/x-ufp');
		for (const id of [clusterId!, second]) {
			const [job] = await jobs(id);
			expect(job).toMatchObject({ status: 'queued', time_total: 4321 });
			expect(job!.configuration.map((c: Rendered) => c.print_core_id)).toEqual(['AA 0.4', 'AA 0.8']);
			expect(job!.configuration_changes_required).toEqual([expect.objectContaining({ type_of_change: 'print_core_change', index: 1, target_id: 'AA 0.8', origin_id: 'BB 0.4' })]);
		}
	});

	test('clusters: no friendly_name when the farm gives none (control API can take it off); ?status=active leaves inactive ones out', async () => {
		const [named, plain] = await start([
			{ friendly_name: 'Lab', printers: [{ type: 'ultimaker_s5' }] },
			{ friendly_name: null, status: 'inactive', is_online: false, printers: [{ type: 'ultimaker_s5' }] },
		]);
		const all = await emu.client.clusters();
		expect(all.map((c) => c.cluster_id)).toEqual([named, plain]);
		expect(all[0]).toHaveProperty('friendly_name', 'Lab');
		expect(all[1]).not.toHaveProperty('friendly_name');
		expect(all[1]!.host_name).toMatch(/^ultimakersystem-[0-9a-f]{12}$/);
		const active = await emu.client.data<Rendered[]>('GET', '/connect/v1/clusters?status=active');
		expect(active.map((c) => c.cluster_id)).toEqual([named]);
		await emu.client.updateCluster(named!, { friendly_name: null });
		expect((await emu.client.clusters())[0]).not.toHaveProperty('friendly_name');
	});

	test('last_seen is a float of seconds that moves with the clock; network_error_count an int', async () => {
		const [clusterId] = await start([{ printers: [{ type: 'ultimaker_s5', enabled: false }] }]);
		await print(clusterId!, 'x');
		const before = (await jobs(clusterId!))[0]!;
		await emu.client.advanceClock(12);
		const after = (await jobs(clusterId!))[0]!;
		expect(Number.isInteger(before.last_seen)).toBe(false);
		expect(after.last_seen - before.last_seen).toBeCloseTo(12, 5);
		expect(after.network_error_count).toBe(0);
	});
});
