/**
 * The Node-RED host's httpRequest (node-red/src/http.ts), n8n's helper on Node's own client: the options the shared
 * transport uses, against a real local server.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import { httpRequest } from '../../node-red/src/http';
import type { HttpFullResponse } from '../../node-red/src/hostTypes';

interface Seen {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
}

let server: Server;
let base: string;
let other: string;
const seen: Seen[] = [];

function listen(handler: (seen: Seen, reply: (status: number, body: string, headers?: Record<string, string>) => void) => void): Promise<{ server: Server; url: string }> {
	const created = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const entry = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
			seen.push(entry);
			handler(entry, (status, body, headers = {}) => {
				res.writeHead(status, headers);
				res.end(body);
			});
		});
	});
	return new Promise((resolve) => created.listen(0, '127.0.0.1', () => resolve({ server: created, url: `http://127.0.0.1:${(created.address() as AddressInfo).port}` })));
}

let otherServer: Server;
beforeAll(async () => {
	({ server: otherServer, url: other } = await listen((_entry, reply) => reply(200, '{"at":"other"}', { 'Content-Type': 'application/json' })));
	({ server, url: base } = await listen((entry, reply) => {
		if (entry.url.startsWith('/json')) return reply(200, JSON.stringify({ data: { echo: entry.body, query: entry.url } }), { 'Content-Type': 'application/json' });
		if (entry.url === '/missing') return reply(404, '{"errors":[{"title":"Not found"}]}', { 'Content-Type': 'application/json' });
		if (entry.url === '/redirect') return reply(302, '', { Location: `${other}/landed` });
		if (entry.url === '/slow') return setTimeout(() => reply(200, 'late'), 400);
		return reply(200, 'plain text');
	}));
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	await new Promise((resolve) => otherServer.close(resolve));
});
beforeEach(() => {
	seen.length = 0;
});

it('json + qs + an object body: sent as JSON, the answer parsed, the full response when asked', async () => {
	const response = (await httpRequest({ url: `${base}/json`, method: 'PUT', qs: { status: 'active', skip: undefined }, body: { a: 1 }, json: true, returnFullResponse: true })) as HttpFullResponse;
	expect(response.statusCode).toBe(200);
	expect(response.body).toEqual({ data: { echo: '{"a":1}', query: '/json?status=active' } });
	expect(seen[0]!.headers['content-type']).toBe('application/json');
	expect(seen[0]!.headers['content-length']).toBe('7');
});

it('a stream body is piped with the caller\'s Content-Length; encoding text gives the text', async () => {
	const body = Readable.from([Buffer.from('abc'), Buffer.from('def')]);
	const text = await httpRequest({ url: `${base}/upload`, method: 'PUT', body, headers: { 'Content-Length': '6' }, json: false, encoding: 'text' });
	expect(text).toBe('plain text');
	expect(seen[0]!.body).toBe('abcdef');
});

it('an HTTP error: thrown with its status unless ignoreHttpStatusErrors', async () => {
	await expect(httpRequest({ url: `${base}/missing`, json: true })).rejects.toMatchObject({ statusCode: 404, httpCode: '404' });
	const response = (await httpRequest({ url: `${base}/missing`, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true })) as HttpFullResponse;
	expect(response).toMatchObject({ statusCode: 404, body: { errors: [{ title: 'Not found' }] } });
});

it('redirects: not followed with disableFollowRedirect; followed otherwise, without the Authorization header to another origin', async () => {
	const kept = (await httpRequest({ url: `${base}/redirect`, returnFullResponse: true, ignoreHttpStatusErrors: true, disableFollowRedirect: true })) as HttpFullResponse;
	expect(kept.statusCode).toBe(302);
	const followed = await httpRequest({ url: `${base}/redirect`, headers: { Authorization: 'Bearer secret' }, json: true });
	expect(followed).toEqual({ at: 'other' });
	expect(seen.at(-1)!.headers.authorization).toBeUndefined();
	expect(seen.at(-2)!.headers.authorization).toBe('Bearer secret');
});

it('abortSignal and timeout end the exchange; a refused connection keeps its network code', async () => {
	const controller = new AbortController();
	const pending = httpRequest({ url: `${base}/slow`, abortSignal: controller.signal });
	controller.abort();
	await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
	await expect(httpRequest({ url: `${base}/slow`, timeout: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
	const closed = await listen((_entry, reply) => reply(200, ''));
	await new Promise((resolve) => closed.server.close(resolve));
	await expect(httpRequest({ url: closed.url })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
