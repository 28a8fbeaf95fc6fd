/**
 * Just enough of the zip format (APPNOTE 6.3) to read a UFP the way a random-access reader would: the
 * end-of-central-directory record (zip64 when the classic fields are saturated), the central directory, and
 * the data of the few entries asked for. Entry sizes and offsets come from the central directory, which is
 * authoritative; local headers are only read to find where an entry's data starts.
 */
import { corruptArchive, ToolpathProblem, zipBomb } from './problems';
import type { RandomAccessReader } from './source';
import type { InspectLimits } from './types';

export interface ZipEntry {
	name: string;
	method: number;
	flags: number;
	crc32: number;
	compressedSize: number;
	uncompressedSize: number;
	localHeaderOffset: number;
}

export interface ZipDirectory {
	entries: ZipEntry[];
	/** Where the central directory starts: every entry's data lies before it. */
	directoryOffset: number;
	size: number;
}

/** Record signatures, fixed record sizes, and the saturated values that mean "see the zip64 record". */
const SIGNATURE = { eocd: 0x06054b50, zip64Locator: 0x07064b50, zip64Eocd: 0x06064b50, central: 0x02014b50, local: 0x04034b50 } as const;
const RECORD_BYTES = { eocd: 22, zip64Locator: 20, zip64Eocd: 56, central: 46, localHeader: 30 } as const;
const SATURATED = { u16: 0xffff, u32: 0xffffffff } as const;

const ZIP_METHOD_STORED = 0;
export const ZIP_METHOD_DEFLATE = 8;

class Bytes {
	private readonly view: DataView;
	constructor(readonly bytes: Uint8Array) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
	u16(at: number): number {
		return this.view.getUint16(at, true);
	}
	u32(at: number): number {
		return this.view.getUint32(at, true);
	}
	/** A 64-bit field; zip sizes beyond 2^53 are not real files and are refused by the caller's bounds. */
	u64(at: number): number {
		return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
	}
}

/** Does the file start like a zip (a local header, or the EOCD of an empty zip)? */
export function looksLikeZip(prefix: Uint8Array): boolean {
	if (prefix.length < 4) return false;
	const signature = new Bytes(prefix).u32(0);
	return signature === SIGNATURE.local || signature === SIGNATURE.eocd;
}

interface DirectoryLocation {
	offset: number;
	size: number;
	entryCount: number;
}

function findEocd(tail: Bytes): number {
	for (let at = tail.bytes.length - RECORD_BYTES.eocd; at >= 0; at--) {
		if (tail.u32(at) === SIGNATURE.eocd && at + RECORD_BYTES.eocd + tail.u16(at + 20) <= tail.bytes.length)
			return at;
	}
	return -1;
}

async function zip64Location(
	reader: RandomAccessReader,
	tail: Bytes,
	eocdAt: number,
	tailStart: number,
	fileName: string,
): Promise<DirectoryLocation> {
	const locatorAt = eocdAt - RECORD_BYTES.zip64Locator;
	if (locatorAt < 0 || tail.u32(locatorAt) !== SIGNATURE.zip64Locator) {
		throw corruptArchive(fileName, 'its end record points to zip64 data that is not there');
	}
	const recordOffset = tail.u64(locatorAt + 8);
	if (tail.u32(locatorAt + 16) > 1) throw unsupported(fileName, 'it spans several disks');
	const inTail = recordOffset - tailStart;
	const bytes =
		inTail >= 0 && inTail + RECORD_BYTES.zip64Eocd <= tail.bytes.length
			? tail.bytes.subarray(inTail, inTail + RECORD_BYTES.zip64Eocd)
			: await reader.read(recordOffset, RECORD_BYTES.zip64Eocd);
	const record = new Bytes(bytes);
	if (bytes.length < RECORD_BYTES.zip64Eocd || record.u32(0) !== SIGNATURE.zip64Eocd)
		throw corruptArchive(fileName, 'its zip64 end record is missing');
	if (record.u32(16) !== 0 || record.u32(20) !== 0) throw unsupported(fileName, 'it spans several disks');
	return { entryCount: record.u64(32), size: record.u64(40), offset: record.u64(48) };
}

async function locateDirectory(
	reader: RandomAccessReader,
	tail: Bytes,
	size: number,
	fileName: string,
): Promise<DirectoryLocation> {
	const eocdAt = findEocd(tail);
	if (eocdAt < 0) throw corruptArchive(fileName, 'no end-of-central-directory record (the zip is cut short)');
	if (tail.u16(eocdAt + 4) !== 0 || tail.u16(eocdAt + 6) !== 0)
		throw unsupported(fileName, 'it spans several disks');
	const entryCount = tail.u16(eocdAt + 10);
	const directorySize = tail.u32(eocdAt + 12);
	const offset = tail.u32(eocdAt + 16);
	if (entryCount === SATURATED.u16 || directorySize === SATURATED.u32 || offset === SATURATED.u32) {
		return zip64Location(reader, tail, eocdAt, size - tail.bytes.length, fileName);
	}
	return { entryCount, size: directorySize, offset };
}

function unsupported(fileName: string, why: string): ToolpathProblem {
	return new ToolpathProblem(
		'unsupportedArchive',
		`"${fileName}" cannot be read: ${why}`,
		'Cura writes UFP files as plain zip packages. Export the file from Cura again.',
	);
}

const nameDecoder = new TextDecoder('utf-8');

/** Overrides saturated 32-bit fields with the zip64 extra field (0x0001), in the order APPNOTE gives. */
function applyZip64Extra(entry: ZipEntry, extra: Bytes): void {
	for (let at = 0; at + 4 <= extra.bytes.length; ) {
		const id = extra.u16(at);
		const length = extra.u16(at + 2);
		if (id === 0x0001) {
			let field = at + 4;
			const take = () => {
				const value = field + 8 <= at + 4 + length ? extra.u64(field) : Number.NaN;
				field += 8;
				return value;
			};
			if (entry.uncompressedSize === SATURATED.u32) entry.uncompressedSize = take();
			if (entry.compressedSize === SATURATED.u32) entry.compressedSize = take();
			if (entry.localHeaderOffset === SATURATED.u32) entry.localHeaderOffset = take();
			return;
		}
		at += 4 + length;
	}
}

function parseEntries(directory: Uint8Array, expected: number, fileName: string): ZipEntry[] {
	const bytes = new Bytes(directory);
	const entries: ZipEntry[] = [];
	let at = 0;
	while (entries.length < expected) {
		if (at + RECORD_BYTES.central > directory.length || bytes.u32(at) !== SIGNATURE.central)
			throw corruptArchive(fileName, 'its central directory is damaged');
		const nameLength = bytes.u16(at + 28);
		const extraLength = bytes.u16(at + 30);
		const commentLength = bytes.u16(at + 32);
		const nameStart = at + RECORD_BYTES.central;
		if (nameStart + nameLength + extraLength + commentLength > directory.length)
			throw corruptArchive(fileName, 'its central directory is cut short');
		const entry: ZipEntry = {
			name: nameDecoder.decode(directory.subarray(nameStart, nameStart + nameLength)),
			flags: bytes.u16(at + 8),
			method: bytes.u16(at + 10),
			crc32: bytes.u32(at + 16),
			compressedSize: bytes.u32(at + 20),
			uncompressedSize: bytes.u32(at + 24),
			localHeaderOffset: bytes.u32(at + 42),
		};
		applyZip64Extra(
			entry,
			new Bytes(directory.subarray(nameStart + nameLength, nameStart + nameLength + extraLength)),
		);
		entries.push(entry);
		at = nameStart + nameLength + extraLength + commentLength;
	}
	return entries;
}

/** Reads the central directory: the file's tail once, plus the directory itself if it starts before the tail. */
export async function readZipDirectory(
	reader: RandomAccessReader,
	fileName: string,
	limits: InspectLimits,
): Promise<ZipDirectory> {
	const { bytes, size } = await reader.tail(limits.zipTailBytes);
	const tail = new Bytes(bytes);
	const location = await locateDirectory(reader, tail, size, fileName);
	if (location.entryCount > limits.maxZipEntries)
		throw zipBomb(fileName, `it lists ${location.entryCount} entries`);
	if (location.size > limits.maxCentralDirectoryBytes)
		throw zipBomb(fileName, `its central directory takes ${location.size} bytes`);
	if (!(location.offset + location.size <= size))
		throw corruptArchive(fileName, 'its central directory lies outside the file');
	const tailStart = size - bytes.length;
	const directory =
		location.offset >= tailStart
			? bytes.subarray(location.offset - tailStart, location.offset - tailStart + location.size)
			: await reader.read(location.offset, location.size);
	const entries = parseEntries(directory, location.entryCount, fileName);
	for (const entry of entries) checkEntryBounds(entry, location.offset, fileName);
	return { entries, directoryOffset: location.offset, size };
}

function checkEntryBounds(entry: ZipEntry, directoryOffset: number, fileName: string): void {
	const end = entry.localHeaderOffset + RECORD_BYTES.localHeader + entry.compressedSize;
	if (
		![entry.compressedSize, entry.uncompressedSize, entry.localHeaderOffset].every(Number.isFinite) ||
		end > directoryOffset
	) {
		throw corruptArchive(fileName, `entry ${entry.name} lies outside the file's data`);
	}
}

/** OPC part names are case-insensitive and written with or without a leading slash. */
export function findEntry(directory: ZipDirectory, partName: string): ZipEntry | undefined {
	const wanted = partName.replace(/^\/+/, '').toLowerCase();
	return directory.entries.find((entry) => entry.name.replace(/^\/+/, '').toLowerCase() === wanted);
}

/** Refuses what this reader does not do, and entries that expand like a bomb. */
export function checkEntryReadable(entry: ZipEntry, fileName: string, limits: InspectLimits): void {
	if (entry.flags & 0x0001) throw unsupported(fileName, `${entry.name} is encrypted`);
	if (entry.method !== ZIP_METHOD_STORED && entry.method !== ZIP_METHOD_DEFLATE) {
		throw unsupported(
			fileName,
			`${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`,
		);
	}
	if (entry.method === ZIP_METHOD_STORED && entry.compressedSize !== entry.uncompressedSize) {
		throw corruptArchive(fileName, `${entry.name} is stored but its two sizes differ`);
	}
	const { maxCompressionRatio, ratioCheckAfterBytes } = limits;
	if (
		entry.uncompressedSize > ratioCheckAfterBytes &&
		entry.uncompressedSize > maxCompressionRatio * Math.max(entry.compressedSize, 1)
	) {
		throw zipBomb(
			fileName,
			`${entry.name} declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed`,
		);
	}
}

/** The compressed bytes of an entry, streamed; reads the local header first to learn where they start. */
export async function* entryData(
	reader: RandomAccessReader,
	directory: ZipDirectory,
	entry: ZipEntry,
	fileName: string,
): AsyncGenerator<Uint8Array> {
	const head: Uint8Array[] = [];
	let headBytes = 0;
	let dataStart = -1;
	let remaining = entry.compressedSize;
	for await (const chunk of reader.stream(
		entry.localHeaderOffset,
		directory.directoryOffset - entry.localHeaderOffset,
	)) {
		let data = chunk;
		if (dataStart < 0) {
			head.push(chunk);
			headBytes += chunk.length;
			const joined = joinHead(head, headBytes);
			dataStart = localDataStart(joined, entry, fileName);
			if (dataStart < 0) continue;
			data = joined.subarray(dataStart);
		}
		const piece = data.subarray(0, remaining);
		remaining -= piece.length;
		if (piece.length > 0) yield piece;
		if (remaining === 0) return;
	}
	if (remaining > 0) throw corruptArchive(fileName, `${entry.name} is cut short`);
}

function joinHead(head: Uint8Array[], headBytes: number): Uint8Array {
	if (head.length === 1) return head[0]!;
	const joined = new Uint8Array(headBytes);
	let at = 0;
	for (const part of head) {
		joined.set(part, at);
		at += part.length;
	}
	head.splice(0, head.length, joined);
	return joined;
}

/** Offset of the data within `head` (from the local header), or -1 when more bytes are needed. */
function localDataStart(head: Uint8Array, entry: ZipEntry, fileName: string): number {
	if (head.length < RECORD_BYTES.localHeader) return -1;
	const bytes = new Bytes(head);
	if (bytes.u32(0) !== SIGNATURE.local)
		throw corruptArchive(fileName, `the local header of ${entry.name} is missing`);
	const start = RECORD_BYTES.localHeader + bytes.u16(26) + bytes.u16(28);
	return head.length >= start ? start : -1;
}
