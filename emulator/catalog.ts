/** Printer types and materials the emulator knows (display names as the Digital Factory shows them). */

export interface PrinterTypeInfo {
	/** `printer_type` id, e.g. `ultimaker_s5`. */
	type: string;
	/** `machine_variant` display name, e.g. `Ultimaker S5` (what the `?machine_variant=` filter wants). */
	machineVariant: string;
	/** Default print core per extruder. */
	printCores: string[];
	firmwareVersion: string;
	buildPlate: 'glass' | 'aluminium';
	/** Build volume in mm (x, y, z), single extrusion, as the product pages give it. */
	buildVolume: [number, number, number];
}

export const PRINTER_TYPES: Record<string, PrinterTypeInfo> = {
	ultimaker3: { type: 'ultimaker3', machineVariant: 'Ultimaker 3', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '5.8.2.20220330', buildPlate: 'glass', buildVolume: [215, 215, 200] },
	ultimaker3_extended: { type: 'ultimaker3_extended', machineVariant: 'Ultimaker 3 Extended', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '5.8.2.20220330', buildPlate: 'glass', buildVolume: [215, 215, 300] },
	ultimaker_s3: { type: 'ultimaker_s3', machineVariant: 'Ultimaker S3', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '8.3.0.20240214', buildPlate: 'glass', buildVolume: [230, 190, 200] },
	ultimaker_s5: { type: 'ultimaker_s5', machineVariant: 'Ultimaker S5', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '8.3.0.20240214', buildPlate: 'glass', buildVolume: [330, 240, 300] },
	ultimaker_s7: { type: 'ultimaker_s7', machineVariant: 'Ultimaker S7', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '10.1.0.20240627', buildPlate: 'glass', buildVolume: [330, 240, 300] },
	ultimaker_s8: { type: 'ultimaker_s8', machineVariant: 'Ultimaker S8', printCores: ['AA+ 0.4', 'BB 0.4'], firmwareVersion: '10.2.0.20250120', buildPlate: 'glass', buildVolume: [330, 240, 300] },
	ultimaker_factor4: { type: 'ultimaker_factor4', machineVariant: 'Ultimaker Factor 4', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '10.0.0.20240410', buildPlate: 'glass', buildVolume: [330, 240, 300] },
	ultimaker_method: { type: 'ultimaker_method', machineVariant: 'MakerBot Method', printCores: ['1A', '2A'], firmwareVersion: '3.1.0.20230310', buildPlate: 'aluminium', buildVolume: [190, 190, 196] },
	ultimaker_methodx: { type: 'ultimaker_methodx', machineVariant: 'MakerBot Method X', printCores: ['1XA', '2XA'], firmwareVersion: '3.1.0.20230310', buildPlate: 'aluminium', buildVolume: [190, 190, 196] },
	ultimaker_methodxl: { type: 'ultimaker_methodxl', machineVariant: 'MakerBot Method XL', printCores: ['1XA', '2XA'], firmwareVersion: '3.1.0.20230310', buildPlate: 'aluminium', buildVolume: [305, 305, 320] },
	ultimaker_sketch: { type: 'ultimaker_sketch', machineVariant: 'MakerBot Sketch', printCores: ['Sketch'], firmwareVersion: '1.6.0.20230105', buildPlate: 'aluminium', buildVolume: [150, 150, 150] },
};

export interface MaterialInfo {
	guid: string;
	brand: string;
	color: string;
	material: string;
}

/**
 * Materials by short name, each as Ultimaker's material database (repository Ultimaker/fdm_materials, commit
 * 0f81b3bdbb6259dd079dffed9b998b40386a333f) names it: `metadata/GUID` and `metadata/name/{brand,material,color}`
 * of the `<file>.xml.fdm_material` given after each entry. The plain names are the 2.85 mm Generic materials.
 */
export const MATERIALS: Record<string, MaterialInfo> = {
	PLA: { guid: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9', brand: 'Generic', color: 'Generic', material: 'PLA' }, // generic_pla
	TOUGH_PLA: { guid: '9d5d2d7c-4e77-441c-85a0-e9eefd4aa68c', brand: 'Generic', color: 'Generic', material: 'Tough PLA' }, // generic_tough_pla
	PETG: { guid: '1cbfaeb3-1906-4b26-b2e7-6f777a8c197a', brand: 'Generic', color: 'Generic', material: 'PETG' }, // generic_petg
	ABS: { guid: '60636bb4-518f-42e7-8237-fe77b194ebe0', brand: 'Generic', color: 'Generic', material: 'ABS' }, // generic_abs
	NYLON: { guid: '28fb4162-db74-49e1-9008-d05f1e8bef5c', brand: 'Generic', color: 'Generic', material: 'Nylon' }, // generic_nylon
	PVA: { guid: '86a89ceb-4159-47f6-ab97-e9953803d70f', brand: 'Generic', color: 'Generic', material: 'PVA' }, // generic_pva
	CPE: { guid: '12f41353-1a33-415e-8b4f-a775a6c70cc6', brand: 'Generic', color: 'Generic', material: 'CPE' }, // generic_cpe
	ULTIMAKER_PLA_BLACK: { guid: '3ee70a86-77d8-4b87-8005-e4a1bc57d2ce', brand: 'Ultimaker', color: 'Black', material: 'PLA' }, // ultimaker_pla_black
	ULTIMAKER_PLA_RED: { guid: '9cfe5bf1-bdc5-4beb-871a-52c70777842d', brand: 'Ultimaker', color: 'Red', material: 'PLA' }, // ultimaker_pla_red
	ULTIMAKER_PLA_WHITE: { guid: 'e509f649-9fe6-4b14-ac45-d441438cb4ef', brand: 'Ultimaker', color: 'White', material: 'PLA' }, // ultimaker_pla_white
	ULTIMAKER_TOUGH_PLA_BLACK: { guid: '03f24266-0291-43c2-a6da-5211892a2699', brand: 'Ultimaker', color: 'Black', material: 'Tough PLA' }, // ultimaker_tough_pla_black
	ULTIMAKER_PETG_BLACK: { guid: '5f9f3de0-045b-48d9-84ec-19db92be7603', brand: 'Ultimaker', color: 'Black', material: 'PETG' }, // ultimaker_petg_black
	ULTIMAKER_ABS_BLACK: { guid: '2f9d2279-9b0e-4765-bf9b-d1e1e13f3c49', brand: 'Ultimaker', color: 'Black', material: 'ABS' }, // ultimaker_abs_black
	ULTIMAKER_PVA: { guid: 'fe15ed8a-33c3-4f57-a2a7-b4b78a38c3cb', brand: 'Ultimaker', color: 'Natural', material: 'PVA' }, // ultimaker_pva
	ULTIMAKER_BREAKAWAY: { guid: '7e6207c4-22ff-441a-b261-ff89f166d5f9', brand: 'Ultimaker', color: 'White', material: 'Breakaway' }, // ultimaker_bam
};

export const EMPTY_MATERIAL_NAME = 'empty';

/** `brand material color` as Cura shows a material (`Generic PLA`, `Ultimaker Tough PLA Black`); color Generic is left out. */
export function materialDisplayName(material: { brand?: string; material?: string; color?: string }): string {
	return [material.brand, material.material, material.color === 'Generic' ? '' : material.color].filter((part) => part).join(' ');
}

/** The catalog entry for a GUID (case-insensitive), or null. */
export function materialByGuid(guid: string): MaterialInfo | null {
	const found = Object.values(MATERIALS).find((m) => m.guid === guid.toLowerCase());
	return found ? { ...found } : null;
}

/**
 * Resolves a short name (`PLA`, `ULTIMAKER_TOUGH_PLA_BLACK`), a display name (`Tough PLA`) or a GUID. A GUID the
 * catalog does not know keeps its GUID and empty names (the way Cura sees a material it has no profile for).
 */
export function resolveMaterial(nameOrGuid: string): MaterialInfo | null {
	if (nameOrGuid === EMPTY_MATERIAL_NAME || nameOrGuid === '') return null;
	const key = nameOrGuid.toUpperCase().replace(/[\s-]+/g, '_');
	if (MATERIALS[key]) return { ...MATERIALS[key] };
	const byGuid = materialByGuid(nameOrGuid);
	if (byGuid) return byGuid;
	if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nameOrGuid)) {
		return { guid: nameOrGuid.toLowerCase(), brand: '', color: '', material: '' };
	}
	return null;
}

export function machineVariantOf(type: string): string {
	return PRINTER_TYPES[type]?.machineVariant ?? type;
}
