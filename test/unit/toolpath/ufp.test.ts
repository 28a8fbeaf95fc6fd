/** Inspect toolpath on .ufp: the zip's central directory, then 3D/model.gcode (header only) and the thumbnail. */
import * as zlib from 'node:zlib';

import { inspectToolpath } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import {
	buildUfp,
	buildZip,
	countingStream,
	crc32,
	GUID,
	griffinGcode,
	marlinGcode,
	tinyPng,
} from '../../fixtures/toolpaths';

const gcode = griffinGcode({
	machine: 'Ultimaker S5',
	extruders: [
		{ guid: GUID.genericPla, core: 'AA 0.4' },
		{ guid: GUID.genericPva, core: 'BB 0.4' },
	],
});

const inspect = (bytes: Uint8Array, fileName = 'part.ufp', limits = {}) =>
	inspectToolpath(bytes, { fileName }, { limits });

describe('Inspect toolpath: UFP', () => {
	it('reads the G-code header and the thumbnail', async () => {
		const png = tinyPng(16);
		const { json, thumbnail } = await inspect(buildUfp({ gcode, thumbnail: png }));
		expect(json).toMatchObject({
			file_name: 'part.ufp',
			content_type: 'application/x-ufp',
			format: 'ufp',
			flavor: 'Griffin',
			machine: 'Ultimaker S5',
			print_time_seconds: 5025,
			has_thumbnail: true,
			notes: [],
		});
		expect(json.extruders.map((extruder) => [extruder.material, extruder.print_core])).toEqual([
			['Generic PLA', 'AA 0.4'],
			['Generic PVA', 'BB 0.4'],
		]);
		expect(thumbnail).toMatchObject({
			mimeType: 'image/png',
			fileName: 'part.png',
			width: null,
			height: null,
		});
		expect(Buffer.from(thumbnail!.data).equals(png)).toBe(true);
	});

	it.each([
		['member names with a leading slash', { leadingSlash: true }],
		['a stored (uncompressed) model.gcode', { gcodeMethod: 'stored' as const }],
		['zip64 records and extra fields', { zip: { zip64: true } }],
		['data descriptors (sizes after the data)', { zip: { dataDescriptors: true } }],
		['a zip comment', { zip: { comment: 'written by a test' } }],
		['the thumbnail before the G-code', { thumbnailFirst: true }],
	])('reads %s', async (_what, options) => {
		const png = tinyPng(3);
		const { json, thumbnail } = await inspect(buildUfp({ gcode, thumbnail: png, ...options }));
		expect(json.machine).toBe('Ultimaker S5');
		expect(json.extruders).toHaveLength(2);
		expect(Buffer.from(thumbnail!.data).equals(png)).toBe(true);
	});

	it('matches part names case-insensitively, as OPC does', async () => {
		const zip = buildZip([{ name: '3D/Model.GCODE', data: Buffer.from(gcode), method: 'deflate' }]);
		await expect(inspect(zip)).resolves.toMatchObject({
			json: { machine: 'Ultimaker S5', has_thumbnail: false },
		});
	});

	it('without a thumbnail: has_thumbnail false, unless the G-code carries one', async () => {
		expect((await inspect(buildUfp({ gcode }))).thumbnail).toBeNull();
		const withBlock = griffinGcode({ thumbnail: { png: tinyPng(5), width: 5, height: 5 } });
		const { json, thumbnail } = await inspect(buildUfp({ gcode: withBlock }));
		expect(json.has_thumbnail).toBe(true);
		expect(thumbnail).toMatchObject({ width: 5, height: 5, fileName: 'part.png' });
	});

	it('gives nulls and a note for a UFP holding Marlin G-code', async () => {
		const { json } = await inspect(buildUfp({ gcode: marlinGcode() }));
		expect(json).toMatchObject({ format: 'ufp', flavor: 'Marlin', machine: null, extruders: [] });
		expect(json.notes).toHaveLength(1);
	});

	it('leaves out a thumbnail above the size limit, with a note', async () => {
		const { json, thumbnail } = await inspect(buildUfp({ gcode, thumbnail: tinyPng(64) }), 'part.ufp', {
			maxThumbnailBytes: 100,
		});
		expect(thumbnail).toBeNull();
		expect(json.notes).toEqual([expect.stringContaining('thumbnail')]);
	});

	describe('from a stream, reading only what it needs', () => {
		it('streams the file about twice at most and never holds it', async () => {
			let padding = '';
			for (let i = 0; i < 150_000; i++)
				padding += `G1 X${(i * 7919) % 300}.${i % 997} Y${(i * 104729) % 240}.${(i * 31) % 1000} E${i}\n`;
			const ufp = buildUfp({ gcode: gcode + padding, thumbnail: tinyPng(8) });
			const stream = countingStream(ufp, 8192);
			const { json, thumbnail } = await inspectToolpath(stream, { fileName: 'big.ufp' });
			expect(json.machine).toBe('Ultimaker S5');
			expect(thumbnail).not.toBeNull();
			expect(ufp.length).toBeGreaterThan(1_000_000);
			// Sniff (a chunk), tail (whole file), model.gcode header (a few chunks), thumbnail (up to the end).
			expect(stream.opens).toBe(4);
			expect(stream.bytesDelivered).toBeLessThan(2 * ufp.length + 16 * 8192);
		});

		it('works without a known size (the tail pass finds it)', async () => {
			const ufp = buildUfp({ gcode, thumbnail: tinyPng(4) });
			await expect(
				inspectToolpath(countingStream(ufp, 100, false), { fileName: 'x.ufp' }),
			).resolves.toMatchObject({
				json: { machine: 'Ultimaker S5', has_thumbnail: true },
			});
		});
	});
});

describe('Inspect toolpath: broken UFPs', () => {
	it('refuses a zip without 3D/model.gcode as not a toolpath', async () => {
		const zip = buildZip([{ name: 'model.3mf', data: Buffer.from('mesh'), method: 'deflate' }]);
		await expect(inspect(zip, 'part.ufp')).rejects.toMatchObject({
			code: 'notToolpath',
			message: expect.stringContaining('without 3D/model.gcode'),
		});
	});

	it('refuses a zip bomb by its declared ratio, before inflating anything', async () => {
		const zeros = Buffer.alloc(50 * 1024 * 1024, 0x3b);
		const zip = buildZip([{ name: '3D/model.gcode', data: zeros, method: 'deflate' }]);
		await expect(inspect(zip)).rejects.toMatchObject({
			code: 'zipBomb',
			message: expect.stringMatching(/declares 52428800 bytes from \d+ compressed/),
		});
	});

	it('refuses an entry that inflates beyond its declared size', async () => {
		const data = Buffer.from(`${gcode.split(';END_OF_HEADER')[0]}${';PAD:0\n'.repeat(200_000)}`);
		const zip = buildZip([
			{ name: '3D/model.gcode', data, method: 'deflate', declaredUncompressedSize: 1000 },
		]);
		await expect(inspect(zip)).rejects.toMatchObject({
			code: 'zipBomb',
			message: expect.stringContaining('beyond the 1000 bytes it declares'),
		});
	});

	it('refuses a bomb that declares a plausible ratio but expands far more while inflating', async () => {
		// An endless header of padding, declared at 150× its compressed size: the streaming ratio check trips first.
		const endless = Buffer.from(`;START_OF_HEADER\n${';PAD:0\n'.repeat(2_000_000)}`);
		const raw = zlib.deflateRawSync(endless, { level: 9 });
		const zip = buildZip([
			{
				name: '3D/model.gcode',
				data: endless,
				rawCompressed: raw,
				method: 'deflate',
				declaredUncompressedSize: raw.length * 150,
			},
		]);
		await expect(inspect(zip)).rejects.toMatchObject({
			code: 'zipBomb',
			message: expect.stringContaining('expands more than 200 times'),
		});
	});

	it('refuses encrypted entries and unknown compression methods', async () => {
		const encrypted = buildZip([
			{ name: '3D/model.gcode', data: Buffer.from(gcode), method: 'stored', flags: 1 },
		]);
		await expect(inspect(encrypted)).rejects.toMatchObject({
			code: 'unsupportedArchive',
			message: expect.stringContaining('encrypted'),
		});
		const bzip2 = buildZip([
			{
				name: '3D/model.gcode',
				data: Buffer.from(gcode),
				methodNumber: 12,
				rawCompressed: Buffer.from('BZh9'),
			},
		]);
		await expect(inspect(bzip2)).rejects.toMatchObject({
			code: 'unsupportedArchive',
			message: expect.stringContaining('method 12'),
		});
	});

	it('calls a thumbnail that fails its CRC damaged', async () => {
		const png = tinyPng(4);
		const zip = buildZip([
			{ name: '3D/model.gcode', data: Buffer.from(gcode), method: 'deflate' },
			{ name: 'Metadata/thumbnail.png', data: png, method: 'stored', declaredCrc: crc32(png) ^ 1 },
		]);
		await expect(inspect(zip)).rejects.toMatchObject({
			code: 'corruptArchive',
			message: expect.stringContaining('CRC'),
		});
	});

	it('calls a zip cut short damaged (no end record, or entries past the end)', async () => {
		const ufp = buildUfp({ gcode, thumbnail: tinyPng(4) });
		await expect(inspect(ufp.subarray(0, ufp.length - 30))).rejects.toMatchObject({ code: 'corruptArchive' });
		await expect(inspect(ufp.subarray(0, 200))).rejects.toMatchObject({ code: 'corruptArchive' });
	});

	it('calls a damaged central directory damaged', async () => {
		const ufp = Buffer.from(buildUfp({ gcode }));
		const directoryAt = ufp.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
		ufp.fill(0, directoryAt, directoryAt + 4);
		await expect(inspect(ufp)).rejects.toMatchObject({ code: 'corruptArchive' });
	});

	it('refuses a directory of absurdly many entries', async () => {
		const zip = buildZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
		await expect(inspect(zip, 'x.ufp', { maxZipEntries: 10 })).rejects.toMatchObject({
			code: 'zipBomb',
			message: expect.stringContaining('30 entries'),
		});
	});

	it('refuses a UFP whose G-code header is truncated, like a plain G-code', async () => {
		const cut = gcode.split('\n').slice(0, 8).join('\n');
		await expect(inspect(buildUfp({ gcode: cut }))).rejects.toMatchObject({ code: 'truncatedHeader' });
	});
});
