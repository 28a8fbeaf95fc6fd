/**
 * The emulator's streaming multipart reader (emulator/multipart.ts): the same parts whichever way the body is cut
 * into chunks (a delimiter split across chunks, a file whose bytes look like the start of one), and the refusals
 * of a body it cannot read.
 */
import type { PartInfo } from '../../../emulator';
import { MultipartParser, parseMultipart } from '../../../emulator';
import { MAX_PART_HEADER_BYTES, boundaryOf, dispositionOf } from '../../../emulator/multipart';

const CT = 'multipart/form-data; boundary=BOUND';

function body(parts: Array<{ headers: string; data: Buffer | string }>, { preamble = '', epilogue = '\r\n' } = {}): Buffer {
	const pieces: Buffer[] = [Buffer.from(preamble)];
	for (const part of parts) pieces.push(Buffer.from(`--BOUND\r\n${part.headers}\r\n\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
	pieces.push(Buffer.from(`--BOUND--${epilogue}`));
	return Buffer.concat(pieces);
}

/** Parses `bytes` fed in the given chunk sizes (cycled); name → { filename, data, headers }. */
function parseInChunks(bytes: Buffer, sizes: number[]): Map<string, { info: PartInfo; data: Buffer }> {
	const parts = new Map<string, { info: PartInfo; data: Buffer }>();
	const parser = new MultipartParser('BOUND', (info) => {
		const chunks: Buffer[] = [];
		return { write: (chunk) => chunks.push(Buffer.from(chunk)), end: () => parts.set(info.name ?? '', { info, data: Buffer.concat(chunks) }) };
	});
	for (let offset = 0, i = 0; offset < bytes.length; i++) {
		const size = sizes[i % sizes.length]!;
		parser.write(bytes.subarray(offset, offset + size));
		offset += size;
	}
	parser.end();
	return parts;
}

// File bytes with prefixes of the delimiter (never all of it: a boundary must not occur in the data, RFC 2046), and binary.
const TRICKY = Buffer.concat([
	Buffer.from(';FLAVOR:Griffin\r\n\r\n--BOUN\r\n--BOUNxARY\r\n-\r\n--\r\n--B\r'),
	Buffer.from([0, 13, 10, 45, 45, 255, 13]),
	Buffer.from('\r\n--BOUN\r\n--BOUN end\r\n--BOUN'),
]);

describe('MultipartParser', () => {
	const bytes = body(
		[
			{ headers: 'Content-Disposition: form-data; name="owner"\r\nContent-Type: text/plain', data: 'n8n' },
			{ headers: 'Content-Disposition: form-data; name="file"; filename="part.gcode"\r\nContent-Type: text/x-gcode', data: TRICKY },
			{ headers: 'Content-Disposition: form-data; name="require_printer_name"', data: 'ultimakersystem-a' },
		],
		{ preamble: 'This is the preamble.\r\n' },
	);

	test('the same parts whichever way the body is cut into chunks', () => {
		const whole = parseMultipart(bytes, CT);
		expect(whole.get('owner')?.body.toString()).toBe('n8n');
		expect(whole.get('file')?.filename).toBe('part.gcode');
		expect(whole.get('file')?.body.equals(TRICKY)).toBe(true);
		expect(whole.get('require_printer_name')?.body.toString()).toBe('ultimakersystem-a');
		for (const sizes of [[1], [2], [3], [7], [13, 1], [64], [5, 200, 1, 1]]) {
			const parts = parseInChunks(bytes, sizes);
			expect([...parts.keys()]).toEqual(['owner', 'file', 'require_printer_name']);
			expect(parts.get('file')!.data.equals(TRICKY)).toBe(true);
			expect(parts.get('owner')!.data.toString()).toBe('n8n');
		}
		// Every place a body can be cut in two.
		for (let cut = 0; cut <= bytes.length; cut++) {
			const parts = parseInChunks(bytes, [cut || bytes.length, bytes.length]);
			expect(parts.get('file')!.data.equals(TRICKY)).toBe(true);
			expect(parts.get('require_printer_name')!.data.toString()).toBe('ultimakersystem-a');
		}
	});

	test('a body without its closing boundary is refused (400), one without any delimiter has no parts', () => {
		const cut = bytes.subarray(0, bytes.indexOf('ultimakersystem-a') + 5);
		expect(() => parseMultipart(cut, CT)).toThrow(expect.objectContaining({ status: 400, message: expect.stringMatching(/without its closing boundary/) }));
		expect(parseMultipart(Buffer.from('no multipart here'), CT).size).toBe(0);
		expect(parseMultipart(Buffer.alloc(0), CT).size).toBe(0);
	});

	test('a body that ends after a delimiter or inside headers keeps the parts before it (as the old whole-body parser)', () => {
		const complete = '--BOUND\r\nContent-Disposition: form-data; name="owner"\r\n\r\nme\r\n';
		expect(parseMultipart(Buffer.from(`${complete}--BOUND`), CT).get('owner')?.body.toString()).toBe('me');
		expect(parseMultipart(Buffer.from(`${complete}--BOUND\r\nContent-Disp`), CT).get('owner')?.body.toString()).toBe('me');
	});

	test('part headers longer than the limit are refused (400), without holding more than that', () => {
		const parser = new MultipartParser('BOUND', () => ({ write: () => undefined, end: () => undefined }));
		parser.write(Buffer.from('--BOUND\r\nX-Long: '));
		const filler = Buffer.alloc(1024, 'a');
		expect(() => {
			for (let i = 0; i < MAX_PART_HEADER_BYTES / 1024 + 2; i++) parser.write(filler);
		}).toThrow(expect.objectContaining({ status: 400 }));
	});

	test('the epilogue after the closing boundary is ignored', () => {
		const parts = parseMultipart(body([{ headers: 'Content-Disposition: form-data; name="file"; filename="a.gcode"', data: 'G1' }], { epilogue: '\r\n--BOUND\r\ngarbage' }), CT);
		expect(parts.get('file')?.body.toString()).toBe('G1');
	});

	test('boundary and Content-Disposition', () => {
		expect(() => boundaryOf('multipart/form-data')).toThrow(expect.objectContaining({ status: 400 }));
		expect(() => boundaryOf(undefined)).toThrow(expect.objectContaining({ status: 400 }));
		expect(boundaryOf('multipart/form-data; boundary="a b"')).toBe('a b');
		expect(boundaryOf('multipart/form-data; boundary=xyz; charset=utf-8')).toBe('xyz');
		// `filename=` before `name=` does not pass for the name.
		expect(dispositionOf('Content-Disposition: form-data; filename="x.gcode"; name="file"')).toEqual({ name: 'file', filename: 'x.gcode' });
		expect(dispositionOf('content-disposition: form-data; name=owner')).toEqual({ name: 'owner', filename: null });
		expect(dispositionOf('Content-Type: text/plain')).toEqual({ name: null, filename: null });
	});
});
