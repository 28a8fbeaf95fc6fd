/**
 * Thumbnails embedded in G-code comments, as Cura's "Create Thumbnail" post-processing script writes them
 * (`; thumbnail begin <width> <height> <base64 length>`, base64 in `; ` lines, `; thumbnail end`, inserted
 * after `;Generated with Cura…`) and as PrusaSlicer writes them (`<width>x<height>`, also `thumbnail_JPG`
 * and `thumbnail_QOI`). The largest valid block wins.
 */

export interface GcodeThumbnail {
	data: Uint8Array;
	mimeType: string;
	extension: string;
	width: number;
	height: number;
}

const BEGIN = /^;\s*thumbnail(?:_(PNG|JPG|QOI))?\s+begin\s+(\d+)\s*[x ]\s*(\d+)\s+(\d+)\s*$/i;
const END = /^;\s*thumbnail(?:_(?:PNG|JPG|QOI))?\s+end\s*$/i;
const BASE64_LINE = /^;\s*([A-Za-z0-9+/=]*)\s*$/;

const KINDS: Record<string, { mimeType: string; extension: string }> = {
	PNG: { mimeType: 'image/png', extension: 'png' },
	JPG: { mimeType: 'image/jpeg', extension: 'jpg' },
	QOI: { mimeType: 'image/qoi', extension: 'qoi' },
};

interface OpenBlock {
	kind: string;
	width: number;
	height: number;
	declaredLength: number;
	base64: string[];
	length: number;
}

/** Feeds comment lines one at a time; keeps at most one block's base64 (bounded) in memory. */
export class ThumbnailCollector {
	private open: OpenBlock | null = null;
	private best: GcodeThumbnail | null = null;
	readonly notes: string[] = [];

	constructor(private readonly maxBase64Chars: number) {}

	get inBlock(): boolean {
		return this.open !== null;
	}

	/** Returns true when the line belonged to a thumbnail block. */
	take(line: string): boolean {
		if (this.open === null) return this.begin(line);
		if (END.test(line)) {
			this.finish(this.open);
			this.open = null;
			return true;
		}
		const match = BASE64_LINE.exec(line);
		if (!match)
			return this.abandon('a thumbnail block holds a line that is not base64; the thumbnail was left out');
		this.open.length += match[1]!.length;
		if (this.open.length > this.maxBase64Chars)
			return this.abandon('the G-code thumbnail is larger than the limit and was left out');
		this.open.base64.push(match[1]!);
		return true;
	}

	/** Called when reading stops: an unfinished block is reported, not used. */
	close(): GcodeThumbnail | null {
		if (this.open !== null)
			this.abandon('the G-code thumbnail block has no "; thumbnail end"; it was left out');
		return this.best;
	}

	private begin(line: string): boolean {
		const match = BEGIN.exec(line);
		if (!match) return false;
		const [, kind = 'PNG', width, height, length] = match;
		this.open = {
			kind: kind.toUpperCase(),
			width: Number(width),
			height: Number(height),
			declaredLength: Number(length),
			base64: [],
			length: 0,
		};
		return true;
	}

	private abandon(note: string): boolean {
		this.open = null;
		if (!this.notes.includes(note)) this.notes.push(note);
		return true;
	}

	private finish(block: OpenBlock): void {
		const text = block.base64.join('');
		if (text.length !== block.declaredLength || text.length % 4 !== 0 || text.length === 0) {
			this.abandon(
				`a G-code thumbnail has ${text.length} base64 characters where its block declares ${block.declaredLength}; it was left out`,
			);
			return;
		}
		const current = this.best;
		if (current && current.width * current.height >= block.width * block.height) return;
		this.best = {
			data: new Uint8Array(Buffer.from(text, 'base64')),
			...KINDS[block.kind]!,
			width: block.width,
			height: block.height,
		};
	}
}
