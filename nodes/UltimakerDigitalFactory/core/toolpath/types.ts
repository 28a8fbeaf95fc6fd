/** What Inspect toolpath returns, and what it reads from. Numbers are numbers; unknown is null, never a guess. */

export type ToolpathFormat = 'gcode' | 'gcode.gz' | 'ufp';

export interface ToolpathExtruder {
	/** Extruder train number as the header counts it (0 = the left / first extruder). */
	index: number;
	material_guid: string | null;
	/** Readable name from UltiMaker's material database ("Generic PLA"), or null when the GUID is not in it. */
	material: string | null;
	/** `NOZZLE.NAME`, e.g. `AA 0.4`. */
	print_core: string | null;
	/** Millimetres. */
	nozzle_diameter: number | null;
	/** Cubic millimetres of filament the slicer planned. */
	material_volume_used: number | null;
	/** °C. */
	initial_temperature: number | null;
}

export interface Point3 {
	x: number | null;
	y: number | null;
	z: number | null;
}

export interface ToolpathInspection {
	file_name: string;
	content_type: string;
	/** `;FLAVOR:` as written (`Griffin`, `Cheetah`, `Marlin`…), or null when the file names none. */
	flavor: string | null;
	generator: { name: string | null; version: string | null };
	/** `TARGET_MACHINE.NAME`, e.g. `Ultimaker S5`. */
	machine: string | null;
	/** `type` only appears in headers of Cura before 5.2, which wrote `BUILD_PLATE.TYPE`. */
	build_plate: { type: string | null; initial_temperature: number | null };
	print_time_seconds: number | null;
	extruders: ToolpathExtruder[];
	/** Bounding box of the print in millimetres. */
	size: { min: Point3; max: Point3 };
	/** Added to the contract's shape: which container the G-code came in. */
	format: ToolpathFormat;
	/** `HEADER_VERSION`, e.g. `0.1`. */
	header_version: string | null;
	/** Whether a thumbnail was found (the bytes travel separately, as binary). */
	has_thumbnail: boolean;
	/** Plain-word remarks: no Griffin header, a damaged thumbnail left out, … Empty when all is well. */
	notes: string[];
}

export interface ToolpathThumbnail {
	data: Uint8Array;
	mimeType: string;
	fileName: string;
	/** Pixels, when the G-code thumbnail block states them (a UFP's PNG is not decoded). */
	width: number | null;
	height: number | null;
}

export interface InspectResult {
	json: ToolpathInspection;
	thumbnail: ToolpathThumbnail | null;
}

/** What the bytes are called: used for messages, the output's `file_name` and the thumbnail's name. */
export interface ToolpathFileInfo {
	fileName?: string;
	mimeType?: string;
}

/**
 * Bounds that keep memory flat and refuse hostile input. The defaults fit every toolpath Cura writes with a
 * wide margin; tests lower them.
 */
export interface InspectLimits {
	/** Decompressed text read from the start of the G-code while looking for and through the header. */
	maxScanBytes: number;
	/** Text read from a G-code without `;START_OF_HEADER` before deciding what it is. */
	headerlessSniffBytes: number;
	/** Longest line accepted while scanning (a thumbnail line is ~80 characters, a header line < 200). */
	maxLineBytes: number;
	/** Largest thumbnail kept (decoded PNG bytes). */
	maxThumbnailBytes: number;
	/** Uncompressed ÷ compressed above which a compressed entry or stream is a zip bomb. */
	maxCompressionRatio: number;
	/** The ratio check only applies past this many uncompressed bytes (tiny entries compress extremely). */
	ratioCheckAfterBytes: number;
	/** Size of the zip's end that is read to find the central directory (EOCD + comment + zip64 records). */
	zipTailBytes: number;
	/** Largest central directory read. */
	maxCentralDirectoryBytes: number;
	maxZipEntries: number;
}

export const DEFAULT_INSPECT_LIMITS: Readonly<InspectLimits> = {
	maxScanBytes: 4 * 1024 * 1024,
	headerlessSniffBytes: 64 * 1024,
	maxLineBytes: 64 * 1024,
	maxThumbnailBytes: 16 * 1024 * 1024,
	maxCompressionRatio: 200,
	ratioCheckAfterBytes: 1024 * 1024,
	zipTailBytes: 65_535 + 22 + 20 + 56,
	maxCentralDirectoryBytes: 4 * 1024 * 1024,
	maxZipEntries: 10_000,
};
