/** Inspect toolpath on .gcode.gz: the same header through gunzip, which stops as soon as the header is read. */
import * as zlib from 'node:zlib';

import { inspectToolpath } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import { countingStream, GUID, griffinGcode, gzip, marlinGcode } from '../../fixtures/toolpaths';

describe('Inspect toolpath: .gcode.gz', () => {
	it('reads the header through gunzip, from a buffer and from a stream', async () => {
		const compressed = gzip(griffinGcode({ extruders: [{ guid: GUID.ultimakerToughPlaBlack }] }));
		for (const source of [compressed, countingStream(compressed, 100)]) {
			const { json } = await inspectToolpath(source, { fileName: 'part.gcode.gz' });
			expect(json).toMatchObject({
				format: 'gcode.gz',
				content_type: 'application/gzip',
				machine: 'Ultimaker S5',
				print_time_seconds: 5025,
			});
			expect(json.extruders[0]!.material).toBe('Ultimaker Tough PLA Black');
		}
	});

	it('stops reading the compressed stream early', async () => {
		// Noisy G-code, so that it does not compress to almost nothing.
		let body = '';
		for (let i = 0; i < 200_000; i++)
			body += `G1 X${(i * 7919) % 300}.${i % 1000} Y${(i * 104729) % 240}.${(i * 31) % 1000} E${i}.${i % 97}\n`;
		const compressed = gzip(griffinGcode() + body);
		const stream = countingStream(compressed, 16 * 1024);
		const { json } = await inspectToolpath(stream, { fileName: 'big.gcode.gz' });
		expect(json.machine).toBe('Ultimaker S5');
		expect(compressed.length).toBeGreaterThan(1_000_000);
		expect(stream.bytesDelivered).toBeLessThanOrEqual(4 * 16 * 1024);
	});

	it('gives nulls and a note for gzipped Marlin G-code', async () => {
		const { json } = await inspectToolpath(gzip(marlinGcode()), { fileName: 'ender.gcode.gz' });
		expect(json).toMatchObject({ format: 'gcode.gz', flavor: 'Marlin', machine: null });
		expect(json.notes).toHaveLength(1);
	});

	it('refuses a gzip bomb shaped like an endless header as a zip bomb, after about a megabyte', async () => {
		const bomb = zlib.gzipSync(Buffer.from(`;START_OF_HEADER\n${';PAD:0\n'.repeat(8_000_000)}`), {
			level: 9,
		});
		const stream = countingStream(bomb, 4096);
		const error = await inspectToolpath(stream, { fileName: 'bomb.gcode.gz' }).catch(
			(caught: unknown) => caught,
		);
		expect(error).toMatchObject({
			code: 'zipBomb',
			message: expect.stringMatching(/the gzip stream expands more than 200 times/),
		});
		// Each open (the sniff, then the scan) may prefetch up to 16 KiB (the Readable's buffer).
		expect(stream.bytesDelivered).toBeLessThanOrEqual(8 * 4096);
		expect(bomb.length).toBeGreaterThan(80_000);
	});

	it('refuses a gzip bomb of bytes after bounded output, reading a few kilobytes of it', async () => {
		const bomb = zlib.gzipSync(Buffer.alloc(100 * 1024 * 1024, 0x3b), { level: 9 });
		const stream = countingStream(bomb, 4096);
		await expect(inspectToolpath(stream, { fileName: 'bomb.gcode.gz' })).rejects.toMatchObject({
			code: 'notToolpath',
		});
		expect(stream.bytesDelivered).toBeLessThanOrEqual(8 * 4096);
		expect(bomb.length).toBeGreaterThan(90_000);
	});

	it('refuses gzip of something that is not G-code', async () => {
		await expect(
			inspectToolpath(gzip('just some words\n'), { fileName: 'x.gcode.gz' }),
		).rejects.toMatchObject({ code: 'notToolpath' });
	});

	it('calls a damaged or cut gzip stream damaged', async () => {
		const compressed = gzip(griffinGcode());
		const damaged = Buffer.from(compressed);
		damaged.fill(0xff, 12, 40);
		await expect(inspectToolpath(damaged, { fileName: 'x.gcode.gz' })).rejects.toMatchObject({
			code: 'corruptArchive',
		});
		await expect(
			inspectToolpath(compressed.subarray(0, 120), { fileName: 'x.gcode.gz' }),
		).rejects.toMatchObject({ code: 'corruptArchive' });
	});
});
