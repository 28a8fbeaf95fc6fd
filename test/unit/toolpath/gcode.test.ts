/** Inspect toolpath on plain G-code: the Griffin header as CuraEngine writes it, and G-code without one. */
import { inspectToolpath, ToolpathProblem } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import {
	countingStream,
	GUID,
	griffinGcode,
	griffinHeaderLines,
	marlinGcode,
	tinyPng,
} from '../../fixtures/toolpaths';

const inspect = (text: string, fileName = 'part.gcode') =>
	inspectToolpath(Buffer.from(text, 'utf8'), { fileName });

describe('Inspect toolpath: Griffin G-code', () => {
	it('outputs the contract shape with numbers as numbers', async () => {
		const { json, thumbnail } = await inspect(griffinGcode());
		expect(json).toEqual({
			file_name: 'part.gcode',
			content_type: 'text/plain',
			flavor: 'Griffin',
			generator: { name: 'Cura_SteamEngine', version: '5.7.2' },
			machine: 'Ultimaker S5',
			build_plate: { type: null, initial_temperature: 60 },
			print_time_seconds: 5025,
			extruders: [
				{
					index: 0,
					material_guid: GUID.genericPla,
					material: 'Generic PLA',
					print_core: 'AA 0.4',
					nozzle_diameter: 0.4,
					material_volume_used: 6410,
					initial_temperature: 205,
				},
			],
			size: { min: { x: 9, y: 6, z: 0.27 }, max: { x: 173.7, y: 170.6, z: 60.27 } },
			header_version: '0.1',
			format: 'gcode',
			has_thumbnail: false,
			notes: [],
		});
		expect(thumbnail).toBeNull();
	});

	it('reads every used extruder of a multi-extruder job, by its train number', async () => {
		const gcode = griffinGcode({
			machine: 'Ultimaker S7',
			extruders: [
				{ index: 0, guid: GUID.ultimakerToughPlaBlack, core: 'AA 0.4', volume: '12000', temperature: '215' },
				{
					index: 1,
					guid: GUID.genericPva,
					core: 'BB 0.4',
					diameter: '0.4',
					volume: '850',
					temperature: '175',
				},
			],
		});
		const { json } = await inspect(gcode);
		expect(json.machine).toBe('Ultimaker S7');
		expect(json.extruders).toEqual([
			expect.objectContaining({
				index: 0,
				material: 'Ultimaker Tough PLA Black',
				print_core: 'AA 0.4',
				material_volume_used: 12000,
				initial_temperature: 215,
			}),
			expect.objectContaining({
				index: 1,
				material_guid: GUID.genericPva,
				material: 'Generic PVA',
				print_core: 'BB 0.4',
				material_volume_used: 850,
			}),
		]);
	});

	it('lists only the extruders the header names (extruder 2 alone)', async () => {
		const { json } = await inspect(griffinGcode({ extruders: [{ index: 1, guid: GUID.genericPla }] }));
		expect(json.extruders.map((extruder) => extruder.index)).toEqual([1]);
	});

	it('gives null, not a guess, for keys the header does not have', async () => {
		const gcode = griffinGcode({
			omit: ['PRINT.TIME', 'GENERATOR.VERSION', 'PRINT.SIZE.MAX.Z', 'EXTRUDER_TRAIN.0.NOZZLE.NAME'],
			extruders: [{ guid: null }],
		});
		const { json } = await inspect(gcode);
		expect(json.print_time_seconds).toBeNull();
		expect(json.generator).toEqual({ name: 'Cura_SteamEngine', version: null });
		expect(json.size.max).toEqual({ x: 173.7, y: 170.6, z: null });
		expect(json.extruders[0]).toMatchObject({
			material_guid: null,
			material: null,
			print_core: null,
			nozzle_diameter: 0.4,
		});
	});

	it('names an unknown GUID null and keeps the GUID', async () => {
		const { json } = await inspect(griffinGcode({ extruders: [{ guid: GUID.unknown }] }));
		expect(json.extruders[0]).toMatchObject({ material_guid: GUID.unknown, material: null });
	});

	it('reads BUILD_PLATE.TYPE where Cura before 5.2 wrote it', async () => {
		const { json } = await inspect(griffinGcode({ buildPlateType: 'aluminum', buildPlateTemperature: '0' }));
		expect(json.build_plate).toEqual({ type: 'aluminum', initial_temperature: 0 });
	});

	it('reads the Cheetah flavour (Ultimaker S8), which has the same header', async () => {
		const { json } = await inspect(
			griffinGcode({ flavor: 'Cheetah', machine: 'Ultimaker S8', extruders: [{ core: 'AA+ 0.4' }] }),
		);
		expect(json).toMatchObject({ flavor: 'Cheetah', machine: 'Ultimaker S8', notes: [] });
		expect(json.extruders[0]!.print_core).toBe('AA+ 0.4');
	});

	it('reads Windows line endings', async () => {
		const { json } = await inspect(griffinGcode({ lineEnding: '\r\n' }));
		expect(json.machine).toBe('Ultimaker S5');
		expect(json.print_time_seconds).toBe(5025);
	});

	it('keeps scientific and signed numbers as numbers', async () => {
		const { json } = await inspect(griffinGcode({ sizeMin: ['-10.5', '+2', '1e-1'] }));
		expect(json.size.min).toEqual({ x: -10.5, y: 2, z: 0.1 });
	});

	it('decodes a Cura "Create Thumbnail" block after the header', async () => {
		const png = tinyPng(6);
		const { json, thumbnail } = await inspect(
			griffinGcode({ thumbnail: { png, width: 6, height: 6 } }),
			'bracket.gcode',
		);
		expect(json.has_thumbnail).toBe(true);
		expect(thumbnail).toMatchObject({ mimeType: 'image/png', fileName: 'bracket.png', width: 6, height: 6 });
		expect(Buffer.from(thumbnail!.data).equals(png)).toBe(true);
	});

	it('takes the largest of several thumbnail blocks, also in PrusaSlicer form (WxH, thumbnail_JPG)', async () => {
		const small = Buffer.from(tinyPng(2)).toString('base64');
		const large = Buffer.from(tinyPng(8)).toString('base64');
		const jpegLike = Buffer.from('not really a jpeg!').toString('base64');
		const gcode = [
			`; thumbnail begin 2x2 ${small.length}`,
			`; ${small}`,
			'; thumbnail end',
			`; thumbnail_JPG begin 3x3 ${jpegLike.length}`,
			`; ${jpegLike}`,
			'; thumbnail_JPG end',
			`; thumbnail begin 8x8 ${large.length}`,
			...large.match(/.{1,78}/g)!.map((line) => `; ${line}`),
			'; thumbnail end',
			'G28',
		].join('\n');
		const { json, thumbnail } = await inspect(gcode);
		expect(json.flavor).toBeNull();
		expect(thumbnail).toMatchObject({ width: 8, height: 8, mimeType: 'image/png' });
		expect(Buffer.from(thumbnail!.data).equals(tinyPng(8))).toBe(true);
	});

	it('leaves out a thumbnail block whose length does not match, with a note', async () => {
		const base64 = Buffer.from(tinyPng()).toString('base64');
		const lines = griffinGcode().split('\n');
		const at = lines.indexOf('T0');
		lines.splice(at, 0, `; thumbnail begin 4 4 ${base64.length + 8}`, `; ${base64}`, '; thumbnail end');
		const { json, thumbnail } = await inspect(lines.join('\n'));
		expect(thumbnail).toBeNull();
		expect(json.has_thumbnail).toBe(false);
		expect(json.notes).toEqual([
			expect.stringMatching(/thumbnail has \d+ base64 characters where its block declares \d+/),
		]);
		expect(json.machine).toBe('Ultimaker S5');
	});

	it('reads a streamed file only up to the first command after the header', async () => {
		const gcode = griffinGcode({ layers: 2000 });
		const stream = countingStream(Buffer.from(gcode), 4096);
		const { json } = await inspectToolpath(stream, { fileName: 'big.gcode' });
		expect(gcode.length).toBeGreaterThan(3_000_000);
		expect(json.print_time_seconds).toBe(5025);
		expect(stream.bytesDelivered).toBeLessThanOrEqual(3 * 4096);
	});

	it('says when the name does not match the content', async () => {
		const { json } = await inspect(griffinGcode(), 'part.ufp');
		expect(json.notes).toEqual([expect.stringContaining('named .ufp but holds plain G-code')]);
	});
});

describe('Inspect toolpath: G-code without a Griffin header', () => {
	it('outputs nulls with the flavour as found and a note (Marlin)', async () => {
		const { json } = await inspect(marlinGcode(), 'ender.gcode');
		expect(json).toMatchObject({
			flavor: 'Marlin',
			machine: null,
			generator: { name: null, version: null },
			build_plate: { type: null, initial_temperature: null },
			print_time_seconds: null,
			extruders: [],
			size: { min: { x: null, y: null, z: null }, max: { x: null, y: null, z: null } },
			format: 'gcode',
		});
		expect(json.notes).toEqual([
			expect.stringMatching(/Marlin-flavoured and has no Griffin\/Cheetah header/),
		]);
	});

	it('accepts plain commands without any comment (flavour null)', async () => {
		const { json } = await inspect('G28\nG1 X10 Y10 F3000\nM104 S0\n');
		expect(json.flavor).toBeNull();
		expect(json.notes[0]).toMatch(/names no flavour/);
	});

	it('treats a Griffin header block of another flavour as no Griffin header', async () => {
		const { json } = await inspect(griffinGcode({ flavor: 'RepRap' }));
		expect(json).toMatchObject({ flavor: 'RepRap', machine: null, extruders: [] });
	});

	it('accepts a header-less file of comments only when a flavour is named', async () => {
		const comments = `;FLAVOR:UltiGCode\n${';comment\n'.repeat(20_000)}`;
		const { json } = await inspect(comments);
		expect(json.flavor).toBe('UltiGCode');
		await expect(inspect(';just a comment\n'.repeat(20_000))).rejects.toMatchObject({ code: 'notToolpath' });
	});

	it('needs nothing after the header: a command, or the end of the file', async () => {
		const header = griffinHeaderLines().join('\n');
		const { json } = await inspect(`${header}\nG28\n`);
		expect(json.machine).toBe('Ultimaker S5');
		await expect(inspect(`${header}\n`)).resolves.toMatchObject({ json: { machine: 'Ultimaker S5' } });
	});
});

describe('Inspect toolpath: problems are typed', () => {
	it('throws a ToolpathProblem with code, message and hint', async () => {
		const error = await inspect('hello world\n', 'notes.gcode').catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ToolpathProblem);
		expect(error).toBeInstanceOf(Error);
		expect(error).toMatchObject({ code: 'notToolpath', name: 'ToolpathProblem' });
		expect((error as ToolpathProblem).message).toBe(
			'"notes.gcode" is not a toolpath: line 1 is neither a G-code command nor a comment',
		);
		expect((error as ToolpathProblem).hint).toMatch(/\.gcode.*\.gcode\.gz.*\.ufp/);
	});
});
