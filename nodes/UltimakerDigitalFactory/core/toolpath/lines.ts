/** Splits a byte stream into text lines without holding more than one line (bounded) at a time. */
import { concatBytes } from './source';

export interface TextLine {
	/** The line without its line break (`\n` or `\r\n`). */
	text: string;
	/** Bytes this line took in the stream, line break included. */
	byteLength: number;
	/** True when the line was longer than the limit; `text` is then empty. */
	tooLong: boolean;
	/** True when the line holds NUL bytes, which no text file has. */
	binary: boolean;
}

const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8');

export async function* textLines(
	chunks: AsyncIterable<Uint8Array>,
	maxLineBytes: number,
): AsyncGenerator<TextLine> {
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	for await (const chunk of chunks) {
		let start = 0;
		for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
			const piece = chunk.subarray(start, newline);
			yield toLine(pending, pendingBytes, piece, maxLineBytes);
			pending = [];
			pendingBytes = 0;
			start = newline + 1;
		}
		const rest = chunk.subarray(start);
		if (pendingBytes + rest.length > maxLineBytes) {
			// A line this long is not part of any header: report it once and stop reading.
			yield { text: '', byteLength: pendingBytes + rest.length, tooLong: true, binary: false };
			return;
		}
		if (rest.length > 0) {
			pending.push(rest);
			pendingBytes += rest.length;
		}
	}
	if (pendingBytes > 0) {
		const line = toLine(pending, pendingBytes, new Uint8Array(0), maxLineBytes);
		yield { ...line, byteLength: line.byteLength - 1 };
	}
}

function toLine(
	pending: Uint8Array[],
	pendingBytes: number,
	piece: Uint8Array,
	maxLineBytes: number,
): TextLine {
	const byteLength = pendingBytes + piece.length + 1;
	if (pendingBytes + piece.length > maxLineBytes)
		return { text: '', byteLength, tooLong: true, binary: false };
	const bytes = pendingBytes === 0 ? piece : concatBytes([...pending, piece], pendingBytes + piece.length);
	const binary = bytes.indexOf(0) !== -1;
	let text = decoder.decode(bytes);
	if (text.endsWith('\r')) text = text.slice(0, -1);
	return { text, byteLength, tooLong: false, binary };
}
