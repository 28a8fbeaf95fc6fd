/**
 * Where the inspector's bytes come from. Plain G-code and .gcode.gz are read once, front to back, and the
 * read stops as soon as the header is through. A UFP is a zip whose directory sits at the END of the file,
 * so it needs random access; a stream has none, so the stream reader below re-opens the stream for every
 * region it needs and skips to it. That costs I/O (a 500 MB UFP is streamed about twice: once to reach the
 * tail, once to reach the thumbnail near the end) but never memory: at most one chunk plus the region asked
 * for is held. n8n can re-open any stored binary (`helpers.getBinaryStream(id)`), and in-memory binaries
 * come as a Buffer, which is read in place.
 */

/** What n8n's `helpers.getBinaryStream()` gives: a Node Readable, which is an async iterable of Buffers. */
export type ByteStream = AsyncIterable<Uint8Array | string>;

/** A stream that can be opened again from the start as often as needed. */
export interface ReopenableStream {
	open(): Promise<ByteStream> | ByteStream;
	/** Total bytes, when known (n8n's binary metadata has it). */
	size?: number;
}

/** A Buffer / Uint8Array held in memory, or a stream that can be re-opened. */
export type ToolpathSource = Uint8Array | ReopenableStream;

export interface RandomAccessReader {
	/** The bytes in [offset, offset + length), fewer only when the file ends first. */
	read(offset: number, length: number): Promise<Uint8Array>;
	/** The same region as a sequence of chunks; the consumer may stop early. */
	stream(offset: number, length: number): AsyncIterable<Uint8Array>;
	/** The last `length` bytes (all of them for a shorter file) and the file's size. */
	tail(length: number): Promise<{ bytes: Uint8Array; size: number }>;
}

const encoder = new TextEncoder();

function toBytes(chunk: Uint8Array | string): Uint8Array {
	return typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
}

export function concatBytes(parts: Uint8Array[], total?: number): Uint8Array {
	if (parts.length === 1) return parts[0]!;
	const out = new Uint8Array(total ?? parts.reduce((sum, part) => sum + part.length, 0));
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}

function isReopenableStream(source: ToolpathSource): source is ReopenableStream {
	return !(source instanceof Uint8Array) && typeof (source as ReopenableStream).open === 'function';
}

export function bufferReader(buffer: Uint8Array): RandomAccessReader {
	const slice = (offset: number, length: number) =>
		buffer.subarray(Math.min(offset, buffer.length), Math.min(offset + length, buffer.length));
	return {
		read: async (offset, length) => slice(offset, length),
		stream: (offset, length) => chunksOf(slice(offset, length)),
		tail: async (length) => ({
			bytes: buffer.subarray(Math.max(0, buffer.length - length)),
			size: buffer.length,
		}),
	};
}

/** Yields a buffer in slices, so consumers see a buffer the way they see a stream (and can stop early). */
export async function* chunksOf(bytes: Uint8Array, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
	for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
}

/** Opens the source from the start as chunks of bytes. */
export async function openChunks(source: ToolpathSource): Promise<AsyncIterable<Uint8Array>> {
	if (!isReopenableStream(source)) return chunksOf(source);
	return asBytes(await source.open());
}

async function* asBytes(stream: ByteStream): AsyncGenerator<Uint8Array> {
	for await (const chunk of stream) yield toBytes(chunk);
}

export function streamReader(source: ReopenableStream): RandomAccessReader {
	const stream = (offset: number, length: number) => regionOf(source, offset, offset + length);
	return {
		stream,
		read: async (offset, length) => {
			const parts: Uint8Array[] = [];
			for await (const part of stream(offset, length)) parts.push(part);
			return concatBytes(parts);
		},
		tail: (length) => tailOf(source, length),
	};
}

export function readerFor(source: ToolpathSource): RandomAccessReader {
	return isReopenableStream(source) ? streamReader(source) : bufferReader(source);
}

async function* regionOf(source: ReopenableStream, start: number, end: number): AsyncGenerator<Uint8Array> {
	if (end <= start) return;
	let position = 0;
	for await (const raw of await source.open()) {
		const chunk = toBytes(raw);
		const chunkStart = position;
		position += chunk.length;
		if (position <= start) continue;
		const from = Math.max(0, start - chunkStart);
		const to = Math.min(chunk.length, end - chunkStart);
		if (to > from) yield chunk.subarray(from, to);
		// Leaving the loop closes (destroys) the underlying stream: nothing past the region is read.
		if (position >= end) return;
	}
}

/** Streams the whole source once, keeping only the last `length` bytes. */
async function tailOf(
	source: ReopenableStream,
	length: number,
): Promise<{ bytes: Uint8Array; size: number }> {
	const kept: Uint8Array[] = [];
	let keptBytes = 0;
	let size = 0;
	for await (const raw of await source.open()) {
		const chunk = toBytes(raw);
		size += chunk.length;
		kept.push(chunk);
		keptBytes += chunk.length;
		while (kept.length > 1 && keptBytes - kept[0]!.length >= length) keptBytes -= kept.shift()!.length;
	}
	const joined = concatBytes(kept, keptBytes);
	return { bytes: joined.subarray(Math.max(0, joined.length - length)), size };
}
