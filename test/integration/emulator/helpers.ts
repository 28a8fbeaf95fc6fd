/** Plain node:http helpers for driving the emulator the way Cura does (JSON API calls, raw storage PUTs). */
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Emulator } from '../../../emulator';

export interface Reply {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	json: any;
}

/** One HTTP request; resolves with the reply, rejects on a socket error (e.g. a dropped connection). */
export function http(
	method: string,
	url: string,
	options: { headers?: OutgoingHttpHeaders; body?: string | Buffer | Readable } = {},
): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers: options.headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('error', reject);
			res.on('aborted', () => reject(new Error('response aborted')));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: any = undefined;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		const body = options.body;
		if (body === undefined) req.end();
		else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
		else {
			body.on('error', (e) => req.destroy(e));
			body.pipe(req);
		}
	});
}

export function api(
	emu: Emulator,
	method: string,
	path: string,
	body?: unknown,
	token: string | null = emu.apiToken,
	extraHeaders: OutgoingHttpHeaders = {},
): Promise<Reply> {
	const headers: OutgoingHttpHeaders = { ...extraHeaders };
	if (token !== null) headers.Authorization = `Bearer ${token}`;
	let payload: string | undefined;
	if (body !== undefined) {
		payload = typeof body === 'string' ? body : JSON.stringify(body);
		headers['Content-Type'] = 'application/json';
	}
	return http(method, `${emu.url}${path}`, { headers, body: payload });
}

export function control(emu: Emulator, method: string, path: string, body?: unknown): Promise<Reply> {
	return api(emu, method, `/_emulator${path}`, body, null);
}

/** Registers a toolpath job (stage 1). */
export async function registerJob(
	emu: Emulator,
	fields: { job_name?: string; file_size: number; content_type?: string; origin?: string },
): Promise<any> {
	const reply = await api(emu, 'PUT', '/cura/v1/jobs/upload', {
		data: { job_name: 'UltiBot', content_type: 'text/plain', ...fields },
	});
	if (reply.status !== 200) throw new Error(`register failed: ${reply.status} ${reply.text}`);
	return reply.json.data;
}

/** Stage 2: PUT a file to the signed URL with the given headers (streamed from disk). */
export function putFile(uploadUrl: string, path: string, headers: OutgoingHttpHeaders): Promise<Reply> {
	return http('PUT', uploadUrl, { headers, body: createReadStream(path) });
}

export async function advance(emu: Emulator, seconds: number): Promise<void> {
	const reply = await control(emu, 'POST', '/clock/advance', { seconds });
	if (reply.status !== 200) throw new Error(`advance failed: ${reply.text}`);
}

export async function clusterStatus(emu: Emulator, clusterId: string): Promise<any> {
	const reply = await api(emu, 'GET', `/connect/v1/clusters/${clusterId}/status`);
	if (reply.status !== 200) throw new Error(`status failed: ${reply.status} ${reply.text}`);
	return reply.json.data;
}

/** Uploads a small in-memory G-code text as a job and returns the uploaded job id. */
export async function uploadGcodeText(emu: Emulator, gcode: string, name = 'Part'): Promise<string> {
	const size = Buffer.byteLength(gcode);
	const job = await registerJob(emu, { job_name: name, file_size: size });
	const put = await http('PUT', job.upload_url, { headers: { 'Content-Type': 'text/plain', 'Content-Length': size }, body: gcode });
	if (put.status !== 200) throw new Error(`storage PUT failed: ${put.status} ${put.text}`);
	return job.job_id;
}
