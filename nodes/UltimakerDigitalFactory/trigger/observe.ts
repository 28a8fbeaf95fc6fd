/**
 * The trigger's I/O: one `GET /connect/v1/clusters` and one `GET …/status` per watched cluster, turned into
 * ClusterObservations for the pure diff. Requests go through the shared transport (base URL checks, auth,
 * OAuth2 refresh on 401/403 tokenExpired, 429 + Retry-After, errors without secrets) with its `rateLimitOnly`
 * policy: a 5xx or a dropped connection is not retried inside the poll — it is a missed poll. Transient failures
 * become "unreachable" observations; permanent ones throw.
 */
import type { IDataObject, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { ApiClusterStatus, ClusterObservation } from './diff';
import { apiRequest, getConnection, type Connection } from '../shared/transport/request';
import { classifyRequestError, type RequestFailure } from './failures';

export type AuthenticationMethod = 'apiToken' | 'oAuth2';
type Context = IPollFunctions | ILoadOptionsFunctions;

/** Status requests in flight at once (a farm of many clusters must not open a request per cluster at once). */
const STATUS_CONCURRENCY = 4;

export interface ClusterListEntry {
	cluster_id: string;
	friendly_name: string | null;
	is_online: boolean | null;
	printer_type: string | null;
}

type Outcome<T> = { ok: true; data: T } | { ok: false; failure: RequestFailure; error: unknown };

export class DigitalFactoryReader {
	private connection: Connection | undefined;
	/** Requests sent by this reader (for tests and the benchmark). */
	requests = 0;

	constructor(
		private readonly context: Context,
		private readonly authentication: AuthenticationMethod,
	) {}

	node() {
		return this.context.getNode();
	}

	private async get(path: string, what: string): Promise<Outcome<unknown>> {
		this.connection ??= await getConnection.call(this.context, this.authentication);
		this.requests++;
		try {
			const response = await apiRequest.call(this.context, this.connection, { method: 'GET', path, what, retry: 'rateLimitOnly' });
			return { ok: true, data: (response.body as IDataObject | undefined)?.data };
		} catch (error) {
			// Bad configuration is not an outage: fail the poll with it.
			if (error instanceof NodeOperationError) {
				throw new NodeOperationError(this.context.getNode(), error.message, { description: error.description ?? undefined });
			}
			return { ok: false, failure: classifyRequestError(error), error };
		}
	}

	/** GET /connect/v1/clusters. */
	async listClusters(): Promise<Outcome<ClusterListEntry[]>> {
		const outcome = await this.get('/connect/v1/clusters', 'the cluster list');
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
		const outcome = await this.get(path, `the status of cluster ${clusterId}`);
		if (!outcome.ok) return outcome;
		const data = outcome.data as ApiClusterStatus | undefined;
		if (!data || typeof data !== 'object' || Array.isArray(data)) {
			throw this.unexpectedBody('/connect/v1/clusters/{cluster_id}/status', 'a status object');
		}
		return { ok: true, data };
	}

	private unexpectedBody(path: string, expected: string): NodeOperationError {
		return new NodeOperationError(
			this.context.getNode(),
			`The Digital Factory API answered GET ${path} with an unexpected body (expected {"data": ${expected}})`,
			{ description: "Check the credential's Base URL: it must point at the Digital Factory API (https://api.ultimaker.com)." },
		);
	}

	/** The error to fail the poll with: the transport's own (API title/detail + what to do), already free of secrets. */
	failure(outcome: { failure: RequestFailure; error: unknown }): NodeApiError | NodeOperationError {
		const { error, failure } = outcome;
		if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
		return new NodeApiError(this.context.getNode(), { message: 'Digital Factory request failed', httpCode: failure.status ? String(failure.status) : null });
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
	if (!list.ok && (list.failure.kind === 'permanent' || options.failOnTransient)) throw reader.failure(list);
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
				throw reader.failure(status);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, watched.length) }, worker));
	return observations.filter((observation): observation is ClusterObservation => observation !== undefined);
}
