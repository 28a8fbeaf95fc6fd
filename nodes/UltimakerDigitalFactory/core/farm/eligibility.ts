/**
 * Why a printer cannot take a job, in plain words. Every reason is listed, not only the first, so an
 * operator sees everything to change. Extruders are numbered from 1 in the words, as printers label them.
 */
import {
	coreCompatibility,
	findMaterial,
	materialName,
	normalizeGuid,
	printCoreKey,
	readableMaterialName,
	sameMachine,
} from '../materials';
import type { ApiMaterial, ApiPrintCore, ApiPrinterStatus } from '../status/model';
import type { ClusterSnapshot, ExtruderRequirement, JobRequirements } from './types';

export const OFFLINE = 'offline';
export const DISABLED = 'disabled';

/** Statuses in which a printer will not start a queued print until a person acts. */
const NEEDS_ATTENTION = new Set(['error', 'maintenance']);
const OFFLINE_STATUSES = new Set(['unreachable', 'offline']);

const article = (name: string) => (/^[aeiou]/i.test(name) ? 'an' : 'a');

function loadedGuid(material: ApiMaterial | null | undefined): string | null {
	if (!material || material.material === 'empty' || !material.guid) return null;
	return normalizeGuid(material.guid);
}

function loadedName(material: ApiMaterial): string {
	const guid = loadedGuid(material);
	return (guid && materialName(guid)) ?? readableMaterialName(material) ?? guid ?? 'an unknown material';
}

function wantedName(guid: string): string {
	return findMaterial(guid)?.name ?? `material ${guid}`;
}

function configurationFor(printer: ApiPrinterStatus, index: number): ApiPrintCore | undefined {
	const configuration = printer.configuration ?? [];
	return (
		configuration.find((entry) => entry.extruder_index === index) ??
		(configuration.every((entry) => entry.extruder_index == null) ? configuration[index] : undefined)
	);
}

function materialReason(
	loaded: ApiPrintCore,
	wanted: ExtruderRequirement,
	n: number,
): string | null {
	if (wanted.material_guid === null) return null;
	const guid = loadedGuid(loaded.material);
	if (guid === null)
		return `has no material loaded in extruder ${n}, the job needs ${wantedName(wanted.material_guid)}`;
	if (guid === wanted.material_guid) return null;
	return `loads ${loadedName(loaded.material!)} in extruder ${n}, the job needs ${wantedName(wanted.material_guid)}`;
}

/** With no core named, the loaded core must be one the material database marks compatible. */
function databaseCoreReason(
	core: string,
	wanted: ExtruderRequirement,
	machine: string,
	n: number,
): string | null {
	if (wanted.material_guid === null) return null;
	const material = wantedName(wanted.material_guid);
	const onMachine = `on ${article(machine)} ${machine}`;
	switch (coreCompatibility(wanted.material_guid, machine, core)) {
		case 'compatible':
			return null;
		case 'incompatible':
			return `has ${article(core)} ${core} print core in extruder ${n}, which the material database marks incompatible with ${material} ${onMachine}`;
		case 'unlisted':
			return `has ${article(core)} ${core} print core in extruder ${n}, which the material database does not list for ${material} ${onMachine}`;
		default:
			return `has ${article(core)} ${core} print core in extruder ${n}; the material database has nothing on ${material} ${onMachine}, so name the print core the job needs`;
	}
}

function coreReason(
	loaded: ApiPrintCore,
	wanted: ExtruderRequirement,
	machine: string,
	n: number,
): string | null {
	const core = (loaded.print_core_id ?? '').trim();
	if (core === '')
		return wanted.print_core === null && wanted.material_guid === null
			? null
			: `has no print core in extruder ${n}`;
	if (wanted.print_core === null) return databaseCoreReason(core, wanted, machine, n);
	if (printCoreKey(core) === printCoreKey(wanted.print_core)) return null;
	return `has ${article(core)} ${core} print core in extruder ${n}, the job needs ${wanted.print_core}`;
}

function extruderReasons(printer: ApiPrinterStatus, requirements: JobRequirements): string[] {
	const machine = printer.machine_variant ?? requirements.machine;
	return requirements.extruders.flatMap((wanted) => {
		const n = wanted.index + 1;
		const loaded = configurationFor(printer, wanted.index);
		if (!loaded) return [`has no extruder ${n}, the job uses it`];
		return [materialReason(loaded, wanted, n), coreReason(loaded, wanted, machine, n)].filter(
			(reason): reason is string => reason !== null,
		);
	});
}

/** `aluminum` and `aluminium` are one plate; the API's default is glass. */
function plateKey(type: string): string {
	return type
		.trim()
		.toLowerCase()
		.replace(/^aluminum$/, 'aluminium');
}

function buildPlateReason(printer: ApiPrinterStatus, wanted: string | null): string | null {
	if (wanted === null) return null;
	const loaded = printer.build_plate?.type || 'glass';
	return plateKey(loaded) === plateKey(wanted)
		? null
		: `has ${article(loaded)} ${loaded} build plate, the job needs ${wanted}`;
}

function availabilityReasons(cluster: ClusterSnapshot, printer: ApiPrinterStatus): string[] {
	const reasons: string[] = [];
	if (cluster.is_online === false || OFFLINE_STATUSES.has(printer.status ?? '')) reasons.push(OFFLINE);
	if (printer.enabled === false || printer.status === DISABLED) reasons.push(DISABLED);
	else if (NEEDS_ATTENTION.has(printer.status ?? ''))
		reasons.push(`needs attention at the printer (status ${printer.status})`);
	return reasons;
}

export function rejectionReasons(
	cluster: ClusterSnapshot,
	printer: ApiPrinterStatus,
	requirements: JobRequirements,
): string[] {
	const reasons = availabilityReasons(cluster, printer);
	const variant = printer.machine_variant ?? '';
	if (!sameMachine(variant, requirements.machine)) {
		reasons.push(
			variant === ''
				? `does not say which machine it is, the job is for ${article(requirements.machine)} ${requirements.machine}`
				: `is ${article(variant)} ${variant}, the job is for ${article(requirements.machine)} ${requirements.machine}`,
		);
	}
	reasons.push(...extruderReasons(printer, requirements));
	const plate = buildPlateReason(printer, requirements.build_plate);
	if (plate) reasons.push(plate);
	return reasons;
}
