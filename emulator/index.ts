/**
 * The Digital Factory emulator: `startEmulator()` starts an API listener (Cura + Connect API, account/OAuth,
 * control API) and a separate signed-storage listener, both real `http` servers on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { VirtualClock } from './clock';
import { FaultRegistry, duplicateRows, echoHeadersEnvelope, rateLimitError, statusFaultError } from './faults';
import type { FaultRule } from './faults';
import type { Answer, Context } from './http';
import { HttpError, Router, baseUrlOf, errorEnvelope, drainBody, readBody, send, sendError, sendJson } from './http';
import { RequestLog } from './requestLog';
import type { ResolvedOptions, Runtime } from './runtime';
import { DEFAULT_FARM, EmulatorState, validateFarm } from './state';
import type { ClusterSpec, OAuthClient } from './state';
import type { Timings } from './model';
import { DEFAULT_TIMINGS } from './model';
import { registerAccountRoutes } from './account';
import { registerApiRoutes } from './api';
import { registerControlRoutes } from './control';
import { handleStorage } from './storage';
import { EmulatorClient } from './client';

export { VirtualClock, fixedClock } from './clock';
export type { Clock } from './clock';
export { IdSource } from './ids';
export { Router, errorEnvelope } from './http';
export { FaultRegistry, FAULT_KINDS } from './faults';
export type { FaultRule, FaultKind } from './faults';
export { RequestLog } from './requestLog';
export type { LoggedRequest } from './requestLog';
export * from './simulation';
export * from './model';
export * from './view';
export { parseGcodeHeader, readToolpathHeader, ToolpathHeaderReader, GCODE_PEEK_BYTES, UFP_GCODE_ENTRY } from './gcode';
export { PRINTER_TYPES, MATERIALS, resolveMaterial, materialByGuid, materialDisplayName, machineVariantOf } from './catalog';
export { EmulatorState, DEFAULT_FARM, validateFarm } from './state';
export type { ClusterSpec, PrinterSpec } from './state';
export { s256Challenge, s512Challenge } from './account';
export { JOB_CONTENT_TYPES } from './api';
export { EmulatorClient, httpRequest } from './client';
export type { EmulatorSnapshot, FaultRequest, Rendered, Reply, RequestBody, ToolpathRegistration } from './client';

export const DEFAULT_API_TOKEN = 'umapi-emulator-token-0001|main';
export const DEFAULT_EXPIRED_TOKEN = 'umapi-expired-token-0001|main';
export const DEFAULT_OAUTH_CLIENT: OAuthClient = { clientId: 'n8n-emulator-client', clientSecret: 'n8n-emulator-secret' };
/** Cura's public client (PKCE, no secret), for flows that mimic Cura's own login. */
export const CURA_PUBLIC_CLIENT: OAuthClient = { clientId: 'um----------------------------ultimaker_cura', clientSecret: null };

export interface EmulatorOptions {
	/** API listener port (0 = any free port). Default 8787. */
	port?: number;
	/** Storage listener port (0 = any). Default port+1, or 0 when port is 0. */
	storagePort?: number;
	/** Interface to listen on and to put into URLs. Default 127.0.0.1. */
	host?: string;
	/** Seed for deterministic ids. */
	seed?: string;
	/** Virtual-clock multiplier (0 freezes the clock). Default 1. */
	speed?: number;
	/** Virtual start time (epoch ms). Default now. */
	startTime?: number;
	farm?: ClusterSpec[];
	apiToken?: string;
	expiredToken?: string;
	/** More valid static tokens. */
	tokens?: string[];
	oauthClients?: OAuthClient[];
	/** Keep uploaded bytes here (enables downloads); default: count and discard. */
	uploadDir?: string;
	/** Real-time delay between a completed storage PUT and the job turning `uploaded`. Default 0. */
	uploadProcessingMs?: number;
	/** Lifetime of a signed upload URL in real seconds. Default 900. */
	uploadUrlTtlSeconds?: number;
	/** Access-token lifetime in virtual seconds. Default 600. */
	accessTokenSeconds?: number;
	/** Largest `file_size` the API accepts. Default 5 GiB. */
	maxFileSize?: number;
	timings?: Partial<Timings>;
	requestLogLimit?: number;
	/**
	 * Keys of the print answer (`POST …/print/{job_id}`): `recorded` (default) = `cluster_job_id`, `job_id`,
	 * `status`, as in Ultimaker's recorded answers; `documented` = also `job_instance_uuid` and `generated_time`.
	 */
	printResponse?: 'recorded' | 'documented';
	/** `resumable` (default): a GCS resumable-session `upload_url`, as recorded; `signed`: a one-time signed URL. */
	uploadUrlStyle?: 'resumable' | 'signed';
}

export interface Emulator {
	url: string;
	storageUrl: string;
	apiToken: string;
	expiredToken: string;
	oauthClient: { clientId: string; clientSecret: string };
	clock: VirtualClock;
	state: EmulatorState;
	faults: FaultRegistry;
	log: RequestLog;
	/** An HTTP client of this emulator (what another process would use). */
	client: EmulatorClient;
	/** Fresh state (same as `POST /_emulator/reset`). */
	reset(seed?: string, farm?: ClusterSpec[]): void;
	close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const host = options.host ?? '127.0.0.1';
	const resolved: ResolvedOptions = {
		host,
		seed: options.seed,
		speed: options.speed ?? 1,
		farm: options.farm ? validateFarm(options.farm) : DEFAULT_FARM,
		apiToken: options.apiToken ?? DEFAULT_API_TOKEN,
		expiredToken: options.expiredToken ?? DEFAULT_EXPIRED_TOKEN,
		extraTokens: options.tokens ?? [],
		oauthClients: options.oauthClients ?? [DEFAULT_OAUTH_CLIENT, CURA_PUBLIC_CLIENT],
		uploadDir: options.uploadDir ?? null,
		uploadProcessingMs: options.uploadProcessingMs ?? 0,
		uploadUrlTtlSeconds: options.uploadUrlTtlSeconds ?? 900,
		accessTokenSeconds: options.accessTokenSeconds ?? 600,
		maxFileSize: options.maxFileSize ?? 5 * 1024 ** 3,
		requestLogLimit: options.requestLogLimit ?? 5000,
		quiet: true,
		printResponse: options.printResponse ?? 'recorded',
		uploadUrlStyle: options.uploadUrlStyle ?? 'resumable',
	};
	if (resolved.printResponse !== 'recorded' && resolved.printResponse !== 'documented') throw new Error('printResponse must be recorded or documented');
	if (resolved.uploadUrlStyle !== 'resumable' && resolved.uploadUrlStyle !== 'signed') throw new Error('uploadUrlStyle must be resumable or signed');
	if (resolved.uploadDir) mkdirSync(resolved.uploadDir, { recursive: true });
	const timings: Timings = { ...DEFAULT_TIMINGS, ...options.timings };
	const clock = new VirtualClock(resolved.speed, options.startTime ?? Date.now());
	const timers = new Set<NodeJS.Timeout>();
	let apiPort = 0;
	let storagePort = 0;

	const makeState = (seed: string | undefined, farm: ClusterSpec[]) => {
		const state = new EmulatorState(clock, seed, timings);
		state.addStaticToken(resolved.apiToken);
		state.addStaticToken(resolved.expiredToken, true);
		for (const token of resolved.extraTokens) state.addStaticToken(token);
		for (const spec of farm) state.addCluster(spec);
		return state;
	};

	const rt: Runtime = {
		state: makeState(resolved.seed, resolved.farm),
		clock,
		faults: new FaultRegistry(),
		log: new RequestLog(resolved.requestLogLimit),
		options: resolved,
		recorder: new Map(),
		apiUrl: () => `http://${host}:${apiPort}`,
		storageUrl: () => `http://${host}:${storagePort}`,
		later(ms, fn) {
			const timer = setTimeout(() => {
				timers.delete(timer);
				try {
					fn();
				} catch (error) {
					console.error('[emulator] deferred task failed:', error);
				}
			}, ms);
			timers.add(timer);
		},
		reset(seed, farm) {
			const previous = rt.state;
			rt.state = makeState(seed ?? resolved.seed, farm ?? resolved.farm);
			rt.options.uploadUrlStyle = options.uploadUrlStyle ?? 'resumable';
			// OAuth grants survive a reset so a connected client (e.g. an n8n credential) stays signed in.
			for (const record of previous.tokens.values()) if (record.kind === 'oauth') rt.state.tokens.set(record.token, record);
			rt.state.refreshTokens = previous.refreshTokens;
			rt.faults.clear();
			rt.recorder.clear();
		},
	};

	const apiRouter = new Router();
	registerControlRoutes(apiRouter, rt);
	registerAccountRoutes(apiRouter, rt);
	registerApiRoutes(apiRouter, rt);

	const apiServer = createServer((req, res) => void handle('api', req, res));
	const storageServer = createServer((req, res) => void handle('storage', req, res));
	// Large uploads may take long; the storage listener must not time them out.
	storageServer.requestTimeout = 0;
	apiServer.keepAliveTimeout = 10_000;
	const sockets = new Set<Socket>();
	for (const server of [apiServer, storageServer]) {
		server.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		server.on('clientError', (_error, socket) => {
			if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			else socket.destroy();
		});
	}

	async function handle(server: 'api' | 'storage', req: IncomingMessage, res: ServerResponse): Promise<void> {
		let url: URL;
		try {
			url = new URL(req.url ?? '/', 'http://emulator.invalid');
		} catch {
			url = new URL('/', 'http://emulator.invalid');
		}
		const rawPath = (req.url ?? '/').split('?')[0]!;
		const ctx: Context = {
			server,
			req,
			res,
			method: req.method ?? 'GET',
			path: rawPath,
			query: url.searchParams,
			params: {},
			bodyBytes: 0,
			truncateResponse: false,
			dropAfterBodyBytes: null,
			baseUrl: baseUrlOf(req, server === 'api' ? rt.apiUrl() : rt.storageUrl()),
		};
		const isControl = server === 'api' && rawPath.startsWith('/_emulator/');
		const entry = isControl ? null : rt.log.start(server, req, rawPath, url.searchParams);
		res.on('close', () => {
			if (!entry) return;
			entry.status = res.headersSent ? res.statusCode : 0;
			entry.bodyBytes = ctx.bodyBytes;
		});
		req.on('error', () => undefined);
		res.on('error', () => undefined);
		try {
			const fault = isControl ? null : rt.faults.take(ctx.method, rawPath);
			if (fault && entry) entry.fault = fault.kind;
			if (fault && (await applyFault(ctx, fault))) return;
			if (server === 'storage') await handleStorage(rt, ctx);
			else await dispatch(ctx);
		} catch (error) {
			if (error instanceof HttpError) {
				if (server === 'storage') send(ctx, error.status, error.message, { 'Content-Type': 'text/plain' });
				else sendError(ctx, error);
			} else if (!res.headersSent && !res.destroyed && !req.socket.destroyed) {
				console.error('[emulator] handler failed:', error);
				sendJson(ctx, 500, errorEnvelope(500, 'internalError', 'Internal server error', 'The emulator hit an unexpected error.'));
			}
		}
	}

	async function dispatch(ctx: Context): Promise<void> {
		const match = apiRouter.match(ctx.method, ctx.path);
		if (match === null) throw new HttpError(404, 'notFound', 'Not found', `No route for ${ctx.method} ${ctx.path}.`);
		if (match === 'methodNotAllowed') throw new HttpError(405, 'methodNotAllowed', 'Method not allowed', `${ctx.method} is not supported on ${ctx.path}.`);
		ctx.params = match.params;
		await match.handler(ctx);
	}

	/** Applies a fault; true when the request is finished (answered or dropped). */
	async function applyFault(ctx: Context, fault: FaultRule): Promise<boolean> {
		switch (fault.kind) {
			case 'slow':
				await new Promise<void>((resolve) => rt.later(fault.delayMs, resolve));
				return false;
			case 'drop':
				ctx.req.socket.destroy();
				return true;
			case 'rateLimit':
				await drainBody(ctx);
				answerFault(ctx, rateLimitError(fault.retryAfter));
				return true;
			case 'status':
				await drainBody(ctx);
				answerFault(ctx, statusFaultError(fault.status));
				return true;
			case 'raw':
				await drainBody(ctx);
				send(ctx, fault.status, fault.body ?? '', { 'Content-Type': fault.contentType ?? 'text/html; charset=utf-8' });
				return true;
			case 'blankPrintId':
				// The request is served normally; only the print answer's id comes back empty.
				ctx.blankPrintId = true;
				return false;
			case 'garbled':
				// Served (it takes effect); a 2xx answer's body is replaced by something no client can read.
				ctx.answerFilter = (answer) =>
					answer.status >= 200 && answer.status < 300
						? { status: answer.status, body: Buffer.from(fault.body ?? ''), headers: { 'Content-Type': fault.contentType ?? 'text/html' } }
						: answer;
				return false;
			case 'failAfter':
				// Served (it takes effect: the print is queued, the bytes are stored), then answered with an error.
				ctx.answerFilter = (answer) => (answer.status >= 200 && answer.status < 300 ? faultAnswer(ctx, statusFaultError(fault.status)) : answer);
				return false;
			case 'duplicateRows':
				ctx.answerFilter = duplicateRows;
				return false;
			case 'drip':
				ctx.drip = { everyMs: fault.delayMs, later: rt.later };
				return false;
			case 'redirect':
				// Not served: a 3xx that a client must not take for success (on a resumable session, 308 = incomplete).
				send(ctx, fault.status, null, { Location: fault.location ?? `${ctx.baseUrl}${ctx.req.url ?? ctx.path}`, Connection: 'close' });
				return true;
			case 'echoHeaders':
				sendJson(ctx, fault.status, echoHeadersEnvelope(ctx.req.headers, fault.status));
				return true;
			case 'lateCommit':
				await serveLate(ctx, fault);
				return true;
			case 'incomplete':
				// Served, but only part of the new bytes is kept (a resumable session then answers 308 with its Range).
				ctx.keepFraction = fault.fraction;
				return false;
			case 'dropMidBody': {
				const length = Number(ctx.req.headers['content-length'] ?? 0);
				const chunked = ctx.req.headers['transfer-encoding'] !== undefined;
				if (length > 0 || chunked) ctx.dropAfterBodyBytes = length > 0 ? Math.max(1, Math.floor(length * fault.fraction)) : 1;
				else ctx.truncateResponse = true;
				return false;
			}
		}
	}

	/** An injected error as the server would send it: GCS-style XML on storage, the errors envelope on the API. */
	function faultAnswer(ctx: Context, error: HttpError): Answer {
		if (ctx.server === 'storage') {
			const code = error.status === 429 ? 'SlowDown' : error.status === 503 ? 'ServiceUnavailable' : 'InternalError';
			const xml = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${error.title}</Message></Error>`;
			return { status: error.status, body: Buffer.from(xml), headers: { 'Content-Type': 'application/xml; charset=UTF-8', Connection: 'close', ...error.headers } };
		}
		const envelope = JSON.stringify(errorEnvelope(error.status, error.code, error.title, error.detail));
		return { status: error.status, body: Buffer.from(envelope), headers: { 'Content-Type': 'application/json; charset=utf-8', ...error.headers } };
	}

	function answerFault(ctx: Context, error: HttpError): void {
		const answer = faultAnswer(ctx, error);
		send(ctx, answer.status, answer.body, answer.headers);
	}

	/**
	 * `lateCommit`: a gateway answers `status` (504) at once while the backend still carries the request out
	 * `delayMs` later — its own answer goes nowhere.
	 */
	async function serveLate(ctx: Context, fault: FaultRule): Promise<void> {
		const body = await readBody(ctx, 16 * 1024 * 1024).catch(() => Buffer.alloc(0));
		answerFault(ctx, statusFaultError(fault.status));
		rt.later(fault.delayMs, () => void serveDetached(ctx, body));
	}

	async function serveDetached(original: Context, body: Buffer): Promise<void> {
		const req = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
			headers: original.req.headers,
			socket: { destroy: () => undefined },
		}) as unknown as IncomingMessage;
		const res = { headersSent: true, destroyed: true, on: () => undefined } as unknown as ServerResponse;
		const ctx: Context = { ...original, req, res, bodyBytes: 0, truncateResponse: false, dropAfterBodyBytes: null, answerFilter: undefined, drip: undefined };
		try {
			if (ctx.server === 'storage') await handleStorage(rt, ctx);
			else await dispatch(ctx);
		} catch {
			// Nobody waits for this answer.
		}
	}

	apiPort = await listen(apiServer, options.port ?? 8787, host);
	const requestedStoragePort = options.storagePort ?? (options.port === 0 ? 0 : apiPort + 1);
	try {
		storagePort = await listen(storageServer, requestedStoragePort, host);
	} catch (error) {
		apiServer.close();
		throw error;
	}

	let closed = false;
	const client = new EmulatorClient(rt.apiUrl(), resolved.apiToken);
	return {
		client,
		get url() {
			return rt.apiUrl();
		},
		get storageUrl() {
			return rt.storageUrl();
		},
		apiToken: resolved.apiToken,
		expiredToken: resolved.expiredToken,
		oauthClient: { clientId: DEFAULT_OAUTH_CLIENT.clientId, clientSecret: DEFAULT_OAUTH_CLIENT.clientSecret! },
		clock,
		get state() {
			return rt.state;
		},
		faults: rt.faults,
		log: rt.log,
		reset: (seed, farm) => rt.reset(seed, farm),
		async close() {
			if (closed) return;
			closed = true;
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			const closing = [apiServer, storageServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
			for (const socket of sockets) socket.destroy();
			await Promise.all(closing);
		},
	} as Emulator;
}
