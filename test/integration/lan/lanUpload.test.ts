/**
 * The emulator's LAN upload handler (`POST /cluster-api/v1/print_jobs/`) from a raw HTTP client: it reads the
 * multipart body as it streams in (the file counted and its toolpath header read, not held), so a large upload
 * does not grow the emulator's memory with the file; a body it cannot read is answered 400 once the client has
 * sent it all, and the listener goes on serving.
 */
import http from 'node:http';

import type { Emulator } from '../../../emulator';
import { LanClient, startEmulator } from '../../../emulator';
import { DigestSigner } from '../../../nodes/UltimakerDigitalFactory/connections/local/digest';
import { ufp } from '../../fixtures/toolpath';

jest.setTimeout(120_000);

const MiB = 1024 * 1024;
const PATH = '/cluster-api/v1/print_jobs/';

let emu: Emulator;
let lan: LanClient;
let signer: DigestSigner;

interface Reply {
	status: number;
	text: string;
}

/** One request; `body` is written with backpressure, its length declared up front (as curl and the node do). */
function request(method: string, path: string, headers: Record<string, string>, body: Iterable<Buffer> = [], length = 0): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${emu.lanUrl}${path}`, { method, headers: { ...headers, 'Content-Length': String(length) } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', reject);
		const pieces = body[Symbol.iterator]();
		const pump = () => {
			for (let next = pieces.next(); !next.done; next = pieces.next()) if (!req.write(next.value)) return void req.once('drain', pump);
			req.end();
		};
		pump();
	});
}

/** A signed upload of the given body pieces (multipart framing is the caller's). */
function upload(pieces: Buffer[] | (() => Iterable<Buffer>), length?: number, contentType = 'multipart/form-data; boundary=BOUND'): Promise<Reply> {
	const body = typeof pieces === 'function' ? pieces() : pieces;
	const size = length ?? (pieces as Buffer[]).reduce((sum, piece) => sum + piece.length, 0);
	return request('POST', PATH, { Authorization: signer.authorization('POST', PATH)!, 'Content-Type': contentType }, body, size);
}

const field = (name: string, value: string) => Buffer.from(`--BOUND\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const fileHead = (fileName: string) => Buffer.from(`--BOUND\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
const CLOSE = Buffer.from('\r\n--BOUND--\r\n');

beforeAll(async () => {
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'lan-upload', speed: 0 });
	lan = new LanClient(emu.lanUrl);
	const pairing = await lan.pair('lan-upload', 'test');
	signer = new DigestSigner(pairing.id, pairing.key);
	const challenged = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${emu.lanUrl}/api/v1/auth/verify`, resolve).on('error', reject));
	challenged.resume();
	expect(signer.learn(challenged.headers['www-authenticate'])).toBeDefined();
});
afterAll(async () => {
	await emu.close();
});

describe('LAN upload: the multipart body is read as it streams', () => {
	test('a good upload: owner, size and the UFP toolpath header (print time) are taken on the way', async () => {
		const gcode = ';FLAVOR:Griffin\n;TARGET_MACHINE.NAME:Ultimaker S5\n;PRINT.TIME:4321\n;END_OF_HEADER\nG28\n';
		const file = ufp(Buffer.concat([Buffer.from(gcode), Buffer.alloc(300_000, 'G1 X1 Y1\n')]));
		const reply = await upload([field('owner', 'alice'), fileHead('benchy.ufp'), file, CLOSE]);
		expect(reply.status).toBe(200);
		const last = (await lan.uploads()).at(-1);
		expect(last).toEqual({ name: 'benchy', owner: 'alice', requirePrinterName: null, bytes: file.length });
		const job = (await lan.printJobs()).find((row) => row.name === 'benchy');
		expect(job?.time_total).toBe(4321);
	});

	test.each([
		['no boundary in the Content-Type', [field('owner', 'x'), fileHead('a.gcode'), Buffer.alloc(2 * MiB, 'G1\n'), CLOSE], 'multipart/form-data', /with a boundary/],
		['no closing boundary (the body stops inside the file)', [fileHead('a.gcode'), Buffer.alloc(2 * MiB, 'G1\n')], undefined, /without its closing boundary/],
		['no file part', [field('owner', 'x'), Buffer.from('--BOUND--\r\n')], undefined, /"file" part is missing or empty/],
		['an empty file part', [fileHead('a.gcode'), CLOSE], undefined, /"file" part is missing or empty/],
		['not multipart at all', [Buffer.alloc(MiB, 'x')], undefined, /"file" part is missing or empty/],
		['part headers without end', [Buffer.from('--BOUND\r\nX-Filler: '), Buffer.alloc(2 * MiB, 'a')], undefined, /headers are longer than/],
		['a form field of 1 MiB', [field('owner', 'o'.repeat(MiB)), fileHead('a.gcode'), Buffer.from('G1\n'), CLOSE], undefined, /"owner" part is longer than/],
	])('%s: 400 once the body is sent, nothing queued, the listener serves on', async (_what, pieces, contentType, detail) => {
		const before = (await lan.uploads()).length;
		const reply = await upload(pieces, undefined, contentType);
		expect(reply.status).toBe(400);
		expect((JSON.parse(reply.text) as { errors: Array<{ detail: string }> }).errors[0]!.detail).toMatch(detail);
		expect(await lan.uploads()).toHaveLength(before);
		expect(await lan.printers()).not.toHaveLength(0);
	});

	test('a 256 MiB upload does not grow the emulator with the file (it used to hold the body twice: chunks, then joined)', async () => {
		const size = 256 * MiB;
		// One reused piece: the client side allocates nothing per chunk.
		const piece = Buffer.alloc(MiB, 'G1 X10 Y10 E0.5\n');
		const head = Buffer.concat([field('owner', 'big'), fileHead('big.gcode')]);
		function* body(): Iterable<Buffer> {
			yield head;
			for (let sent = 0; sent < size; sent += piece.length) yield piece;
			yield CLOSE;
		}
		(globalThis as { gc?: () => void }).gc?.();
		const before = process.memoryUsage().rss;
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
		try {
			const reply = await upload(body, head.length + size + CLOSE.length);
			expect(reply.status).toBe(200);
		} finally {
			clearInterval(sampler);
		}
		peak = Math.max(peak, process.memoryUsage().rss);
		expect((await lan.uploads()).at(-1)).toMatchObject({ name: 'big', bytes: size });
		expect((peak - before) / MiB).toBeLessThan(64);
	});
});
