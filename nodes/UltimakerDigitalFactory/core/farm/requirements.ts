/** A job's needs, from Find printer's `requirements` parameters or from an inspected toolpath. */
import type { ToolpathInspection } from '../toolpath/types';
import { findMaterial, guidsNamed, normalizeGuid } from '../materials';
import { RequirementsProblem } from './problems';
import type { ExtruderRequirement, JobRequirements } from './types';

export interface RequirementsParameters {
	/** e.g. `Ultimaker S5`. */
	machine?: string;
	/** Material GUIDs by extruder, comma-separated; an empty entry = that extruder is unused. */
	materials?: string;
	/** Print core names by extruder, comma-separated (`AA 0.4,BB 0.4`); an empty entry = any compatible core. */
	printCores?: string;
	/** Build plate type; empty = any. */
	buildPlate?: string;
}

/** CuraEngine's MAX_EXTRUDERS. */
const MAX_EXTRUDERS = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `AA 0.4`, `AA+ 0.4`, `CC 0.6`, `HT 0.6`, `1XA`, `LABS`: letters, digits, `+`, `.`, `-`, spaces. */
const PRINT_CORE = /^[A-Za-z0-9+.\- ]{1,40}$/;
const EXAMPLE_GUID = '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9';

const entriesOf = (list: string | undefined) => (list ?? '').split(',').map((entry) => entry.trim());

function guidHint(entry: string): string {
	const named = guidsNamed(entry);
	if (named.length > 0)
		return `"${entry}" is a material name; its GUID is ${named.join(' or ')}. Enter GUIDs, comma-separated by extruder.`;
	return `Enter material GUIDs comma-separated by extruder, e.g. ${EXAMPLE_GUID} for Generic PLA, with an empty entry for an unused extruder (",${EXAMPLE_GUID}" uses only extruder 2).`;
}

function parseMaterial(entry: string, position: number): string | null {
	if (entry === '') return null;
	if (UUID.test(entry) || findMaterial(entry)) return normalizeGuid(entry);
	throw new RequirementsProblem(
		'invalidMaterialGuid',
		`Materials entry ${position + 1} ("${entry}") is not a material GUID`,
		guidHint(entry),
	);
}

function parsePrintCore(entry: string, position: number): string | null {
	if (entry === '') return null;
	if (PRINT_CORE.test(entry)) return entry.replace(/\s+/g, ' ');
	throw new RequirementsProblem(
		'invalidPrintCore',
		`Print cores entry ${position + 1} ("${entry}") is not a print core name`,
		'Enter print core names as the printer shows them, comma-separated by extruder, e.g. "AA 0.4,BB 0.4"; leave an entry empty for any compatible core.',
	);
}

function checkCounts(materials: string[], cores: string[]): void {
	if (Math.max(materials.length, cores.length) > MAX_EXTRUDERS) {
		throw new RequirementsProblem(
			'tooManyExtruders',
			`More than ${MAX_EXTRUDERS} extruders given`,
			'Give one comma-separated entry per extruder of the printer.',
		);
	}
	const coreWithoutMaterial = cores.findIndex(
		(core, index) => core !== '' && (materials[index] ?? '') === '',
	);
	if (coreWithoutMaterial >= 0) {
		throw new RequirementsProblem(
			'printCoreWithoutMaterial',
			`Print cores names a core for extruder ${coreWithoutMaterial + 1}, but Materials leaves that extruder unused`,
			'An extruder is used when Materials gives it a GUID. Add the material for that extruder, or remove its print core.',
		);
	}
}

export function parseRequirements(parameters: RequirementsParameters): JobRequirements {
	const machine = (parameters.machine ?? '').trim().replace(/\s+/g, ' ');
	if (machine === '') {
		throw new RequirementsProblem(
			'missingMachine',
			'Machine is empty',
			'Enter the printer model the job was sliced for, as Digital Factory names it, e.g. "Ultimaker S5".',
		);
	}
	const materials = entriesOf(parameters.materials);
	const cores = (parameters.printCores ?? '').trim() === '' ? [] : entriesOf(parameters.printCores);
	checkCounts(materials, cores);
	const extruders: ExtruderRequirement[] = [];
	materials.forEach((entry, index) => {
		const material_guid = parseMaterial(entry, index);
		if (material_guid !== null)
			extruders.push({ index, material_guid, print_core: parsePrintCore(cores[index] ?? '', index) });
	});
	if (extruders.length === 0) {
		throw new RequirementsProblem('noMaterials', 'Materials names no material', guidHint(''));
	}
	const buildPlate = (parameters.buildPlate ?? '').trim();
	return { machine, extruders, build_plate: buildPlate === '' ? null : buildPlate };
}

/** The needs a toolpath states in its header. A toolpath without a Griffin header states none. */
export function requirementsFromInspection(inspection: ToolpathInspection): JobRequirements {
	const file = inspection.file_name;
	if (inspection.machine === null) {
		throw new RequirementsProblem(
			'toolpathWithoutRequirements',
			`"${file}" does not say which machine it is for${inspection.flavor === null ? '' : ` (${inspection.flavor} flavour, no Griffin header)`}`,
			'Slice it for an UltiMaker printer in Cura, or use Source = Requirements and enter the machine, materials and print cores.',
		);
	}
	const extruders = inspection.extruders.map(({ index, material_guid, print_core }) => ({
		index,
		material_guid: material_guid === null ? null : normalizeGuid(material_guid),
		print_core,
	}));
	if (extruders.length === 0) {
		throw new RequirementsProblem(
			'toolpathWithoutRequirements',
			`"${file}" names no extruder in its header`,
			'Slice the model again in Cura, or use Source = Requirements and enter the materials and print cores.',
		);
	}
	return { machine: inspection.machine, extruders, build_plate: inspection.build_plate.type };
}
