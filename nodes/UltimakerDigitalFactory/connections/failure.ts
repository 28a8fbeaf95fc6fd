/**
 * The one failure contract of the package. The transport classifies every failed request once — what happened,
 * whether the request may have taken effect on the server, whether trying later can help — and attaches that
 * `Failure` to the n8n error it throws. Callers decide from `failureOf(error)`, never from message text or loose
 * error fields.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type FailureKind =
	/** The server answered with a status outside 2xx. */
	| 'http'
	/** No answer: the connection could not be made, broke, or timed out. */
	| 'network'
	/** A 2xx answer that is not what the endpoint returns (a proxy's page, broken JSON, another shape). */
	| 'unreadable'
	/** The credential or its settings cannot work; nothing was sent. */
	| 'configuration'
	/** The workflow was stopped while the request ran. */
	| 'cancelled';

/**
 * What became of the operation, for people and workflows: `failed` = it did not happen, trying again is safe;
 * `unknown` = it may have happened — check (the queue, the job) before trying again.
 */
export type Outcome = 'failed' | 'unknown';

export interface Failure {
	kind: FailureKind;
	/** HTTP method of the failed request. */
	method: string;
	/** What was asked for, for messages: "the status of cluster X". */
	what: string;
	/** The HTTP status, when the server answered. */
	status?: number;
	/** `errors[0].code` of the API's error envelope, when there was one. */
	apiCode?: string;
	/** A network error code such as ECONNRESET, when there was no answer. */
	networkCode?: string;
	/** False only when the request certainly never reached the server (refused, unknown host, not sent). */
	reachedServer: boolean;
	/**
	 * The request may have changed something on the server: nothing says it was refused before acting. Counts
	 * every attempt: a retry refused with 409 after a lost 502 still may have taken effect (the first attempt).
	 */
	mayHaveTakenEffect: boolean;
	/** The same request may succeed later without any change (rate limit, server error, network). */
	transient: boolean;
	/**
	 * The operation's outcome: `unknown` while the request may have taken effect; an operation that checked
	 * afterwards (the print queue, the job's state) sets what it found out.
	 */
	outcome: Outcome;
}

const outcomeOf = (mayHaveTakenEffect: boolean): Outcome => (mayHaveTakenEffect ? 'unknown' : 'failed');

/** Codes for which Node says the connection was never made: the request cannot have reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);
/** Codes that say nothing will change by trying again. */
const PERMANENT_NETWORK_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

const isRead = (method: string) => method === 'GET' || method === 'HEAD';

export function httpFailure(method: string, what: string, status: number, apiCode?: string): Failure {
	// A gateway's 5xx/408 or an unfollowed redirect does not say the backend did nothing; a 4xx does.
	const ambiguous = status >= 500 || status === 408 || (status >= 300 && status < 400);
	const mayHaveTakenEffect = !isRead(method) && ambiguous;
	return {
		kind: 'http',
		method,
		what,
		status,
		apiCode,
		reachedServer: true,
		mayHaveTakenEffect,
		transient: status === 429 || status === 408 || status >= 500,
		outcome: outcomeOf(mayHaveTakenEffect),
	};
}

export function networkFailure(method: string, what: string, networkCode: string): Failure {
	const reachedServer = !NOT_SENT_CODES.has(networkCode);
	const mayHaveTakenEffect = !isRead(method) && reachedServer;
	return {
		kind: 'network',
		method,
		what,
		networkCode,
		reachedServer,
		mayHaveTakenEffect,
		transient: !PERMANENT_NETWORK_CODES.has(networkCode),
		outcome: outcomeOf(mayHaveTakenEffect),
	};
}

export function unreadableFailure(method: string, what: string, status: number): Failure {
	// The server said yes (2xx) in a way we cannot read: for a change, that most likely means it happened.
	const mayHaveTakenEffect = !isRead(method);
	return { kind: 'unreadable', method, what, status, reachedServer: true, mayHaveTakenEffect, transient: false, outcome: outcomeOf(mayHaveTakenEffect) };
}

export function configurationFailure(method: string, what: string): Failure {
	return { kind: 'configuration', method, what, reachedServer: false, mayHaveTakenEffect: false, transient: false, outcome: 'failed' };
}

export function cancelledFailure(method: string, what: string): Failure {
	const mayHaveTakenEffect = !isRead(method);
	return { kind: 'cancelled', method, what, reachedServer: true, mayHaveTakenEffect, transient: false, outcome: outcomeOf(mayHaveTakenEffect) };
}

const failures = new WeakMap<object, Failure>();

/** The classification the transport attached to an error it threw; undefined for any other error. */
export function failureOf(error: unknown): Failure | undefined {
	return typeof error === 'object' && error !== null ? failures.get(error) : undefined;
}

export interface FailureText {
	message: string;
	description: string;
	itemIndex?: number;
}

/**
 * The n8n error for a failure: NodeOperationError for a configuration problem (the user must change a setting),
 * NodeApiError otherwise. `errorResponse` is what n8n keeps with the execution, so it holds only words meant for
 * the user and the API's own error object (already free of secrets).
 */
export function failureError(node: INode, failure: Failure, text: FailureText, apiError?: JsonObject): NodeApiError | NodeOperationError {
	const httpCode = failure.status !== undefined ? String(failure.status) : undefined;
	const error =
		failure.kind === 'configuration'
			? new NodeOperationError(node, text.message, { description: text.description, itemIndex: text.itemIndex })
			: new NodeApiError(node, { message: text.message, ...(httpCode ? { httpCode } : {}), ...(apiError ?? {}) } as JsonObject, {
					message: text.message,
					description: text.description,
					httpCode,
					itemIndex: text.itemIndex,
				});
	if (apiError && error instanceof NodeApiError) error.context.apiError = apiError;
	failures.set(error, failure);
	return error;
}

/** Passes n8n's own errors through and wraps anything else, for rethrowing from catch blocks. */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeApiError(node, { message: String((error as Error)?.message ?? error) } as JsonObject, { itemIndex });
}
