/**
 * The one place that talks to the Digital Factory API: base URL from the credential, auth through n8n
 * (`httpRequestWithAuthentication`, so n8n applies the token or the OAuth2 access token), JSON envelopes,
 * bounded retries (429 honouring Retry-After, 5xx and dropped connections for idempotent requests), OAuth2
 * refresh on 401/403 `tokenExpired`, and errors mapped to NodeApiError without the token in them.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { AuthKind } from './describe';
import { describeApiError, describeNetworkCode, isTokenExpired, redactSecrets, retryAfterMs } from './describe';
import { MAX_PAGES, nextPage, pageItems, pageSize } from './pagination';
import { checkBaseUrl, checkOrigin } from '../validation';

export type UltimakerContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions | IHookFunctions;

/** The credential type name behind each `authentication` value. */
export function credentialTypeFor(authKind: AuthKind): string {
	return authKind === 'oAuth2' ? 'ultimakerDigitalFactoryOAuth2Api' : 'ultimakerDigitalFactoryApi';
}

/** Passes NodeApiError/NodeOperationError through and wraps anything else, for rethrowing from catch blocks. */
export function asNodeError(this: UltimakerContext, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(this.getNode(), { message: String((error as Error)?.message ?? error) } as JsonObject, { itemIndex });
}

export interface Connection {
	authKind: AuthKind;
	credentialType: string;
	baseUrl: string;
	defaultOrigin?: string;
}

/** Reads the credential once: which one, its validated base URL and default upload origin. */
export async function getConnection(
	this: UltimakerContext,
	authentication: unknown,
	itemIndex?: number,
): Promise<Connection> {
	const authKind: AuthKind = authentication === 'oAuth2' ? 'oAuth2' : 'apiToken';
	const credentialType = credentialTypeFor(authKind);
	const credentials =
		itemIndex === undefined
			? await this.getCredentials(credentialType)
			: await (this as IExecuteFunctions).getCredentials(credentialType, itemIndex);
	const baseUrl = checkBaseUrl(credentials.baseUrl ?? 'https://api.ultimaker.com');
	if (!baseUrl.ok) {
		throw new NodeOperationError(this.getNode(), `Credential problem: ${baseUrl.message}`, { description: baseUrl.hint, itemIndex });
	}
	const origin = checkOrigin(credentials.origin);
	if (!origin.ok) {
		throw new NodeOperationError(this.getNode(), `Credential problem (Default Upload Origin): ${origin.message}`, {
			description: origin.hint,
			itemIndex,
		});
	}
	return { authKind, credentialType, baseUrl: baseUrl.value, defaultOrigin: origin.value };
}

export type RetryPolicy =
	/** GETs and registrations: retry 429, 5xx and dropped connections. */
	| 'idempotent'
	/** Requests that must not run twice (print, create): only 429, which the server refused before acting. */
	| 'rateLimitOnly';

export interface ApiRequestOptions {
	method: IHttpRequestMethods;
	/** Path below the base URL, ids already encoded with `idPathSegment`. */
	path?: string;
	/** An absolute URL on the base URL (a `links.next`). */
	url?: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** What is being asked for, for error messages: "cluster abc", "the job list". */
	what: string;
	retry: RetryPolicy;
	itemIndex?: number;
}

export interface ApiResponse<T> {
	statusCode: number;
	body: T;
	headers: Record<string, unknown>;
}

/** Bounds: a longer Retry-After than this fails fast instead of stalling the workflow. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** JSON API calls are small; Cura gives each 10 s. Uploads to storage have no such limit. */
export const API_TIMEOUT_MS = 30_000;
const MAX_RATE_LIMIT_RETRIES = 3;
const MAX_SERVER_RETRIES = 2;
const MAX_NETWORK_RETRIES = 2;

/** The failure had no HTTP answer (connection dropped, refused, timed out): the request may or may not have run. */
export function isNetworkFailure(error: unknown): boolean {
	return error instanceof NodeApiError && (error.context as IDataObject | undefined)?.transport === 'network';
}

function networkErrorCode(error: unknown): string {
	const candidates = [
		(error as { cause?: { code?: unknown } })?.cause?.code,
		(error as { code?: unknown })?.code,
		(error as { cause?: { cause?: { code?: unknown } } })?.cause?.cause?.code,
	];
	const code = candidates.find((candidate) => typeof candidate === 'string' && /^E[A-Z_]+$/.test(candidate));
	if (typeof code === 'string') return code;
	const message = [
		(error as { message?: unknown })?.message,
		(error as { description?: unknown })?.description,
		(error as { cause?: { message?: unknown } })?.cause?.message,
	].join(' ');
	if (/closed unexpectedly|ECONNRESET/i.test(message)) return 'ECONNRESET';
	if (/refused|ECONNREFUSED/i.test(message)) return 'ECONNREFUSED';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	return 'ENETWORK';
}

function backoffMs(attempt: number): number {
	return Math.min(4000, 250 * 2 ** attempt);
}

export async function apiRequest<T = IDataObject>(
	this: UltimakerContext,
	connection: Connection,
	options: ApiRequestOptions,
): Promise<ApiResponse<T>> {
	const url = options.url ?? `${connection.baseUrl}${options.path ?? ''}`;
	let rateLimited = 0;
	let serverErrors = 0;
	let networkErrors = 0;
	let refreshed = false;
	for (;;) {
		const request: IHttpRequestOptions = {
			method: options.method,
			url,
			qs: options.qs,
			body: options.body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect must not carry the token to another host; the API does not redirect.
			disableFollowRedirect: true,
			// A hung connection must not hold a workflow or a poll for axios's default of minutes.
			timeout: API_TIMEOUT_MS,
		};
		if (options.body === undefined) delete request.body;
		if (options.qs === undefined) delete request.qs;
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, connection.credentialType, request, {
				// Honoured by n8n versions whose httpRequest path reads it; the explicit refresh below covers the rest.
				oauth2: { tokenExpiredStatusCode: 403 },
			})) as IN8nHttpFullResponse;
		} catch (error) {
			if (error instanceof NodeOperationError) throw asNodeError.call(this, error, options.itemIndex);
			const code = networkErrorCode(error);
			if (options.retry === 'idempotent' && networkErrors < MAX_NETWORK_RETRIES) {
				networkErrors++;
				await sleep(backoffMs(networkErrors));
				continue;
			}
			const networkError = new NodeApiError(
				this.getNode(),
				{ message: `Connection to Digital Factory failed: ${describeNetworkCode(code)}` } as JsonObject,
				{
					message: `The connection to Digital Factory failed while requesting ${options.what}: ${describeNetworkCode(code)}`,
					description:
						options.retry === 'idempotent'
							? `Tried ${networkErrors + 1} times. Check the network connection and the credential's Base URL (${connection.baseUrl}).`
							: 'The request may or may not have reached Digital Factory; it was not repeated automatically.',
					itemIndex: options.itemIndex,
				},
			);
			networkError.context.transport = 'network';
			networkError.context.networkCode = code;
			throw networkError;
		}
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			return { statusCode: status, body: response.body as T, headers: response.headers as Record<string, unknown> };
		}
		if (status === 429 && rateLimited < MAX_RATE_LIMIT_RETRIES) {
			const wait = retryAfterMs((response.headers as IDataObject)['retry-after']) ?? backoffMs(rateLimited + 2);
			if (wait <= MAX_RETRY_AFTER_MS) {
				rateLimited++;
				await sleep(wait);
				continue;
			}
		}
		if (
			connection.authKind === 'oAuth2' &&
			!refreshed &&
			(status === 401 || isTokenExpired(status, response.body))
		) {
			refreshed = true;
			try {
				// n8n's own refresh: exchanges the refresh token and saves the rotated pair in the credential.
				await this.helpers.refreshOAuth2Token.call(this, connection.credentialType);
				continue;
			} catch {
				// Fall through: report the expired login with the original answer.
			}
		}
		if (status >= 500 && options.retry === 'idempotent' && serverErrors < MAX_SERVER_RETRIES) {
			serverErrors++;
			await sleep(backoffMs(serverErrors));
			continue;
		}
		throw apiError.call(this, connection, status, response.body, options);
	}
}

function apiError(
	this: UltimakerContext,
	connection: Connection,
	status: number,
	body: unknown,
	options: ApiRequestOptions,
): NodeApiError {
	const described =
		status >= 300 && status < 400
			? {
					message: `Digital Factory answered with a redirect (${status}) for ${options.what}`,
					description: 'The node does not follow redirects so the token stays on the Base URL. Check the credential\'s Base URL.',
					httpCode: String(status),
					apiError: undefined,
				}
			: describeApiError(status, body, connection.authKind, options.what);
	const apiError = described.apiError;
	const error = new NodeApiError(
		this.getNode(),
		{
			message: redactSecrets(described.message),
			httpCode: described.httpCode,
			...(apiError ?? {}),
		} as JsonObject,
		{
			message: redactSecrets(described.message),
			description: redactSecrets(described.description),
			httpCode: described.httpCode,
			itemIndex: options.itemIndex,
		},
	);
	error.context.transport = 'http';
	error.context.httpStatus = status;
	if (apiError) {
		error.context.apiError = { ...apiError, meta: undefined } as IDataObject;
		error.context.code = apiError.code;
	}
	return error;
}

/** The `data` of a JSON:API answer. */
export async function apiData(
	this: UltimakerContext,
	connection: Connection,
	options: ApiRequestOptions,
): Promise<IDataObject> {
	const response = await apiRequest.call(this, connection, options);
	const body = response.body as { data?: unknown } | undefined;
	if (!body || typeof body !== 'object' || !body.data || typeof body.data !== 'object') {
		throw unreadableAnswer.call(this, options, response);
	}
	return body.data as IDataObject;
}

/**
 * A 2xx answer without the JSON:API `{"data": …}` envelope: broken JSON, an HTML sign-in page of a proxy or
 * captive portal, or another service at the Base URL. Treating it as "no data" would silently mislead a
 * workflow (an empty cluster list), so it is an error.
 */
function unreadableAnswer(
	this: UltimakerContext,
	options: ApiRequestOptions,
	response: ApiResponse<unknown>,
): NodeApiError {
	const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null);
	const message = `Digital Factory sent an answer that could not be read for ${options.what}`;
	return new NodeApiError(
		this.getNode(),
		{ message, httpCode: String(response.statusCode) } as JsonObject,
		{
			message,
			description: redactSecrets(
				`Expected JSON with a "data" field but got: ${text.slice(0, 200)}. A proxy or sign-in page may be answering instead of the API: check the credential's Base URL.`,
			),
			httpCode: String(response.statusCode),
			itemIndex: options.itemIndex,
		},
	);
}

/**
 * Every row of a list endpoint, following `links.next` (opaque absolute URLs) until done, or until `limit`
 * rows are collected. A next link that leaves the Base URL is refused, never followed with the token.
 */
export async function apiList(
	this: UltimakerContext,
	connection: Connection,
	options: ApiRequestOptions & { returnAll: boolean; limit: number; sendLimit?: boolean },
): Promise<IDataObject[]> {
	type T = IDataObject;
	const rows: T[] = [];
	const visited = new Set<string>();
	let url: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const remaining = options.limit - rows.length;
		const qs =
			url === undefined && options.sendLimit !== false
				? { ...(options.qs ?? {}), limit: pageSize(options.returnAll, remaining) }
				: url === undefined
					? options.qs
					: undefined;
		const response = await apiRequest.call(this, connection, { ...options, url, path: url ? undefined : options.path, qs });
		const body = response.body as { data?: T[]; links?: { next?: string | null } };
		if (!body || typeof body !== 'object' || !Array.isArray(body.data)) throw unreadableAnswer.call(this, options, response);
		rows.push(...pageItems<T>(body));
		if (!options.returnAll && rows.length >= options.limit) return rows.slice(0, options.limit);
		if (url) visited.add(url);
		const next = nextPage(body, connection.baseUrl, visited);
		if (next.done) {
			if ('refused' in next) {
				throw new NodeOperationError(this.getNode(), 'Digital Factory sent a next-page link outside the Base URL', {
					description: 'The link was not followed, so the token stays with the configured API. Check the credential\'s Base URL.',
					itemIndex: options.itemIndex,
				});
			}
			return rows;
		}
		url = next.url;
	}
	return rows;
}
