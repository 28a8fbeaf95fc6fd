/**
 * The Digital Factory emulator: `startEmulator()` starts an API listener (Cura + Connect API, account/OAuth,
 * control API; their route tables are listed in api.ts) and a separate signed-storage listener, both real `http`
 * servers on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdirSync } from 'node:fs';
import { VirtualClock } from './clock';
import { FaultRegistry } from './faults';
import { RequestLog } from './requestLog';
import type { ResolvedOptions, Runtime } from './runtime';
import { DEFAULT_FARM, EmulatorState, validateFarm } from './state';
import type { ClusterSpec, OAuthClient } from './state';
import type { Timings } from './stateModel';
import { DEFAULT_TIMINGS } from './stateModel';
import { apiRouter } from './api';
import { requestHandler } from './server';
import { EmulatorClient } from './client';
import type { LanState } from './lanRoutes';
import { lanRouter, newLanState } from './lanRoutes';

export { VirtualClock, fixedClock } from './clock';
export type { Clock } from './clock';
export { IdSource } from './idSource';
export { Router, errorEnvelope } from './http';
export { FaultRegistry, FAULT_KINDS } from './faults';
export type { FaultRule, FaultKind } from './faults';
export { RequestLog } from './requestLog';
export type { LoggedRequest } from './requestLog';
export * from './simulation';
export * from './stateModel';
export * from './view';
export { parseGcodeHeader, readToolpathHeader, ToolpathHeaderReader, GCODE_PEEK_BYTES, UFP_GCODE_ENTRY } from './gcode';
export { PRINTER_TYPES, MATERIALS, resolveMaterial, materialByGuid, materialDisplayName, machineVariantOf } from './catalog';
export { EmulatorState, DEFAULT_FARM, validateFarm } from './state';
export type { ClusterSpec, PrinterSpec } from './state';
export { s256Challenge, s512Challenge } from './account';
export { JOB_CONTENT_TYPES } from './jobRoutes';
export { EmulatorClient, httpRequest } from './client';
export { reportCsv, snapshotPng } from './historyRoutes';
export type { HistoryBehaviour, ReportOutcome, SnapshotOutcome } from './historyRoutes';
export { LanClient } from './client';
export type { LanState, LanSettings, Pairing } from './lanRoutes';
export { SNAPSHOT_JPEG } from './lanRoutes';
export { MultipartParser, parseMultipart } from './multipart';
export type { PartInfo, PartSink } from './multipart';
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
	/**
	 * Port of the local-network listener (the printers' own API for one group, lan.ts). Default port+2, or 0 when
	 * port is 0.
	 */
	lanPort?: number;
	/** The group the local-network listener serves: a cluster id or friendly name. Default the farm's first cluster. */
	lanCluster?: string;
}

export interface Emulator {
	url: string;
	storageUrl: string;
	/** The local-network listener: `http://127.0.0.1:<port>`, the "group host printer". */
	lanUrl: string;
	/** Its pairings, settings and received uploads (fresh after reset). */
	readonly lan: LanState;
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

function resolveOptions(options: EmulatorOptions): ResolvedOptions {
	const resolved: ResolvedOptions = {
		host: options.host ?? '127.0.0.1',
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
	return resolved;
}

/** What the runtime needs to know of the listeners, which start after it: their ports, and the timers to stop. */
interface Listening {
	apiPort: number;
	storagePort: number;
	timers: Set<NodeJS.Timeout>;
}

function createRuntime(resolved: ResolvedOptions, options: EmulatorOptions, listening: Listening): Runtime {
	const timings: Timings = { ...DEFAULT_TIMINGS, ...options.timings };
	const clock = new VirtualClock(resolved.speed, options.startTime ?? Date.now());
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
		apiUrl: () => `http://${resolved.host}:${listening.apiPort}`,
		storageUrl: () => `http://${resolved.host}:${listening.storagePort}`,
		later(ms, fn) {
			const timer = setTimeout(() => {
				listening.timers.delete(timer);
				try {
					fn();
				} catch (error) {
					console.error('[emulator] deferred task failed:', error);
				}
			}, ms);
			listening.timers.add(timer);
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
	return rt;
}

/** The API and storage servers, with the sockets they hold open (close() destroys them). */
function createServers(rt: Runtime): { apiServer: Server; storageServer: Server; sockets: Set<Socket> } {
	const handle = requestHandler(rt, apiRouter(rt));
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
	return { apiServer, storageServer, sockets };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const resolved = resolveOptions(options);
	if (resolved.uploadDir) mkdirSync(resolved.uploadDir, { recursive: true });
	const listening: Listening = { apiPort: 0, storagePort: 0, timers: new Set() };
	const rt = createRuntime(resolved, options, listening);
	const { apiServer, storageServer, sockets } = createServers(rt);
	const lanClusterOf = () => {
		const clusters = [...rt.state.clusters.values()];
		const wanted = options.lanCluster;
		const found = wanted ? clusters.find((c) => c.cluster_id === wanted || c.friendly_name === wanted) : clusters[0];
		return found?.cluster_id ?? '';
	};
	let lanState = newLanState(lanClusterOf());
	const reset = rt.reset.bind(rt);
	rt.reset = (seed, farm) => {
		reset(seed, farm);
		lanState = newLanState(lanClusterOf());
	};
	const handleLan = requestHandler(rt, lanRouter(rt, () => lanState));
	const lanServer = createServer((req, res) => void handleLan('api', req, res));
	lanServer.requestTimeout = 0;
	lanServer.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	listening.apiPort = await listen(apiServer, options.port ?? 8787, resolved.host);
	const requestedStoragePort = options.storagePort ?? (options.port === 0 ? 0 : listening.apiPort + 1);
	try {
		listening.storagePort = await listen(storageServer, requestedStoragePort, resolved.host);
	} catch (error) {
		apiServer.close();
		throw error;
	}
	let lanPort: number;
	try {
		lanPort = await listen(lanServer, options.lanPort ?? (options.port === 0 ? 0 : listening.apiPort + 2), resolved.host);
	} catch (error) {
		apiServer.close();
		storageServer.close();
		throw error;
	}
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		for (const timer of listening.timers) clearTimeout(timer);
		listening.timers.clear();
		const closing = [apiServer, storageServer, lanServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
		for (const socket of sockets) socket.destroy();
		await Promise.all(closing);
	};
	return emulatorOf(rt, close, `http://${resolved.host}:${lanPort}`, () => lanState);
}

function emulatorOf(rt: Runtime, close: () => Promise<void>, lanUrl: string, lan: () => LanState): Emulator {
	return {
		lanUrl,
		get lan() {
			return lan();
		},
		client: new EmulatorClient(rt.apiUrl(), rt.options.apiToken),
		get url() {
			return rt.apiUrl();
		},
		get storageUrl() {
			return rt.storageUrl();
		},
		apiToken: rt.options.apiToken,
		expiredToken: rt.options.expiredToken,
		oauthClient: { clientId: DEFAULT_OAUTH_CLIENT.clientId, clientSecret: DEFAULT_OAUTH_CLIENT.clientSecret! },
		clock: rt.clock,
		get state() {
			return rt.state;
		},
		faults: rt.faults,
		log: rt.log,
		reset: (seed, farm) => rt.reset(seed, farm),
		close,
	} as Emulator;
}
