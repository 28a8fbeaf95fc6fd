import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpRequest, startEmulator } from '../../../emulator';
import type { Emulator } from '../../../emulator';
import { cachedGcodeFile } from '../../fixtures/gcode';
import type { GcodeFile } from '../../fixtures/gcode';
import { bytesBudgetMs, EMULATOR_START_MS, STEP_MARGIN_MS } from '../../helpers/budgets';

/** Each hook or test starts an emulator, or writes, sends or reads back a file of at most 6 MiB (up to 6 passes: a test PUTs it up to 4 times and reads it back). */
jest.setTimeout(EMULATOR_START_MS + bytesBudgetMs(6.3e6, 6) + STEP_MARGIN_MS);

describe('two-stage upload to signed storage', () => {
	let emu: Emulator;
	let gcode: GcodeFile;

	beforeAll(async () => {
		gcode = await cachedGcodeFile({ sizeBytes: 6 * 1024 * 1024 + 123, printTimeSeconds: 5400 });
	});
	afterAll(() => gcode.cleanup());
	beforeEach(async () => {
		emu = await startEmulator({ port: 0, seed: 'upload', speed: 0 });
	});
	afterEach(() => emu.close());

	const declare = (origin?: string) => emu.client.registerJob({ job_name: 'UltiBot', file_size: gcode.size, content_type: 'text/plain', origin });

	test('a multi-MB G-code file with matching headers ends uploaded, with a download_url and its header parsed', async () => {
		const job = await declare('https://farm.example.com');
		expect(job.status).toBe('uploading');
		expect(job.job_id).toMatch(/^[A-Za-z0-9_-]+=*$/);
		expect(job.upload_url.startsWith(`${emu.storageUrl}/upload/`)).toBe(true);
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), {
			'Content-Type': 'text/plain',
			'Content-Length': gcode.size,
			Origin: 'https://farm.example.com',
		});
		expect(put.status).toBe(200);
		const polled = await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`);
		expect(polled.status).toBe(200);
		expect(polled.json.data.status).toBe('uploaded');
		expect(polled.json.data.download_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/download\//);
		expect(polled.json.data.upload_url).toBeNull();
		const state = await emu.client.controlReply('GET', '/state');
		const stored = state.json.data.jobs.find((j: any) => j.job_id === job.job_id);
		expect(stored.header).toEqual(expect.objectContaining({ flavor: 'Griffin', printTimeSeconds: 5400, targetMachine: 'Ultimaker S5' }));
		const upload = state.json.data.uploads.find((u: any) => u.object_id === job.job_id);
		expect(upload.received_bytes).toBe(gcode.size);
		expect(put.json).toEqual(expect.objectContaining({ kind: 'storage#object', size: String(gcode.size), contentType: 'text/plain' }));
		// A finished resumable session answers a later PUT with the stored object; nothing is stored again.
		const again = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size, Origin: 'https://farm.example.com' });
		expect(again.status).toBe(200);
		expect(again.json.kind).toBe('storage#object');
	});

	test('axios streaming the file (as an n8n node would) also ends uploaded', async () => {
		const axios = (await import('axios')).default;
		const registered = await axios.put(
			`${emu.url}/cura/v1/jobs/upload`,
			{ data: { job_name: gcode.name, file_size: gcode.size, content_type: 'text/plain', origin: 'http://localhost:5678' } },
			{ headers: { Authorization: `Bearer ${emu.apiToken}` } },
		);
		const put = await axios.put(registered.data.data.upload_url, createReadStream(gcode.path), {
			headers: { 'Content-Type': 'text/plain', 'Content-Length': String(gcode.size), Origin: 'http://localhost:5678' },
			maxBodyLength: Infinity,
			maxContentLength: Infinity,
		});
		expect(put.status).toBe(200);
		const polled = await axios.get(`${emu.url}/cura/v1/jobs/${encodeURIComponent(registered.data.data.job_id)}`, { headers: { Authorization: `Bearer ${emu.apiToken}` } });
		expect(polled.data.data).toEqual(expect.objectContaining({ status: 'uploaded', file_size: gcode.size, job_name: 'UltiBot.gcode' }));
	});

	test('percent-encoded job ids are accepted like raw ones', async () => {
		const job = await declare();
		const encoded = await emu.client.api('GET', `/cura/v1/jobs/${encodeURIComponent(job.job_id)}`);
		expect(encoded.status).toBe(200);
		expect(encoded.json.data.job_id).toBe(job.job_id);
	});

	test.each([
		['Content-Type', { 'Content-Type': 'application/octet-stream', 'Content-Length': undefined as unknown as number }, 403, 'SignatureDoesNotMatch'],
		['Origin', { 'Content-Type': 'text/plain', Origin: 'https://evil.example.com' }, 403, 'SignatureDoesNotMatch'],
		['Origin (missing)', { 'Content-Type': 'text/plain', Origin: undefined }, 403, 'SignatureDoesNotMatch'],
	])('%s mismatch: rejected, and the URL stays usable', async (_name, headers, status, code) => {
		const job = await declare('https://farm.example.com');
		const clean: Record<string, string | number> = { 'Content-Length': gcode.size };
		for (const [k, v] of Object.entries(headers)) if (v !== undefined) clean[k] = v;
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), clean);
		expect(put.status).toBe(status);
		expect(put.headers['content-type']).toContain('application/xml');
		expect(put.text).toContain(`<Code>${code}</Code>`);
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploading');
		const ok = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size, Origin: 'https://farm.example.com' });
		expect(ok.status).toBe(200);
	});

	test('a Content-Length that differs from file_size is rejected with 400', async () => {
		const job = await declare();
		const body = Buffer.alloc(1000, 'G');
		const put = await httpRequest('PUT', job.upload_url, { headers: { 'Content-Type': 'text/plain', 'Content-Length': body.length }, body });
		expect(put.status).toBe(400);
		expect(put.text).toContain('Content-Length');
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploading');
	});

	test('an Authorization header on storage is rejected and visible (redacted) in the request log', async () => {
		const job = await declare();
		await emu.client.controlReply('DELETE', '/requests');
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), {
			'Content-Type': 'text/plain',
			'Content-Length': gcode.size,
			Authorization: `Bearer ${emu.apiToken}`,
		});
		expect(put.status).toBe(400);
		expect(put.text).toContain('<Code>InvalidArgument</Code>');
		expect(put.text).toMatch(/multiple authentication mechanisms/);
		const log = await emu.client.controlReply('GET', '/requests');
		const storageRequests = log.json.data.filter((r: any) => r.server === 'storage');
		expect(storageRequests).toHaveLength(1);
		expect(storageRequests[0].headers.authorization).toBe('[redacted]');
		expect(storageRequests[0].status).toBe(400);
		expect(JSON.stringify(log.json)).not.toContain(emu.apiToken);
		const state = await emu.client.controlReply('GET', '/state');
		const upload = state.json.data.uploads.find((u: any) => u.object_id === job.job_id);
		expect(upload.rejections).toEqual([expect.objectContaining({ code: 'InvalidArgument', authorizationHeader: true })]);
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploading');
	});

	test('a forged upload id is refused', async () => {
		const job = await declare();
		expect(job.upload_url).toMatch(/\/upload\/storage\/v1\/b\/[^/]+\/o\?uploadType=resumable&upload_id=/);
		const url = job.upload_url.replace(/upload_id=([^.&]+)\.[^&]+/, 'upload_id=$1.forged');
		const put = await emu.client.putToStorage(url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(put.status).toBe(403);
	});

	test('signed upload URLs (uploadUrlStyle: signed): a wrong signature is refused, the right one stores the file', async () => {
		await emu.close();
		emu = await startEmulator({ port: 0, seed: 'upload', speed: 0, uploadUrlStyle: 'signed' });
		const job = await declare();
		expect(job.upload_url).toMatch(/\/upload\/[^/?]+\?signature=[^&]+&expires=\d+$/);
		const url = job.upload_url.replace(/signature=[^&]+/, 'signature=forged');
		const put = await emu.client.putToStorage(url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(put.status).toBe(403);
		const ok = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(ok.status).toBe(200);
		expect(ok.text).toBe('');
		// One-time: a second PUT to the same URL is refused.
		const again = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(again.status).toBe(403);
		expect(again.text).toContain('<Code>AccessDenied</Code>');
		// The resumable-session form of the same upload id is refused: each upload speaks the protocol it was given.
		const slot = /\/upload\/([^/?]+)\?signature=([^&]+)/.exec(job.upload_url)!;
		const asSession = `${emu.storageUrl}/upload/storage/v1/b/x/o?uploadType=resumable&upload_id=${slot[1]}.${slot[2]}`;
		expect((await emu.client.putToStorage(asSession, Buffer.alloc(0), { 'Content-Range': `bytes */${gcode.size}`, 'Content-Length': 0 })).status).toBe(403);
	});

	test('with an upload directory the bytes are kept and download_url serves them', async () => {
		await emu.close();
		const { mkdtempSync, rmSync, readFileSync } = await import('node:fs');
		const { join } = await import('node:path');
		const { tmpdir } = await import('node:os');
		const dir = mkdtempSync(join(tmpdir(), 'emu-uploads-'));
		try {
			emu = await startEmulator({ port: 0, speed: 0, uploadDir: dir });
			const job = await declare();
			expect((await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size })).status).toBe(200);
			const polled = await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`);
			const download = await httpRequest('GET', polled.json.data.download_url);
			expect(download.status).toBe(200);
			expect(Number(download.headers['content-length'])).toBe(gcode.size);
			expect(download.text === readFileSync(gcode.path, 'utf8')).toBe(true);
			const forged = await httpRequest('GET', polled.json.data.download_url.replace(/signature=[^&]+/, 'signature=x'));
			expect(forged.status).toBe(403);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test.each([
		['signed', 400, 'ExpiredToken'],
		['resumable', 404, 'NoSuchUpload'],
	] as const)('an expired %s upload URL is refused with %i %s', async (uploadUrlStyle, status, code) => {
		await emu.close();
		emu = await startEmulator({ port: 0, speed: 0, uploadUrlTtlSeconds: 0.05, uploadUrlStyle });
		const job = await declare();
		await new Promise((r) => setTimeout(r, 100));
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(put.status).toBe(status);
		expect(put.text).toContain(code);
	});

	test('uploadProcessingMs delays the flip to uploaded', async () => {
		await emu.close();
		emu = await startEmulator({ port: 0, speed: 0, uploadProcessingMs: 300 });
		const job = await declare();
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(put.status).toBe(200);
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploading');
		await new Promise((r) => setTimeout(r, 450));
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploaded');
	});
});

describe('resumable upload sessions (Google Cloud Storage protocol)', () => {
	let emu: Emulator;
	let gcode: GcodeFile;
	let dir: string;
	const UNIT = 256 * 1024;

	beforeAll(async () => {
		gcode = await cachedGcodeFile({ sizeBytes: 3 * 1024 * 1024 + 4321, printTimeSeconds: 1234 });
	});
	afterAll(() => gcode.cleanup());
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'emu-sessions-'));
		emu = await startEmulator({ port: 0, seed: 'sessions', speed: 0, uploadDir: dir });
	});
	afterEach(async () => {
		await emu.close();
		rmSync(dir, { recursive: true, force: true });
	});

	const register = () => emu.client.registerJob({ job_name: 'session', file_size: gcode.size, content_type: 'text/plain' });
	const query = (url: string, total: number | string = gcode.size) => httpRequest('PUT', url, { headers: { 'Content-Range': `bytes */${total}`, 'Content-Length': 0 } });
	const bytes = () => readFileSync(gcode.path);
	const putRange = (url: string, first: number, last = gcode.size - 1) =>
		httpRequest('PUT', url, {
			headers: { 'Content-Type': 'text/plain', 'Content-Length': last - first + 1, 'Content-Range': `bytes ${first}-${last}/${gcode.size}` },
			body: bytes().subarray(first, last + 1),
		});
	/** The job's state, and the stored file equal to the original, byte for byte. */
	const expectStored = async (jobId: string) => {
		const job = (await emu.client.api('GET', `/cura/v1/jobs/${encodeURIComponent(jobId)}`)).json.data;
		expect(job.status).toBe('uploaded');
		const download = await httpRequest('GET', job.download_url);
		expect(download.text === bytes().toString('utf8')).toBe(true);
		const stored = (await emu.client.state()).jobs.find((entry: { job_id: string }) => entry.job_id === jobId);
		expect(stored?.header).toEqual(expect.objectContaining({ printTimeSeconds: 1234 }));
	};

	test('a status query before any bytes: 308 without a Range header', async () => {
		const job = await register();
		const reply = await query(job.upload_url);
		expect(reply.status).toBe(308);
		expect(reply.headers.range).toBeUndefined();
		expect((await query(job.upload_url, '*')).status).toBe(308);
	});

	test('dropped at 60 %: the kept bytes are reported, the rest with Content-Range completes the same file', async () => {
		const job = await register();
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 });
		await expect(httpRequest('PUT', job.upload_url, { headers: { 'Content-Type': 'text/plain', 'Content-Length': gcode.size }, body: createReadStream(gcode.path) })).rejects.toThrow();
		await new Promise((r) => setTimeout(r, 50));
		const reply = await query(job.upload_url);
		expect(reply.status).toBe(308);
		const last = Number(/^bytes=0-(\d+)$/.exec(String(reply.headers.range))?.[1]);
		expect((last + 1) % UNIT).toBe(0);
		expect(last + 1).toBeLessThanOrEqual(Math.ceil(gcode.size * 0.6));
		expect(last + 1).toBeGreaterThan(gcode.size * 0.6 - 2 * UNIT);
		expect((await emu.client.api('GET', `/cura/v1/jobs/${encodeURIComponent(job.job_id)}`)).json.data.status).toBe('uploading');
		const rest = await putRange(job.upload_url, last + 1);
		expect(rest.status).toBe(200);
		expect(rest.json).toEqual(expect.objectContaining({ kind: 'storage#object', size: String(gcode.size) }));
		await expectStored(job.job_id);
		expect((await query(job.upload_url)).status).toBe(200);
	});

	test('a chunk short of the end: 308 with its Range; the next chunk completes the upload', async () => {
		const job = await register();
		const first = await putRange(job.upload_url, 0, UNIT - 1);
		expect(first.status).toBe(308);
		expect(first.headers.range).toBe(`bytes=0-${UNIT - 1}`);
		expect((await putRange(job.upload_url, UNIT)).status).toBe(200);
		await expectStored(job.job_id);
	});

	test('the whole file sent again over kept bytes: the kept part is not stored twice, the file is intact', async () => {
		const job = await register();
		expect((await putRange(job.upload_url, 0, 2 * UNIT - 1)).status).toBe(308);
		const whole = await httpRequest('PUT', job.upload_url, { headers: { 'Content-Type': 'text/plain', 'Content-Length': gcode.size }, body: createReadStream(gcode.path) });
		expect(whole.status).toBe(200);
		await expectStored(job.job_id);
	});

	test('incomplete fault: the whole PUT arrives, part of it is kept, 308 says how much', async () => {
		const job = await register();
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'incomplete', fraction: 0.5 });
		const reply = await httpRequest('PUT', job.upload_url, { headers: { 'Content-Type': 'text/plain', 'Content-Length': gcode.size }, body: createReadStream(gcode.path) });
		expect(reply.status).toBe(308);
		const kept = Math.floor((gcode.size * 0.5) / UNIT) * UNIT;
		expect(reply.headers.range).toBe(`bytes=0-${kept - 1}`);
		expect((await putRange(job.upload_url, kept)).status).toBe(200);
		await expectStored(job.job_id);
	});

	test('malformed ranges are refused with 400 and change nothing', async () => {
		const job = await register();
		expect((await putRange(job.upload_url, 0, UNIT - 1)).status).toBe(308);
		const gap = await putRange(job.upload_url, 2 * UNIT);
		expect(gap.status).toBe(400);
		expect(gap.text).toMatch(/starts at byte 524288, but the session has only 262144 bytes/);
		expect((await query(job.upload_url, gcode.size + 1)).status).toBe(400);
		const wrongLength = await httpRequest('PUT', job.upload_url, { headers: { 'Content-Type': 'text/plain', 'Content-Length': 10, 'Content-Range': `bytes ${UNIT}-${UNIT + 99}/${gcode.size}` }, body: Buffer.alloc(10) });
		expect(wrongLength.status).toBe(400);
		expect((await query(job.upload_url)).headers.range).toBe(`bytes=0-${UNIT - 1}`);
	});

	test('the control API picks the URL form of the next registrations; reset restores the default', async () => {
		const session = await register();
		expect(await emu.client.setUploadUrlStyle('signed')).toEqual({ uploadUrlStyle: 'signed' });
		expect(await emu.client.control('GET', '/storage')).toEqual({ uploadUrlStyle: 'signed' });
		const signed = await register();
		expect(signed.upload_url).toMatch(/\/upload\/[^/?]+\?signature=/);
		// The upload registered before keeps its protocol.
		expect((await query(session.upload_url)).status).toBe(308);
		expect((await emu.client.controlReply('POST', '/storage', { uploadUrlStyle: 'chunked' })).status).toBe(422);
		await emu.client.reset();
		expect((await register()).upload_url).toMatch(/uploadType=resumable&upload_id=/);
	});
});
