/**
 * A UFP is an OPC (zip) package; Cura's UFPWriter stores the G-code as `/3D/model.gcode` and the snapshot as
 * `/Metadata/thumbnail.png`. Only those two entries are read, the G-code only up to the end of its header.
 */
import { crc32 } from './crc32';
import type { HeaderScan } from './header';
import { scanGcodeHeader } from './header';
import { inflate } from './inflate';
import { corruptArchive, notToolpath } from './problems';
import type { RandomAccessReader } from './source';
import { concatBytes } from './source';
import type { InspectLimits, ToolpathThumbnail } from './types';
import type { ZipDirectory, ZipEntry } from './zip';
import { checkEntryReadable, entryData, findEntry, readZipDirectory, ZIP_METHOD_DEFLATE } from './zip';

export const UFP_GCODE_PART = '/3D/model.gcode';
export const UFP_THUMBNAIL_PART = '/Metadata/thumbnail.png';

export interface UfpScan {
	header: HeaderScan;
	thumbnail: ToolpathThumbnail | null;
	notes: string[];
}

interface EntryContext {
	reader: RandomAccessReader;
	directory: ZipDirectory;
	fileName: string;
	limits: InspectLimits;
}

/** The entry's uncompressed bytes as a stream (inflated when deflated); the consumer may stop early. */
function entryContent(context: EntryContext, entry: ZipEntry): AsyncIterable<Uint8Array> {
	const compressed = entryData(context.reader, context.directory, entry, context.fileName);
	if (entry.method !== ZIP_METHOD_DEFLATE) return compressed;
	return inflate(compressed, {
		format: 'deflate-raw',
		fileName: context.fileName,
		what: entry.name,
		limits: context.limits,
		declaredSize: entry.uncompressedSize,
	});
}

async function readThumbnail(
	context: EntryContext,
	entry: ZipEntry,
	notes: string[],
): Promise<ToolpathThumbnail | null> {
	if (entry.uncompressedSize > context.limits.maxThumbnailBytes) {
		notes.push(
			`the UFP thumbnail (${entry.uncompressedSize} bytes) is larger than ${context.limits.maxThumbnailBytes} bytes and was left out`,
		);
		return null;
	}
	checkEntryReadable(entry, context.fileName, context.limits);
	const parts: Uint8Array[] = [];
	let crc = 0;
	for await (const part of entryContent(context, entry)) {
		parts.push(part);
		crc = crc32(part, crc);
	}
	const data = concatBytes(parts);
	if (data.length !== entry.uncompressedSize || crc !== entry.crc32) {
		throw corruptArchive(context.fileName, `${entry.name} does not match its size or CRC`);
	}
	return { data, mimeType: 'image/png', fileName: 'thumbnail.png', width: null, height: null };
}

export async function scanUfp(
	reader: RandomAccessReader,
	fileName: string,
	limits: InspectLimits,
): Promise<UfpScan> {
	const directory = await readZipDirectory(reader, fileName, limits);
	const gcode = findEntry(directory, UFP_GCODE_PART);
	if (!gcode) throw notToolpath(fileName, 'it is a zip without 3D/model.gcode');
	checkEntryReadable(gcode, fileName, limits);
	const context: EntryContext = { reader, directory, fileName, limits };
	const header = await scanGcodeHeader(entryContent(context, gcode), fileName, limits);
	const notes: string[] = [];
	const thumbnailEntry = findEntry(directory, UFP_THUMBNAIL_PART);
	const thumbnail = thumbnailEntry ? await readThumbnail(context, thumbnailEntry, notes) : null;
	return { header, thumbnail, notes };
}
