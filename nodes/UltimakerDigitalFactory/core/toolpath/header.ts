/**
 * Reads the comment block at the top of a G-code: the Griffin header CuraEngine writes between
 * `;START_OF_HEADER` and `;END_OF_HEADER` (`src/gcode_export/gcodeExport.cpp`, `getFileHeader`), plus the
 * comment lines right after it (where Cura's thumbnail script puts its block). Reading stops at the first
 * G-code command after the header, so a 500 MB file costs its first few kilobytes.
 */
import type { TextLine } from './lines';
import { textLines } from './lines';
import { notToolpath, ToolpathProblem } from './problems';
import type { GcodeThumbnail } from './thumbnail';
import { ThumbnailCollector } from './thumbnail';
import type { InspectLimits } from './types';

export interface HeaderScan {
	/** `;KEY:value` pairs of the header block, keys as written; the first occurrence of a key wins. */
	entries: Map<string, string>;
	/** Whether a complete `;START_OF_HEADER` … `;END_OF_HEADER` block was read. */
	hasHeader: boolean;
	/** `;FLAVOR:` from the header, or from the leading comments of a header-less file. */
	flavor: string | null;
	thumbnail: GcodeThumbnail | null;
	notes: string[];
}

type Phase = 'preamble' | 'header' | 'after';

const START = ';START_OF_HEADER';
const END = ';END_OF_HEADER';
const KEY_VALUE = /^;([A-Za-z0-9_.]+):(.*)$/;
/** A G-code command line: `G1 X…`, `M104 S…`, `T0`, a line-numbered `N12 G1…`, or a program mark `%`. */
const COMMAND = /^(?:[GMT]\d|N\d+\s|%|O\d)/i;

class Scanner {
	readonly entries = new Map<string, string>();
	readonly thumbnails: ThumbnailCollector;
	phase: Phase = 'preamble';
	flavor: string | null = null;
	scanned = 0;
	lineNumber = 0;
	finished = false;

	constructor(
		readonly fileName: string,
		readonly limits: InspectLimits,
	) {
		this.thumbnails = new ThumbnailCollector(Math.ceil((limits.maxThumbnailBytes * 4) / 3) + 4);
	}

	take(line: TextLine): void {
		this.lineNumber++;
		this.scanned += line.byteLength;
		if (line.binary) throw notToolpath(this.fileName, `line ${this.lineNumber} holds binary data`);
		if (line.tooLong) return this.lineTooLong();
		const text = line.text.trim();
		if (this.phase === 'preamble') this.inPreamble(text);
		else if (this.phase === 'header') this.inHeader(text);
		else this.afterHeader(text);
		if (!this.finished) this.checkBudget();
	}

	private inPreamble(text: string): void {
		if (text === START) {
			this.phase = 'header';
			return;
		}
		if (text === '') return;
		if (text.startsWith(';')) {
			if (!this.thumbnails.take(text)) this.flavor ??= flavorOf(text);
			return;
		}
		if (!COMMAND.test(text))
			throw notToolpath(this.fileName, `line ${this.lineNumber} is neither a G-code command nor a comment`);
		// A G-code without a Griffin header: what it is has been decided; nothing more to read.
		this.finished = true;
	}

	private inHeader(text: string): void {
		if (text === END) {
			this.phase = 'after';
			return;
		}
		if (text === '') return;
		if (!text.startsWith(';')) {
			throw new ToolpathProblem(
				'truncatedHeader',
				`"${this.fileName}" has a broken header: line ${this.lineNumber} is a command before ;END_OF_HEADER`,
				'The header block Cura writes holds only comment lines. The file was edited or damaged; slice it again.',
			);
		}
		const match = KEY_VALUE.exec(text);
		if (match && !this.entries.has(match[1]!)) this.entries.set(match[1]!, match[2]!.trim());
	}

	private afterHeader(text: string): void {
		if (text.startsWith(';')) this.thumbnails.take(text);
		else if (text !== '') this.finished = true;
	}

	private lineTooLong(): void {
		if (this.phase === 'preamble')
			throw notToolpath(
				this.fileName,
				`line ${this.lineNumber} is longer than ${this.limits.maxLineBytes} bytes`,
			);
		if (this.phase === 'header')
			throw headerTooLong(
				this.fileName,
				`line ${this.lineNumber} is longer than ${this.limits.maxLineBytes} bytes`,
			);
		this.finished = true;
	}

	/** The preamble of a header-less file is read for at most `headerlessSniffBytes` (longer inside a thumbnail). */
	private checkBudget(): void {
		const overScan = this.scanned >= this.limits.maxScanBytes;
		if (this.phase === 'preamble') {
			if (overScan || (this.scanned >= this.limits.headerlessSniffBytes && !this.thumbnails.inBlock))
				this.endOfPreamble();
		} else if (this.phase === 'header' && overScan) {
			throw headerTooLong(
				this.fileName,
				`no ;END_OF_HEADER within the first ${this.limits.maxScanBytes} bytes`,
			);
		} else if (overScan) {
			this.finished = true;
		}
	}

	/** Only comments so far and the budget is spent: G-code if a flavour was named, otherwise not a toolpath. */
	private endOfPreamble(): void {
		if (this.flavor === null)
			throw notToolpath(this.fileName, `no G-code command in the first ${this.scanned} bytes`);
		this.finished = true;
	}

	/** The stream ended. */
	end(): void {
		if (this.phase === 'header') {
			throw new ToolpathProblem(
				'truncatedHeader',
				`"${this.fileName}" ends inside its header (no ;END_OF_HEADER)`,
				'The file was cut short, probably by an interrupted upload or download. Export it again.',
			);
		}
		if (this.phase === 'preamble' && this.flavor === null)
			throw notToolpath(this.fileName, 'it holds no G-code');
	}
}

function headerTooLong(fileName: string, why: string): ToolpathProblem {
	return new ToolpathProblem(
		'headerTooLong',
		`"${fileName}" has no usable header: ${why}`,
		'Cura writes a header of a few hundred bytes. Slice the model again.',
	);
}

function flavorOf(comment: string): string | null {
	const match = /^;FLAVOR:(.*)$/i.exec(comment);
	const value = match?.[1]?.trim();
	return value ? value : null;
}

/** Scans decompressed G-code bytes; stops reading (and closes the source) once the header is through. */
export async function scanGcodeHeader(
	chunks: AsyncIterable<Uint8Array>,
	fileName: string,
	limits: InspectLimits,
): Promise<HeaderScan> {
	const scanner = new Scanner(fileName, limits);
	for await (const line of textLines(chunks, limits.maxLineBytes)) {
		scanner.take(line);
		if (scanner.finished) break;
	}
	if (!scanner.finished) scanner.end();
	const thumbnail = scanner.thumbnails.close();
	const hasHeader = scanner.phase === 'after';
	const flavor = hasHeader ? (scanner.entries.get('FLAVOR') ?? null) || null : scanner.flavor;
	return { entries: scanner.entries, hasHeader, flavor, thumbnail, notes: scanner.thumbnails.notes };
}
