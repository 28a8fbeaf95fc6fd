/**
 * A 200 MB upload to a resumable session whose connection drops at 60 %: the node asks storage what it kept and sends
 * only the rest — 0.6 + 0.4 ≈ 1.0× the file in total, where sending everything again would cost 0.6 + 1.0 = 1.6×. Measured from the emulator's request log (what storage received), its state (one job, uploaded) and
 * the file storage assembled (byte for byte the original).
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Emulator } from '../../../emulator';
import type { GcodeFile } from '../../fixtures/gcode';
import { cachedGcodeFile } from '../../fixtures/gcode';
import { credentialsFor, runAction } from '../../helpers/actionNode';
import { bytesBudgetMs, EMULATOR_START_MS, STEP_MARGIN_MS } from '../../helpers/budgets';
import { storeBinary } from '../../helpers/n8nContext';
import { jobsOf, sent, start } from './harness';

const SIZE = 200 * 1000 * 1000;
/** Setting up: writing the file once (later runs reuse it: cachedGcodeFile) and starting the emulator. */
const SETUP_MS = bytesBudgetMs(SIZE) + EMULATOR_START_MS + STEP_MARGIN_MS;
/**
 * The upload, in passes over the file: n8n-core stores it (read + write: 2), the node reads 60 %, drops the
 * connection, reads and skips those 60 % again and sends the rest (1.6), storage writes what arrives (1.6), and both
 * files are hashed (2): 7.2, rounded up to 8.
 */
const UPLOAD_MS = bytesBudgetMs(SIZE, 8) + STEP_MARGIN_MS;

async function sha256(path: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

describe('a 200 MB upload to a resumable session dropped at 60 %', () => {
	let emu: Emulator;
	let gcode: GcodeFile;
	let uploadDir: string;

	beforeAll(async () => {
		gcode = await cachedGcodeFile({ sizeBytes: SIZE, fileName: 'big.gcode', printTimeSeconds: 7200 });
		uploadDir = mkdtempSync(join(tmpdir(), 'um-resumable-'));
		emu = await start({ uploadDir, uploadUrlStyle: 'resumable' });
	}, SETUP_MS);
	afterAll(async () => {
		await emu?.close();
		gcode?.cleanup();
		rmSync(uploadDir, { recursive: true, force: true });
	}, SETUP_MS);

	test('storage receives the file ≈ once in total (not 1.6×), the job ends uploaded exactly once, and the stored file is the original', async () => {
		const binary = await storeBinary({ path: gcode.path }, { fileName: 'big.gcode', mimeType: 'text/plain' });
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 });
		await emu.client.clearRequests();
		const items = await runAction({
			parameters: { resource: 'job', operation: 'upload' },
			items: [{ json: {}, binary: { data: binary } }],
			credentials: await credentialsFor(emu, 'apiToken'),
		});

		// The node: one item, uploaded.
		expect(items).toHaveLength(1);
		expect(items[0]!.json).toMatchObject({ status: 'uploaded', file_size: gcode.size, job_name: 'big.gcode' });

		// Storage: the dropped PUT, one status query, the rest from the byte storage kept on.
		const storage = await sent(emu, 'storage');
		expect(storage.map((entry) => [entry.status, entry.headers['content-range'] ?? null])).toEqual([
			[0, null],
			[308, `bytes */${gcode.size}`],
			[200, expect.stringMatching(new RegExp(`^bytes \\d+-${gcode.size - 1}/${gcode.size}$`))],
		]);
		const [dropped, query, rest] = storage;
		const resumedAt = Number(/^bytes (\d+)-/.exec(rest!.headers['content-range']!)![1]);
		expect(dropped!.bodyBytes).toBeGreaterThanOrEqual(0.6 * gcode.size);
		expect(resumedAt).toBeLessThanOrEqual(dropped!.bodyBytes);
		expect(resumedAt).toBeGreaterThan(0.59 * gcode.size);
		expect(rest!.bodyBytes).toBe(gcode.size - resumedAt);
		const total = storage.reduce((sum, entry) => sum + entry.bodyBytes, 0);
		// 60 % + the missing 40 % (+ what arrived past the last whole 256 KiB unit storage kept) ≈ 1.0× the file;
		// sending everything again after the drop would be 0.6 + 1.0 = 1.6×.
		const ratio = total / gcode.size;
		expect(ratio).toBeGreaterThan(1);
		expect(ratio).toBeLessThan(1.01);

		// Digital Factory: exactly one job, uploaded, its header read from the assembled bytes.
		const jobs = await jobsOf(emu);
		expect(jobs.map((job) => job.status)).toEqual(['uploaded']);
		const header = (jobs[0] as { header?: { printTimeSeconds?: number } }).header;
		expect(header?.printTimeSeconds).toBe(7200);

		// Nothing lost, nothing doubled: the file storage assembled is the original, byte for byte.
		const stored = readdirSync(uploadDir).filter((name) => !name.endsWith('.part'));
		expect(stored).toHaveLength(1);
		expect(await sha256(join(uploadDir, stored[0]!))).toBe(await sha256(gcode.path));

		// From the status query's start to the resumed PUT's start: mostly re-reading (and dropping) the kept bytes of
		// n8n's binary stream, which cannot start at an offset.
		const skipMs = Date.parse(rest!.at) - Date.parse(query!.at);
		console.log(
			`resumable 200 MB, dropped at 60 %: storage received ${(total / 1e6).toFixed(1)} MB = ${ratio.toFixed(3)}× the file; ` +
				`resumed at byte ${resumedAt}; status query → resumed PUT ${skipMs} ms (skipping ${(resumedAt / 1e6).toFixed(1)} MB of the stream)`,
		);
	}, UPLOAD_MS);
});
