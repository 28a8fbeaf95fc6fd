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
}

export const PRINTER_TYPES: Record<string, PrinterTypeInfo> = {
	ultimaker3: { type: 'ultimaker3', machineVariant: 'Ultimaker 3', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '5.8.2.20220330', buildPlate: 'glass' },
	ultimaker3_extended: { type: 'ultimaker3_extended', machineVariant: 'Ultimaker 3 Extended', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '5.8.2.20220330', buildPlate: 'glass' },
	ultimaker_s3: { type: 'ultimaker_s3', machineVariant: 'Ultimaker S3', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '8.3.0.20240214', buildPlate: 'glass' },
	ultimaker_s5: { type: 'ultimaker_s5', machineVariant: 'Ultimaker S5', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '8.3.0.20240214', buildPlate: 'glass' },
	ultimaker_s7: { type: 'ultimaker_s7', machineVariant: 'Ultimaker S7', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '10.1.0.20240627', buildPlate: 'glass' },
	ultimaker_s8: { type: 'ultimaker_s8', machineVariant: 'Ultimaker S8', printCores: ['AA+ 0.4', 'BB 0.4'], firmwareVersion: '10.2.0.20250120', buildPlate: 'glass' },
	ultimaker_factor4: { type: 'ultimaker_factor4', machineVariant: 'Ultimaker Factor 4', printCores: ['AA 0.4', 'BB 0.4'], firmwareVersion: '10.0.0.20240410', buildPlate: 'glass' },
	ultimaker_method: { type: 'ultimaker_method', machineVariant: 'MakerBot Method', printCores: ['1A', '2A'], firmwareVersion: '3.1.0.20230310', buildPlate: 'aluminium' },
	ultimaker_methodx: { type: 'ultimaker_methodx', machineVariant: 'MakerBot Method X', printCores: ['1XA', '2XA'], firmwareVersion: '3.1.0.20230310', buildPlate: 'aluminium' },
	ultimaker_methodxl: { type: 'ultimaker_methodxl', machineVariant: 'MakerBot Method XL', printCores: ['1XA', '2XA'], firmwareVersion: '3.1.0.20230310', buildPlate: 'aluminium' },
	ultimaker_sketch: { type: 'ultimaker_sketch', machineVariant: 'MakerBot Sketch', printCores: ['Sketch'], firmwareVersion: '1.6.0.20230105', buildPlate: 'aluminium' },
};

export interface MaterialInfo {
	guid: string;
	brand: string;
	color: string;
	material: string;
}

/** Materials by short name. PLA's GUID is the one in Ultimaker's docs; the others are the emulator's own. */
export const MATERIALS: Record<string, MaterialInfo> = {
	PLA: { guid: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9', brand: 'Ultimaker', color: 'Generic', material: 'PLA' },
	TOUGH_PLA: { guid: '9d5d2d7c-4e77-441c-85a0-e9eefd4aa68c', brand: 'Ultimaker', color: 'Black', material: 'Tough PLA' },
	PETG: { guid: '69386c85-5b6c-421a-bec5-aeb1fb33f060', brand: 'Ultimaker', color: 'Transparent', material: 'PETG' },
	ABS: { guid: '60636bb4-518f-42e7-8237-fe77b194ebe0', brand: 'Ultimaker', color: 'White', material: 'ABS' },
	NYLON: { guid: '28fb4162-db74-49e1-9008-d05f1e8bef5c', brand: 'Ultimaker', color: 'Natural', material: 'Nylon' },
	PVA: { guid: '86a89ceb-4159-47f6-ab97-e9953803d70f', brand: 'Ultimaker', color: 'Natural', material: 'PVA' },
	CPE: { guid: '12f41353-1a33-415e-8b4f-a775a6c70cc6', brand: 'Ultimaker', color: 'Black', material: 'CPE' },
};

export const EMPTY_MATERIAL_NAME = 'empty';

/** Resolves a short name (`PLA`), a display name (`Tough PLA`) or a GUID; unknown GUIDs stay unbranded. */
export function resolveMaterial(nameOrGuid: string): MaterialInfo | null {
	if (nameOrGuid === EMPTY_MATERIAL_NAME || nameOrGuid === '') return null;
	const key = nameOrGuid.toUpperCase().replace(/[\s-]+/g, '_');
	if (MATERIALS[key]) return { ...MATERIALS[key] };
	const byGuid = Object.values(MATERIALS).find((m) => m.guid === nameOrGuid.toLowerCase());
	if (byGuid) return { ...byGuid };
	if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nameOrGuid)) {
		return { guid: nameOrGuid.toLowerCase(), brand: 'Generic', color: 'Generic', material: 'Unknown' };
	}
	return null;
}

export function machineVariantOf(type: string): string {
	return PRINTER_TYPES[type]?.machineVariant ?? type;
}
