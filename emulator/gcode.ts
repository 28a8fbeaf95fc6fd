/** Reads the header comments Cura writes at the top of Griffin-flavoured G-code. */
import type { GcodeHeader } from './model';

/** How much of an upload is kept for header parsing (Cura's header fits in a few hundred bytes). */
export const GCODE_PEEK_BYTES = 64 * 1024;

export function parseGcodeHeader(text: string): GcodeHeader {
	const header: GcodeHeader = { flavor: null, printTimeSeconds: null, targetMachine: null, materials: [] };
	for (const rawLine of text.split(/\r?\n/)) {
		const line = rawLine.trim();
		if (!line.startsWith(';')) {
			if (line === '') continue;
			// The header is the leading comment block; stop at the first command after it.
			if (header.flavor !== null || header.printTimeSeconds !== null) break;
			continue;
		}
		const match = /^;([A-Z0-9_.]+):(.*)$/i.exec(line);
		if (!match) continue;
		const key = match[1]!.toUpperCase();
		const value = match[2]!.trim();
		if (key === 'FLAVOR') header.flavor = value;
		else if (key === 'PRINT.TIME' || (key === 'TIME' && header.printTimeSeconds === null)) {
			const seconds = Number(value);
			if (Number.isFinite(seconds) && seconds >= 0) header.printTimeSeconds = Math.round(seconds);
		} else if (key === 'TARGET_MACHINE.NAME') header.targetMachine = value || null;
		else {
			const guid = /^EXTRUDER_TRAIN\.(\d+)\.MATERIAL\.GUID$/.exec(key);
			if (guid && value) {
				header.materials.push({ extruder_index: Number(guid[1]), guid: value.toLowerCase() });
			}
		}
	}
	return header;
}
