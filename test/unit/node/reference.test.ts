/** The order reference in the job name: the documented encoding, reversible for every name and reference. */
import fc from 'fast-check';

import {
	checkReference,
	escapeReference,
	MAX_REFERENCE_LENGTH,
	nameWithReference,
	referenceOf,
	splitReference,
} from '../../../nodes/UltimakerDigitalFactory/core/reference';

describe('order reference in the job name', () => {
	it('puts the reference in front, readable when it is a plain order number', () => {
		expect(nameWithReference('bracket.gcode', 'SO-1001')).toBe('[ref=SO-1001] bracket.gcode');
		expect(nameWithReference('bracket.gcode', 'PO 7/2')).toBe('[ref=PO%207%2F2] bracket.gcode');
		expect(nameWithReference('bracket.gcode', null)).toBe('bracket.gcode');
	});

	it('escapes every character that could end the marker, start an extension or trouble a file system', () => {
		expect(escapeReference('a]b.c:d\\e/f%g[h')).toBe('a%5Db%2Ec%3Ad%5Ce%2Ff%25g%5Bh');
		expect(escapeReference('Bestellung Nr. 7 – Müller')).toBe('Bestellung%20Nr%2E%207%20%E2%80%93%20M%C3%BCller');
		expect(escapeReference('SO_1001-b')).toBe('SO_1001-b');
	});

	it('survives an extension being stripped (Cura registers splitext(name)[0]) and a name cut at the end', () => {
		const name = nameWithReference('bracket v1.2.gcode', 'SO.1001');
		const stripped = name.slice(0, name.lastIndexOf('.'));
		expect(splitReference(stripped)).toEqual({ reference: 'SO.1001', name: 'bracket v1.2' });
		expect(referenceOf(name.slice(0, name.indexOf('] ') + 4))).toBe('SO.1001');
	});

	it('never reads a reference into a name that only looks like one, and gives such names back unchanged', () => {
		expect(nameWithReference('[ref=draft] part.gcode', null)).toBe('[ref=] [ref=draft] part.gcode');
		expect(splitReference('[ref=] [ref=draft] part.gcode')).toEqual({ reference: null, name: '[ref=draft] part.gcode' });
		expect(splitReference(nameWithReference('[ref=draft] part.gcode', 'SO-1'))).toEqual({ reference: 'SO-1', name: '[ref=draft] part.gcode' });
		for (const name of ['[ref=SO-1]part.gcode', '[ref=a.b] part', '[ref=%ZZ] part', '[ref=%C3] part', '[REF=x] part', 'part [ref=x] ']) {
			expect(splitReference(name)).toEqual({ reference: null, name });
		}
	});

	it('names of jobs uploaded by others: a name in the marker form is read as carrying that reference', () => {
		expect(referenceOf('[ref=SO-9] from-cura')).toBe('SO-9');
		expect(referenceOf(undefined)).toBeNull();
		expect(referenceOf(42)).toBeNull();
	});

	it('property: decode(encode(name, reference)) gives both back, for any name and reference', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.option(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })), (name, reference) => {
				expect(splitReference(nameWithReference(name, reference))).toEqual({ name, reference: reference ?? null });
			}),
			{ numRuns: 2000 },
		);
		// Names built from the marker's own characters, the adversarial case.
		const tricky = fc.string({ unit: fc.constantFrom('[', 'r', 'e', 'f', '=', ']', ' ', '%', '2', '0', '.'), maxLength: 16 });
		fc.assert(
			fc.property(tricky, fc.option(tricky.filter((text) => text.length > 0)), (name, reference) => {
				expect(splitReference(nameWithReference(name, reference))).toEqual({ name, reference: reference ?? null });
			}),
			{ numRuns: 2000 },
		);
	});

	it('checks the parameter: trimmed, empty = none, one line, bounded', () => {
		expect(checkReference('  SO-1001 ')).toEqual({ ok: true, value: 'SO-1001' });
		expect(checkReference('')).toEqual({ ok: true, value: null });
		expect(checkReference(undefined)).toEqual({ ok: true, value: null });
		expect(checkReference(1001)).toEqual({ ok: true, value: '1001' });
		expect(checkReference('SO\n1001')).toMatchObject({ ok: false, message: expect.stringContaining('line break') });
		expect(checkReference('x'.repeat(MAX_REFERENCE_LENGTH + 1))).toMatchObject({ ok: false, message: expect.stringContaining('longer than 64') });
		expect(checkReference({ id: 1 })).toMatchObject({ ok: false, message: 'Reference must be text' });
	});
});
