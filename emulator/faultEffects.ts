/**
 * What each fault kind does to the request it hits, one entry per kind: answer or drop it at once (the request is
 * finished), or mark the context so that serving it goes wrong on the way (the request is still served).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FaultKind, FaultRule } from './faults';
import { duplicateRows, echoHeadersEnvelope, rateLimitError, statusFaultError } from './faults';
import type { Answer, Context, HttpError } from './http';
import { drainBody, errorEnvelope, readBody, send, sendJson } from './http';
import type { Runtime } from './runtime';

/** What a fault may use: the runtime's timers, and the way a request is served (for faults that serve it later). */
export interface FaultEnv {
	rt: Runtime;
	serve: (ctx: Context) => Promise<void>;
}

/** Applies the fault; true when the request is finished (answered or dropped), false when it is still to be served. */
type FaultEffect = (ctx: Context, fault: FaultRule, env: FaultEnv) => Promise<boolean> | boolean;

/** Answers with an injected error once the body is read, so the client reliably reads that answer. */
const answerAfterBody = (error: (fault: FaultRule) => HttpError): FaultEffect => async (ctx, fault) => {
	await drainBody(ctx);
	answerFault(ctx, error(fault));
	return true;
};

/** A fault that only marks the context: the request is still served, and goes wrong on the way. */
const served = (mark: (ctx: Context, fault: FaultRule, env: FaultEnv) => void): FaultEffect => (ctx, fault, env) => {
	mark(ctx, fault, env);
	return false;
};

const FAULT_EFFECTS: Record<FaultKind, FaultEffect> = {
	slow: async (_ctx, fault, { rt }) => {
		await new Promise<void>((resolve) => rt.later(fault.delayMs, resolve));
		return false;
	},
	drop: (ctx) => {
		ctx.req.socket.destroy();
		return true;
	},
	rateLimit: answerAfterBody((fault) => rateLimitError(fault.retryAfter)),
	status: answerAfterBody((fault) => statusFaultError(fault.status)),
	raw: async (ctx, fault) => {
		await drainBody(ctx);
		send(ctx, fault.status, fault.body ?? '', { 'Content-Type': fault.contentType ?? 'text/html; charset=utf-8' });
		return true;
	},
	// The request is served normally; only the print answer's id comes back empty.
	blankPrintId: served((ctx) => {
		ctx.blankPrintId = true;
	}),
	// Served (it takes effect); a 2xx answer's body is replaced by something no client can read.
	garbled: served((ctx, fault) =>
		onSuccess(ctx, (answer) => ({ status: answer.status, body: Buffer.from(fault.body ?? ''), headers: { 'Content-Type': fault.contentType ?? 'text/html' } })),
	),
	// Served (it takes effect: the print is queued, the bytes are stored), then answered with an error.
	failAfter: served((ctx, fault) => onSuccess(ctx, () => faultAnswer(ctx, statusFaultError(fault.status)))),
	duplicateRows: served((ctx) => {
		ctx.answerFilter = duplicateRows;
	}),
	drip: served((ctx, fault, { rt }) => {
		ctx.drip = { everyMs: fault.delayMs, later: rt.later };
	}),
	// Not served: a 3xx that a client must not take for success (on a resumable session, 308 = incomplete).
	redirect: (ctx, fault) => {
		send(ctx, fault.status, null, { Location: fault.location ?? `${ctx.baseUrl}${ctx.req.url ?? ctx.path}`, Connection: 'close' });
		return true;
	},
	echoHeaders: (ctx, fault) => {
		sendJson(ctx, fault.status, echoHeadersEnvelope(ctx.req.headers, fault.status));
		return true;
	},
	lateCommit: serveLate,
	// Served, but only part of the new bytes is kept (a resumable session then answers 308 with its Range).
	incomplete: served((ctx, fault) => {
		ctx.keepFraction = fault.fraction;
	}),
	dropMidBody: served((ctx, fault) => {
		const length = Number(ctx.req.headers['content-length'] ?? 0);
		const chunked = ctx.req.headers['transfer-encoding'] !== undefined;
		if (length > 0 || chunked) ctx.dropAfterBodyBytes = length > 0 ? Math.max(1, Math.floor(length * fault.fraction)) : 1;
		else ctx.truncateResponse = true;
	}),
};

export function applyFault(ctx: Context, fault: FaultRule, env: FaultEnv): Promise<boolean> | boolean {
	return FAULT_EFFECTS[fault.kind](ctx, fault, env);
}

/** Passes a 2xx answer through `replace`; other answers go out as they are. */
function onSuccess(ctx: Context, replace: (answer: Answer) => Answer): void {
	ctx.answerFilter = (answer) => (answer.status >= 200 && answer.status < 300 ? replace(answer) : answer);
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
async function serveLate(ctx: Context, fault: FaultRule, env: FaultEnv): Promise<true> {
	const body = await readBody(ctx, 16 * 1024 * 1024).catch(() => Buffer.alloc(0));
	answerFault(ctx, statusFaultError(fault.status));
	env.rt.later(fault.delayMs, () => void serveDetached(ctx, body, env));
	return true;
}

async function serveDetached(original: Context, body: Buffer, env: FaultEnv): Promise<void> {
	const req = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
		headers: original.req.headers,
		socket: { destroy: () => undefined },
	}) as unknown as IncomingMessage;
	const res = { headersSent: true, destroyed: true, on: () => undefined } as unknown as ServerResponse;
	const ctx: Context = { ...original, req, res, bodyBytes: 0, truncateResponse: false, dropAfterBodyBytes: null, answerFilter: undefined, drip: undefined };
	try {
		await env.serve(ctx);
	} catch {
		// Nobody waits for this answer.
	}
}
