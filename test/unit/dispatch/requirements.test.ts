/** Find printer's `requirements` parameters, and the requirements an inspected toolpath states. */
import {
	parseRequirements,
	RequirementsProblem,
	requirementsFromInspection,
} from '../../../nodes/UltimakerDigitalFactory/core/farm';
import { inspectToolpath } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import { GUID, griffinGcode, marlinGcode } from '../../fixtures/toolpaths';

describe('parseRequirements', () => {
	it('reads machine, materials by extruder and print cores', () => {
		expect(
			parseRequirements({
				machine: ' Ultimaker  S5 ',
				materials: `${GUID.genericPla}, ${GUID.genericPva.toUpperCase()}`,
				printCores: 'AA 0.4,BB 0.4',
			}),
		).toEqual({
			machine: 'Ultimaker S5',
			extruders: [
				{ index: 0, material_guid: GUID.genericPla, print_core: 'AA 0.4' },
				{ index: 1, material_guid: GUID.genericPva, print_core: 'BB 0.4' },
			],
			build_plate: null,
		});
	});

	it('treats an empty materials entry as an unused extruder, an empty core as "any compatible"', () => {
		expect(
			parseRequirements({ machine: 'Ultimaker S5', materials: `,${GUID.genericPla}`, printCores: '' }),
		).toMatchObject({
			extruders: [{ index: 1, material_guid: GUID.genericPla, print_core: null }],
		});
		expect(
			parseRequirements({
				machine: 'Ultimaker S5',
				materials: `${GUID.genericPla},${GUID.genericPva}`,
				printCores: ',BB 0.4',
			}).extruders,
		).toEqual([
			{ index: 0, material_guid: GUID.genericPla, print_core: null },
			{ index: 1, material_guid: GUID.genericPva, print_core: 'BB 0.4' },
		]);
	});

	it('keeps a build plate when one is given', () => {
		expect(
			parseRequirements({ machine: 'Ultimaker S5', materials: GUID.genericPla, buildPlate: 'glass' })
				.build_plate,
		).toBe('glass');
	});

	it.each([
		['no machine', { materials: GUID.genericPla }, 'missingMachine', /Machine is empty/],
		[
			'only empty materials entries',
			{ machine: 'Ultimaker S5', materials: ' , ' },
			'noMaterials',
			/names no material/,
		],
		['no materials at all', { machine: 'Ultimaker S5' }, 'noMaterials', /names no material/],
		[
			'a material name',
			{ machine: 'Ultimaker S5', materials: 'PLA' },
			'invalidMaterialGuid',
			/entry 1 \("PLA"\) is not a material GUID/,
		],
		[
			'half a GUID',
			{ machine: 'Ultimaker S5', materials: `${GUID.genericPla},506c9f0d` },
			'invalidMaterialGuid',
			/entry 2/,
		],
		[
			'a print core with odd characters',
			{ machine: 'Ultimaker S5', materials: GUID.genericPla, printCores: 'AA 0.4;BB' },
			'invalidPrintCore',
			/entry 1/,
		],
		[
			'a core for an unused extruder',
			{ machine: 'Ultimaker S5', materials: GUID.genericPla, printCores: 'AA 0.4,BB 0.4' },
			'printCoreWithoutMaterial',
			/extruder 2/,
		],
		[
			'17 extruders',
			{ machine: 'Ultimaker S5', materials: Array(17).fill(GUID.genericPla).join(',') },
			'tooManyExtruders',
			/16/,
		],
	])('refuses %s', (_what, parameters, code, message) => {
		const error = (() => {
			try {
				parseRequirements(parameters);
			} catch (caught) {
				return caught;
			}
			return undefined;
		})();
		expect(error).toBeInstanceOf(RequirementsProblem);
		expect(error).toMatchObject({ code, message: expect.stringMatching(message), hint: expect.any(String) });
	});

	it('hints at the GUID when a material name is entered', () => {
		expect(() => parseRequirements({ machine: 'Ultimaker S5', materials: 'Generic PLA' })).toThrow(
			expect.objectContaining({ hint: expect.stringContaining(GUID.genericPla) }),
		);
	});
});

describe('requirementsFromInspection', () => {
	it('takes machine, each extruder’s GUID and core, and the build plate from the header', async () => {
		const { json } = await inspectToolpath(
			Buffer.from(
				griffinGcode({
					machine: 'Ultimaker S3',
					buildPlateType: 'glass',
					extruders: [
						{ guid: GUID.ultimakerToughPlaBlack.toUpperCase() },
						{ index: 1, guid: GUID.genericPva, core: 'BB 0.4' },
					],
				}),
			),
			{ fileName: 'a.gcode' },
		);
		expect(requirementsFromInspection(json)).toEqual({
			machine: 'Ultimaker S3',
			extruders: [
				{ index: 0, material_guid: GUID.ultimakerToughPlaBlack, print_core: 'AA 0.4' },
				{ index: 1, material_guid: GUID.genericPva, print_core: 'BB 0.4' },
			],
			build_plate: 'glass',
		});
	});

	it('refuses a toolpath without a Griffin header, naming its flavour', async () => {
		const { json } = await inspectToolpath(Buffer.from(marlinGcode()), { fileName: 'ender.gcode' });
		expect(() => requirementsFromInspection(json)).toThrow(
			expect.objectContaining({
				code: 'toolpathWithoutRequirements',
				message: expect.stringContaining('Marlin flavour'),
			}),
		);
	});

	it('refuses a Griffin header that names no extruder', async () => {
		const { json } = await inspectToolpath(Buffer.from(griffinGcode({ extruders: [] })), {
			fileName: 'a.gcode',
		});
		expect(() => requirementsFromInspection(json)).toThrow(
			expect.objectContaining({ code: 'toolpathWithoutRequirements' }),
		);
	});
});
