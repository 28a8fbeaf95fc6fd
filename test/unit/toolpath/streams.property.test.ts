/** The byte plumbing under the inspector: random-access regions over a re-opened stream, and line splitting. */
import fc from 'fast-check';

import { textLines } from '../../../nodes/UltimakerDigitalFactory/core/toolpath/lines';
import { bufferReader, streamReader } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import { crc32 as ownCrc32 } from '../../../nodes/UltimakerDigitalFactory/core/toolpath/crc32';
import { countingStream, crc32 } from '../../fixtures/toolpaths';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
	const parts: Uint8Array[] = [];
	for await (const chunk of chunks) parts.push(chunk);
	return Buffer.concat(parts);
}

describe('random-access readers', () => {
	it('read, stream and tail give the same bytes over a buffer and over a re-opened stream (property)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.uint8Array({ maxLength: 5000 }),
				fc.integer({ min: 1, max: 700 }),
				fc.nat(6000),
				fc.nat(6000),
				fc.boolean(),
				async (bytes, chunkBytes, offset, length, withSize) => {
					const expected = Buffer.from(bytes).subarray(offset, offset + length);
					const stream = countingStream(bytes, chunkBytes, withSize);
					for (const reader of [bufferReader(bytes), streamReader(stream)]) {
						expect(Buffer.from(await reader.read(offset, length)).equals(expected)).toBe(true);
						expect((await collect(reader.stream(offset, length))).equals(expected)).toBe(true);
						const tail = await reader.tail(length);
						expect(tail.size).toBe(bytes.length);
						expect(
							Buffer.from(tail.bytes).equals(Buffer.from(bytes).subarray(Math.max(0, bytes.length - length))),
						).toBe(true);
					}
				},
			),
			{ numRuns: 200 },
		);
	});

	it('stops reading the stream at the end of the region asked for', async () => {
		const bytes = new Uint8Array(1_000_000);
		const stream = countingStream(bytes, 1000);
		await streamReader(stream).read(5000, 10);
		// The Readable buffers up to 16 KiB ahead of what is consumed.
		expect(stream.bytesDelivered).toBeLessThan(6000 + 16 * 1024 + 1000);
	});
});

describe('textLines', () => {
	it('splits any chunking into the same lines as String.split (property)', async () => {
		const line = fc.string({
			unit: fc.constantFrom('G', '1', ' ', 'X', '.', ';', 'é', '\r', 'ü'),
			maxLength: 40,
		});
		await fc.assert(
			fc.asyncProperty(
				fc.array(line, { maxLength: 60 }),
				fc.boolean(),
				fc.integer({ min: 1, max: 50 }),
				async (lines, trailingNewline, chunkBytes) => {
					const text = lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : '');
					const bytes = Buffer.from(text, 'utf8');
					const seen: string[] = [];
					let total = 0;
					for await (const piece of textLines(countingChunks(bytes, chunkBytes), 1000)) {
						seen.push(piece.text);
						total += piece.byteLength;
					}
					// A final newline ends the last line; it does not start an empty one.
					const expected = text.split('\n').map((each) => each.replace(/\r$/, ''));
					if (text === '' || text.endsWith('\n')) expected.pop();
					expect(seen).toEqual(expected);
					expect(total).toBe(bytes.length);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('reports a line over the limit once and stops', async () => {
		const seen = [];
		for await (const piece of textLines(
			countingChunks(Buffer.from(`ok\n${'x'.repeat(5000)}\nnever`), 64),
			1000,
		))
			seen.push(piece);
		expect(seen.map((piece) => [piece.text, piece.tooLong])).toEqual([
			['ok', false],
			['', true],
		]);
	});
});

describe('crc32', () => {
	it('matches zlib incrementally (property)', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(2000), (bytes, cut) => {
				const at = Math.min(cut, bytes.length);
				expect(ownCrc32(bytes.subarray(at), ownCrc32(bytes.subarray(0, at)))).toBe(crc32(bytes));
			}),
		);
	});
});

async function* countingChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
	for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
