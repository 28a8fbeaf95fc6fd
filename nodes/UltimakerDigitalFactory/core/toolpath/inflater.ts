/**
 * A small resumable inflater (RFC 1951 deflate, RFC 1952 gzip framing), written here rather than using the
 * runtime's `DecompressionStream` because zip-bomb checks need to know exactly how many compressed bytes
 * produced the output so far: a web stream accepts (and counts as written) up to its high-water mark
 * (16–64 KiB) of input before zlib has consumed any of it, and one such write of a bomb expands to megabytes.
 * Here input is consumed byte-exactly and output is produced only as far as it is asked for.
 *
 * Resumable: each unit (a block header, a literal/length+distance pair, a run of stored bytes) is decoded only
 * once enough input is buffered for its worst case, so running out of input never leaves a unit half done.
 */

const LENGTH_BASE = [
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
	227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
	6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A literal/length code (≤ 15 bits) + 5 extra bits + a distance code (≤ 15) + 13 extra bits. */
const MAX_SYMBOL_PAIR_BITS = 48;
/** The largest dynamic block header: 14 bits + 19 × 3 + 320 code lengths of at most 7 + 7 bits. */
const MAX_DYNAMIC_HEADER_BITS = 14 + 19 * 3 + 320 * 14;
const WINDOW_BYTES = 32 * 1024;
const OUTPUT_BUFFER_BYTES = 2 * WINDOW_BYTES + 258;

interface HuffmanTable {
	/** Indexed by the next `bits` input bits (LSB first): symbol << 4 | code length, or -1 for no code. */
	entries: Int32Array;
	bits: number;
}

function reverseBits(code: number, length: number): number {
	let reversed = 0;
	for (let i = 0; i < length; i++) {
		reversed = (reversed << 1) | (code & 1);
		code >>>= 1;
	}
	return reversed;
}

/** Canonical Huffman decoding table; null when the lengths over-subscribe the code space. */
function buildTable(lengths: ArrayLike<number>): HuffmanTable | null {
	const counts = new Array<number>(16).fill(0);
	for (let i = 0; i < lengths.length; i++) {
		const length = lengths[i]!;
		if (!(length >= 0 && length <= 15)) return null;
		counts[length]!++;
	}
	counts[0] = 0;
	let left = 1;
	for (let length = 1; length <= 15; length++) {
		left = (left << 1) - counts[length]!;
		if (left < 0) return null;
	}
	const bits = Math.max(1, ...Array.from(lengths));
	const entries = new Int32Array(1 << bits).fill(-1);
	const next = new Array<number>(16).fill(0);
	for (let length = 1, code = 0; length <= 15; length++) {
		code = (code + counts[length - 1]!) << 1;
		next[length] = code;
	}
	for (let symbol = 0; symbol < lengths.length; symbol++) {
		const length = lengths[symbol]!;
		if (length === 0) continue;
		for (let index = reverseBits(next[length]!++, length); index < entries.length; index += 1 << length)
			entries[index] = (symbol << 4) | length;
	}
	return { entries, bits };
}

const FIXED_LITERALS = buildTable(
	Array.from({ length: 288 }, (_, symbol) => (symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8)),
)!;
const FIXED_DISTANCES = buildTable(new Array<number>(30).fill(5))!;

/** Input bytes queued in chunks, read LSB-first as deflate does. */
export class BitInput {
	private chunks: Uint8Array[] = [];
	private position = 0;
	private buffer = 0;
	private count = 0;
	private queued = 0;
	consumed = 0;
	ended = false;
	/** Set when a read found the input ended before the bits it wanted. */
	exhausted = false;

	push(chunk: Uint8Array): void {
		if (chunk.length === 0) return;
		this.chunks.push(chunk);
		this.queued += chunk.length;
	}

	/** Bits that can be read now. */
	get available(): number {
		return this.count + 8 * this.queued;
	}

	/** True when `bits` can be read, or the input has ended (the reader then finds out it is short). */
	has(bits: number): boolean {
		return this.ended || this.available >= bits;
	}

	private nextByte(): number {
		const chunk = this.chunks[0];
		if (!chunk) return -1;
		const value = chunk[this.position++]!;
		this.queued--;
		this.consumed++;
		if (this.position === chunk.length) {
			this.chunks.shift();
			this.position = 0;
		}
		return value;
	}

	/** The next `bits` (≤ 24) without consuming them; missing bits past the end read as 0. */
	peek(bits: number): number {
		while (this.count < bits) {
			const value = this.nextByte();
			if (value < 0) break;
			this.buffer |= value << this.count;
			this.count += 8;
		}
		return this.buffer & ((1 << bits) - 1);
	}

	/** Consumes `bits`; false when the input ran out. */
	skip(bits: number): boolean {
		if (this.count < bits) this.peek(bits);
		if (this.count < bits) {
			this.exhausted = true;
			return false;
		}
		this.buffer >>>= bits;
		this.count -= bits;
		return true;
	}

	read(bits: number): number {
		const value = this.peek(bits);
		return this.skip(bits) ? value : -1;
	}

	alignToByte(): void {
		this.skip(this.count & 7);
	}

	/** Whole bytes from the queue after alignment (the bit buffer is drained first). */
	readBytes(max: number, into: Uint8Array, at: number): number {
		let copied = 0;
		while (copied < max && this.count >= 8) {
			into[at + copied++] = this.buffer & 0xff;
			this.buffer >>>= 8;
			this.count -= 8;
		}
		while (copied < max && this.chunks.length > 0) {
			const chunk = this.chunks[0]!;
			const take = Math.min(max - copied, chunk.length - this.position);
			into.set(chunk.subarray(this.position, this.position + take), at + copied);
			copied += take;
			this.position += take;
			this.queued -= take;
			this.consumed += take;
			if (this.position === chunk.length) {
				this.chunks.shift();
				this.position = 0;
			}
		}
		return copied;
	}

	/** Bytes consumed, not counting whole bytes still sitting in the bit buffer. */
	get consumedBytes(): number {
		return this.consumed - (this.count >> 3);
	}

	/** The next `length` whole bytes without consuming them (byte-aligned input only), or null if not there yet. */
	peekBytes(length: number): Uint8Array | null {
		if (this.count % 8 !== 0 || this.count / 8 + this.queued < length) return null;
		const out = new Uint8Array(length);
		let at = 0;
		for (let bits = this.buffer, left = this.count; left > 0 && at < length; left -= 8, bits >>>= 8)
			out[at++] = bits & 0xff;
		for (let index = 0; at < length; index++) {
			const chunk = this.chunks[index]!.subarray(index === 0 ? this.position : 0);
			const take = Math.min(length - at, chunk.length);
			out.set(chunk.subarray(0, take), at);
			at += take;
		}
		return out;
	}

	/** Whole bytes that can be read now (bit buffer included, when byte-aligned). */
	get queuedBytes(): number {
		return this.queued + (this.count >> 3);
	}
}

export type InflateStep = 'output' | 'needInput' | 'done' | 'error';

type BlockState =
	| { kind: 'header' }
	| { kind: 'stored'; remaining: number }
	| { kind: 'huffman'; literals: HuffmanTable; distances: HuffmanTable };

/** Raw deflate. Call `run` until it says `done`; feed input when it says `needInput`, take output when `output`. */
export class RawInflater {
	error: string | null = null;
	private block: BlockState = { kind: 'header' };
	private last = false;
	private finished = false;
	private readonly window = new Uint8Array(OUTPUT_BUFFER_BYTES);
	private written = 0;
	private emitted = 0;

	constructor(readonly input: BitInput = new BitInput()) {}

	/** Runs until `outputBytes` are pending, input runs short, the stream ends, or it fails. */
	run(outputBytes: number): InflateStep {
		while (!this.finished) {
			if (this.written - this.emitted >= outputBytes) return 'output';
			if (this.written + 258 >= this.window.length) return 'output';
			const progress = this.step();
			if (this.input.exhausted) this.fail('the data ends in the middle of a block');
			if (this.error !== null) return 'error';
			if (!progress)
				return this.input.ended ? this.fail('the data ends in the middle of a block') : 'needInput';
		}
		return 'done';
	}

	/** The output produced since the last call (a copy); slides the window once the buffer is full. */
	takeOutput(): Uint8Array {
		const out = this.window.slice(this.emitted, this.written);
		this.emitted = this.written;
		if (this.written + 258 >= this.window.length) {
			this.window.copyWithin(0, this.written - WINDOW_BYTES, this.written);
			this.written = this.emitted = WINDOW_BYTES;
		}
		return out;
	}

	get hasPendingOutput(): boolean {
		return this.written > this.emitted;
	}

	protected fail(message: string): 'error' {
		this.error ??= message;
		return 'error';
	}

	/** Decodes one unit; false when more input is needed first. */
	private step(): boolean {
		switch (this.block.kind) {
			case 'header':
				return this.blockHeader();
			case 'stored':
				return this.storedBytes(this.block);
			default:
				return this.symbol(this.block.literals, this.block.distances);
		}
	}

	/** After a block's end: the next block header, or the end of the stream after the final block. */
	private endBlock(): void {
		if (this.last) this.finished = true;
		else this.block = { kind: 'header' };
	}

	private blockHeader(): boolean {
		if (!this.input.has(3 + 32 + 7)) return false;
		const type = this.input.peek(3) >> 1;
		// BFINAL is only taken once the header is decoded: a header retried for more input must not set it early.
		const last = (this.input.peek(1) & 1) === 1;
		const decoded =
			type === 0
				? this.storedHeader()
				: type === 1
					? this.fixedHeader()
					: type === 2
						? this.dynamicHeader()
						: this.fail('a block has the reserved type 3') === 'error';
		if (decoded && this.error === null) this.last = last;
		return decoded;
	}

	private fixedHeader(): boolean {
		this.input.skip(3);
		this.block = { kind: 'huffman', literals: FIXED_LITERALS, distances: FIXED_DISTANCES };
		return true;
	}

	private storedHeader(): boolean {
		this.input.skip(3);
		this.input.alignToByte();
		const length = this.input.read(16);
		const inverse = this.input.read(16);
		if (length < 0 || inverse < 0) return this.fail('the data ends in a block header') === 'error';
		if ((length ^ 0xffff) !== inverse) return this.fail('a stored block has a damaged length') === 'error';
		this.block = { kind: 'stored', remaining: length };
		return true;
	}

	private storedBytes(block: { kind: 'stored'; remaining: number }): boolean {
		if (block.remaining === 0) {
			this.endBlock();
			return true;
		}
		const room = this.window.length - 258 - this.written;
		const copied = this.input.readBytes(Math.min(block.remaining, room), this.window, this.written);
		this.written += copied;
		block.remaining -= copied;
		return copied > 0;
	}

	private dynamicHeader(): boolean {
		if (!this.input.has(MAX_DYNAMIC_HEADER_BITS)) return false;
		const input = this.input;
		input.skip(3);
		const literalCount = input.read(5) + 257;
		const distanceCount = input.read(5) + 1;
		const codeLengthCount = input.read(4) + 4;
		const codeLengths = new Array<number>(19).fill(0);
		for (let i = 0; i < codeLengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i]!] = input.read(3);
		// Input that ended inside the header leaves -1s here; the caller reports the end of the data.
		if (input.exhausted) return true;
		const codeLengthTable = buildTable(codeLengths);
		const lengths = codeLengthTable
			? this.readCodeLengths(codeLengthTable, literalCount + distanceCount)
			: null;
		if (!lengths) return this.fail('a block has a damaged code table') === 'error';
		const literals = buildTable(lengths.subarray(0, literalCount));
		const distances = buildTable(lengths.subarray(literalCount));
		if (!literals || !distances || lengths[256] === 0)
			return this.fail('a block has a damaged code table') === 'error';
		this.block = { kind: 'huffman', literals, distances };
		return true;
	}

	private decodeSymbol(table: HuffmanTable): number {
		const entry = table.entries[this.input.peek(table.bits)]!;
		if (entry < 0 || !this.input.skip(entry & 15)) return -1;
		return entry >> 4;
	}

	private readCodeLengths(table: HuffmanTable, count: number): Uint8Array | null {
		const lengths = new Uint8Array(count);
		for (let i = 0; i < count; ) {
			const symbol = this.decodeSymbol(table);
			if (symbol < 0) return null;
			if (symbol < 16) {
				lengths[i++] = symbol;
				continue;
			}
			const [repeat, value] =
				symbol === 16
					? [3 + this.input.read(2), i > 0 ? lengths[i - 1]! : -1]
					: symbol === 17
						? [3 + this.input.read(3), 0]
						: [11 + this.input.read(7), 0];
			if (value < 0 || i + repeat > count) return null;
			lengths.fill(value, i, i + repeat);
			i += repeat;
		}
		return lengths;
	}

	private symbol(literals: HuffmanTable, distances: HuffmanTable): boolean {
		if (!this.input.has(MAX_SYMBOL_PAIR_BITS)) return false;
		const symbol = this.decodeSymbol(literals);
		if (symbol < 0) return this.fail('a code is not in the block’s table') === 'error';
		if (symbol < 256) {
			this.window[this.written++] = symbol;
			return true;
		}
		if (symbol === 256) {
			this.endBlock();
			return true;
		}
		return this.copyMatch(symbol - 257, distances);
	}

	private copyMatch(lengthCode: number, distances: HuffmanTable): boolean {
		if (lengthCode >= LENGTH_BASE.length) return this.fail('a length code is out of range') === 'error';
		const length = LENGTH_BASE[lengthCode]! + this.input.read(LENGTH_EXTRA[lengthCode]!);
		const distanceCode = this.decodeSymbol(distances);
		if (distanceCode < 0 || distanceCode >= DISTANCE_BASE.length)
			return this.fail('a distance code is out of range') === 'error';
		const distance = DISTANCE_BASE[distanceCode]! + this.input.read(DISTANCE_EXTRA[distanceCode]!);
		if (distance > this.written) return this.fail('a match points before the start of the data') === 'error';
		for (let i = 0; i < length; i++)
			this.window[this.written + i] = this.window[this.written + i - distance]!;
		this.written += length;
		return true;
	}
}

const GZIP_HEADER_LIMIT = 64 * 1024;
const FLAG_HEADER_CRC = 0x02;
const FLAG_EXTRA = 0x04;
const FLAG_NAME = 0x08;
const FLAG_COMMENT = 0x10;

/** Length of the gzip member header at the start of `bytes`; -1 when incomplete, -2 when not a gzip header. */
function gzipHeaderLength(bytes: Uint8Array): number {
	if (bytes.length < 10) return -1;
	if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8) return -2;
	const flags = bytes[3]!;
	let at = 10;
	if (flags & FLAG_EXTRA) {
		if (bytes.length < at + 2) return -1;
		at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
	}
	for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
		if (!(flags & flag)) continue;
		const zero = bytes.indexOf(0, at);
		if (zero < 0) return -1;
		at = zero + 1;
	}
	if (flags & FLAG_HEADER_CRC) at += 2;
	return bytes.length < at ? -1 : at;
}

type GzipPhase = 'header' | 'body' | 'trailer' | 'between' | 'done';

/** Gzip framing around RawInflater: member header, deflate body, CRC-32/size trailer, further members. */
export class GzipInflater {
	readonly input = new BitInput();
	error: string | null = null;
	private phase: GzipPhase = 'header';
	private body = new RawInflater(this.input);
	private crc = 0;
	private memberBytes = 0;

	constructor(private readonly crc32: (bytes: Uint8Array, previous: number) => number) {}

	run(outputBytes: number): InflateStep {
		for (;;) {
			if (this.phase === 'done') return 'done';
			if (this.phase === 'body') {
				const step = this.body.run(outputBytes);
				if (step === 'error') this.error = this.body.error;
				if (step !== 'done') return step;
				// The trailer's CRC covers all output: let the driver take the last of it first.
				if (this.body.hasPendingOutput) return 'output';
				this.input.alignToByte();
				this.phase = 'trailer';
			}
			const next =
				this.phase === 'header' ? this.header() : this.phase === 'trailer' ? this.trailer() : this.between();
			if (next !== null) return next;
		}
	}

	takeOutput(): Uint8Array {
		const out = this.body.takeOutput();
		this.crc = this.crc32(out, this.crc);
		this.memberBytes += out.length;
		return out;
	}

	private header(): InflateStep | null {
		const length = gzipHeaderLength(
			this.input.peekBytes(Math.min(this.input.queuedBytes, GZIP_HEADER_LIMIT)) ?? new Uint8Array(0),
		);
		if (length === -2) return this.fail('it is not gzip data');
		if (length === -1) {
			if (this.input.queuedBytes >= GZIP_HEADER_LIMIT) return this.fail('its gzip header is too long');
			return this.input.ended ? this.fail('the data ends inside the gzip header') : 'needInput';
		}
		this.input.readBytes(length, new Uint8Array(length), 0);
		this.body = new RawInflater(this.input);
		this.crc = 0;
		this.memberBytes = 0;
		this.phase = 'body';
		return null;
	}

	private trailer(): InflateStep | null {
		const trailer = this.input.peekBytes(8);
		if (trailer === null)
			return this.input.ended ? this.fail('the data ends before the gzip trailer') : 'needInput';
		const view = new DataView(trailer.buffer, trailer.byteOffset, 8);
		if (view.getUint32(0, true) !== this.crc || view.getUint32(4, true) !== this.memberBytes % 2 ** 32) {
			return this.fail('the gzip data fails its CRC or size check');
		}
		this.input.readBytes(8, new Uint8Array(8), 0);
		this.phase = 'between';
		return null;
	}

	/** Another member may follow; anything else after a complete member is ignored, as gzip does. */
	private between(): InflateStep | null {
		const magic = this.input.peekBytes(2);
		if (magic === null && !this.input.ended && this.input.queuedBytes < 2) return 'needInput';
		this.phase = magic !== null && magic[0] === 0x1f && magic[1] === 0x8b ? 'header' : 'done';
		return null;
	}

	private fail(message: string): 'error' {
		this.error ??= message;
		return 'error';
	}
}
