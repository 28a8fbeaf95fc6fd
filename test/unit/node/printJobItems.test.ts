/**
 * Get cluster status's print-job items against Ultimaker's recorded shapes (test/fixtures/ultimaker): what blocks
 * a job in plain words, both blocking lists always present, and the order reference read from the name.
 */
import { blockedReason, describeChange, describeImpediment, printJobItem } from '../../../nodes/UltimakerDigitalFactory/core/status/printJobs';
import { splitStatus } from '../../../nodes/UltimakerDigitalFactory/core/status/statusItems';
import type { ApiClusterStatus } from '../../../nodes/UltimakerDigitalFactory/core/status/model';
import fixture from '../../fixtures/ultimaker/cluster-status.json';

const status = fixture.data as unknown as ApiClusterStatus;
const CLUSTER = 'mT4qX9aLz2Rk7VwPc1HsN8yBd3JfUe6GoQ0iKl5rYtE=';
const byName = (items: Array<Record<string, unknown>>) => Object.fromEntries(items.map((item) => [item.name as string, item]));

describe('print-job items from a recorded status', () => {
	it('one item per print job: the API fields, cluster_id, generated_time, both lists, blocked_reason, reference', () => {
		const items = splitStatus(status, CLUSTER, 'printJobs');
		expect(items).toHaveLength(4);
		for (const [index, item] of items.entries()) {
			const recorded = fixture.data.print_jobs[index] as Record<string, unknown>;
			expect(item).toMatchObject(recorded);
			expect(item).toMatchObject({ cluster_id: CLUSTER, generated_time: fixture.data.generated_time, reference: null });
			expect(Array.isArray(item.impediments_to_printing)).toBe(true);
			expect(Array.isArray(item.configuration_changes_required)).toBe(true);
		}
		const jobs = byName(items);
		// The recorded queued job has neither list: they are added empty, and nothing blocks it.
		expect(fixture.data.print_jobs[1]).not.toHaveProperty('impediments_to_printing');
		expect(jobs['spare clip']).toMatchObject({ impediments_to_printing: [], configuration_changes_required: [], blocked_reason: null });
		expect(jobs['gearbox housing'].blocked_reason).toBeNull();
		expect(jobs['two-colour badge'].blocked_reason).toBe(
			'needs Ultimaker Tough PLA Black in extruder 1; Generic PLA is loaded — ' +
				'needs an AA 0.4 print core in extruder 2; a BB 0.4 is installed — ' +
				'needs Generic PLA in extruder 2; Ultimaker PVA Natural is loaded',
		);
		expect(jobs['full-bed tray'].blocked_reason).toBe('does not fit in the build volume');
	});

	it('the whole status (default output) carries the same print-job items and leaves printers as they are', () => {
		const [whole] = splitStatus(status, CLUSTER, 'none');
		expect(whole.printers).toEqual(fixture.data.printers);
		expect(whole.generated_time).toBe(fixture.data.generated_time);
		const perJob = splitStatus(status, CLUSTER, 'printJobs').map((job) => {
			const copy = { ...job };
			delete copy.cluster_id;
			delete copy.generated_time;
			return copy;
		});
		expect(whole.print_jobs).toEqual(perJob);
		expect(splitStatus({ generated_time: 'x' }, CLUSTER, 'none')).toEqual([{ generated_time: 'x' }]);
	});

	it('printers are split unchanged', () => {
		expect(splitStatus(status, CLUSTER, 'printers')).toEqual(
			fixture.data.printers.map((printer) => ({ ...printer, cluster_id: CLUSTER, generated_time: fixture.data.generated_time })),
		);
	});

	it('reads the order reference from the job name', () => {
		const job = { ...fixture.data.print_jobs[1], name: '[ref=SO-1001] spare clip' };
		expect(printJobItem(job)).toMatchObject({ name: '[ref=SO-1001] spare clip', reference: 'SO-1001' });
	});
});

describe('blocked reasons in words', () => {
	it('material changes name the materials from UltiMaker’s material database, by GUID first', () => {
		expect(
			describeChange({ type_of_change: 'material', index: 0, origin_id: '03f24266-0291-43c2-a6da-5211892a2699', origin_name: 'x', target_id: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9', target_name: 'y' }),
		).toBe('needs Generic PLA in extruder 1; Ultimaker Tough PLA Black is loaded');
		expect(describeChange({ type_of_change: 'material_change', index: 1, origin_id: 'not-a-guid', origin_name: 'Brand X Wood', target_id: 'unknown', target_name: 'Brand Y Silk' })).toBe(
			'needs Brand Y Silk in extruder 2; Brand X Wood is loaded',
		);
		expect(describeChange({ type_of_change: 'material_insert', index: 0, target_id: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9' })).toBe('needs Generic PLA in extruder 1; none is loaded');
	});

	it('print cores, build plates and changes of other kinds', () => {
		expect(describeChange({ type_of_change: 'print_core_change', index: 0, origin_name: 'BB 0.4', target_name: 'AA 0.4' })).toBe(
			'needs an AA 0.4 print core in extruder 1; a BB 0.4 is installed',
		);
		expect(describeChange({ type_of_change: 'print_core_change', index: 0, target_id: 'CC 0.6' })).toBe('needs a CC 0.6 print core in extruder 1; none is installed');
		expect(describeChange({ type_of_change: 'buildplate_change', target_name: 'glass', origin_name: 'aluminum' })).toBe(
			'needs a glass build plate; an aluminum build plate is in the printer',
		);
		expect(describeChange({ type_of_change: 'nozzle_swap', index: 2, target_name: 'HT 0.6' })).toBe('needs HT 0.6 (nozzle_swap) in extruder 3');
		expect(describeChange({})).toBe('needs a change (configuration change) in an extruder');
	});

	it('impediments: known keys in words, others with spaces; UNFIXABLE (Cura: error) says so', () => {
		expect(describeImpediment({ translation_key: 'does_not_fit_in_build_volume', severity: 3 })).toBe('does not fit in the build volume');
		expect(describeImpediment({ translation_key: 'printer_firmware_too_old', severity: 'UNFIXABLE' })).toBe('printer firmware too old (cannot be fixed at the printer)');
		expect(describeImpediment({})).toBe('cannot be printed (no reason given)');
		expect(describeImpediment({ translation_key: 'toString' })).toBe('toString');
	});

	it('no lists, empty lists or malformed entries: nothing blocks', () => {
		expect(blockedReason({})).toBeNull();
		expect(blockedReason({ impediments_to_printing: [], configuration_changes_required: [] })).toBeNull();
		expect(blockedReason({ impediments_to_printing: 'x', configuration_changes_required: [null, 3] })).toBeNull();
		expect(printJobItem({ uuid: 'u', impediments_to_printing: 'x' })).toMatchObject({ impediments_to_printing: [], configuration_changes_required: [] });
	});
});
