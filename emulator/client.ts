/**
 * The one client of the emulator, over HTTP only: its public API called the way Cura calls it, raw requests for
 * tests that need exact bytes and headers, and the control API under `/_emulator`. Node built-ins only and typed
 * with the emulator's own types, so tests, benchmarks, scripts and the demo can drive an emulator running in
 * this process or in another one.
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

import type { FaultKind, FaultRule } from './faults';
import type { LoggedRequest } from './requestLog';
import type { ClusterSpec } from './state';
import type { HistoryBehaviour } from './historyRoutes';

export interface Reply {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	/** The parsed body, or undefined when it is empty or not JSON. */
	json: any;
}

export type RequestBody = string | Buffer | Readable;

/**
 * One HTTP request on a fresh connection (no keep-alive, so a dropped connection stays one request), with exactly
 * the given headers (no Content-Length is added: tests of storage rules need to leave it out). Resolves with the
 * reply whatever its status; rejects on a socket error such as a dropped connection.
 */
export function httpRequest(method: string, url: string, options: { headers?: OutgoingHttpHeaders; body?: RequestBody } = {}): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const body = options.body;
		const req = request(url, { method, headers: options.headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('error', reject);
			res.on('aborted', () => reject(new Error('response aborted')));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
			});
		});
		req.on('error', reject);
		if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
		else {
			body.on('error', (error) => req.destroy(error));
			body.pipe(req);
		}
	});
}

function parseJson(text: string): any {
	if (!text) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** A fault rule as the control API takes it (`POST /_emulator/faults`). */
export interface FaultRequest {
	method?: string;
	/** Request path pattern, `*` as a wildcard. */
	path: string;
	kind: FaultKind;
	count?: number;
	/** Matching requests let through before the rule applies. */
	skip?: number;
	status?: number;
	retryAfter?: number;
	delayMs?: number;
	body?: string;
	contentType?: string;
	/** `redirect`: the Location header (default: the request's own URL). */
	location?: string;
	/** `dropMidBody`: share of the body received before the connection dies (default 0.5); `incomplete`: share kept. */
	fraction?: number;
}

/** A JSON object the emulator rendered (cluster, printer, print job, upload …), read as the API's field names. */
export type Rendered = Record<string, any>;

/** `GET /_emulator/state`: everything the emulator holds, rendered as the API would. */
export interface EmulatorSnapshot {
	now: string;
	speed: number;
	apiUrl: string;
	storageUrl: string;
	clusters: Array<Rendered & { cluster_id: string; printers: Rendered[]; print_jobs: Rendered[]; pending_approval: string[] }>;
	jobs: Array<Rendered & { job_id: string; status: string; job_name: string }>;
	files: Rendered[];
	projects: Rendered[];
	uploads: Rendered[];
	tokens: Rendered[];
	faults: FaultRule[];
}

export interface ToolpathRegistration {
	job_name?: string;
	file_size: number;
	content_type?: string;
	origin?: string;
	[field: string]: unknown;
}

export class EmulatorClient {
	constructor(
		readonly url: string,
		readonly apiToken: string,
	) {}

	/** A client for a started emulator (or anything with its `url` and `apiToken`). */
	static of(emulator: { url: string; apiToken: string }): EmulatorClient {
		return new EmulatorClient(emulator.url, emulator.apiToken);
	}

	/** A raw API request: Bearer token unless `token` is null, JSON body for objects. Any status resolves. */
	api(method: string, path: string, body?: unknown, options: { token?: string | null; headers?: OutgoingHttpHeaders } = {}): Promise<Reply> {
		const headers: OutgoingHttpHeaders = { ...options.headers };
		const token = options.token === undefined ? this.apiToken : options.token;
		if (token !== null) headers.Authorization = `Bearer ${token}`;
		let payload: string | undefined;
		if (body !== undefined) {
			payload = typeof body === 'string' ? body : JSON.stringify(body);
			headers['Content-Type'] ??= 'application/json';
			headers['Content-Length'] ??= Buffer.byteLength(payload);
		}
		return httpRequest(method, `${this.url}${path}`, { headers, body: payload });
	}

	/** An API request that must succeed: its `data`. */
	async data<T = Rendered>(method: string, path: string, body?: unknown): Promise<T> {
		return (await expectOk(`${method} ${path}`, this.api(method, path, body))).json?.data as T;
	}

	/** A raw control-API request (`/_emulator…`, no auth). Any status resolves. */
	controlReply(method: string, path: string, body?: unknown): Promise<Reply> {
		return this.api(method, `/_emulator${path}`, body, { token: null });
	}

	/** A control-API request that must succeed: its `data`. */
	async control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		return (await expectOk(`control ${method} ${path}`, this.controlReply(method, path, body))).json?.data as T;
	}

	// ---- control API ----

	state(): Promise<EmulatorSnapshot> {
		return this.control<EmulatorSnapshot>('GET', '/state');
	}

	reset(options: { seed?: string; farm?: ClusterSpec[] } = {}): Promise<unknown> {
		return this.control('POST', '/reset', options);
	}

	/** The `upload_url` form of the registrations that follow (`POST /_emulator/storage`). */
	setUploadUrlStyle(uploadUrlStyle: 'resumable' | 'signed'): Promise<{ uploadUrlStyle: string }> {
		return this.control('POST', '/storage', { uploadUrlStyle });
	}

	/** How the next reports and snapshot actions end, where report files are served (history.ts). */
	setHistoryBehaviour(behaviour: Partial<HistoryBehaviour>): Promise<HistoryBehaviour & { comments: Record<string, unknown[]> }> {
		return this.control('POST', '/history', behaviour);
	}

	addFault(fault: FaultRequest): Promise<FaultRule> {
		return this.control<FaultRule>('POST', '/faults', fault);
	}

	clearFaults(): Promise<unknown> {
		return this.control('DELETE', '/faults');
	}

	/** The request log (control API excluded), optionally for one server or a path prefix. */
	requests(filter: { server?: 'api' | 'storage'; path?: string } = {}): Promise<LoggedRequest[]> {
		const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
		return this.control<LoggedRequest[]>('GET', `/requests${query.size ? `?${query}` : ''}`);
	}

	clearRequests(): Promise<unknown> {
		return this.control('DELETE', '/requests');
	}

	advanceClock(seconds: number): Promise<{ now: string; speed: number }> {
		return this.control('POST', '/clock/advance', { seconds });
	}

	setClockSpeed(speed: number): Promise<{ now: string; speed: number }> {
		return this.control('POST', '/clock/speed', { speed });
	}

	setConnectivity(clusterId: string, isOnline: boolean): Promise<Rendered> {
		return this.control('POST', `/clusters/${encodeURIComponent(clusterId)}/connectivity`, { is_online: isOnline });
	}

	updateCluster(clusterId: string, patch: Record<string, unknown>): Promise<Rendered> {
		return this.control('POST', `/clusters/${encodeURIComponent(clusterId)}`, patch);
	}

	addCluster(spec: ClusterSpec): Promise<Rendered> {
		return this.control('POST', '/clusters', spec);
	}

	deleteCluster(clusterId: string): Promise<unknown> {
		return this.control('DELETE', `/clusters/${encodeURIComponent(clusterId)}`);
	}

	/** Status, enabled, maintenance, name or per-extruder configuration of a printer; answers the cluster status. */
	updatePrinter(printerUuid: string, patch: Record<string, unknown>): Promise<Rendered> {
		return this.control('POST', `/printers/${encodeURIComponent(printerUuid)}`, patch);
	}

	clearBuildPlate(printerUuid: string): Promise<Rendered> {
		return this.control('POST', `/printers/${encodeURIComponent(printerUuid)}/clear-build-plate`);
	}

	setPrintJobStatus(printJobUuid: string, status: string): Promise<Rendered> {
		return this.control('POST', `/print_jobs/${encodeURIComponent(printJobUuid)}`, { status });
	}

	/** Reconnects a cluster: a new cluster_id (chosen, or made up), the same host_guid, printers and queue. */
	reconnectCluster(clusterId: string, options: { cluster_id?: string } = {}): Promise<Rendered & { cluster_id: string; host_guid: string; previous_cluster_id: string }> {
		return this.control('POST', `/clusters/${encodeURIComponent(clusterId)}/reconnect`, options);
	}

	/** Factory-resets a printer: a new uuid and (unless keep_cluster_id) a new cluster_id; host_guid and unique_name stay. */
	factoryResetPrinter(
		printerUuid: string,
		options: { uuid?: string; keep_cluster_id?: boolean } = {},
	): Promise<{ cluster_id: string; previous_cluster_id: string; uuid: string; previous_uuid: string; host_guid: string }> {
		return this.control('POST', `/printers/${encodeURIComponent(printerUuid)}/factory-reset`, options);
	}

	approve(clusterId: string, printJobUuid?: string): Promise<{ approved: string[] }> {
		return this.control('POST', `/clusters/${encodeURIComponent(clusterId)}/approve`, printJobUuid === undefined ? {} : { uuid: printJobUuid });
	}

	addToken(token: string, expired = false): Promise<unknown> {
		return this.control('POST', '/tokens', { token, expired });
	}

	/** What workflows posted to the recorder channel (`POST /_emulator/recorder/<channel>`). */
	recorded<T = unknown>(channel: string): Promise<T[]> {
		return this.control<T[]>('GET', `/recorder/${encodeURIComponent(channel)}`);
	}

	// ---- the public API, the way Cura calls it ----

	clusters(): Promise<Rendered[]> {
		return this.data<Rendered[]>('GET', '/connect/v1/clusters');
	}

	/** The clusters keyed by their label: `friendly_name`, else `host_name` (demo and test farms name every cluster). */
	async clustersByName(): Promise<Record<string, Rendered & { cluster_id: string }>> {
		return Object.fromEntries((await this.clusters()).map((cluster) => [cluster.friendly_name ?? cluster.host_name, cluster]));
	}

	clusterStatus(clusterId: string): Promise<Rendered> {
		return this.data('GET', `/connect/v1/clusters/${encodeURIComponent(clusterId)}/status`);
	}

	/** Stage 1 of an upload: the registration answer (`job_id`, `upload_url`, …). */
	registerJob(fields: ToolpathRegistration): Promise<Rendered> {
		return this.data('PUT', '/cura/v1/jobs/upload', { data: { job_name: 'UltiBot', content_type: 'text/plain', ...fields } });
	}

	/** Stage 2: the bytes to the signed URL, no Authorization header. Any status resolves. */
	putToStorage(uploadUrl: string, body: RequestBody, headers: OutgoingHttpHeaders): Promise<Reply> {
		return httpRequest('PUT', uploadUrl, { headers, body });
	}

	/** Registers and stores a toolpath; its job_id, `uploaded`. */
	async uploadJob(jobName: string, bytes: Buffer | string, contentType = 'text/plain'): Promise<string> {
		const size = Buffer.byteLength(bytes);
		const job = await this.registerJob({ job_name: jobName, file_size: size, content_type: contentType });
		await expectOk('storage PUT', this.putToStorage(job.upload_url, bytes, { 'Content-Type': contentType, 'Content-Length': size }));
		return job.job_id as string;
	}

	/** `POST …/print/{job_id}`: the answer's data (`cluster_job_id` is the print job's uuid in `/status`). */
	sendPrint(clusterId: string, jobId: string): Promise<Rendered> {
		return this.data('POST', `/connect/v1/clusters/${encodeURIComponent(clusterId)}/print/${encodeURIComponent(jobId)}`);
	}

	printJobAction(clusterId: string, printJobUuid: string, action: string, body?: unknown): Promise<Rendered> {
		return this.data(
			'POST',
			`/connect/v1/clusters/${encodeURIComponent(clusterId)}/print_jobs/${encodeURIComponent(printJobUuid)}/action/${action}`,
			body,
		);
	}
}

async function expectOk(what: string, pending: Promise<Reply>): Promise<Reply> {
	const reply = await pending;
	if (reply.status < 200 || reply.status >= 300) throw new Error(`${what} → ${reply.status}: ${reply.text.slice(0, 500)}`);
	return reply;
}

/** A client of the emulator's local-network listener (the printers' own API) and its control calls. */
export class LanClient {
	constructor(readonly url: string) {}

	private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
		const reply = await httpRequest(method, `${this.url}${path}`, {
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (reply.status < 200 || reply.status >= 300) throw new Error(`${method} ${path} → ${reply.status}: ${reply.text.slice(0, 300)}`);
		return (reply.text ? JSON.parse(reply.text) : undefined) as T;
	}

	/** Someone presses Allow (or Deny) on the printer's screen for the pairing `id`; `revoke` removes an allowed one. */
	pressOnPrinter(id: string, verb: 'allow' | 'deny' | 'revoke'): Promise<Rendered> {
		return this.json('POST', `/_emulator/lan/pairings/${encodeURIComponent(id)}/${verb}`, {});
	}

	/** Firmware behaviour: Digest algorithms offered, Digest on reads, nonce lifetime, `auth/check` present; `expireNonces` makes every nonce stale. */
	settings(patch: Record<string, unknown> = {}): Promise<Rendered> {
		return this.json('POST', '/_emulator/lan/settings', patch);
	}

	/** The uploads the "printer" received: name, owner, require_printer_name, bytes. */
	uploads(): Promise<Array<{ name: string; owner: string | null; requirePrinterName: string | null; bytes: number }>> {
		return this.json('GET', '/_emulator/lan/uploads');
	}

	/** Pairs and presses Allow at once: `{id, key}` usable for Digest. */
	async pair(application = 'test', user = 'test'): Promise<{ id: string; key: string }> {
		const pairing = await this.json<{ id: string; key: string }>('POST', '/api/v1/auth/request', { application, user });
		await this.pressOnPrinter(pairing.id, 'allow');
		return pairing;
	}

	printers(): Promise<Rendered[]> {
		return this.json('GET', '/cluster-api/v1/printers');
	}

	printJobs(): Promise<Rendered[]> {
		return this.json('GET', '/cluster-api/v1/print_jobs');
	}
}
