/** Material weight and cost from a toolpath's volumes and the material database's densities (pure). */
import { materialDensity } from '../../../nodes/UltimakerDigitalFactory/core/materials';
import { MATERIAL_DENSITIES, MATERIAL_ROWS } from '../../../nodes/UltimakerDigitalFactory/core/materials.generated';
import { materialFigures, materialWeightGrams, parseMaterialPrices } from '../../../nodes/UltimakerDigitalFactory/core/toolpath/weight';
import type { ToolpathExtruder } from '../../../nodes/UltimakerDigitalFactory/core/toolpath/types';
import { readMaterial, render } from '../../../scripts/generate-materials';
import { GUID } from '../../fixtures/toolpaths';

const TOUGH_PLA_BLACK = '03f24266-0291-43c2-a6da-5211892a2699';

const extruder = (index: number, guid: string | null, volume: number | null): ToolpathExtruder => ({
	index,
	material_guid: guid,
	material: null,
	print_core: 'AA 0.4',
	nozzle_diameter: 0.4,
	material_volume_used: volume,
	initial_temperature: 210,
});

describe('densities from the material database', () => {
	it('has Generic PLA at 1.24 g/cm³ (generic_pla.xml.fdm_material <density>)', () => {
		expect(materialDensity(GUID.genericPla)).toBe(1.24);
		expect(materialDensity(GUID.genericPla.toUpperCase())).toBe(1.24);
	});

	it('knows no density for a GUID outside the database, nor for one whose file gives an impossible value', () => {
		expect(materialDensity('00000000-0000-0000-0000-000000000000')).toBeNull();
		expect(materialDensity('e0752072-a685-8721-dfd4-837075eb4f57')).toBeNull();
	});

	it('gives every density as a positive number, only for GUIDs in the table', () => {
		for (const [guid, density] of Object.entries(MATERIAL_DENSITIES)) {
			expect(MATERIAL_ROWS[guid]).toBeDefined();
			expect(density).toBeGreaterThan(0);
			expect(density).toBeLessThanOrEqual(25);
		}
	});

	it('the generator reads <properties><density>, and leaves a missing or odd one out', () => {
		const xml = (density: string) =>
			`<?xml version="1.0"?><fdmmaterial><metadata><name><brand>B</brand><material>PLA</material><color>Red</color></name><GUID>11111111-1111-1111-1111-111111111111</GUID></metadata><properties>${density}<diameter>2.85</diameter></properties><settings></settings></fdmmaterial>`;
		expect(readMaterial('a.xml.fdm_material', xml('<density>1.27</density>')).density).toBe(1.27);
		expect(readMaterial('a.xml.fdm_material', xml('')).density).toBeNull();
		expect(readMaterial('a.xml.fdm_material', xml('<density>heavy</density>')).density).toBeNull();
		expect(readMaterial('a.xml.fdm_material', xml('<density>0</density>')).density).toBeNull();
		// Eazao Clay's file writes 1600 (kg/m³, it seems): no unit is guessed, the density is unknown.
		expect(readMaterial('a.xml.fdm_material', xml('<density>1600</density>')).density).toBeNull();
		const text = render({ commit: 'c'.repeat(40), committedAt: 'now', files: [] }, [readMaterial('a.xml.fdm_material', xml('<density>1.27</density>'))]);
		expect(text).toContain("'11111111-1111-1111-1111-111111111111': 1.27,");
	});
});

describe('material weight', () => {
	it('is volume (mm³) / 1000 × density, to 0.01 g', () => {
		expect(materialWeightGrams(10_000, 1.24)).toBe(12.4);
		expect(materialWeightGrams(1234.5, 1.24)).toBe(1.53);
		expect(materialWeightGrams(null, 1.24)).toBeNull();
		expect(materialWeightGrams(1000, null)).toBeNull();
		expect(materialWeightGrams(-5, 1.24)).toBeNull();
	});

	it('per extruder and in total; a total with an unknown part is null, never a partial sum', () => {
		const known = materialFigures([extruder(0, GUID.genericPla, 10_000), extruder(1, TOUGH_PLA_BLACK, 5_000)]);
		expect(known.extruders.map((row) => row.material_weight_g)).toEqual([12.4, 6.2]);
		expect(known.total_material_weight_g).toBe(18.6);
		expect(known).not.toHaveProperty('estimated_material_cost');
		const unknown = materialFigures([extruder(0, GUID.genericPla, 10_000), extruder(1, 'not-a-guid', 5_000)]);
		expect(unknown.extruders[1]).toMatchObject({ material_density: null, material_weight_g: null });
		expect(unknown.total_material_weight_g).toBeNull();
		expect(materialFigures([extruder(0, null, 100)]).total_material_weight_g).toBeNull();
		expect(materialFigures([]).total_material_weight_g).toBeNull();
	});

	it('costs weight × price per kg; per-material prices (GUID or name) beat the price for all', () => {
		const extruders = [extruder(0, GUID.genericPla, 10_000), extruder(1, TOUGH_PLA_BLACK, 5_000)];
		const all = materialFigures(extruders, { all: 20 });
		expect(all.extruders.map((row) => row.estimated_material_cost)).toEqual([0.25, 0.12]);
		expect(all.estimated_material_cost).toBe(0.37);
		const mixed = materialFigures(extruders, { all: 20, byMaterial: { 'ultimaker tough pla black': 100 } });
		expect(mixed.extruders.map((row) => row.estimated_material_cost)).toEqual([0.25, 0.62]);
		const byGuid = materialFigures(extruders, { byMaterial: { [GUID.genericPla]: 30 } });
		expect(byGuid.extruders.map((row) => row.estimated_material_cost)).toEqual([0.37, null]);
		expect(byGuid.estimated_material_cost).toBeNull();
	});
});

describe('parseMaterialPrices', () => {
	it('reads name or GUID = price, separated by commas or new lines', () => {
		expect(parseMaterialPrices('Generic PLA=25,\n 03F24266-0291-43c2-a6da-5211892a2699 = 40.5')).toEqual({
			ok: true,
			value: { 'generic pla': 25, '03f24266-0291-43c2-a6da-5211892a2699': 40.5 },
		});
		expect(parseMaterialPrices('')).toEqual({ ok: true, value: {} });
		expect(parseMaterialPrices(undefined)).toEqual({ ok: true, value: {} });
	});

	it.each(['Generic PLA', '=25', 'PLA=', 'PLA=cheap', 'PLA=-1'])('refuses %j', (text) => {
		expect(parseMaterialPrices(text)).toMatchObject({ ok: false });
	});
});
