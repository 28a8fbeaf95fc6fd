/**
 * multipart/form-data read as it streams in (RFC 7578 / RFC 2046 §5.1): each part's bytes go to a sink the caller
 * picks from the part's headers, so an uploaded file is counted and inspected on the way, never held whole — a
 * printer writes an upload to its disk as it arrives. Only the last delimiter-length bytes of a chunk are ever
 * held back (they may begin a delimiter the next chunk completes).
 *
 * Leniency, as the emulator's earlier whole-body parser: the preamble before the first delimiter and the epilogue
 * after the closing one are ignored; a body that ends right after a delimiter, or inside a part's headers, simply
 * has no further part. A body that ends inside a part's data has lost its closing boundary: 400.
 */
import { HttpError } from './http';

const badRequest = (detail: string) => new HttpError(400, 'badRequest', 'Bad request', detail);

/** What a part declares in its headers. */
export interface PartInfo {
	/** `name` of its Content-Disposition, or null without one. */
	name: string | null;
	/** `filename` of its Content-Disposition, or null without one. */
	filename: string | null;
	/** Its header block as text. */
	headers: string;
}

/** Where one part's bytes go; `end` when its closing delimiter has been seen (not for a part the body cuts short). */
export interface PartSink {
	write(chunk: Buffer): void;
	end(): void;
}

/** A part's headers are at most this long (a printer's web server allows a few KiB). */
export const MAX_PART_HEADER_BYTES = 16 * 1024;

/** The boundary of a `multipart/form-data` Content-Type; 400 without one. */
export function boundaryOf(contentType: string | undefined): string {
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
	const boundary = match?.[1] ?? match?.[2];
	if (!boundary) throw badRequest('Expected multipart/form-data with a boundary.');
	return boundary;
}

/** `name` and `filename` of a part's Content-Disposition (`filename=` does not pass for `name=`). */
export function dispositionOf(headers: string): { name: string | null; filename: string | null } {
	const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
	const param = (key: string) => {
		const match = new RegExp(`(?:^|;)\\s*${key}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(disposition);
		return match ? (match[1] ?? match[2]!) : null;
	};
	return { name: param('name'), filename: param('filename') };
}

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'data' | 'done';

/**
 * Feed it the body with `write`, then `end`. `onPart` is called with each part's headers and returns the sink
 * for its data. Throws a 400 HttpError on a body it cannot read (part headers over MAX_PART_HEADER_BYTES, no
 * closing boundary); whatever `onPart` or a sink throws passes through.
 */
export class MultipartParser {
	/** `\r\n--boundary`: what ends a part's data. The first delimiter may open the body, so "\r\n" is fed first. */
	private readonly delimiter: Buffer;
	private state: State = 'preamble';
	/** Bytes held back: a possible start of the delimiter (preamble, data), or the headers read so far. */
	private held: Buffer = Buffer.from('\r\n');
	private sink: PartSink | null = null;

	constructor(
		boundary: string,
		private readonly onPart: (part: PartInfo) => PartSink,
	) {
		this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
	}

	get finished(): boolean {
		return this.state === 'done';
	}

	write(chunk: Buffer): void {
		let rest = chunk;
		while (rest.length > 0 && this.state !== 'done') rest = this.step(rest);
	}

	end(): void {
		if (this.state === 'data') throw badRequest('The multipart body ends without its closing boundary.');
		this.state = 'done';
	}

	/** Consumes some of `input` in the current state; returns what is left for the next state. */
	private step(input: Buffer): Buffer {
		switch (this.state) {
			case 'preamble':
			case 'data':
				return this.scan(input);
			case 'afterDelimiter': {
				const bytes = this.held.length ? Buffer.concat([this.held, input]) : input;
				if (bytes.length < 2) {
					this.held = Buffer.from(bytes);
					return Buffer.alloc(0);
				}
				this.held = Buffer.alloc(0);
				if (bytes[0] === 0x2d && bytes[1] === 0x2d) {
					// `--boundary--`: the closing delimiter; the epilogue is ignored.
					this.state = 'done';
					return Buffer.alloc(0);
				}
				this.state = 'headers';
				return bytes;
			}
			case 'headers': {
				const bytes = this.held.length ? Buffer.concat([this.held, input]) : input;
				const end = bytes.indexOf('\r\n\r\n');
				if (end < 0) {
					if (bytes.length > MAX_PART_HEADER_BYTES) throw badRequest(`A multipart part's headers are longer than ${MAX_PART_HEADER_BYTES} bytes.`);
					this.held = Buffer.from(bytes);
					return Buffer.alloc(0);
				}
				// The headers follow the delimiter's line break (none: the part has no headers).
				const headers = end >= 2 ? bytes.subarray(2, end).toString('utf8') : '';
				this.held = Buffer.alloc(0);
				this.sink = this.onPart({ ...dispositionOf(headers), headers });
				this.state = 'data';
				return bytes.subarray(end + 4);
			}
			default:
				return Buffer.alloc(0);
		}
	}

	/**
	 * Preamble or part data: passes on (or drops) everything before the delimiter and holds back a tail that may
	 * start one. `held` is only ever a delimiter's prefix, so joining it to the next chunk copies that chunk only
	 * when the previous one ended in the first bytes of a delimiter (a `\r`, `\r\n`, …).
	 */
	private scan(input: Buffer): Buffer {
		const bytes = this.held.length ? Buffer.concat([this.held, input]) : input;
		this.held = Buffer.alloc(0);
		const at = bytes.indexOf(this.delimiter);
		if (at < 0) {
			const keep = this.delimiterPrefixAtEnd(bytes);
			this.pass(bytes.subarray(0, bytes.length - keep));
			if (keep > 0) this.held = Buffer.from(bytes.subarray(bytes.length - keep));
			return Buffer.alloc(0);
		}
		this.pass(bytes.subarray(0, at));
		if (this.state === 'data') {
			this.sink!.end();
			this.sink = null;
		}
		this.state = 'afterDelimiter';
		return bytes.subarray(at + this.delimiter.length);
	}

	private pass(data: Buffer): void {
		if (this.state === 'data' && data.length > 0) this.sink!.write(data);
	}

	/** The length of the longest tail of `bytes` that is a (proper) prefix of the delimiter. */
	private delimiterPrefixAtEnd(bytes: Buffer): number {
		const from = Math.max(0, bytes.length - (this.delimiter.length - 1));
		for (let i = bytes.indexOf(0x0d, from); i >= 0; i = bytes.indexOf(0x0d, i + 1)) {
			const tail = bytes.length - i;
			if (bytes.compare(this.delimiter, 0, tail, i) === 0) return tail;
		}
		return 0;
	}
}

/** A sink that keeps a small part (a form field) in memory, up to `limit` bytes (400 beyond). */
export class FieldSink implements PartSink {
	private readonly chunks: Buffer[] = [];
	private size = 0;
	value: Buffer | null = null;

	constructor(
		private readonly name: string,
		private readonly limit: number,
	) {}

	write(chunk: Buffer): void {
		this.size += chunk.length;
		if (this.size > this.limit) throw badRequest(`The "${this.name}" part is longer than ${this.limit} bytes.`);
		this.chunks.push(Buffer.from(chunk));
	}

	end(): void {
		this.value = Buffer.concat(this.chunks);
	}
}

/** A whole body's parts (tests, small bodies): name → filename and bytes; a later part of the same name wins. */
export function parseMultipart(body: Buffer, contentType: string | undefined): Map<string, { filename: string | null; body: Buffer }> {
	const parts = new Map<string, { filename: string | null; body: Buffer }>();
	const parser = new MultipartParser(boundaryOf(contentType), (part) => {
		const sink = new FieldSink(part.name ?? '', Number.MAX_SAFE_INTEGER);
		return {
			write: (chunk) => sink.write(chunk),
			end: () => {
				sink.end();
				if (part.name) parts.set(part.name, { filename: part.filename, body: sink.value! });
			},
		};
	});
	parser.write(body);
	parser.end();
	return parts;
}
