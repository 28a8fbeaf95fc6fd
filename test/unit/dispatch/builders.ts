/** Cluster snapshots shaped like Digital Factory's `/status` answers, for Find printer tests. */
import type { ClusterSnapshot, JobRequirements } from '../../../nodes/UltimakerDigitalFactory/core/farm';
// The API's types under Find printer's former names (public aliases in core/index).
import type { LoadedMaterial, PrinterStatus, PrintJobStatus } from '../../../nodes/UltimakerDigitalFactory/core';
import { GUID } from '../../fixtures/toolpaths';

export const MATERIALS = {
	genericPla: { guid: GUID.genericPla, brand: 'Generic', color: 'Generic', material: 'PLA' },
	toughPlaBlack: {
		guid: GUID.ultimakerToughPlaBlack,
		brand: 'Ultimaker',
		color: 'Black',
		material: 'Tough PLA',
	},
	genericPva: { guid: GUID.genericPva, brand: 'Generic', color: 'Generic', material: 'PVA' },
	empty: { guid: '', brand: '', color: '', material: 'empty' },
};

let counter = 0;

export function printer(
	overrides: Partial<PrinterStatus> & { cores?: string[]; loads?: Array<LoadedMaterial | null> } = {},
): PrinterStatus {
	counter++;
	const {
		cores = ['AA 0.4', 'BB 0.4'],
		loads = [MATERIALS.genericPla, MATERIALS.genericPva],
		...rest
	} = overrides;
	return {
		uuid: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
		friendly_name: `Printer ${counter}`,
		unique_name: `ultimakersystem-${counter}`,
		machine_variant: 'Ultimaker S5',
		status: 'idle',
		enabled: true,
		configuration: cores.map((core, index) => ({
			extruder_index: index,
			print_core_id: core,
			material: loads[index] ?? null,
		})),
		build_plate: { type: 'glass' },
		...rest,
	};
}

export function cluster(
	name: string,
	printers: PrinterStatus[],
	jobs: PrintJobStatus[] = [],
	overrides: Partial<ClusterSnapshot> = {},
): ClusterSnapshot {
	return {
		cluster_id: `id-${name}`,
		friendly_name: name,
		is_online: true,
		printers,
		print_jobs: jobs,
		...overrides,
	};
}

export function job(overrides: Partial<PrintJobStatus>): PrintJobStatus {
	counter++;
	return { uuid: `job-${counter}`, status: 'queued', time_total: 3600, time_elapsed: 0, ...overrides };
}

/** Generic PLA in extruder 1 on an Ultimaker S5, with an AA 0.4. */
export const PLA_JOB: JobRequirements = {
	machine: 'Ultimaker S5',
	extruders: [{ index: 0, material_guid: GUID.genericPla, print_core: 'AA 0.4' }],
	build_plate: null,
};
