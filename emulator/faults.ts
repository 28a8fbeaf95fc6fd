/** Fault injection: rules that hit the next `count` requests whose method and path match. */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import type { Answer } from './http';
import { HttpError, validation } from './http';

export const FAULT_KINDS = [
	'status',
	'rateLimit',
	'drop',
	'dropMidBody',
	'slow',
	'raw',
	'blankPrintId',
	// The request is served (it takes effect), but the answer is not what a client can use:
	'garbled',
	'failAfter',
	'drip',
	'duplicateRows',
	// The request is not served as asked:
	'lateCommit',
	'redirect',
	'echoHeaders',
	// A resumable session receives the whole PUT but keeps only `fraction` of it, and answers 308 (incomplete):
	'incomplete',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
	id: string;
	method: string | null;
	path: string;
	kind: FaultKind;
	/** Matching requests let through before the rule applies (e.g. the first status read of a run). */
	skip: number;
	remaining: number;
	status: number;
	retryAfter: number;
	delayMs: number;
	/** `raw`, `garbled`: the exact body and content type to answer with (an HTML error page, broken JSON, …). */
	body: string | null;
	contentType: string | null;
	/** `redirect`: the Location to send (default: the request's own URL). */
	location: string | null;
	/** `dropMidBody`: the share of the request body received before the connection dies; `incomplete`: the share kept. */
	fraction: number;
	hits: number;
}

export interface FaultSpec {
	body?: unknown;
	contentType?: unknown;
	method?: unknown;
	path?: unknown;
	kind?: unknown;
	count?: unknown;
	status?: unknown;
	retryAfter?: unknown;
	delayMs?: unknown;
	location?: unknown;
	skip?: unknown;
	fraction?: unknown;
}

/** Default status and allowed range per kind (kinds without a status ignore it). */
const STATUS_RULES: Partial<Record<FaultKind, { fallback: number; lowest: number; highest: number }>> = {
	status: { fallback: 503, lowest: 400, highest: 599 },
	rateLimit: { fallback: 429, lowest: 400, highest: 599 },
	raw: { fallback: 200, lowest: 200, highest: 599 },
	failAfter: { fallback: 502, lowest: 400, highest: 599 },
	lateCommit: { fallback: 504, lowest: 400, highest: 599 },
	echoHeaders: { fallback: 400, lowest: 400, highest: 599 },
	redirect: { fallback: 307, lowest: 300, highest: 399 },
};

/** Default `delayMs` per kind: how long `slow` waits, `lateCommit` waits before serving, `drip` waits per byte. */
const DELAY_DEFAULTS: Partial<Record<FaultKind, number>> = { lateCommit: 1500, drip: 5000 };

/** What a `garbled` answer says by default: a proxy's page where the API's JSON should be. */
const GARBLED_PAGE = '<html><body><h1>200 OK</h1><p>Request accepted.</p></body></html>';

function patternToRegExp(pattern: string): RegExp {
	const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(`^${escaped.join('.*')}$`);
}

function plainRule(rule: FaultRule & { regex: RegExp }): FaultRule {
	const { id, method, path, kind, skip, remaining, status, retryAfter, delayMs, body, contentType, location, fraction, hits } = rule;
	return { id, method, path, kind, skip, remaining, status, retryAfter, delayMs, body, contentType, location, fraction, hits };
}

export class FaultRegistry {
	private rules: Array<FaultRule & { regex: RegExp }> = [];
	private nextId = 1;

	add(spec: FaultSpec): FaultRule {
		const kind = spec.kind;
		if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
			throw validation(`kind must be one of ${FAULT_KINDS.join(', ')}`);
		}
		if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) throw validation('path: required, must start with "/" (use * as a wildcard)');
		if (spec.method !== undefined && typeof spec.method !== 'string') throw validation('method must be a string');
		const count = spec.count ?? 1;
		if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw validation('count must be an integer >= 1');
		const skip = spec.skip ?? 0;
		if (typeof skip !== 'number' || !Number.isInteger(skip) || skip < 0) throw validation('skip must be an integer >= 0');
		const statusRule = STATUS_RULES[kind as FaultKind] ?? { fallback: 503, lowest: 400, highest: 599 };
		const status = spec.status ?? statusRule.fallback;
		if (typeof status !== 'number' || !Number.isInteger(status) || status < statusRule.lowest || status > statusRule.highest) {
			throw validation(`status must be an HTTP status between ${statusRule.lowest} and ${statusRule.highest}`);
		}
		if (kind === 'raw' && typeof spec.body !== 'string') throw validation('body: required for kind raw, a string');
		if (spec.body !== undefined && typeof spec.body !== 'string') throw validation('body must be a string');
		if (spec.contentType !== undefined && typeof spec.contentType !== 'string') throw validation('contentType must be a string');
		if (spec.location !== undefined && typeof spec.location !== 'string') throw validation('location must be a string');
		const retryAfter = spec.retryAfter ?? 1;
		if (typeof retryAfter !== 'number' || retryAfter < 0) throw validation('retryAfter must be a number of seconds >= 0');
		const fraction = spec.fraction ?? 0.5;
		// `incomplete` may keep everything (1: all bytes kept, the session not finalised); a drop must stop short of the end.
		const most = kind === 'incomplete' ? 1 : 0.999999;
		if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= most)) {
			throw validation(kind === 'incomplete' ? 'fraction must be a number above 0 and at most 1' : 'fraction must be a number between 0 and 1 (exclusive)');
		}
		const delayMs = spec.delayMs ?? DELAY_DEFAULTS[kind as FaultKind] ?? 1000;
		if (typeof delayMs !== 'number' || delayMs < 0 || delayMs > 600_000) throw validation('delayMs must be between 0 and 600000');
		const rule: FaultRule = {
			id: `fault-${this.nextId++}`,
			method: spec.method ? (spec.method as string).toUpperCase() : null,
			path: spec.path,
			kind: kind as FaultKind,
			skip,
			remaining: count,
			status,
			retryAfter,
			delayMs,
			body: kind === 'raw' || kind === 'garbled' ? ((spec.body as string | undefined) ?? GARBLED_PAGE) : null,
			contentType: kind === 'raw' || kind === 'garbled' ? ((spec.contentType as string | undefined) ?? 'text/html; charset=utf-8') : null,
			location: kind === 'redirect' ? ((spec.location as string | undefined) ?? null) : null,
			fraction,
			hits: 0,
		};
		this.rules.push({ ...rule, regex: patternToRegExp(spec.path) });
		return rule;
	}

	/** Consumes one hit of the first rule matching the request (raw or decoded path). */
	take(method: string, rawPath: string): FaultRule | null {
		let decodedPath = rawPath;
		try {
			decodedPath = decodeURIComponent(rawPath);
		} catch {
			// keep the raw path
		}
		for (const rule of this.rules) {
			if (rule.remaining <= 0) continue;
			if (rule.method && rule.method !== method) continue;
			if (!rule.regex.test(rawPath) && !rule.regex.test(decodedPath)) continue;
			if (rule.skip > 0) {
				rule.skip--;
				continue;
			}
			rule.remaining--;
			rule.hits++;
			this.rules = this.rules.filter((r) => r.remaining > 0);
			return plainRule(rule);
		}
		return null;
	}

	list(): FaultRule[] {
		return this.rules.map(plainRule);
	}

	clear(): void {
		this.rules = [];
	}
}

export function rateLimitError(retryAfter: number): HttpError {
	return new HttpError(429, 'tooManyRequests', 'Too many requests', `Rate limit exceeded; retry after ${retryAfter} s.`, {
		'Retry-After': String(retryAfter),
	});
}

const STATUS_TITLES: Record<number, string> = {
	500: 'Internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

export function statusFaultError(status: number): HttpError {
	return new HttpError(status, status >= 500 ? 'internalError' : 'injectedError', STATUS_TITLES[status] ?? 'Injected error', 'Injected by the emulator fault API.');
}

/**
 * `echoHeaders`: the error envelope of a gateway that repeats the request's headers — in the title the bearer
 * token bare (without "Bearer"), in the detail every header line, in `meta` the headers as an object.
 */
export function echoHeadersEnvelope(headers: IncomingHttpHeaders, status: number): Record<string, unknown> {
	const lines = Object.entries(headers).map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
	const bare = String(headers.authorization ?? '').replace(/^\s*Bearer\s+/i, '');
	return {
		errors: [
			{
				id: randomUUID(),
				code: 'requestRejected',
				title: `Request rejected for credentials ${bare}`,
				http_status: String(status),
				detail: `The gateway refused the request. Request headers: ${lines.join('; ')}`,
				meta: { request_headers: { ...headers } },
			},
		],
	};
}

/** `duplicateRows`: every entry of the answer's list (`data`, or a status's `print_jobs` and `printers`) twice. */
export function duplicateRows(answer: Answer): Answer {
	if (answer.status < 200 || answer.status >= 300) return answer;
	let parsed: { data?: unknown };
	try {
		parsed = JSON.parse(answer.body.toString('utf8')) as { data?: unknown };
	} catch {
		return answer;
	}
	const twice = (rows: unknown[]) => rows.flatMap((row) => [row, structuredClone(row)]);
	const data = parsed?.data;
	if (Array.isArray(data)) parsed.data = twice(data);
	else if (data && typeof data === 'object') {
		const object = data as Record<string, unknown>;
		for (const key of ['print_jobs', 'printers']) if (Array.isArray(object[key])) object[key] = twice(object[key] as unknown[]);
	}
	return { ...answer, body: Buffer.from(JSON.stringify(parsed)) };
}
