/**
 * What a toolpath needs, read from the header comments CuraEngine writes at the top of Griffin-flavoured G-code
 * (`;START_OF_HEADER` … `;END_OF_HEADER`), from plain G-code, gzipped G-code (`.gcode.gz`) or a UFP (a zip
 * holding `3D/model.gcode`). Uploads are read as they stream in; only the first `GCODE_PEEK_BYTES` of G-code text
 * are kept, never the whole file.
 */
import { createGunzip, createInflateRaw } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { ExtruderNeeds, GcodeHeader } from './stateModel';

/** How much G-code text is kept for header parsing (Cura's header fits in a few hundred bytes). */
export const GCODE_PEEK_BYTES = 64 * 1024;

/** The G-code member of a UFP package (OPC part `/3D/model.gcode`; zip entries carry no leading slash). */
export const UFP_GCODE_ENTRY = '3D/model.gcode';

const NUMBER = /^-?\d+(\.\d+)?$/;

function numberOrNull(value: string): number | null {
	return NUMBER.test(value) ? Number(value) : null;
}

function extruder(header: GcodeHeader, index: number): ExtruderNeeds {
	let found = header.extruders.find((e) => e.extruder_index === index);
	if (!found) {
		found = { extruder_index: index, material_guid: null, print_core_id: null, nozzle_diameter: null };
		header.extruders.push(found);
		header.extruders.sort((a, b) => a.extruder_index - b.extruder_index);
	}
	return found;
}

export function parseGcodeHeader(text: string): GcodeHeader {
	const header: GcodeHeader = {
		flavor: null,
		printTimeSeconds: null,
		targetMachine: null,
		materials: [],
		extruders: [],
		buildPlate: null,
		size: null,
	};
	const size = { min: { x: NaN, y: NaN, z: NaN }, max: { x: NaN, y: NaN, z: NaN } };
	for (const rawLine of text.split(/\r?\n/)) {
		const line = rawLine.trim();
		if (line.toUpperCase() === ';END_OF_HEADER') break;
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
			if (value !== '' && Number.isFinite(seconds) && seconds >= 0) header.printTimeSeconds = Math.round(seconds);
		} else if (key === 'TARGET_MACHINE.NAME') header.targetMachine = value || null;
		else if (key === 'BUILD_PLATE.TYPE') header.buildPlate = value || null;
		else {
			const train = /^EXTRUDER_TRAIN\.(\d+)\.(MATERIAL\.GUID|NOZZLE\.NAME|NOZZLE\.DIAMETER)$/.exec(key);
			if (train && value) {
				const entry = extruder(header, Number(train[1]));
				if (train[2] === 'MATERIAL.GUID') {
					entry.material_guid = value.toLowerCase();
					header.materials.push({ extruder_index: entry.extruder_index, guid: entry.material_guid });
				} else if (train[2] === 'NOZZLE.NAME') entry.print_core_id = value;
				else entry.nozzle_diameter = numberOrNull(value);
				continue;
			}
			const bound = /^PRINT\.SIZE\.(MIN|MAX)\.([XYZ])$/.exec(key);
			const n = numberOrNull(value);
			if (bound && n !== null) size[bound[1]!.toLowerCase() as 'min' | 'max'][bound[2]!.toLowerCase() as 'x' | 'y' | 'z'] = n;
		}
	}
	header.materials.sort((a, b) => a.extruder_index - b.extruder_index);
	if ([size.min, size.max].every((corner) => [corner.x, corner.y, corner.z].every(Number.isFinite))) header.size = size;
	return header;
}

/**
 * Reads the G-code header of an upload while it streams: `write()` every chunk as it arrives (never throws,
 * never holds more than a small window), then `end()` for the header — null when the bytes are not a toolpath
 * this reader knows (not G-code, a broken gzip, a zip without `3D/model.gcode`).
 */
export class ToolpathHeaderReader {
	private readonly text: Buffer[] = [];
	private textBytes = 0;
	private done = false;
	private failed = false;
	private inflater: Transform | null = null;
	private inflaterClosed: Promise<void> | null = null;
	/** UFP: bytes not yet scanned, and how many entry bytes to skip before scanning on. */
	private window: Buffer = Buffer.alloc(0);
	private skip = 0;

	constructor(private readonly format: 'gcode' | 'gzip' | 'ufp') {
		if (format === 'gzip') this.startInflater(createGunzip());
	}

	/** The format an upload's declared content type stands for, or null when the emulator does not read it. */
	static formatOf(contentType: string): 'gcode' | 'gzip' | 'ufp' | null {
		if (contentType === 'text/plain') return 'gcode';
		if (contentType === 'application/gzip') return 'gzip';
		if (contentType === 'application/x-ufp') return 'ufp';
		return null;
	}

	write(chunk: Buffer): void {
		if (this.done || this.failed) return;
		if (this.format === 'gcode') this.keepText(chunk);
		else if (this.inflater) this.inflater.write(chunk);
		else if (this.format === 'ufp') this.scanZip(chunk);
	}

	async end(): Promise<GcodeHeader | null> {
		if (this.inflater && !this.done && !this.failed) this.inflater.end();
		if (this.inflaterClosed) await this.inflaterClosed;
		if (this.textBytes === 0) return null;
		const text = Buffer.concat(this.text).toString('utf8');
		// A stream that is not G-code at all (binary, a zip declared as text) has no header to read.
		if (!/^\s*;/.test(text) && !/\n;/.test(text.slice(0, 4096))) return null;
		return parseGcodeHeader(text);
	}

	private keepText(chunk: Buffer): void {
		const part = chunk.subarray(0, GCODE_PEEK_BYTES - this.textBytes);
		this.text.push(Buffer.from(part));
		this.textBytes += part.length;
		if (this.textBytes >= GCODE_PEEK_BYTES) this.finish();
	}

	private finish(): void {
		this.done = true;
		this.window = Buffer.alloc(0);
		this.inflater?.destroy();
	}

	private startInflater(inflater: Transform): void {
		this.inflater = inflater;
		inflater.on('data', (data: Buffer) => {
			if (!this.done) this.keepText(data);
		});
		this.inflaterClosed = new Promise((resolve) => {
			inflater.on('error', () => {
				// A truncated or corrupt stream: keep what was inflated up to there.
				if (this.textBytes === 0) this.failed = true;
				resolve();
			});
			inflater.on('close', () => resolve());
			inflater.on('end', () => resolve());
		});
	}

	/**
	 * Walks the zip's local file headers as the bytes go by. An entry whose sizes are in its local header is
	 * skipped by its size; one written with a data descriptor (sizes after the data) is passed over by searching
	 * for the next local-header signature.
	 */
	private scanZip(chunk: Buffer): void {
		let data = chunk;
		if (this.skip > 0) {
			const skipped = Math.min(this.skip, data.length);
			this.skip -= skipped;
			data = data.subarray(skipped);
			if (data.length === 0) return;
		}
		this.window = this.window.length ? Buffer.concat([this.window, data]) : data;
		for (;;) {
			const at = this.window.indexOf(LOCAL_HEADER);
			if (at < 0) {
				this.window = this.window.subarray(Math.max(0, this.window.length - 3));
				return;
			}
			if (this.window.length < at + 30) {
				this.window = this.window.subarray(at);
				return;
			}
			const flags = this.window.readUInt16LE(at + 6);
			const method = this.window.readUInt16LE(at + 8);
			const compressedSize = this.window.readUInt32LE(at + 18);
			const nameLength = this.window.readUInt16LE(at + 26);
			const extraLength = this.window.readUInt16LE(at + 28);
			const dataStart = at + 30 + nameLength + extraLength;
			if (nameLength > 1024) {
				this.window = this.window.subarray(at + 4);
				continue;
			}
			if (this.window.length < dataStart) {
				this.window = this.window.subarray(at);
				return;
			}
			const name = this.window.subarray(at + 30, at + 30 + nameLength).toString('utf8').replace(/^\//, '');
			const rest = this.window.subarray(dataStart);
			if (name === UFP_GCODE_ENTRY && (method === 0 || method === 8)) {
				this.window = Buffer.alloc(0);
				if (method === 8) {
					this.startInflater(createInflateRaw());
					this.inflater!.write(rest);
				} else {
					// Stored: the entry's bytes are the G-code (up to its size, when the header gives it).
					this.keepText(flags & 8 ? rest : rest.subarray(0, compressedSize));
					this.done = true;
				}
				return;
			}
			const sizeKnown = (flags & 8) === 0 && compressedSize !== 0xffffffff;
			if (sizeKnown) {
				if (rest.length >= compressedSize) {
					this.window = rest.subarray(compressedSize);
					continue;
				}
				this.skip = compressedSize - rest.length;
				this.window = Buffer.alloc(0);
				return;
			}
			this.window = this.window.subarray(at + 4);
		}
	}
}

const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The header of a whole toolpath held in memory (tests, small files). */
export async function readToolpathHeader(bytes: Buffer, contentType: string): Promise<GcodeHeader | null> {
	const format = ToolpathHeaderReader.formatOf(contentType);
	if (!format) return null;
	const reader = new ToolpathHeaderReader(format);
	for (let offset = 0; offset < bytes.length; offset += 16 * 1024) reader.write(bytes.subarray(offset, offset + 16 * 1024));
	return reader.end();
}
