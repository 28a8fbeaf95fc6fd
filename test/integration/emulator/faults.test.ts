import { createReadStream } from 'node:fs';
import { httpRequest, startEmulator } from '../../../emulator';
import type { Emulator } from '../../../emulator';
import { writeGcodeFile } from '../../fixtures/gcode';
import type { GcodeFile } from '../../fixtures/gcode';

describe('fault injection: each kind, and the emulator keeps serving afterwards', () => {
	let emu: Emulator;
	let clusterId: string;
	let gcode: GcodeFile;

	beforeAll(async () => {
		gcode = await writeGcodeFile({ sizeBytes: 4 * 1024 * 1024 });
	});
	afterAll(() => gcode.cleanup());
	beforeEach(async () => {
		emu = await startEmulator({ port: 0, seed: 'faults', speed: 0 });
		clusterId = [...emu.state.clusters.keys()][0]!;
	});
	afterEach(async () => {
		// After every fault the same emulator still answers normally.
		const after = await emu.client.api('GET', `/connect/v1/clusters/${clusterId}/status`);
		expect(after.status).toBe(200);
		await emu.close();
	});

	const statusPath = () => `/connect/v1/clusters/${clusterId}/status`;
	const inject = async (spec: Record<string, unknown>) => {
		const reply = await emu.client.controlReply('POST', '/faults', spec);
		expect(reply.status).toBe(200);
		return reply.json.data;
	};

	test('rateLimit: 429 with Retry-After and code tooManyRequests for `count` requests, then normal', async () => {
		const fault = await inject({ path: '/connect/v1/clusters/*/status', kind: 'rateLimit', retryAfter: 7, count: 2 });
		expect(fault.id).toEqual(expect.any(String));
		for (let i = 0; i < 2; i++) {
			const reply = await emu.client.api('GET', statusPath());
			expect(reply.status).toBe(429);
			expect(reply.headers['retry-after']).toBe('7');
			expect(reply.json.errors[0]).toEqual(expect.objectContaining({ code: 'tooManyRequests', http_status: '429' }));
		}
		expect((await emu.client.api('GET', statusPath())).status).toBe(200);
		const log = await emu.client.controlReply('GET', '/requests');
		expect(log.json.data.filter((r: any) => r.fault === 'rateLimit')).toHaveLength(2);
	});

	test.each([500, 502, 503, 504])('status %i with an errors envelope, method-specific', async (status) => {
		await inject({ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'status', status });
		expect((await emu.client.api('GET', statusPath())).status).toBe(200); // other routes untouched
		const reply = await emu.client.api('PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 1, content_type: 'text/plain' } });
		expect(reply.status).toBe(status);
		expect(reply.json.errors[0].http_status).toBe(String(status));
		expect((await emu.client.api('PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 1, content_type: 'text/plain' } })).status).toBe(200);
	});

	test('drop: the socket is destroyed without an answer', async () => {
		await inject({ path: statusPath(), kind: 'drop' });
		await expect(emu.client.api('GET', statusPath())).rejects.toThrow(/socket hang up|ECONNRESET/);
		const log = await emu.client.controlReply('GET', '/requests');
		expect(log.json.data.find((r: any) => r.fault === 'drop').status).toBe(0);
	});

	test('dropMidBody on a GET: headers and part of the body, then the connection dies', async () => {
		await inject({ path: statusPath(), kind: 'dropMidBody' });
		await expect(emu.client.api('GET', statusPath())).rejects.toThrow(/aborted|ECONNRESET|socket hang up/);
	});

	test('dropMidBody on a one-time signed upload URL: the job ends failed with a status_description', async () => {
		await emu.client.setUploadUrlStyle('signed');
		const job = await emu.client.registerJob({ file_size: gcode.size });
		await inject({ path: '/upload/*', kind: 'dropMidBody' });
		await expect(emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size })).rejects.toThrow();
		await new Promise((r) => setTimeout(r, 50));
		const polled = await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`);
		expect(polled.json.data.status).toBe('failed');
		expect(polled.json.data.status_description).toMatch(/connection broke after \d+ of \d+ bytes/);
		expect(polled.json.data.download_url).toBeNull();
		// Printing a failed job is refused.
		expect((await emu.client.api('POST', `/connect/v1/clusters/${clusterId}/print/${job.job_id}`)).status).toBe(409);
	});

	test('dropMidBody with a fraction on a resumable session: what arrived is kept in 256 KiB units, the job stays uploading', async () => {
		const job = await emu.client.registerJob({ file_size: gcode.size });
		const rule = await inject({ path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 });
		expect(rule.fraction).toBe(0.6);
		await expect(emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size })).rejects.toThrow();
		await new Promise((r) => setTimeout(r, 50));
		const [put] = (await emu.client.requests()).filter((entry) => entry.server === 'storage');
		expect(put).toMatchObject({ status: 0, fault: 'dropMidBody' });
		expect(put.bodyBytes).toBeGreaterThanOrEqual(Math.floor(gcode.size * 0.6));
		expect(put.bodyBytes).toBeLessThan(Math.floor(gcode.size * 0.6) + 1024 * 1024);
		const query = await emu.client.putToStorage(job.upload_url, Buffer.alloc(0), { 'Content-Range': `bytes */${gcode.size}`, 'Content-Length': 0 });
		expect(query.status).toBe(308);
		const kept = Math.floor(put.bodyBytes / (256 * 1024)) * 256 * 1024;
		expect(query.headers.range).toBe(`bytes=0-${kept - 1}`);
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploading');
	});

	test('a fraction outside (0, 1) is refused', async () => {
		for (const fraction of [0, 1, 1.5, '0.5']) {
			const reply = await emu.client.controlReply('POST', '/faults', { path: '/upload/*', kind: 'dropMidBody', fraction });
			expect(reply.status).toBe(422);
			expect(reply.text).toMatch(/fraction must be a number between 0 and 1/);
		}
	});

	test('a client that breaks the connection mid-upload to a one-time URL also leaves the job failed', async () => {
		await emu.client.setUploadUrlStyle('signed');
		const job = await emu.client.registerJob({ file_size: gcode.size });
		const { request } = await import('node:http');
		await new Promise<void>((resolve) => {
			const req = request(job.upload_url, { method: 'PUT', headers: { 'Content-Type': 'text/plain', 'Content-Length': gcode.size } });
			req.on('error', () => resolve());
			const stream = createReadStream(gcode.path, { end: 1024 * 1024 });
			stream.on('end', () => setTimeout(() => req.destroy(), 20));
			stream.pipe(req, { end: false });
		});
		await new Promise((r) => setTimeout(r, 50));
		const polled = await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`);
		expect(polled.json.data.status).toBe('failed');
	});

	test('status 503 on storage: nothing consumed, a retry to the same URL succeeds', async () => {
		const job = await emu.client.registerJob({ file_size: gcode.size });
		await inject({ path: '/upload/*', kind: 'status', status: 503 });
		const first = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(first.status).toBe(503);
		expect(first.text).toContain('ServiceUnavailable');
		const second = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(second.status).toBe(200);
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploaded');
	});

	test('slow: the answer is delayed by delayMs', async () => {
		await inject({ path: statusPath(), kind: 'slow', delayMs: 400 });
		const started = Date.now();
		const reply = await emu.client.api('GET', statusPath());
		expect(reply.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(380);
	});

	test('raw: an HTML error page or a broken 200 body, exactly as given', async () => {
		await inject({ path: statusPath(), kind: 'raw', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
		await inject({ path: '/connect/v1/clusters', kind: 'raw', body: '{"data": [', contentType: 'application/json' });
		const html = await emu.client.api('GET', statusPath());
		expect(html.status).toBe(502);
		expect(html.headers['content-type']).toContain('text/html');
		expect(html.text).toContain('502 Bad Gateway');
		const broken = await emu.client.api('GET', '/connect/v1/clusters');
		expect(broken.status).toBe(200);
		expect(broken.text).toBe('{"data": [');
		expect(broken.json).toBeUndefined();
	});

	test('slow on a request with a JSON body still reads the body', async () => {
		await inject({ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'slow', delayMs: 200 });
		const reply = await emu.client.api('PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 5, content_type: 'text/plain' } });
		expect(reply.status).toBe(200);
	});

	test('dropMidBody on a JSON request: half the body is read, then the connection dies; nothing is registered', async () => {
		await inject({ method: 'PUT', path: '/cura/v1/jobs/upload', kind: 'dropMidBody' });
		await expect(emu.client.api('PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x'.repeat(2000), file_size: 5, content_type: 'text/plain' } })).rejects.toThrow();
		expect((await emu.client.api('GET', '/cura/v1/jobs')).json.data).toEqual([]);
	});

	// --- faults that serve the request but spoil the answer, and faults that do not serve it as asked ---------
	const printPath = (jobId: string) => `/connect/v1/clusters/${encodeURIComponent(clusterId)}/print/${encodeURIComponent(jobId)}`;
	const queued = async () => (await emu.client.api('GET', statusPath())).json.data.print_jobs as Array<{ uuid: string; cloud_job_id: string }>;

	test('garbled: the print is queued, the 2xx answer is an HTML page', async () => {
		const jobId = await emu.client.uploadJob('g.gcode', ';FLAVOR:Griffin\n');
		await inject({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'garbled' });
		const reply = await emu.client.api('POST', printPath(jobId));
		expect(reply.status).toBe(200);
		expect(reply.headers['content-type']).toContain('text/html');
		expect(reply.json).toBeUndefined();
		expect((await queued()).map((job) => job.cloud_job_id)).toEqual([jobId]);
	});

	test('failAfter: the print is queued, then answered 502; on storage the bytes are stored, then 503', async () => {
		const jobId = await emu.client.uploadJob('f.gcode', ';FLAVOR:Griffin\n');
		await inject({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'failAfter', status: 502 });
		const reply = await emu.client.api('POST', printPath(jobId));
		expect(reply.status).toBe(502);
		expect(reply.json.errors[0].http_status).toBe('502');
		expect(await queued()).toHaveLength(1);
		const job = await emu.client.registerJob({ file_size: gcode.size });
		await inject({ path: '/upload/*', kind: 'failAfter', status: 503 });
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(put.status).toBe(503);
		expect(put.text).toContain('ServiceUnavailable');
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploaded');
	});

	test('lateCommit: 504 at once, the print queued delayMs later', async () => {
		const jobId = await emu.client.uploadJob('l.gcode', ';FLAVOR:Griffin\n');
		await inject({ method: 'POST', path: '/connect/v1/clusters/*/print/*', kind: 'lateCommit', delayMs: 300 });
		const reply = await emu.client.api('POST', printPath(jobId));
		expect(reply.status).toBe(504);
		expect(await queued()).toHaveLength(0);
		await new Promise((resolve) => setTimeout(resolve, 450));
		expect((await queued()).map((job) => job.cloud_job_id)).toEqual([jobId]);
	});

	test('redirect: storage answers 3xx with a Location, nothing stored, the URL still open', async () => {
		const job = await emu.client.registerJob({ file_size: gcode.size });
		await inject({ path: '/upload/*', kind: 'redirect', status: 308 });
		const put = await emu.client.putToStorage(job.upload_url, createReadStream(gcode.path), { 'Content-Type': 'text/plain', 'Content-Length': gcode.size });
		expect(put.status).toBe(308);
		expect(put.headers.location).toEqual(expect.stringContaining('/upload/'));
		expect((await emu.client.api('GET', `/cura/v1/jobs/${job.job_id}`)).json.data.status).toBe('uploading');
		expect((await emu.client.controlReply('POST', '/faults', { path: '/x', kind: 'redirect', status: 200 })).status).toBe(422);
	});

	test('drip: headers at once, then one byte every delayMs', async () => {
		await inject({ path: '/cura/v1', kind: 'drip', delayMs: 20 });
		const started = Date.now();
		const reply = await emu.client.api('GET', '/cura/v1');
		expect(reply.status).toBe(200);
		expect(reply.json.version).toBeDefined();
		// Every byte after the first waited 20 ms.
		expect(Date.now() - started).toBeGreaterThanOrEqual((Buffer.byteLength(reply.text) - 1) * 20 * 0.9);
	});

	test('echoHeaders: an error envelope repeating the request headers, the bare token in the title', async () => {
		await inject({ path: statusPath(), kind: 'echoHeaders', status: 401 });
		const reply = await emu.client.api('GET', statusPath());
		expect(reply.status).toBe(401);
		const [error] = reply.json.errors;
		expect(error.title).toBe(`Request rejected for credentials ${emu.apiToken}`);
		expect(error.detail).toContain(`authorization: Bearer ${emu.apiToken}`);
		expect(error.meta.request_headers.authorization).toBe(`Bearer ${emu.apiToken}`);
	});

	test('duplicateRows: every list entry twice (a list, or a status\'s print_jobs and printers); skip lets the first requests through', async () => {
		await inject({ path: '/connect/v1/clusters', kind: 'duplicateRows', skip: 1 });
		const once = (await emu.client.api('GET', '/connect/v1/clusters')).json.data;
		const twice = (await emu.client.api('GET', '/connect/v1/clusters')).json.data;
		expect(twice).toEqual(once.flatMap((cluster: unknown) => [cluster, cluster]));
		await inject({ path: statusPath(), kind: 'duplicateRows' });
		const status = (await emu.client.api('GET', statusPath())).json.data;
		const plain = (await emu.client.api('GET', statusPath())).json.data;
		expect(status.printers).toHaveLength(plain.printers.length * 2);
	});

	test('bad fault specs are 422; DELETE /_emulator/faults clears them', async () => {
		expect((await emu.client.controlReply('POST', '/faults', { path: '/x', kind: 'meteor' })).status).toBe(422);
		expect((await emu.client.controlReply('POST', '/faults', { kind: 'drop' })).status).toBe(422);
		await inject({ path: statusPath(), kind: 'status', status: 500, count: 5 });
		expect((await emu.client.controlReply('DELETE', '/faults')).status).toBe(200);
		expect((await emu.client.api('GET', statusPath())).status).toBe(200);
	});

	test('garbage on the wire gets a 400, not a crash', async () => {
		const { connect } = await import('node:net');
		const port = Number(new URL(emu.url).port);
		const answer = await new Promise<string>((resolve) => {
			const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
			let text = '';
			socket.on('data', (d) => (text += d.toString()));
			socket.on('close', () => resolve(text));
			socket.on('error', () => resolve(text));
		});
		expect(answer).toContain('400');
		expect((await httpRequest('GET', `${emu.url}/cura/v1`)).status).toBe(200);
	});
});
