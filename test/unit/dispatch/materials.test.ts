/** The generated material table, checked against facts of UltiMaker's material database. */
import {
	compatiblePrintCores,
	coreCompatibility,
	findMaterial,
	machineKey,
	MATERIAL_SOURCE,
	materialName,
	readableMaterialName,
	sameMachine,
} from '../../../nodes/UltimakerDigitalFactory/core/farm';
import {
	COMPATIBILITY_PROFILES,
	MACHINE_PRODUCTS,
	MATERIAL_COMPATIBILITY,
	MATERIAL_ROWS,
} from '../../../nodes/UltimakerDigitalFactory/core/materials.generated';
import { GUID } from '../../fixtures/toolpaths';

describe('material database table', () => {
	it('records the source commit', () => {
		expect(MATERIAL_SOURCE).toMatchObject({ repository: 'Ultimaker/fdm_materials', license: 'CC0-1.0' });
		expect(MATERIAL_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
	});

	it('has Generic PLA under its GUID', () => {
		expect(findMaterial(GUID.genericPla)).toEqual({
			guid: GUID.genericPla,
			brand: 'Generic',
			material: 'PLA',
			color: 'Generic',
			name: 'Generic PLA',
		});
		expect(materialName(GUID.genericPla.toUpperCase())).toBe('Generic PLA');
		expect(materialName(GUID.ultimakerToughPlaBlack)).toBe('Ultimaker Tough PLA Black');
		expect(materialName(GUID.unknown)).toBeNull();
	});

	it('marks Generic PLA on the Ultimaker S5 compatible with AA 0.25/0.4/0.8 and CC 0.6, and not with BB', () => {
		for (const core of ['AA 0.25', 'AA 0.4', 'AA 0.8', 'CC 0.6'])
			expect(coreCompatibility(GUID.genericPla, 'Ultimaker S5', core)).toBe('compatible');
		expect(coreCompatibility(GUID.genericPla, 'Ultimaker S5', 'BB 0.4')).not.toBe('compatible');
		expect(compatiblePrintCores(GUID.genericPla, 'Ultimaker S5')).toEqual(
			expect.arrayContaining(['AA 0.25', 'AA 0.4', 'AA 0.8', 'CC 0.6']),
		);
		expect(compatiblePrintCores(GUID.genericPla, 'Ultimaker S5')).not.toContain('BB 0.4');
	});

	it('marks PVA compatible with BB cores, and knows explicit "no" verdicts', () => {
		expect(coreCompatibility(GUID.genericPva, 'Ultimaker S5', 'BB 0.4')).toBe('compatible');
		const explicitNo = Object.entries(MATERIAL_COMPATIBILITY).some(([, pairs]) =>
			pairs.some((value, at) => at % 2 === 1 && /=0/.test(COMPATIBILITY_PROFILES[value]!)),
		);
		expect(explicitNo).toBe(true);
	});

	it('says unknown for materials or machines it does not have', () => {
		expect(coreCompatibility(GUID.unknown, 'Ultimaker S5', 'AA 0.4')).toBe('unknown');
		expect(coreCompatibility(GUID.genericPla, 'Prusa MK4', 'AA 0.4')).toBe('unknown');
		expect(compatiblePrintCores(GUID.unknown, 'Ultimaker S5')).toEqual([]);
	});

	it('compares print cores and machines the way people write them', () => {
		expect(coreCompatibility(GUID.genericPla, 'ultimaker  s5', 'aa 0.4')).toBe('compatible');
		expect(sameMachine('MakerBot Method X', 'UltiMaker Method X')).toBe(true);
		expect(sameMachine('Ultimaker S5', 'Ultimaker S3')).toBe(false);
		expect(machineKey(' UltiMaker  S7 ')).toBe('s7');
	});

	it('is internally consistent: every index points at a product and a profile', () => {
		for (const [guid, pairs] of Object.entries(MATERIAL_COMPATIBILITY)) {
			expect(MATERIAL_ROWS[guid]).toBeDefined();
			expect(pairs.length % 2).toBe(0);
			pairs.forEach((value, at) =>
				expect(at % 2 === 0 ? MACHINE_PRODUCTS[value] : COMPATIBILITY_PROFILES[value]).toBeDefined(),
			);
		}
		expect(Object.keys(MATERIAL_ROWS).length).toBeGreaterThan(250);
	});
});

describe('readableMaterialName', () => {
	it.each([
		[{ brand: 'Generic', material: 'PLA', color: 'Generic' }, 'Generic PLA'],
		[{ brand: 'Ultimaker', material: 'Tough PLA', color: 'Black' }, 'Ultimaker Tough PLA Black'],
		[
			{ brand: 'eMotionTech', material: 'PLA', color: 'Natural', label: 'PLA HR 870' },
			'eMotionTech PLA HR 870',
		],
		[{ brand: null, material: 'PETG', color: null }, 'PETG'],
		[{}, null],
	])('%j → %s', (parts, name) => {
		expect(readableMaterialName(parts)).toBe(name);
	});
});
