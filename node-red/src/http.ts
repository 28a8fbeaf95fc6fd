/**
 * n8n's `helpers.httpRequest`, for a host without n8n: Node's own http/https client, with the options the shared
 * code uses (connections/cloud/transport/send.ts is the one caller): a Buffer, string, object (JSON) or stream body
 * — a stream is piped, never buffered —, `qs`, `json`, `encoding: 'text'`, `returnFullResponse`,
 * `ignoreHttpStatusErrors`, `disableFollowRedirect`, `timeout` and `abortSignal`. Errors thrown without an answer keep
 * Node's network code (`ECONNREFUSED`, …), which the shared transport reads.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';

import type { HttpRequestOptions, HttpFullResponse } from './hostTypes';

const MAX_REDIRECTS = 5;

function withQuery(url: string, qs: Record<string, unknown> | undefined): URL {
	const target = new URL(url);
	for (const [key, value] of Object.entries(qs ?? {})) {
		if (value === undefined || value === null) continue;
		for (const entry of Array.isArray(value) ? value : [value]) target.searchParams.append(key, String(entry));
	}
	return target;
}

function headerValue(headers: Record<string, unknown>, name: string): unknown {
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : headers[key];
}

/** The body as bytes or a stream, and the headers it implies (a JSON body: Content-Type; a buffer: Content-Length). */
function encodeBody(options: HttpRequestOptions, headers: Record<string, unknown>): Buffer | Readable | undefined {
	const body = options.body;
	if (body === undefined || body === null) return undefined;
	if (body instanceof Readable) return body;
	let bytes: Buffer;
	if (Buffer.isBuffer(body)) bytes = body;
	else if (typeof body === 'string') bytes = Buffer.from(body);
	else if (body instanceof URLSearchParams) {
		bytes = Buffer.from(body.toString());
		if (headerValue(headers, 'content-type') === undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
	} else {
		bytes = Buffer.from(JSON.stringify(body));
		if (headerValue(headers, 'content-type') === undefined) headers['Content-Type'] = 'application/json';
	}
	if (headerValue(headers, 'content-length') === undefined) headers['Content-Length'] = String(bytes.length);
	return bytes;
}

function parseBody(text: string, options: HttpRequestOptions, contentType: string): unknown {
	if (options.encoding === 'text' || options.json === false) return text;
	if (text === '') return text;
	if (options.json === true || /\bjson\b/i.test(contentType)) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

/** An HTTP error as n8n's helpers throw it without `ignoreHttpStatusErrors`: the status and the answer along. */
export class HttpStatusError extends Error {
	readonly httpCode: string;
	constructor(
		readonly statusCode: number,
		readonly response: HttpFullResponse,
	) {
		super(`Request failed with status code ${statusCode}`);
		this.httpCode = String(statusCode);
	}
}

function exchange(url: URL, options: HttpRequestOptions, headers: Record<string, unknown>, body: Buffer | Readable | undefined): Promise<HttpFullResponse> {
	return new Promise((resolve, reject) => {
		const client = url.protocol === 'https:' ? https : http;
		const request = client.request(url, {
			method: options.method ?? 'GET',
			headers: headers as http.OutgoingHttpHeaders,
			signal: options.abortSignal,
			timeout: options.timeout,
		});
		request.on('timeout', () => {
			const error = Object.assign(new Error(`timeout of ${options.timeout} ms exceeded`), { code: 'ETIMEDOUT' });
			request.destroy(error);
		});
		request.on('error', (error) => {
			if (body instanceof Readable) body.destroy();
			reject(error);
		});
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('error', reject);
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				const contentType = String(response.headers['content-type'] ?? '');
				resolve({
					body: parseBody(text, options, contentType),
					headers: response.headers as Record<string, unknown>,
					statusCode: response.statusCode ?? 0,
					statusMessage: response.statusMessage ?? '',
				});
			});
		});
		if (body instanceof Readable) {
			body.on('error', (error) => request.destroy(error));
			body.pipe(request);
		} else {
			request.end(body);
		}
	});
}

export async function httpRequest(options: HttpRequestOptions): Promise<unknown> {
	const headers: Record<string, unknown> = { Accept: options.json ? 'application/json' : '*/*', ...(options.headers ?? {}) };
	const body = encodeBody(options, headers);
	let url = withQuery(options.url, options.qs);
	let response = await exchange(url, options, headers, body);
	// Redirects are followed only when allowed and the body can be sent again (never a stream).
	for (let hop = 0; !options.disableFollowRedirect && !(body instanceof Readable) && hop < MAX_REDIRECTS; hop++) {
		const location = response.headers.location;
		if (![301, 302, 303, 307, 308].includes(response.statusCode) || typeof location !== 'string') break;
		const next = new URL(location, url);
		const keepsMethod = response.statusCode === 307 || response.statusCode === 308;
		if (next.origin !== url.origin) {
			for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
		}
		url = next;
		if (!keepsMethod) for (const name of Object.keys(headers)) if (/^content-(length|type)$/i.test(name)) delete headers[name];
		response = keepsMethod ? await exchange(url, options, headers, body) : await exchange(url, { ...options, method: 'GET' }, headers, undefined);
	}
	if (response.statusCode >= 400 && !options.ignoreHttpStatusErrors) throw new HttpStatusError(response.statusCode, response);
	return options.returnFullResponse ? response : response.body;
}
