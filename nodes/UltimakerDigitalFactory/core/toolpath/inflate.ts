/**
 * Bounded decompression for the inspector (nodes code may not import `zlib`; see inflater.ts for why this
 * is not the runtime's DecompressionStream). Output is pulled: nothing is inflated beyond what the consumer
 * asks for, so stopping after the header costs nothing more, and a zip bomb is refused once its output
 * passes a megabyte at a ratio no toolpath has.
 */
import { crc32 } from './crc32';
import type { InflateStep } from './inflater';
import { BitInput, GzipInflater, RawInflater } from './inflater';
import { corruptArchive, zipBomb } from './problems';
import type { InspectLimits } from './types';

export interface InflateOptions {
	format: 'gzip' | 'deflate-raw';
	fileName: string;
	/** What is being inflated, for messages: `the gzip stream`, `3D/model.gcode`. */
	what: string;
	limits: Pick<InspectLimits, 'maxCompressionRatio' | 'ratioCheckAfterBytes'>;
	/** The uncompressed size a zip entry declares: output beyond it is refused. */
	declaredSize?: number;
}

interface Inflater {
	readonly input: BitInput;
	readonly error: string | null;
	run(outputBytes: number): InflateStep;
	takeOutput(): Uint8Array;
}

/** Output handed out per step: small enough that a stop right after the header wastes nothing. */
const OUTPUT_CHUNK_BYTES = 16 * 1024;

function checkExpansion(produced: number, consumed: number, options: InflateOptions): void {
	if (options.declaredSize !== undefined && produced > options.declaredSize) {
		throw zipBomb(
			options.fileName,
			`${options.what} expands beyond the ${options.declaredSize} bytes it declares`,
		);
	}
	const { maxCompressionRatio, ratioCheckAfterBytes } = options.limits;
	if (produced > ratioCheckAfterBytes && produced > maxCompressionRatio * Math.max(consumed, 1)) {
		throw zipBomb(
			options.fileName,
			`${options.what} expands more than ${maxCompressionRatio} times (${produced} bytes from ${consumed})`,
		);
	}
}

export async function* inflate(
	input: AsyncIterable<Uint8Array>,
	options: InflateOptions,
): AsyncGenerator<Uint8Array> {
	const inflater: Inflater = options.format === 'gzip' ? new GzipInflater(crc32) : new RawInflater();
	const source = input[Symbol.asyncIterator]();
	let produced = 0;
	try {
		for (;;) {
			const step = inflater.run(OUTPUT_CHUNK_BYTES);
			const output = inflater.takeOutput();
			if (output.length > 0) {
				produced += output.length;
				checkExpansion(produced, inflater.input.consumedBytes, options);
				yield output;
			}
			if (step === 'error')
				throw corruptArchive(options.fileName, `${options.what} does not decompress (${inflater.error})`);
			if (step === 'done') return;
			if (step === 'needInput') {
				const next = await source.next();
				if (next.done) inflater.input.ended = true;
				else inflater.input.push(next.value);
			}
		}
	} finally {
		// Closes the underlying stream when the consumer stops early (or on an error).
		await source.return?.();
	}
}
