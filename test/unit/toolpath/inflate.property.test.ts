/** The inspector's own inflater against Node's zlib: same bytes out for any data, level, strategy and chunking. */
import fc from 'fast-check';
import * as zlib from 'node:zlib';

import { inflate } from '../../../nodes/UltimakerDigitalFactory/core/toolpath/inflate';
import { ToolpathProblem } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import { crc32 } from '../../fixtures/toolpaths';

const NO_RATIO_LIMIT = {
	maxCompressionRatio: Number.MAX_SAFE_INTEGER,
	ratioCheckAfterBytes: Number.MAX_SAFE_INTEGER,
};

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
	for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function inflateAll(
	bytes: Uint8Array,
	format: 'gzip' | 'deflate-raw',
	chunkSize: number,
): Promise<Buffer> {
	const parts: Uint8Array[] = [];
	for await (const part of inflate(chunked(bytes, chunkSize), {
		format,
		fileName: 'x',
		what: 'data',
		limits: NO_RATIO_LIMIT,
	}))
		parts.push(part);
	return Buffer.concat(parts);
}

/** Data that deflate compresses in every way: runs, repeats at all distances, text and noise. */
const data = fc.oneof(
	fc.uint8Array({ maxLength: 3000 }),
	fc
		.array(fc.constantFrom('G1 X10.5 Y20 E0.3\n', ';LAYER:1\n', 'M104 S200\n', 'T0\n', ';'), {
			maxLength: 800,
		})
		.map((lines) => Buffer.from(lines.join(''))),
	fc
		.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 3000 }))
		.map(([unit, times]) => Buffer.concat(Array(times).fill(Buffer.from(unit)))),
);

const strategies = [
	zlib.constants.Z_DEFAULT_STRATEGY,
	zlib.constants.Z_FIXED,
	zlib.constants.Z_HUFFMAN_ONLY,
	zlib.constants.Z_RLE,
	zlib.constants.Z_FILTERED,
];

describe('inflate (own implementation)', () => {
	it('matches zlib for raw deflate, any level, strategy and chunking (property)', async () => {
		await fc.assert(
			fc.asyncProperty(
				data,
				fc.integer({ min: 0, max: 9 }),
				fc.constantFrom(...strategies),
				fc.integer({ min: 1, max: 5000 }),
				async (input, level, strategy, chunkSize) => {
					const compressed = zlib.deflateRawSync(input, { level, strategy });
					expect((await inflateAll(compressed, 'deflate-raw', chunkSize)).equals(Buffer.from(input))).toBe(
						true,
					);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('matches zlib for gzip, including several members in a row (property)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(data, { minLength: 1, maxLength: 3 }),
				fc.integer({ min: 1, max: 700 }),
				async (members, chunkSize) => {
					const compressed = Buffer.concat(members.map((member) => zlib.gzipSync(member)));
					expect(
						(await inflateAll(compressed, 'gzip', chunkSize)).equals(
							Buffer.concat(members.map((member) => Buffer.from(member))),
						),
					).toBe(true);
				},
			),
			{ numRuns: 150 },
		);
	});

	it('reads large outputs across the sliding window (1 MiB of varied text)', async () => {
		let text = '';
		for (let i = 0; text.length < 1024 * 1024; i++)
			text += `G1 X${(i * 7919) % 300} Y${(i * 104729) % 240} E${i}\n`;
		const input = Buffer.from(text);
		expect((await inflateAll(zlib.deflateRawSync(input), 'deflate-raw', 8192)).equals(input)).toBe(true);
		expect((await inflateAll(zlib.gzipSync(input, { level: 1 }), 'gzip', 100_000)).equals(input)).toBe(true);
	});

	it('reads gzip headers with a name, comment, extra field and header CRC', async () => {
		const body = zlib.deflateRawSync(Buffer.from('G28\n'));
		const header = Buffer.from([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32LE(crc32(Buffer.from('G28\n')));
		const gz = Buffer.concat([
			header,
			Buffer.from('part.gcode\0a comment\0'),
			Buffer.from([0xaa, 0xbb]),
			body,
			crc,
			Buffer.from([4, 0, 0, 0]),
		]);
		expect((await inflateAll(gz, 'gzip', 3)).toString()).toBe('G28\n');
	});

	it('fails with a ToolpathProblem (never a crash or a hang) on damaged data (property)', async () => {
		await fc.assert(
			fc.asyncProperty(
				data,
				fc.integer({ min: 0, max: 10_000 }),
				fc.integer({ min: 0, max: 255 }),
				fc.boolean(),
				async (input, where, value, gzip) => {
					const compressed = Buffer.from(gzip ? zlib.gzipSync(input) : zlib.deflateRawSync(input));
					compressed[where % compressed.length] = value;
					const cut = compressed.subarray(0, compressed.length - (where % 3));
					const outcome = await inflateAll(cut, gzip ? 'gzip' : 'deflate-raw', 97).catch(
						(error: unknown) => error,
					);
					if (!(outcome instanceof Buffer)) expect(outcome).toBeInstanceOf(ToolpathProblem);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('counts compressed bytes exactly, so the ratio check trips at the first megabyte of a bomb', async () => {
		const bomb = zlib.deflateRawSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
		let produced = 0;
		const error = await (async () => {
			for await (const part of inflate(chunked(bomb, 1 << 20), {
				format: 'deflate-raw',
				fileName: 'x',
				what: 'data',
				limits: { maxCompressionRatio: 200, ratioCheckAfterBytes: 1 << 20 },
			})) {
				produced += part.length;
			}
		})().catch((caught: unknown) => caught);
		expect(error).toMatchObject({ code: 'zipBomb' });
		expect(produced).toBeLessThanOrEqual((1 << 20) + 64 * 1024);
	});
});
