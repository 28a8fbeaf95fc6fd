/**
 * Turns the header's `;KEY:value` pairs into Inspect toolpath's output. Keys are exactly those CuraEngine
 * writes for the Griffin and Cheetah flavours (both get the same header; Cura uses Cheetah for the S8).
 * Values are checked against what a real print can have; a value outside that is refused, not clamped.
 */
import { materialName } from '../materials';
import { absurdValue } from './problems';
import type { HeaderScan } from './header';
import type { Point3, ToolpathExtruder, ToolpathInspection } from './types';

/** Flavours CuraEngine writes the `;START_OF_HEADER` block for. */
export const HEADER_FLAVORS: readonly string[] = ['Griffin', 'Cheetah'];

/** CuraEngine's MAX_EXTRUDERS. */
const MAX_EXTRUDERS = 16;
const YEAR_SECONDS = 366 * 24 * 3600;
const MAX_COORDINATE_MM = 10_000;

interface Range {
	min: number;
	max: number;
	/** Whether min itself is allowed (a nozzle of 0 mm is not). */
	minInclusive: boolean;
	words: string;
}

const RANGES = {
	time: { min: 0, max: YEAR_SECONDS, minInclusive: true, words: 'a number of seconds between 0 and a year' },
	nozzleTemperature: { min: 0, max: 500, minInclusive: true, words: 'a temperature between 0 and 500 °C' },
	bedTemperature: { min: 0, max: 200, minInclusive: true, words: 'a temperature between 0 and 200 °C' },
	nozzleDiameter: { min: 0, max: 5, minInclusive: false, words: 'a nozzle size above 0 and at most 5 mm' },
	volume: { min: 0, max: 1e9, minInclusive: true, words: 'a volume between 0 and 1,000,000,000 mm³' },
	coordinate: {
		min: -MAX_COORDINATE_MM,
		max: MAX_COORDINATE_MM,
		minInclusive: true,
		words: 'a coordinate within ±10,000 mm',
	},
} satisfies Record<string, Range>;

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

export function isHeaderFlavor(flavor: string | null): boolean {
	return flavor !== null && HEADER_FLAVORS.some((known) => known.toLowerCase() === flavor.toLowerCase());
}

class HeaderValues {
	constructor(
		private readonly entries: Map<string, string>,
		private readonly fileName: string,
	) {}

	text(key: string): string | null {
		const value = this.entries.get(key);
		return value === undefined || value === '' ? null : value;
	}

	number(key: string, range: Range): number | null {
		const raw = this.text(key);
		if (raw === null) return null;
		const value = NUMBER.test(raw) ? Number(raw) : Number.NaN;
		const aboveMin = range.minInclusive ? value >= range.min : value > range.min;
		if (!Number.isFinite(value) || !aboveMin || value > range.max)
			throw absurdValue(this.fileName, key, raw, range.words);
		return value;
	}
}

function extruderIndices(entries: Map<string, string>, fileName: string): number[] {
	const indices = new Set<number>();
	for (const key of entries.keys()) {
		const match = /^EXTRUDER_TRAIN\.(\d+)\./.exec(key);
		if (!match) continue;
		const index = Number(match[1]);
		if (index >= MAX_EXTRUDERS)
			throw absurdValue(
				fileName,
				key,
				entries.get(key) ?? '',
				`about an extruder train 0–${MAX_EXTRUDERS - 1}`,
			);
		indices.add(index);
	}
	return [...indices].sort((a, b) => a - b);
}

function extruderOf(values: HeaderValues, index: number): ToolpathExtruder {
	const key = (suffix: string) => `EXTRUDER_TRAIN.${index}.${suffix}`;
	const guid = values.text(key('MATERIAL.GUID'));
	return {
		index,
		material_guid: guid,
		material: guid === null ? null : materialName(guid),
		print_core: values.text(key('NOZZLE.NAME')),
		nozzle_diameter: values.number(key('NOZZLE.DIAMETER'), RANGES.nozzleDiameter),
		material_volume_used: values.number(key('MATERIAL.VOLUME_USED'), RANGES.volume),
		initial_temperature: values.number(key('INITIAL_TEMPERATURE'), RANGES.nozzleTemperature),
	};
}

function sizeOf(values: HeaderValues, fileName: string): ToolpathInspection['size'] {
	const point = (corner: 'MIN' | 'MAX'): Point3 => ({
		x: values.number(`PRINT.SIZE.${corner}.X`, RANGES.coordinate),
		y: values.number(`PRINT.SIZE.${corner}.Y`, RANGES.coordinate),
		z: values.number(`PRINT.SIZE.${corner}.Z`, RANGES.coordinate),
	});
	const min = point('MIN');
	const max = point('MAX');
	for (const axis of ['x', 'y', 'z'] as const) {
		const low = min[axis];
		const high = max[axis];
		if (low !== null && high !== null && low > high) {
			const key = `PRINT.SIZE.MIN.${axis.toUpperCase()}`;
			throw absurdValue(fileName, key, String(low), `at most PRINT.SIZE.MAX.${axis.toUpperCase()} (${high})`);
		}
	}
	return { min, max };
}

/** The header's fields, for a scan that found a Griffin/Cheetah header block. */
export function fieldsFromHeader(
	scan: HeaderScan,
	fileName: string,
): Omit<ToolpathInspection, 'file_name' | 'content_type' | 'format' | 'has_thumbnail' | 'notes'> {
	const values = new HeaderValues(scan.entries, fileName);
	return {
		flavor: scan.flavor,
		generator: { name: values.text('GENERATOR.NAME'), version: values.text('GENERATOR.VERSION') },
		machine: values.text('TARGET_MACHINE.NAME'),
		build_plate: {
			type: values.text('BUILD_PLATE.TYPE'),
			initial_temperature: values.number('BUILD_PLATE.INITIAL_TEMPERATURE', RANGES.bedTemperature),
		},
		print_time_seconds: values.number('PRINT.TIME', RANGES.time),
		extruders: extruderIndices(scan.entries, fileName).map((index) => extruderOf(values, index)),
		size: sizeOf(values, fileName),
		header_version: values.text('HEADER_VERSION'),
	};
}

/** The fields for a G-code without such a header: all unknown, the flavour as found. */
export function unknownFields(flavor: string | null): ReturnType<typeof fieldsFromHeader> {
	const nowhere: Point3 = { x: null, y: null, z: null };
	return {
		flavor,
		generator: { name: null, version: null },
		machine: null,
		build_plate: { type: null, initial_temperature: null },
		print_time_seconds: null,
		extruders: [],
		size: { min: { ...nowhere }, max: { ...nowhere } },
		header_version: null,
	};
}
