/**
 * What every handler module shares: state, clock, faults, log, options and listener addresses, and the shape of
 * the Digital Factory listener's route tables.
 */
import type { VirtualClock } from './clock';
import type { FaultRegistry } from './faults';
import type { Context, Route, RouteTable } from './http';
import { routes } from './http';
import type { RequestLog } from './requestLog';
import type { ClusterSpec, EmulatorState, OAuthClient } from './state';

export interface ResolvedOptions {
	host: string;
	seed: string | undefined;
	speed: number;
	farm: ClusterSpec[];
	apiToken: string;
	expiredToken: string;
	extraTokens: string[];
	oauthClients: OAuthClient[];
	uploadDir: string | null;
	uploadProcessingMs: number;
	uploadUrlTtlSeconds: number;
	accessTokenSeconds: number;
	maxFileSize: number;
	requestLogLimit: number;
	quiet: boolean;
	/**
	 * The print answer's keys: `recorded` = what Ultimaker's recorded answers carry (`cluster_job_id`, `job_id`,
	 * `status`); `documented` = those plus the documented `job_instance_uuid` and `generated_time`.
	 */
	printResponse: 'recorded' | 'documented';
	/**
	 * The form of `upload_url`: `resumable` = a Google Cloud Storage resumable-session URL as in Ultimaker's recorded
	 * registration answer; `signed` = a one-time signed URL as in the FAQ's example.
	 */
	uploadUrlStyle: 'resumable' | 'signed';
}

export interface Runtime {
	state: EmulatorState;
	clock: VirtualClock;
	faults: FaultRegistry;
	log: RequestLog;
	options: ResolvedOptions;
	recorder: Map<string, unknown[]>;
	apiUrl(): string;
	storageUrl(): string;
	/** Timers that must not outlive close(). */
	later(ms: number, fn: () => void): void;
	reset(seed?: string, farm?: ClusterSpec[]): void;
}

/** Who may call a route of the Digital Factory listener: anyone, or a caller with a valid bearer token. */
export type ApiAuth = 'none' | 'bearer';
export type ApiRoute = Route<Runtime, ApiAuth>;
export type ApiTable = RouteTable<Runtime, ApiAuth>;

/** Routes of the Digital Factory listener that share one guard: `'METHOD /path': handler`. */
export function apiRoutes(auth: ApiAuth, table: Record<string, Route<Runtime, ApiAuth>['handler']>): Route<Runtime, ApiAuth>[] {
	return routes(auth, table);
}

/**
 * A handler that sees the simulation brought up to the moment it is served (`now`), as every Digital Factory
 * API answer does: the state a client reads is the state at that moment, never one left behind by an earlier request.
 */
export function synced(handler: (ctx: Context, rt: Runtime, now: number) => Promise<void> | void): ApiRoute['handler'] {
	return (ctx, rt) => handler(ctx, rt, rt.state.sync());
}
