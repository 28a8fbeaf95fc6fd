/** The table generator's reading of material files: names, GUID and Cura's compatibility inheritance. */
import { readMaterial, render } from '../../../scripts/generate-materials';

/** A material file written for this test in the fdm_material format (not one of UltiMaker's). */
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a test material -->
<fdmmaterial xmlns="http://www.ultimaker.com/material" xmlns:cura="http://www.ultimaker.com/cura" version="1.3">
  <metadata>
    <name><brand>Test &amp; Co</brand><material>PLA</material><color>Blue</color></name>
    <GUID>AAAAAAAA-1111-4222-8333-444444444444</GUID>
  </metadata>
  <settings>
    <setting key="print temperature">200</setting>
    <setting key="hardware compatible">no</setting>
    <machine>
      <machine_identifier manufacturer="Ultimaker B.V." product="Ultimaker S5" />
      <machine_identifier manufacturer="Ultimaker B.V." product="Ultimaker S7" />
      <setting key="hardware compatible">yes</setting>
      <hotend id="AA 0.4" />
      <hotend id="BB 0.4"><setting key="hardware compatible">no</setting></hotend>
      <hotend id="CC 0.6"><cura:setting key="hardware compatible">no</cura:setting></hotend>
      <hotend id="AA 0.8"><setting key="hardware compatible">unknown</setting></hotend>
    </machine>
    <machine>
      <machine_identifier manufacturer="Ultimaker B.V." product="Ultimaker 3" />
      <hotend id="AA 0.4" />
    </machine>
    <machine>
      <machine_identifier manufacturer="Creality" product="Ender 3" />
      <hotend id="0.4mm" />
    </machine>
  </settings>
</fdmmaterial>`;

describe('scripts/generate-materials.ts', () => {
	const material = readMaterial('test.xml.fdm_material', XML);

	it('reads name, GUID (lower-cased) and entities', () => {
		expect(material).toMatchObject({
			guid: 'aaaaaaaa-1111-4222-8333-444444444444',
			brand: 'Test & Co',
			material: 'PLA',
			color: 'Blue',
			label: '',
		});
	});

	it('applies Cura’s inheritance: material-wide → machine → hotend; "unknown" counts as compatible', () => {
		const s5 = material.machines.get('Ultimaker S5')!;
		expect(s5.compatible).toBe(true);
		expect(Object.fromEntries(s5.hotends)).toEqual({
			'AA 0.4': true,
			'BB 0.4': false,
			'CC 0.6': true,
			'AA 0.8': true,
		});
		expect(material.machines.get('Ultimaker S7')).toEqual(s5);
		// No machine-level setting: the material-wide "no" is inherited by a hotend listed without a setting.
		expect(Object.fromEntries(material.machines.get('Ultimaker 3')!.hotends)).toEqual({ 'AA 0.4': false });
	});

	it('keeps only UltiMaker machines', () => {
		expect([...material.machines.keys()]).toEqual(['Ultimaker S5', 'Ultimaker S7', 'Ultimaker 3']);
	});

	it('renders a table with its source commit, interning products and profiles', () => {
		const text = render({ commit: 'f'.repeat(40), committedAt: '2026-01-01T00:00:00Z', files: [] }, [
			material,
		]);
		expect(text).toContain(`commit ${'f'.repeat(40)}`);
		expect(text).toContain("'aaaaaaaa-1111-4222-8333-444444444444': ['Test & Co', 'PLA', 'Blue', '']");
		expect(text).toContain("'1|AA 0.4=1,AA 0.8=1,BB 0.4=0,CC 0.6=1'");
		expect(text).toContain("'0|AA 0.4=0'");
	});

	it('refuses unbalanced XML', () => {
		expect(() => readMaterial('bad.xml', '<fdmmaterial><metadata></fdmmaterial>')).toThrow(/unbalanced/);
	});
});
