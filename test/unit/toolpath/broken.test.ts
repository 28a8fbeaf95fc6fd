/** Inspect toolpath refuses what is not a toolpath, is cut short, or states impossible values, with a specific code. */
import fc from 'fast-check';

import { inspectToolpath } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import { griffinGcode, griffinHeaderLines, tinyPng } from '../../fixtures/toolpaths';

const inspect = (content: string | Uint8Array, fileName = 'part.gcode', limits = {}) =>
	inspectToolpath(
		typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
		{ fileName },
		{ limits },
	);

describe('not a toolpath', () => {
	it.each([
		['an empty file', ''],
		['blank lines', '\n\n   \n'],
		['prose', 'Dear supplier,\nplease find the drawing attached.\n'],
		['JSON', '{"data": {"printers": []}}\n'],
		['a CSV', 'order,part,qty\n1001,bracket,4\n'],
	])('refuses %s', async (_what, content) => {
		await expect(inspect(content)).rejects.toMatchObject({ code: 'notToolpath' });
	});

	it('refuses a PNG and other binary data', async () => {
		await expect(inspect(tinyPng(), 'photo.gcode')).rejects.toMatchObject({ code: 'notToolpath' });
		await expect(inspect(new Uint8Array([0x3b, 0x41, 0x00, 0x42, 0x0a]))).rejects.toMatchObject({
			code: 'notToolpath',
			message: expect.stringContaining('binary data'),
		});
	});

	it('refuses a first line longer than any G-code line', async () => {
		await expect(inspect('G'.repeat(100_000))).rejects.toMatchObject({
			code: 'notToolpath',
			message: expect.stringContaining('longer than'),
		});
	});

	it('refuses random bytes, whatever they are (property)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 512 }), async (bytes) => {
				// Force binary content: a NUL in the first line, and no zip or gzip magic in front.
				const content = new Uint8Array([0x58, 0x00, ...bytes]);
				await expect(inspect(content)).rejects.toMatchObject({ code: 'notToolpath' });
			}),
			{ numRuns: 100 },
		);
	});
});

describe('a broken header', () => {
	it('is truncated when the file ends before ;END_OF_HEADER', async () => {
		const cut = griffinHeaderLines().slice(0, 9).join('\n');
		await expect(inspect(cut)).rejects.toMatchObject({
			code: 'truncatedHeader',
			message: expect.stringContaining('ends inside its header'),
		});
	});

	it('is truncated when a command comes before ;END_OF_HEADER', async () => {
		const lines = griffinHeaderLines();
		lines.splice(5, 0, 'G28');
		await expect(inspect(lines.join('\n'))).rejects.toMatchObject({
			code: 'truncatedHeader',
			message: expect.stringContaining('line 6 is a command'),
		});
	});

	it('is too long when ;END_OF_HEADER does not come within the scan limit', async () => {
		const lines = griffinHeaderLines();
		lines.splice(3, 0, ...Array.from({ length: 2000 }, (_, i) => `;PADDING.${i}:${'x'.repeat(40)}`));
		await expect(inspect(lines.join('\n'), 'part.gcode', { maxScanBytes: 64 * 1024 })).rejects.toMatchObject({
			code: 'headerTooLong',
		});
	});
});

describe('absurd values', () => {
	it.each([
		['a negative print time', { printTime: '-60' }, 'PRINT.TIME'],
		['a print time that is not a number', { printTime: 'NaN' }, 'PRINT.TIME'],
		['a print time of two years', { printTime: String(2 * 366 * 24 * 3600) }, 'PRINT.TIME'],
		['Infinity', { printTime: 'Infinity' }, 'PRINT.TIME'],
		['a number with a unit', { printTime: '5025s' }, 'PRINT.TIME'],
		[
			'a build volume of kilometres',
			{ sizeMax: ['173.7', '2000000', '60'] as [string, string, string] },
			'PRINT.SIZE.MAX.Y',
		],
		['min above max', { sizeMin: ['200', '6', '0.27'] as [string, string, string] }, 'PRINT.SIZE.MIN.X'],
		['a bed at 900 °C', { buildPlateTemperature: '900' }, 'BUILD_PLATE.INITIAL_TEMPERATURE'],
		['a nozzle of 0 mm', { extruders: [{ diameter: '0' }] }, 'EXTRUDER_TRAIN.0.NOZZLE.DIAMETER'],
		['a negative volume', { extruders: [{ volume: '-1' }] }, 'EXTRUDER_TRAIN.0.MATERIAL.VOLUME_USED'],
		['a nozzle at 5000 °C', { extruders: [{ temperature: '5000' }] }, 'EXTRUDER_TRAIN.0.INITIAL_TEMPERATURE'],
		['extruder train 99', { extruders: [{ index: 99 }] }, 'EXTRUDER_TRAIN.99'],
	])('refuses %s', async (_what, options, key) => {
		const error = await inspect(griffinGcode(options)).catch((caught: unknown) => caught);
		expect(error).toMatchObject({ code: 'absurdValue' });
		expect((error as Error).message).toContain(key);
		expect((error as { hint: string }).hint).toMatch(/must be/);
	});

	it('accepts every value a real print can have (property)', async () => {
		const number = (min: number, max: number) =>
			fc.double({ min, max, noNaN: true }).map((value) => Number(value.toFixed(3)) + 0); // + 0 turns -0 into 0, as String() does
		await fc.assert(
			fc.asyncProperty(
				number(0, 366 * 24 * 3600),
				number(0, 200),
				number(0.05, 5),
				number(0, 1e8),
				number(-500, 500),
				async (time, bed, nozzle, volume, x) => {
					const gcode = griffinGcode({
						printTime: String(time),
						buildPlateTemperature: String(bed),
						extruders: [{ diameter: String(nozzle), volume: String(volume) }],
						sizeMin: [String(x), '0', '0'],
						sizeMax: [String(x + 10), '10', '10'],
					});
					const { json } = await inspect(gcode);
					expect(json.print_time_seconds).toBe(time);
					expect(json.build_plate.initial_temperature).toBe(bed);
					expect(json.extruders[0]).toMatchObject({ nozzle_diameter: nozzle, material_volume_used: volume });
					expect(json.size.min.x).toBe(x);
				},
			),
			{ numRuns: 60 },
		);
	});
});
