/**
 * The one place that talks to the Digital Factory API: URL on the credential's Base URL, auth through n8n
 * (`httpRequestWithAuthentication` applies the token or the OAuth2 access token), JSON envelopes, bounded retries
 * (429 honouring Retry-After; 5xx and dropped connections only where a repeat cannot do harm), OAuth2 refresh on
 * 401/403 `tokenExpired`, a total deadline per request, and every failure classified once (failure.ts) with
 * words free of secrets.
 */
import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { RetryPolicy } from '../../printerConnection';
import type { CloudCredential, UltimakerContext } from '../credential';
import { describeApiError, describeNetworkCode, isTokenExpired, retryAfterMs } from './describe';
import type { Failure } from '../../failure';
import {
	asNodeError,
	cancelledFailure,
	configurationFailure,
	failureError,
	httpFailure,
	networkFailure,
	unreadableFailure,
} from '../../failure';
import { MAX_PAGES, nextPage, pageSize } from './pagination';
import { redactSecrets, secretList } from '../../redact';
import { retryDelayMs } from '../../../core/retry';
import type { Sent } from './send';
import { sendOnce } from './send';

export type { RetryPolicy };

export interface ApiRequestOptions {
	method: IHttpRequestMethods;
	/** Path below the base URL, ids already checked and encoded (validation.ts). */
	path?: string;
	/** An absolute URL on the base URL (a `links.next`). */
	url?: string;
	qs?: IDataObject;
	body?: IDataObject;
	/** What is being asked for, for messages: "cluster abc", "the job list". */
	what: string;
	retry: RetryPolicy;
	itemIndex?: number;
}

export interface ApiResponse<T> {
	statusCode: number;
	body: T;
	headers: Record<string, unknown>;
}

/** A longer Retry-After than this fails fast instead of stalling the workflow. */
const MAX_RETRY_AFTER_MS = 60_000;
/**
 * JSON API calls are small; Cura gives each 10 s. `API_TIMEOUT_MS` is n8n's (axios') timeout, which only bounds
 * silence; `API_DEADLINE_MS` bounds a whole request, first byte to last, so a server that drips one byte every
 * few seconds cannot hold a workflow or a poll for minutes.
 */
const API_TIMEOUT_MS = 30_000;
export const API_DEADLINE_MS = 30_000;
const MAX_RETRIES = { rateLimited: 3, serverError: 2, network: 2 };
/** A timed-out request is not repeated: it already took the whole deadline. */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED']);
/** Node refuses to send a header with these characters: the credential (a token with a line break) is at fault. */
const INVALID_HEADER_CODES = new Set(['ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE']);

type RetriesUsed = Record<keyof typeof MAX_RETRIES, number>;

/** One attempt's result: the answer, or a classified failure (with the answer, when there was one). */
type Attempt =
	| { ok: true; response: ApiResponse<unknown> }
	| { ok: false; failure: Failure; response?: ApiResponse<unknown> };

/** What an error thrown without an HTTP answer means, given the signals the request ran with. */
function thrownFailure(options: ApiRequestOptions, sent: Extract<Sent, { answered: false }>): Failure {
	if (sent.cause === 'cancelled') return cancelledFailure(options.method, options.what);
	if (INVALID_HEADER_CODES.has(sent.code)) return configurationFailure(options.method, options.what);
	return networkFailure(options.method, options.what, sent.code);
}

async function attempt(this: UltimakerContext, connection: CloudCredential, options: ApiRequestOptions): Promise<Attempt> {
	const request: IHttpRequestOptions = {
		method: options.method,
		url: options.url ?? `${connection.baseUrl}${options.path ?? ''}`,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect must not carry the token to another host; the API does not redirect.
		disableFollowRedirect: true,
		// A hung connection must not hold a workflow or a poll for axios's default of minutes.
		timeout: API_TIMEOUT_MS,
	};
	if (options.body !== undefined) request.body = options.body;
	if (options.qs !== undefined) request.qs = options.qs;
	const sent = await sendOnce.call(this, request, { deadlineMs: API_DEADLINE_MS, credentialType: connection.credentialType });
	if (!sent.answered) {
		// n8n's own errors before sending (a credential it cannot use) are configuration problems: pass them on.
		if (sent.error instanceof NodeOperationError) throw asNodeError(this.getNode(), sent.error, options.itemIndex);
		return { ok: false, failure: thrownFailure(options, sent) };
	}
	const answer = sent.response;
	const response = { statusCode: answer.statusCode, body: answer.body, headers: answer.headers as Record<string, unknown> };
	if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, response };
	const apiCode = describeApiError(response.statusCode, response.body, connection.authKind, options.what).apiError?.code;
	return { ok: false, failure: httpFailure(options.method, options.what, response.statusCode, apiCode), response };
}

type Next = { retry: true; waitMs: number } | { retry: false };

/** Whether and when to try again after a failed attempt (the retries used so far are counted in `used`). */
function nextStep(failed: Extract<Attempt, { ok: false }>, policy: RetryPolicy, used: RetriesUsed): Next {
	const { failure } = failed;
	if (failure.status === 429) {
		const wait = retryAfterMs(failed.response?.headers['retry-after']) ?? retryDelayMs(used.rateLimited + 2);
		if (used.rateLimited >= MAX_RETRIES.rateLimited || wait > MAX_RETRY_AFTER_MS) return { retry: false };
		used.rateLimited++;
		return { retry: true, waitMs: wait };
	}
	if (failure.networkCode !== undefined && TIMEOUT_CODES.has(failure.networkCode)) return { retry: false };
	const budget = failure.kind === 'network' ? 'network' : failure.status !== undefined && failure.status >= 500 ? 'serverError' : undefined;
	if (policy !== 'idempotent' || budget === undefined || used[budget] >= MAX_RETRIES[budget]) return { retry: false };
	used[budget]++;
	return { retry: true, waitMs: retryDelayMs(used[budget]) };
}


export async function apiRequest<T = IDataObject>(
	this: UltimakerContext,
	connection: CloudCredential,
	options: ApiRequestOptions,
): Promise<ApiResponse<T>> {
	const used: RetriesUsed = { rateLimited: 0, serverError: 0, network: 0 };
	let refreshed = false;
	let earlierMayHaveTakenEffect = false;
	for (;;) {
		const result = await attempt.call(this, connection, options);
		if (result.ok) return result.response as ApiResponse<T>;
		const status = result.failure.status;
		if (connection.authKind === 'oAuth2' && !refreshed && status !== undefined && (status === 401 || isTokenExpired(status, result.response?.body))) {
			refreshed = true;
			if (await refreshLogin.call(this, connection)) continue;
		}
		const next = nextStep(result, options.retry, used);
		if (!next.retry) throw requestError.call(this, connection, options, withEarlierAttempts(result, earlierMayHaveTakenEffect), used.network + 1);
		earlierMayHaveTakenEffect ||= result.failure.mayHaveTakenEffect;
		await sleep(next.waitMs);
	}
}

/** The request's failure over all its attempts: if an earlier attempt may have acted, so may the request. */
function withEarlierAttempts(failed: Extract<Attempt, { ok: false }>, earlier: boolean): Extract<Attempt, { ok: false }> & { earlier: boolean } {
	if (!earlier || failed.failure.mayHaveTakenEffect) return { ...failed, earlier: false };
	return { ...failed, failure: { ...failed.failure, mayHaveTakenEffect: true, outcome: 'unknown' }, earlier: true };
}

/** n8n's own refresh: exchanges the refresh token and saves the rotated pair in the credential. */
async function refreshLogin(this: UltimakerContext, connection: CloudCredential): Promise<boolean> {
	try {
		const tokens = (await this.helpers.refreshOAuth2Token.call(this, connection.credentialType)) as IDataObject | undefined;
		// The new tokens are secrets too, from now on.
		connection.secrets.push(...secretList([tokens?.access_token, tokens?.refresh_token, tokens?.id_token]));
		return true;
	} catch {
		// Reported with the original answer: the login has expired.
		return false;
	}
}

/** Said when a change may have been carried out although the request failed: never a blind "try again". */
export const CHECK_BEFORE_RETRY = 'It may have been carried out before the error: check in Digital Factory before trying again.';
const EARLIER_ATTEMPT =
	'An earlier attempt of this request may have been carried out before its answer was lost: check in Digital Factory before trying again.';

function requestError(
	this: UltimakerContext,
	connection: CloudCredential,
	options: ApiRequestOptions,
	failed: Extract<Attempt, { ok: false }> & { earlier: boolean },
	tries: number,
): NodeApiError | NodeOperationError {
	const { failure } = failed;
	const words = failureWords(connection, options, failed, tries);
	const addition = failed.earlier ? EARLIER_ATTEMPT : failure.mayHaveTakenEffect && failure.kind === 'http' ? CHECK_BEFORE_RETRY : '';
	const description = [words.description, addition].filter(Boolean).join(' ');
	const apiError = failure.kind === 'http' ? describeApiError(failure.status!, failed.response?.body, connection.authKind, options.what).apiError : undefined;
	const redact = (text: string) => redactSecrets(text, connection.secrets);
	// The API's own error object, without `meta` (free-form, may echo the request) and free of secrets.
	const safeApiError = apiError ? (JSON.parse(redact(JSON.stringify({ ...apiError, meta: undefined }))) as JsonObject) : undefined;
	const text = { itemIndex: options.itemIndex, message: redact(words.message), description: redact(description) };
	return failureError(this.getNode(), failure, text, safeApiError);
}

function failureWords(
	connection: CloudCredential,
	options: ApiRequestOptions,
	failed: Extract<Attempt, { ok: false }>,
	tries: number,
): { message: string; description: string } {
	const { failure } = failed;
	if (failure.kind === 'cancelled') {
		return { message: `The workflow was stopped while requesting ${options.what}`, description: 'The request was cut off; its outcome is unknown.' };
	}
	if (failure.kind === 'configuration') {
		return {
			message: `The credential cannot be sent to Digital Factory for ${options.what}`,
			description: 'The token holds characters a request header cannot carry (a line break, for example). Paste the token again, on one line, or reconnect the OAuth2 credential.',
		};
	}
	if (failure.kind === 'network') return networkWords(connection, options, failure, tries);
	const status = failure.status!;
	if (status >= 300 && status < 400) {
		return {
			message: `Digital Factory answered with a redirect (${status}) for ${options.what}`,
			description: "The node does not follow redirects so the token stays on the Base URL. Check the credential's Base URL.",
		};
	}
	return describeApiError(status, failed.response?.body, connection.authKind, options.what, failure.mayHaveTakenEffect);
}

function networkWords(connection: CloudCredential, options: ApiRequestOptions, failure: Failure, tries: number): { message: string; description: string } {
	const timedOut = failure.networkCode !== undefined && TIMEOUT_CODES.has(failure.networkCode);
	const words = timedOut ? `no complete answer within ${API_DEADLINE_MS / 1000} seconds` : describeNetworkCode(failure.networkCode);
	const checkNetwork = `Check the network connection and the credential's Base URL (${connection.baseUrl}).`;
	let description: string;
	if (failure.mayHaveTakenEffect) {
		description = `The request may or may not have reached Digital Factory; it was not repeated automatically. ${CHECK_BEFORE_RETRY}`;
	} else if (!failure.reachedServer) {
		description = `The request did not reach Digital Factory, so nothing happened. ${checkNetwork}`;
	} else {
		description = timedOut || options.retry !== 'idempotent' ? checkNetwork : `Tried ${tries} times. ${checkNetwork}`;
	}
	return { message: `The connection to Digital Factory failed while requesting ${options.what}: ${words}`, description };
}

/**
 * A 2xx answer that is not what the endpoint returns: broken JSON, an HTML sign-in page of a proxy or captive
 * portal, or another service at the Base URL. Treating it as "no data" would silently mislead a workflow (an
 * empty cluster list), so it is an error.
 */
export function unreadableAnswer(
	this: UltimakerContext,
	options: ApiRequestOptions,
	response: ApiResponse<unknown>,
	expected = 'JSON with a "data" field',
	secrets: readonly string[] = [],
): NodeApiError | NodeOperationError {
	const failure = unreadableFailure(options.method, options.what, response.statusCode);
	const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null);
	// A change answered 2xx most likely happened: the words must not invite a blind repeat.
	const hint = failure.mayHaveTakenEffect
		? `Digital Factory accepted the request (${response.statusCode}), so it most likely was carried out. ${CHECK_BEFORE_RETRY}`
		: "A proxy or sign-in page may be answering instead of the API: check the credential's Base URL.";
	return failureError(this.getNode(), failure, {
		message: `Digital Factory sent an answer that could not be read for ${options.what}`,
		description: redactSecrets(`Expected ${expected} but got: ${text.slice(0, 200)}. ${hint}`, secrets),
		itemIndex: options.itemIndex,
	});
}

export interface DataOptions extends ApiRequestOptions {
	/** Keys the object must have as non-empty strings (its id): anything else is not the object asked for. */
	requiredKeys?: string[];
}

/** The `data` object of a JSON:API answer, shape-checked: an object (not a list), with its id keys. */
export async function apiData(this: UltimakerContext, connection: CloudCredential, options: DataOptions): Promise<IDataObject> {
	const response = await apiRequest.call(this, connection, options);
	const data = (response.body as { data?: unknown } | undefined)?.data;
	// An array is a list endpoint's answer, not the one object asked for.
	if (!data || typeof data !== 'object' || Array.isArray(data)) throw unreadableAnswer.call(this, options, response, undefined, connection.secrets);
	const missing = (options.requiredKeys ?? []).filter((key) => typeof (data as IDataObject)[key] !== 'string' || (data as IDataObject)[key] === '');
	if (missing.length > 0) {
		throw unreadableAnswer.call(this, options, response, `an object with ${missing.map((key) => `"${key}"`).join(', ')}`, connection.secrets);
	}
	return data as IDataObject;
}

export interface ListOptions extends ApiRequestOptions {
	returnAll: boolean;
	limit: number;
	sendLimit?: boolean;
	/** The rows' id field: a row already seen (pages that overlap, a list that repeats itself) is left out. */
	idKey?: string;
}

/** Adds a page's rows (no spread into `push`: a page may hold any number of rows); false once `limit` is reached. */
function collect(rows: IDataObject[], page: unknown[], seen: Set<string>, options: ListOptions): boolean {
	for (const row of page as IDataObject[]) {
		const id = options.idKey !== undefined && typeof row === 'object' && row !== null ? row[options.idKey] : undefined;
		if (typeof id === 'string') {
			if (seen.has(id)) continue;
			seen.add(id);
		}
		rows.push(row);
		if (!options.returnAll && rows.length >= options.limit) return false;
	}
	return true;
}

/**
 * Every row of a list endpoint, following `links.next` (opaque absolute URLs) until done, or until `limit`
 * rows are collected. A next link that leaves the Base URL is refused, never followed with the token; a list
 * longer than MAX_PAGES pages is an error, never a silently cut result.
 */
export async function apiList(this: UltimakerContext, connection: CloudCredential, options: ListOptions): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	const seen = new Set<string>();
	const visited = new Set<string>();
	let url: string | undefined;
	for (let page = 0; page < MAX_PAGES; page++) {
		const firstPageQs = options.sendLimit !== false ? { ...options.qs, limit: pageSize(options.returnAll, options.limit - rows.length) } : options.qs;
		const response = await apiRequest.call(this, connection, { ...options, url, path: url ? undefined : options.path, qs: url ? undefined : firstPageQs });
		const body = response.body as { data?: unknown; links?: { next?: string | null } };
		if (!body || typeof body !== 'object' || !Array.isArray(body.data)) {
			throw unreadableAnswer.call(this, options, response, 'JSON with a "data" list', connection.secrets);
		}
		if (!collect(rows, body.data, seen, options)) return rows;
		if (url) visited.add(url);
		const next = nextPage(body, connection.baseUrl, visited);
		if (next.done) {
			if ('refused' in next) {
				throw new NodeOperationError(this.getNode(), 'Digital Factory sent a next-page link outside the Base URL', {
					description: "The link was not followed, so the token stays with the configured API. Check the credential's Base URL.",
					itemIndex: options.itemIndex,
				});
			}
			return rows;
		}
		url = next.url;
	}
	throw tooManyPages.call(this, options, rows.length);
}

function tooManyPages(this: UltimakerContext, options: ListOptions, rows: number): NodeApiError | NodeOperationError {
	const what = options.what.charAt(0).toUpperCase() + options.what.slice(1);
	return failureError(this.getNode(), unreadableFailure(options.method, options.what, 200), {
		message: `${what} has more than ${MAX_PAGES} pages; the node stopped after ${rows} rows`,
		description: options.returnAll
			? 'Rather than return a silently cut list, the node stops here. Turn off "Return All" and set a Limit, or narrow the list with a filter.'
			: "The server keeps sending next-page links. Lower the Limit, or check the credential's Base URL.",
		itemIndex: options.itemIndex,
	});
}
