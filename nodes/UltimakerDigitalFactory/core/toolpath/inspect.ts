/** Inspect toolpath: what a .gcode, .gcode.gz or .ufp needs, read from its first bytes (and a UFP's directory). */
import { fieldsFromHeader, HEADER_FLAVORS, isHeaderFlavor, unknownFields } from './griffin';
import type { HeaderScan } from './header';
import { scanGcodeHeader } from './header';
import { inflate } from './inflate';
import type { ToolpathSource } from './source';
import { concatBytes, openChunks, readerFor } from './source';
import type { GcodeThumbnail } from './thumbnail';
import type {
	InspectLimits,
	InspectResult,
	ToolpathFileInfo,
	ToolpathFormat,
	ToolpathInspection,
	ToolpathThumbnail,
} from './types';
import { DEFAULT_INSPECT_LIMITS } from './types';
import { scanUfp } from './ufp';
import { looksLikeZip } from './zip';

/** The content type each format is uploaded with (the same as the upload's extension rules). */
export const TOOLPATH_CONTENT_TYPES: Readonly<Record<ToolpathFormat, string>> = {
	gcode: 'text/plain',
	'gcode.gz': 'application/gzip',
	ufp: 'application/x-ufp',
};

const EXTENSIONS: ReadonlyArray<[string, ToolpathFormat]> = [
	['.gcode.gz', 'gcode.gz'],
	['.gcode', 'gcode'],
	['.ufp', 'ufp'],
];

const GZIP_MAGIC = [0x1f, 0x8b];

export interface InspectOptions {
	limits?: Partial<InspectLimits>;
}

/** The format the bytes are, from their first bytes (never from the name). */
export function sniffFormat(prefix: Uint8Array): ToolpathFormat {
	if (looksLikeZip(prefix)) return 'ufp';
	if (prefix[0] === GZIP_MAGIC[0] && prefix[1] === GZIP_MAGIC[1]) return 'gcode.gz';
	return 'gcode';
}

export function formatFromFileName(fileName: string): ToolpathFormat | null {
	const lower = fileName.trim().toLowerCase();
	return EXTENSIONS.find(([extension]) => lower.endsWith(extension))?.[1] ?? null;
}

async function firstBytes(source: ToolpathSource, count: number): Promise<Uint8Array> {
	if (source instanceof Uint8Array) return source.subarray(0, count);
	const parts: Uint8Array[] = [];
	let total = 0;
	// Leaving the loop closes the stream: only the first chunk or two are read.
	for await (const chunk of await openChunks(source)) {
		parts.push(chunk);
		total += chunk.length;
		if (total >= count) break;
	}
	return concatBytes(parts, total).subarray(0, count);
}

async function scanSequential(
	source: ToolpathSource,
	format: 'gcode' | 'gcode.gz',
	fileName: string,
	limits: InspectLimits,
): Promise<HeaderScan> {
	const chunks = await openChunks(source);
	if (format === 'gcode') return scanGcodeHeader(chunks, fileName, limits);
	return scanGcodeHeader(
		inflate(chunks, { format: 'gzip', fileName, what: 'the gzip stream', limits }),
		fileName,
		limits,
	);
}

/** `part.ufp` → `part.png`: the thumbnail is named after the toolpath it shows. */
function thumbnailName(fileName: string, extension: string): string {
	const base = fileName.replace(/\.(gcode\.gz|gcode|ufp)$/i, '') || 'thumbnail';
	return `${base}.${extension}`;
}

function thumbnailFromGcode(thumbnail: GcodeThumbnail | null, fileName: string): ToolpathThumbnail | null {
	if (!thumbnail) return null;
	const { data, mimeType, width, height } = thumbnail;
	return { data, mimeType, fileName: thumbnailName(fileName, thumbnail.extension), width, height };
}

function headerNotes(scan: HeaderScan): string[] {
	if (scan.hasHeader && isHeaderFlavor(scan.flavor)) return [];
	const what = scan.flavor === null ? 'names no flavour' : `is ${scan.flavor}-flavoured`;
	return [
		`This G-code ${what} and has no ${HEADER_FLAVORS.join('/')} header (;START_OF_HEADER … ;END_OF_HEADER), so its machine, materials, print cores, print time and size are unknown.`,
	];
}

function nameNotes(fileName: string, format: ToolpathFormat): string[] {
	const named = formatFromFileName(fileName);
	if (named === null || named === format) return [];
	return [
		`The file is named .${named} but holds ${format === 'ufp' ? 'a UFP package' : format === 'gcode.gz' ? 'gzipped G-code' : 'plain G-code'}; uploads choose the content type from the name, so rename it to .${format}.`,
	];
}

/**
 * Reads what a toolpath needs. Throws a ToolpathProblem for anything that is not a toolpath or is damaged;
 * a G-code without a Griffin header is not an error: its fields are null and a note says why.
 */
export async function inspectToolpath(
	source: ToolpathSource,
	file: ToolpathFileInfo = {},
	options: InspectOptions = {},
): Promise<InspectResult> {
	const limits: InspectLimits = { ...DEFAULT_INSPECT_LIMITS, ...options.limits };
	const fileName = file.fileName?.trim() || 'toolpath';
	const format = sniffFormat(await firstBytes(source, 4));
	let scan: HeaderScan;
	let thumbnail: ToolpathThumbnail | null;
	const notes: string[] = [];
	if (format === 'ufp') {
		const ufp = await scanUfp(readerFor(source), fileName, limits);
		scan = ufp.header;
		thumbnail = ufp.thumbnail
			? { ...ufp.thumbnail, fileName: thumbnailName(fileName, 'png') }
			: thumbnailFromGcode(ufp.header.thumbnail, fileName);
		notes.push(...ufp.notes);
	} else {
		scan = await scanSequential(source, format, fileName, limits);
		thumbnail = thumbnailFromGcode(scan.thumbnail, fileName);
	}
	const fields =
		scan.hasHeader && isHeaderFlavor(scan.flavor)
			? fieldsFromHeader(scan, fileName)
			: unknownFields(scan.flavor);
	const json: ToolpathInspection = {
		file_name: fileName,
		content_type: TOOLPATH_CONTENT_TYPES[format],
		...fields,
		format,
		has_thumbnail: thumbnail !== null,
		notes: [...headerNotes(scan), ...notes, ...scan.notes, ...nameNotes(fileName, format)],
	};
	return { json, thumbnail };
}
