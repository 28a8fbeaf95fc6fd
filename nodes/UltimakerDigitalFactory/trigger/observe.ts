/**
 * The trigger's I/O: one `GET /connect/v1/clusters` and one `GET …/status` per watched cluster, turned into
 * ClusterObservations for the pure diff. Transient failures become "unreachable" observations; permanent ones throw.
 */
import type { IDataObject, IHttpRequestOptions, ILoadOptionsFunctions, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { ApiClusterStatus, ClusterObservation } from '../events';
import { classifyRequestError, type RequestFailure } from './errors';

export type AuthenticationMethod = 'apiToken' | 'oAuth2';
type Context = IPollFunctions | ILoadOptionsFunctions;

/** The credential type behind each value of the `authentication` parameter (same two as the action node). */
export function credentialTypeFor(authentication: unknown): string {
	return authentication === 'oAuth2' ? 'ultimakerDigitalFactoryOAuth2Api' : 'ultimakerDigitalFactoryApi';
}

/** Seconds a single request may take before it counts as a missed poll. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Status requests in flight at once (a farm of many clusters must not open a request per cluster at once). */
const STATUS_CONCURRENCY = 4;

export interface ClusterListEntry {
	cluster_id: string;
	friendly_name: string | null;
	is_online: boolean | null;
	printer_type: string | null;
}

type Outcome<T> = { ok: true; data: T } | { ok: false; failure: RequestFailure };

/** Checks the credential's base URL: https, or plain http only on this machine (the emulator). */
export function apiBaseUrl(context: Context, raw: unknown): string {
	const value = typeof raw === 'string' && raw.trim() ? raw.trim().replace(/\/+$/, '') : 'https://api.ultimaker.com';
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new NodeOperationError(context.getNode(), `The credential's Base URL "${value}" is not a valid URL`, {
			description: 'Use https://api.ultimaker.com, or http://127.0.0.1:<port> for the local emulator.',
		});
	}
	const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
		throw new NodeOperationError(context.getNode(), `The credential's Base URL "${value}" must use https`, {
			description: 'Plain http is accepted only for localhost / 127.0.0.1 (the local emulator).',
		});
	}
	return value;
}

export class DigitalFactoryReader {
	private readonly credentialType: string;
	private baseUrl: string | undefined;
	/** Requests sent by this reader (for tests and the benchmark). */
	requests = 0;

	constructor(
		private readonly context: Context,
		authentication: AuthenticationMethod,
	) {
		this.credentialType = credentialTypeFor(authentication);
	}

	private async get(path: string): Promise<Outcome<unknown>> {
		if (this.baseUrl === undefined) {
			const credentials = await this.context.getCredentials(this.credentialType);
			this.baseUrl = apiBaseUrl(this.context, credentials.baseUrl);
		}
		const options: IHttpRequestOptions = {
			method: 'GET',
			url: `${this.baseUrl}${path}`,
			json: true,
			timeout: REQUEST_TIMEOUT_MS,
			// The API never redirects; following one could carry the token to another host.
			disableFollowRedirect: true,
		};
		this.requests++;
		try {
			const body = (await this.context.helpers.httpRequestWithAuthentication.call(
				this.context,
				this.credentialType,
				options,
			)) as unknown;
			return { ok: true, data: (body as IDataObject | undefined)?.data };
		} catch (error) {
			return { ok: false, failure: classifyRequestError(error) };
		}
	}

	/** GET /connect/v1/clusters. */
	async listClusters(): Promise<Outcome<ClusterListEntry[]>> {
		const outcome = await this.get('/connect/v1/clusters');
		if (!outcome.ok) return outcome;
		if (!Array.isArray(outcome.data)) throw this.unexpectedBody('/connect/v1/clusters', 'a list of clusters');
		const clusters = outcome.data
			.filter((entry): entry is IDataObject => !!entry && typeof entry === 'object' && typeof (entry as IDataObject).cluster_id === 'string')
			.map((entry) => ({
				cluster_id: entry.cluster_id as string,
				friendly_name: typeof entry.friendly_name === 'string' ? entry.friendly_name : null,
				is_online: typeof entry.is_online === 'boolean' ? entry.is_online : null,
				printer_type: typeof entry.printer_type === 'string' ? entry.printer_type : null,
			}));
		return { ok: true, data: clusters };
	}

	/** GET /connect/v1/clusters/{id}/status. */
	async clusterStatus(clusterId: string): Promise<Outcome<ApiClusterStatus>> {
		const path = `/connect/v1/clusters/${encodeURIComponent(clusterId)}/status`;
		const outcome = await this.get(path);
		if (!outcome.ok) return outcome;
		const data = outcome.data as ApiClusterStatus | undefined;
		if (!data || typeof data !== 'object' || Array.isArray(data)) {
			throw this.unexpectedBody('/connect/v1/clusters/{cluster_id}/status', 'a status object');
		}
		return { ok: true, data };
	}

	node() {
		return this.context.getNode();
	}

	private unexpectedBody(path: string, expected: string): NodeOperationError {
		return new NodeOperationError(
			this.context.getNode(),
			`The Digital Factory API answered GET ${path} with an unexpected body (expected {"data": ${expected}})`,
			{ description: "Check the credential's Base URL: it must point at the Digital Factory API (https://api.ultimaker.com)." },
		);
	}

	/** A permanent failure as the error n8n shows: the API's own title/detail, and what to do about it. */
	permanentError(failure: RequestFailure, what: string): NodeApiError {
		const hint =
			failure.status === 401
				? 'The credential was rejected: check the API token (Digital Factory → Settings → API Tokens) or reconnect the OAuth2 credential.'
				: failure.status === 403
					? failure.code === 'tokenExpired'
						? 'The token has expired: create a new API token in Digital Factory → Settings → API Tokens (OAuth2 credentials are refreshed by n8n; reconnect if this persists).'
						: 'The credential lacks permission: it needs the connect.cluster.read scope and access to this workspace.'
					: failure.network
						? `The request failed before any answer (${failure.network}): check the credential's Base URL.`
						: undefined;
		const message = failure.status
			? `Digital Factory ${what} failed (HTTP ${failure.status}${failure.title ? `: ${failure.title}` : ''})`
			: `Digital Factory ${what} failed`;
		const response: JsonObject = {
			message,
			httpCode: failure.status ? String(failure.status) : null,
			code: failure.code ?? null,
			detail: failure.detail ?? null,
		};
		return new NodeApiError(this.context.getNode(), response, {
			message,
			description: [failure.detail, hint].filter(Boolean).join(' — ') || undefined,
			httpCode: failure.status ? String(failure.status) : undefined,
		});
	}
}

export interface ObserveOptions {
	scope: 'all' | 'selected';
	clusterIds: string[];
	/** Clusters known from the previous poll (used when the cluster list cannot be fetched). */
	knownClusters: Array<{ cluster_id: string; friendly_name: string | null }>;
	/** Manual mode: a transient failure is an error to show, not a missed poll. */
	failOnTransient: boolean;
}

export async function observeClusters(reader: DigitalFactoryReader, options: ObserveOptions): Promise<ClusterObservation[]> {
	const list = await reader.listClusters();
	if (!list.ok && (list.failure.kind === 'permanent' || options.failOnTransient)) {
		throw reader.permanentError(list.failure, 'GET /connect/v1/clusters');
	}
	const listed = list.ok ? new Map(list.data.map((cluster) => [cluster.cluster_id, cluster])) : undefined;

	let watched: Array<{ cluster_id: string; friendly_name: string | null; is_online: boolean | null }>;
	if (options.scope === 'all') {
		if (!listed) {
			// Cannot tell which clusters exist: every known cluster missed this poll.
			return options.knownClusters.map((cluster) => ({ ...cluster, unreachable: true }));
		}
		watched = [...listed.values()];
	} else {
		watched = options.clusterIds.map((clusterId) => {
			const entry = listed?.get(clusterId);
			const known = options.knownClusters.find((cluster) => cluster.cluster_id === clusterId);
			return {
				cluster_id: clusterId,
				friendly_name: entry?.friendly_name ?? known?.friendly_name ?? null,
				is_online: entry ? entry.is_online : null,
			};
		});
	}

	const observations: Array<ClusterObservation | undefined> = new Array(watched.length);
	let next = 0;
	const worker = async () => {
		while (next < watched.length) {
			const index = next++;
			const cluster = watched[index];
			const status = await reader.clusterStatus(cluster.cluster_id);
			const base = { cluster_id: cluster.cluster_id, friendly_name: cluster.friendly_name, is_online: cluster.is_online };
			if (status.ok) {
				observations[index] = { ...base, status: status.data };
			} else if (status.failure.kind === 'transient' && !options.failOnTransient) {
				observations[index] = { ...base, unreachable: true };
			} else if (status.failure.status === 404 && options.scope === 'all') {
				// Deleted between the list and the status call: it is gone, like a cluster missing from the list.
				observations[index] = undefined;
			} else if (status.failure.status === 404) {
				throw new NodeOperationError(reader.node(), `Cluster "${cluster.cluster_id}" was not found`, {
					description:
						'It may have been removed from the Digital Factory workspace. Remove it from "Cluster IDs" or watch all clusters.',
				});
			} else {
				throw reader.permanentError(status.failure, `GET /connect/v1/clusters/${cluster.cluster_id}/status`);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, watched.length) }, worker));
	return observations.filter((observation): observation is ClusterObservation => observation !== undefined);
}
