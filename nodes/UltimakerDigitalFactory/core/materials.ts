/**
 * Lookups in UltiMaker's material database (the generated table beside this file): readable names by GUID,
 * and whether a material is marked hardware compatible with a print core on a machine.
 */
import {
	COMPATIBILITY_PROFILES,
	MACHINE_PRODUCTS,
	MATERIAL_COMPATIBILITY,
	MATERIAL_DENSITIES,
	MATERIAL_ROWS,
	MATERIAL_SOURCE,
} from './materials.generated';

export { MATERIAL_SOURCE };

export interface MaterialRecord {
	guid: string;
	brand: string;
	material: string;
	color: string;
	/** `Generic PLA`, `Ultimaker Tough PLA Black`. */
	name: string;
}

/**
 * - `compatible` / `incompatible`: the database lists this print core for the machine and says so.
 * - `unlisted`: the machine is in the material's file but this print core is not (Cura does not offer it).
 * - `unknown`: the material, or the machine, is not in the database at all.
 */
export type CoreCompatibility = 'compatible' | 'incompatible' | 'unlisted' | 'unknown';

interface NameParts {
	brand?: string | null;
	material?: string | null;
	color?: string | null;
	label?: string | null;
}

/** Brand, then the label or material, then the colour unless it is "Generic": how printers and Cura name spools. */
export function readableMaterialName(parts: NameParts): string | null {
	const clean = (value: string | null | undefined) => (value ?? '').trim();
	const color = clean(parts.color);
	const body =
		clean(parts.label) ||
		[clean(parts.material), color.toLowerCase() === 'generic' ? '' : color].filter(Boolean).join(' ');
	const name = [clean(parts.brand), body].filter(Boolean).join(' ');
	return name === '' ? null : name;
}

export function normalizeGuid(guid: string): string {
	return guid.trim().toLowerCase();
}

export function findMaterial(guid: string): MaterialRecord | null {
	const key = normalizeGuid(guid);
	const row = MATERIAL_ROWS[key];
	if (!row) return null;
	const [brand, material, color, label] = row;
	return {
		guid: key,
		brand,
		material,
		color,
		name: readableMaterialName({ brand, material, color, label }) ?? key,
	};
}

/** The material's density in g/cm³ as its database file gives it (`<properties><density>`); null when unknown. */
export function materialDensity(guid: string): number | null {
	const key = normalizeGuid(guid);
	return Object.prototype.hasOwnProperty.call(MATERIAL_DENSITIES, key) ? MATERIAL_DENSITIES[key]! : null;
}

export function materialName(guid: string): string | null {
	return findMaterial(guid)?.name ?? null;
}

/** GUIDs whose readable name is exactly `name` (case-insensitive): for hints when a name is given instead. */
export function guidsNamed(name: string): string[] {
	const wanted = name.trim().toLowerCase();
	return Object.keys(MATERIAL_ROWS).filter((guid) => findMaterial(guid)?.name.toLowerCase() === wanted);
}

/**
 * Machine names compared the way people write them: case and spacing ignored, and the brand prefix too,
 * because Cura writes "UltiMaker Method X" where Digital Factory says "MakerBot Method X".
 */
export function machineKey(name: string): string {
	return name
		.trim()
		.toLowerCase()
		.replace(/\s+/g, ' ')
		.replace(/^(ultimaker|makerbot) /, '');
}

export function sameMachine(a: string, b: string): boolean {
	return machineKey(a) === machineKey(b);
}

export function printCoreKey(printCore: string): string {
	return printCore.trim().toUpperCase().replace(/\s+/g, ' ');
}

interface MachineVerdicts {
	compatible: boolean;
	/** Print core key → [id as written, verdict]. */
	hotends: Map<string, [string, boolean]>;
}

const parsedProfiles = new Map<number, MachineVerdicts>();
const byMaterial = new Map<string, Map<string, MachineVerdicts>>();

function profile(index: number): MachineVerdicts {
	let verdicts = parsedProfiles.get(index);
	if (!verdicts) {
		const [machine = '1', hotends = ''] = (COMPATIBILITY_PROFILES[index] ?? '').split('|');
		verdicts = { compatible: machine === '1', hotends: new Map() };
		for (const entry of hotends.split(',').filter(Boolean)) {
			const at = entry.lastIndexOf('=');
			const id = entry.slice(0, at);
			verdicts.hotends.set(printCoreKey(id), [id, entry.slice(at + 1) === '1']);
		}
		parsedProfiles.set(index, verdicts);
	}
	return verdicts;
}

function machinesOf(guid: string): Map<string, MachineVerdicts> | undefined {
	const key = normalizeGuid(guid);
	let machines = byMaterial.get(key);
	const pairs = MATERIAL_COMPATIBILITY[key];
	if (!machines && pairs) {
		machines = new Map();
		for (let at = 0; at + 1 < pairs.length; at += 2)
			machines.set(machineKey(MACHINE_PRODUCTS[pairs[at]!] ?? ''), profile(pairs[at + 1]!));
		byMaterial.set(key, machines);
	}
	return machines;
}

export function coreCompatibility(guid: string, machine: string, printCore: string): CoreCompatibility {
	const verdicts = machinesOf(guid)?.get(machineKey(machine));
	if (!verdicts) return 'unknown';
	const hotend = verdicts.hotends.get(printCoreKey(printCore));
	if (!hotend) return 'unlisted';
	return hotend[1] ? 'compatible' : 'incompatible';
}

/** Print cores the database marks compatible with this material on this machine (ids as written there). */
export function compatiblePrintCores(guid: string, machine: string): string[] {
	const verdicts = machinesOf(guid)?.get(machineKey(machine));
	if (!verdicts) return [];
	return [...verdicts.hotends.values()].filter(([, ok]) => ok).map(([id]) => id);
}
