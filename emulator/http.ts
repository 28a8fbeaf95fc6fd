/** HTTP plumbing: a tiny router and the route tables mounted on it, the request context, body readers and the API's error envelope. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly title: string,
		readonly detail?: string,
		readonly headers: Record<string, string> = {},
	) {
		super(detail ?? title);
	}
}

export function errorEnvelope(status: number, code: string, title: string, detail?: string): Record<string, unknown> {
	const error: Record<string, unknown> = { id: randomUUID(), code, title, http_status: String(status) };
	if (detail !== undefined) error.detail = detail;
	return { errors: [error] };
}

export const notFound = (what: string, id: string) =>
	new HttpError(404, 'notFound', `${what} not found`, `No ${what.toLowerCase()} with id ${JSON.stringify(id)}.`);
export const validation = (detail: string) => new HttpError(422, 'validationError', 'Validation error', detail);
export const badRequest = (detail: string) => new HttpError(400, 'badRequest', 'Bad request', detail);
/** A simulation's refusal (a 404 or 409 with its code) as the error the API answers. */
export const simulationError = (error: { httpStatus: number; code: string; title: string; detail: string }) =>
	new HttpError(error.httpStatus, error.code, error.title, error.detail);

export interface Context {
	server: 'api' | 'storage';
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	/** Raw path (not decoded), without the query string. */
	path: string;
	query: URLSearchParams;
	params: Record<string, string>;
	/** Request body bytes received so far (counted by the body readers). */
	bodyBytes: number;
	/** Set by a `dropMidBody` fault: send part of the response and destroy the socket. */
	truncateResponse: boolean;
	/** Set by a `dropMidBody` fault on a request with a body: destroy the socket after this many body bytes. */
	dropAfterBodyBytes: number | null;
	/** Set by an `incomplete` fault on a resumable session: of a PUT's new bytes storage keeps only this fraction. */
	keepFraction?: number;
	/** Base URL as the client addressed it (for absolute links). */
	baseUrl: string;
	/** Set by a `blankPrintId` fault: the print answer carries `cluster_job_id: ""` (the job is still queued). */
	blankPrintId?: boolean;
	/** Set by faults that serve the request but change its answer (`garbled`, `failAfter`, `duplicateRows`). */
	answerFilter?: (answer: Answer) => Answer;
	/** Set by a `drip` fault: the body goes out one byte every `everyMs`. */
	drip?: { everyMs: number; later: (ms: number, fn: () => void) => void };
}

/** An answer as `send` is about to write it. */
export interface Answer {
	status: number;
	body: Buffer;
	headers: Record<string, string | number>;
}

export type Handler = (ctx: Context) => Promise<void> | void;

interface RouterEntry {
	method: string;
	segments: string[];
	handler: Handler;
}

/** Matches `/a/:id/b` patterns against the raw path; each segment is percent-decoded, so `%3D` and `=` both work. */
export class Router {
	private readonly routes: RouterEntry[] = [];

	add(method: string, pattern: string, handler: Handler): this {
		this.routes.push({ method, segments: splitPath(pattern), handler });
		return this;
	}

	/** The handler for the request, or `'methodNotAllowed'`, or null. */
	match(method: string, rawPath: string): { handler: Handler; params: Record<string, string> } | 'methodNotAllowed' | null {
		const segments = splitPath(rawPath);
		let decoded: string[];
		try {
			decoded = segments.map((s) => decodeURIComponent(s));
		} catch {
			return null;
		}
		let pathMatched = false;
		for (const route of this.routes) {
			if (route.segments.length !== decoded.length) continue;
			const params: Record<string, string> = {};
			let ok = true;
			for (let i = 0; i < route.segments.length; i++) {
				const pattern = route.segments[i]!;
				if (pattern.startsWith(':')) {
					if (decoded[i] === '') ok = false;
					else params[pattern.slice(1)] = decoded[i]!;
				} else if (pattern !== decoded[i]) ok = false;
				if (!ok) break;
			}
			if (!ok) continue;
			pathMatched = true;
			if (route.method === method || (route.method === 'GET' && method === 'HEAD')) return { handler: route.handler, params };
		}
		return pathMatched ? 'methodNotAllowed' : null;
	}
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One route of a resource's table. `Env` is what the handler works on (the emulator's runtime, or later a printer
 * group's); `Auth` names the guard that admits the caller, from the set the listener mounts the table with.
 */
export interface Route<Env, Auth extends string> {
	method: Method;
	/** `/a/:id/b`: the `:id` segment lands in `ctx.params.id`. */
	path: string;
	auth: Auth;
	handler: (ctx: Context, env: Env) => Promise<void> | void;
}

export type RouteTable<Env, Auth extends string> = readonly Route<Env, Auth>[];

/**
 * A table's routes that share one guard, written `'METHOD /path': handler` (a route per line, as a router's
 * documentation would list them).
 */
export function routes<Env, Auth extends string>(auth: Auth, table: Record<string, Route<Env, Auth>['handler']>): Route<Env, Auth>[] {
	return Object.entries(table).map(([route, handler]) => {
		const [method, path] = route.split(' ') as [Method, string];
		return { method, path, auth, handler };
	});
}

/** Admits a caller before the handler runs; refuses by throwing an HttpError (401, 403, …). */
export type Guard<Env> = (ctx: Context, env: Env) => void;

/** Adds the tables' routes to `router` in order; each request passes its route's guard before the handler runs. */
export function mountRoutes<Env, Auth extends string>(
	router: Router,
	env: Env,
	guards: Record<Auth, Guard<Env>>,
	tables: readonly RouteTable<Env, Auth>[],
): Router {
	for (const table of tables) {
		for (const { method, path, auth, handler } of table) {
			const guard = guards[auth];
			router.add(method, path, (ctx) => {
				guard(ctx, env);
				return handler(ctx, env);
			});
		}
	}
	return router;
}

function splitPath(path: string): string[] {
	const trimmed = path.replace(/\/+$/, '');
	return trimmed === '' ? [] : trimmed.split('/').slice(1);
}

export function send(ctx: Context, answeredStatus: number, body: Buffer | string | null, answeredHeaders: Record<string, string | number> = {}): void {
	const { res } = ctx;
	if (res.headersSent || res.destroyed) return;
	let answer: Answer = { status: answeredStatus, body: body === null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body), headers: answeredHeaders };
	if (ctx.answerFilter) answer = ctx.answerFilter(answer);
	const { status, body: payload, headers } = answer;
	res.statusCode = status;
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	if (status !== 204 && status !== 304) res.setHeader('Content-Length', payload.length);
	if (ctx.truncateResponse && payload.length > 0) {
		// Fault: the client sees headers and a partial body, then the connection dies.
		res.write(payload.subarray(0, Math.max(1, Math.floor(payload.length / 2))), () => res.socket?.destroy());
		return;
	}
	if (ctx.truncateResponse) {
		res.flushHeaders();
		res.socket?.destroy();
		return;
	}
	if (ctx.drip && payload.length > 0 && ctx.method !== 'HEAD') return drip(ctx, payload, ctx.drip);
	res.end(ctx.method === 'HEAD' ? undefined : payload);
}

/** Fault: headers at once, then one byte of the body every `everyMs` (an idle timeout never fires). */
function drip(ctx: Context, payload: Buffer, pace: NonNullable<Context['drip']>): void {
	let offset = 0;
	const next = () => {
		if (ctx.res.destroyed) return;
		if (offset >= payload.length) return void ctx.res.end();
		ctx.res.write(payload.subarray(offset, offset + 1));
		offset++;
		pace.later(pace.everyMs, next);
	};
	next();
}

export function sendJson(ctx: Context, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
	send(ctx, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

export function sendError(ctx: Context, error: HttpError): void {
	sendJson(ctx, error.status, errorEnvelope(error.status, error.code, error.title, error.detail), error.headers);
}

/**
 * Hands a body to `take` chunk by chunk as it arrives, up to `limit` bytes (413 beyond, at once), counting bytes;
 * honours a dropMidBody fault. When `take` throws (a body it cannot read), the rest is read and dropped and the
 * promise then fails with that error, so the client is done sending when it reads the answer.
 */
export function streamBody(ctx: Context, limit: number, take: (chunk: Buffer) => void): Promise<void> {
	return new Promise((resolve, reject) => {
		let size = 0;
		let settled = false;
		let refused: unknown;
		const finish = (error: unknown) => {
			if (settled) return;
			settled = true;
			if (error) reject(error);
			else resolve();
		};
		ctx.req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			ctx.bodyBytes += chunk.length;
			if (ctx.dropAfterBodyBytes !== null && ctx.bodyBytes >= ctx.dropAfterBodyBytes) {
				ctx.req.socket.destroy();
				finish(new Error('connection dropped by fault injection'));
				return;
			}
			if (size > limit) {
				finish(new HttpError(413, 'payloadTooLarge', 'Payload too large', `Request bodies are limited to ${limit} bytes.`));
				ctx.req.resume();
				return;
			}
			if (settled || refused !== undefined) return;
			try {
				take(chunk);
			} catch (error) {
				refused = error;
			}
		});
		ctx.req.on('end', () => finish(refused));
		ctx.req.on('error', (error) => finish(error));
		ctx.req.on('close', () => finish(new Error('connection closed before the body was complete')));
	});
}

/** Reads a body up to `limit` bytes (413 beyond), counting bytes; honours a dropMidBody fault. */
export async function readBody(ctx: Context, limit = 1024 * 1024): Promise<Buffer> {
	const chunks: Buffer[] = [];
	await streamBody(ctx, limit, (chunk) => chunks.push(chunk));
	return Buffer.concat(chunks);
}

/**
 * Reads and drops the rest of a body (counting bytes) before a fault answers, so the client reliably reads that
 * answer: answered mid-body, the connection may close while the client still writes, and it sees a broken
 * connection instead — a different fault.
 */
export function drainBody(ctx: Context): Promise<void> {
	if (ctx.req.complete) return Promise.resolve();
	return new Promise((resolve) => {
		ctx.req.on('data', (chunk: Buffer) => {
			ctx.bodyBytes += chunk.length;
		});
		ctx.req.on('end', resolve);
		ctx.req.on('error', () => resolve());
		ctx.req.on('close', resolve);
		ctx.req.resume();
	});
}

/** Parses a JSON body; empty → undefined; malformed → 400 with an errors envelope. */
export async function readJson(ctx: Context, limit?: number): Promise<unknown> {
	const body = await readBody(ctx, limit);
	if (body.length === 0) return undefined;
	try {
		return JSON.parse(body.toString('utf8'));
	} catch (error) {
		throw badRequest(`The request body is not valid JSON: ${(error as Error).message}`);
	}
}

/** The `data` object of a `{"data": {...}}` body, or 422. */
export async function readDataObject(ctx: Context): Promise<Record<string, unknown>> {
	const body = await readJson(ctx);
	if (body === undefined) throw validation('data: the request body must be {"data": {...}}');
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validation('data: the request body must be a JSON object');
	const data = (body as Record<string, unknown>).data;
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw validation('data: required, must be an object');
	return data as Record<string, unknown>;
}

/** A plain JSON object body (control API), `{}` when empty. */
export async function readObject(ctx: Context, limit?: number): Promise<Record<string, unknown>> {
	const body = await readJson(ctx, limit);
	if (body === undefined) return {};
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validation('body: must be a JSON object');
	return body as Record<string, unknown>;
}

/** Base URL from the Host header the client used (falls back to the listener's own address). */
export function baseUrlOf(req: IncomingMessage, fallback: string): string {
	const host = req.headers.host;
	if (host && /^[A-Za-z0-9.\-[\]:]+$/.test(host)) return `http://${host}`;
	return fallback;
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key)$|token|secret|password/i;
const SECRET_QUERY = /^(signature|code|code_verifier|refresh_token|access_token|client_secret|token|id_token|password)$/i;

export function redactHeaders(headers: IncomingMessage['headers']): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		out[name] = SECRET_HEADER.test(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

export function redactQuery(query: URLSearchParams): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of query) out[name] = SECRET_QUERY.test(name) ? '[redacted]' : value;
	return out;
}
