import { createReadStream } from 'node:fs';
import { httpRequest, startEmulator } from '../../../emulator';
import type { Emulator } from '../../../emulator';
import { writeGcodeFile } from '../../fixtures/gcode';
import type { GcodeFile } from '../../fixtures/gcode';

describe('two-stage upload to signed storage', () => {
	let emu: Emulator;
	let gcode: GcodeFile;

	beforeAll(async () => {
		gcode = await writeGcodeFile({ sizeBytes: 6 * 1024 * 1024 + 123, printTimeSeconds: 5400 });
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
		// One-time: a second PUT to the same URL is refused.
		const again = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size, Origin: 'https://farm.example.com' });
		expect(again.status).toBe(403);
		expect(again.text).toContain('<Code>AccessDenied</Code>');
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

	test('an expired upload URL is refused with 400 ExpiredToken', async () => {
		await emu.close();
		emu = await startEmulator({ port: 0, speed: 0, uploadUrlTtlSeconds: 0.05 });
		const job = await declare();
		await new Promise((r) => setTimeout(r, 100));
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(put.status).toBe(400);
		expect(put.text).toContain('ExpiredToken');
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
