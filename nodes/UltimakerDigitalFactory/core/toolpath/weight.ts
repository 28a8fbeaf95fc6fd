/**
 * Material weight and cost of a toolpath (pure): the slicer's planned volume per extruder (mm³) × the material's
 * density in UltiMaker's material database (g/cm³) → grams; × a price per kilogram → an estimated cost. Unknown
 * stays null — a material not in the database, a density it does not give, a volume the header does not state —
 * never a guess. The cost is in whatever currency the price is in.
 */
import { findMaterial, materialDensity, normalizeGuid } from '../materials';
import type { ToolpathExtruder } from './types';

/** Prices per kilogram: one for every material, and/or per material (by GUID or readable name). */
export interface MaterialPrices {
	/** Applies to every material without its own price. */
	all?: number | null;
	/** GUID (lower case) or readable name (lower case) → price per kilogram. */
	byMaterial?: Readonly<Record<string, number>>;
}

export interface ExtruderMaterialFigures {
	index: number;
	material_guid: string | null;
	material: string | null;
	/** g/cm³ from the material database, or null. */
	material_density: number | null;
	material_weight_g: number | null;
	/** Present only when prices were given. */
	estimated_material_cost?: number | null;
}

export interface MaterialFigures {
	extruders: ExtruderMaterialFigures[];
	/** Sum over the extruders; null when any used extruder's weight is unknown (a partial sum would mislead). */
	total_material_weight_g: number | null;
	/** Present only when prices were given; null when any extruder's cost is unknown. */
	estimated_material_cost?: number | null;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Grams from mm³ and g/cm³, to 0.01 g; null when either is unknown. */
export function materialWeightGrams(volumeMm3: number | null, density: number | null): number | null {
	if (volumeMm3 === null || density === null || !Number.isFinite(volumeMm3) || volumeMm3 < 0) return null;
	return round((volumeMm3 / 1000) * density, 2);
}

function priceFor(guid: string | null, prices: MaterialPrices): number | null {
	const byMaterial = prices.byMaterial ?? {};
	const keys = guid ? [normalizeGuid(guid), findMaterial(guid)?.name.toLowerCase()] : [];
	for (const key of keys) {
		if (key && Object.prototype.hasOwnProperty.call(byMaterial, key)) return byMaterial[key]!;
	}
	return typeof prices.all === 'number' && Number.isFinite(prices.all) ? prices.all : null;
}

/** The figures for each extruder and in total; `prices` undefined → no cost fields at all. */
export function materialFigures(extruders: readonly ToolpathExtruder[], prices?: MaterialPrices): MaterialFigures {
	const rows: ExtruderMaterialFigures[] = extruders.map((extruder) => {
		const density = extruder.material_guid ? materialDensity(extruder.material_guid) : null;
		const weight = materialWeightGrams(extruder.material_volume_used, density);
		const row: ExtruderMaterialFigures = {
			index: extruder.index,
			material_guid: extruder.material_guid,
			material: extruder.material,
			material_density: density,
			material_weight_g: weight,
		};
		if (prices) {
			const price = priceFor(extruder.material_guid, prices);
			row.estimated_material_cost = weight === null || price === null ? null : round((weight / 1000) * price, 2);
		}
		return row;
	});
	const sum = (values: Array<number | null | undefined>) =>
		values.length === 0 || values.some((value) => value === null || value === undefined) ? null : round(values.reduce<number>((a, b) => a + (b ?? 0), 0), 2);
	const figures: MaterialFigures = { extruders: rows, total_material_weight_g: sum(rows.map((row) => row.material_weight_g)) };
	if (prices) figures.estimated_material_cost = sum(rows.map((row) => row.estimated_material_cost));
	return figures;
}

export type PriceParse = { ok: true; value: Readonly<Record<string, number>> } | { ok: false; message: string; hint: string };

/**
 * "Generic PLA=25, 03f24266-…=40": per-material prices per kilogram, separated by commas or new lines; a key is a
 * GUID or a readable material name (case ignored). Empty text → no per-material prices.
 */
export function parseMaterialPrices(text: unknown): PriceParse {
	const value = typeof text === 'string' ? text : '';
	const prices: Record<string, number> = {};
	for (const part of value.split(/[,\n]/)) {
		if (part.trim() === '') continue;
		const at = part.lastIndexOf('=');
		const key = at > 0 ? part.slice(0, at).trim().toLowerCase() : '';
		const price = at > 0 ? Number(part.slice(at + 1).trim()) : NaN;
		if (key === '' || part.slice(at + 1).trim() === '' || !Number.isFinite(price) || price < 0) {
			return {
				ok: false,
				message: `"${part.trim().slice(0, 80)}" is not a material price`,
				hint: 'Write material=price per kilogram, separated by commas, e.g. "Generic PLA=25, 03f24266-0291-43c2-a6da-5211892a2699=40".',
			};
		}
		prices[key] = price;
	}
	return { ok: true, value: prices };
}
