/**
 * One request to a printer's own API (lan-cluster-api.md §4): plain http to the credential's host (or a group
 * member's address), bare JSON answers, and HTTP Digest answered when the printer challenges — reads go out
 * unsigned first (reads are open on the firmware we know of [S]); any request the printer refuses with a Digest
 * challenge is signed and sent again, which is safe because a 401 is a refusal before acting. A write whose body
 * is a stream is signed before it goes out (the caller learns the nonce first, `ensureChallenge`), so the stream
 * is only ever opened again after a refusal. Failures carry the one failure contract (../failure.ts).
 */
import type { IExecuteFunctions, IHttpRequestOptions, NodeApiError, NodeOperationError } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { retryDelayMs } from '../../core/retry';
import type { UltimakerContext } from '../cloud/credential';
import { sendOnce } from '../cloud/transport/send';
import type { Failure } from '../failure';
import { cancelledFailure, failureError, httpFailure, networkFailure, unreadableFailure } from '../failure';
import type { RetryPolicy } from '../printerConnection';
import type { LocalCredential } from './credential';
import { DigestSigner } from './digest';

/** The stream type n8n's binary helper returns (typed without importing Node's `stream`). */
type BodyStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

export type LocalBody = string | Buffer | BodyStream;

export interface LocalRequest {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	/** Path and query as signed (`/cluster-api/v1/print_jobs/<uuid>`). */
	path: string;
	/** Another printer of the group (its `ip_address`, checked by the caller); default the credential's host. */
	baseUrl?: string;
	/** A JSON body (sent as JSON), or a body the caller opens for each attempt (a multipart stream). */
	json?: unknown;
	body?: () => Promise<LocalBody>;
	headers?: Record<string, string>;
	what: string;
	retry: RetryPolicy;
	itemIndex?: number;
	/** Whole-exchange deadline; default 30 s. */
	deadlineMs?: number;
	/** Follow redirects (the camera snapshot answers 302 to the camera's own port [S]). */
	followRedirects?: boolean;
}

export interface LocalAnswer {
	statusCode: number;
	body: Buffer;
	headers: Record<string, unknown>;
}

export const LOCAL_DEADLINE_MS = 30_000;
const MAX_TRANSIENT_RETRIES = 2;
/** Challenges answered per request: the first challenge, and one `stale` nonce after it. */
const MAX_CHALLENGES = 2;

export const PAIR_HINT =
	'Run the node\'s "Pair with Printer" operation (resource Local Network), press Allow on the printer\'s screen, and put the id and key it returns into the credential.';

export interface LocalSession extends LocalCredential {
	signer: DigestSigner | undefined;
}

export function localSession(credential: LocalCredential): LocalSession {
	return { ...credential, signer: credential.authId ? new DigestSigner(credential.authId, credential.authKey) : undefined };
}

function asBuffer(body: unknown): Buffer {
	if (Buffer.isBuffer(body)) return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body === undefined || body === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(body), 'utf8');
}

function pairingError(this: UltimakerContext, session: LocalSession, request: LocalRequest, status: number): NodeApiError | NodeOperationError {
	const failure: Failure = { ...httpFailure(request.method, request.what, status), kind: 'configuration', mayHaveTakenEffect: false, outcome: 'failed', transient: false };
	const message = session.signer
		? `The printer refused the pairing in the credential (HTTP ${status}) for ${request.what}`
		: `The printer needs a pairing for ${request.what} (HTTP ${status})`;
	const description = session.signer
		? `The pairing may have been revoked on the printer, or the printer was reset. ${PAIR_HINT}`
		: `The credential has no pairing id and key. ${PAIR_HINT}`;
	return failureError(this.getNode(), failure, { message, description, itemIndex: request.itemIndex });
}

function failed(this: UltimakerContext, failure: Failure, request: LocalRequest, detail: string): NodeApiError | NodeOperationError {
	const where = failure.status !== undefined ? `HTTP ${failure.status}` : (failure.networkCode ?? failure.kind);
	const outcome = failure.mayHaveTakenEffect ? ' It may have taken effect on the printer: check before trying again.' : '';
	return failureError(this.getNode(), failure, {
		message: `The printer could not do ${request.what} (${where})`,
		description: `${detail}${outcome}`.trim(),
		itemIndex: request.itemIndex,
	});
}

/** Sends once, answering Digest challenges; retries 5xx and network failures only for idempotent requests. */
export async function localRequest(this: UltimakerContext, session: LocalSession, request: LocalRequest): Promise<LocalAnswer> {
	let challenges = 0;
	let transientRetries = 0;
	for (;;) {
		const headers: Record<string, string> = { ...(request.headers ?? {}) };
		const authorization = session.signer?.authorization(request.method, request.path);
		if (authorization) headers.Authorization = authorization;
		const http: IHttpRequestOptions = {
			method: request.method,
			url: `${request.baseUrl ?? session.baseUrl}${request.path}`,
			headers,
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: request.followRedirects !== true,
			timeout: request.deadlineMs ?? LOCAL_DEADLINE_MS,
		};
		if (request.json !== undefined) {
			http.body = JSON.stringify(request.json);
			headers['Content-Type'] = 'application/json';
		} else if (request.body) {
			http.body = (await request.body()) as IHttpRequestOptions['body'];
		}
		const sent = await sendOnce.call(this, http, { deadlineMs: request.deadlineMs ?? LOCAL_DEADLINE_MS });
		let failure: Failure;
		let detail = '';
		if (!sent.answered) {
			if (sent.cause === 'cancelled') throw failed.call(this, cancelledFailure(request.method, request.what), request, 'The workflow was stopped.');
			failure = networkFailure(request.method, request.what, sent.code);
			detail = failure.reachedServer ? 'The connection to the printer broke or timed out.' : `The printer at ${session.host} could not be reached: is it on and on this network?`;
		} else {
			const answer: LocalAnswer = { statusCode: sent.response.statusCode, body: asBuffer(sent.response.body), headers: sent.response.headers as Record<string, unknown> };
			if (answer.statusCode >= 200 && answer.statusCode < 300) return answer;
			if (answer.statusCode === 401) {
				const challenge = session.signer?.learn(answer.headers['www-authenticate']);
				// A first challenge, or a stale nonce: sign (again) — the printer refused before acting.
				if (challenge && challenges < MAX_CHALLENGES && (challenges === 0 || challenge.stale)) {
					challenges++;
					continue;
				}
				throw pairingError.call(this, session, request, 401);
			}
			if (answer.statusCode === 403) throw pairingError.call(this, session, request, 403);
			failure = httpFailure(request.method, request.what, answer.statusCode);
			detail = answer.statusCode === 404 ? 'The printer does not know this (an old firmware, or an id that is gone).' : '';
		}
		if (request.retry === 'idempotent' && failure.transient && transientRetries < MAX_TRANSIENT_RETRIES && failure.networkCode !== 'ETIMEDOUT') {
			transientRetries++;
			await sleep(retryDelayMs(transientRetries));
			continue;
		}
		throw failed.call(this, failure, request, detail);
	}
}

/** The answer's JSON, or an `unreadable` failure naming what was expected. */
export function jsonOf(this: UltimakerContext, request: LocalRequest, answer: LocalAnswer, expected: 'array' | 'object' | 'any'): unknown {
	let value: unknown;
	try {
		value = answer.body.length === 0 ? undefined : JSON.parse(answer.body.toString('utf8'));
	} catch {
		value = undefined;
	}
	const ok = expected === 'array' ? Array.isArray(value) : expected === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value) : value !== undefined;
	if (!ok) {
		throw failed.call(
			this,
			unreadableFailure(request.method, request.what, answer.statusCode),
			request,
			`The printer answered, but not with ${expected === 'array' ? 'a JSON list' : expected === 'object' ? 'a JSON object' : 'JSON'} (a proxy's page, or an unexpected firmware).`,
		);
	}
	return value;
}

/**
 * Learns the printer's nonce before a write whose body is a stream, with `GET /api/v1/auth/verify` (Digest;
 * 200 `{"message": "ok"}` for a valid pairing [S: Swagger], 401 otherwise [C: legacy Cura]) — so an invalid or
 * revoked pairing is said before any byte of the file is sent.
 */
export async function ensureChallenge(this: UltimakerContext, session: LocalSession, itemIndex?: number): Promise<void> {
	if (!session.signer || session.signer.hasChallenge) return;
	await localRequest.call(this, session, { method: 'GET', path: '/api/v1/auth/verify', what: 'the pairing check', retry: 'idempotent', itemIndex });
}

