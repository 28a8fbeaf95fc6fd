/** Fault injection: rules that hit the next `count` requests whose method and path match. */
import { HttpError, validation } from './http';

export const FAULT_KINDS = ['status', 'rateLimit', 'drop', 'dropMidBody', 'slow', 'raw', 'blankPrintId'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
	id: string;
	method: string | null;
	path: string;
	kind: FaultKind;
	remaining: number;
	status: number;
	retryAfter: number;
	delayMs: number;
	/** `raw`: the exact body and content type to answer with (an HTML error page, broken JSON, …). */
	body: string | null;
	contentType: string | null;
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
}

function patternToRegExp(pattern: string): RegExp {
	const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(`^${escaped.join('.*')}$`);
}

function plainRule(rule: FaultRule & { regex: RegExp }): FaultRule {
	const { id, method, path, kind, remaining, status, retryAfter, delayMs, body, contentType, hits } = rule;
	return { id, method, path, kind, remaining, status, retryAfter, delayMs, body, contentType, hits };
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
		const status = spec.status ?? (kind === 'rateLimit' ? 429 : kind === 'raw' ? 200 : 503);
		const lowest = kind === 'raw' ? 200 : 400;
		if (typeof status !== 'number' || !Number.isInteger(status) || status < lowest || status > 599) {
			throw validation(`status must be an HTTP status between ${lowest} and 599`);
		}
		if (kind === 'raw' && typeof spec.body !== 'string') throw validation('body: required for kind raw, a string');
		if (spec.contentType !== undefined && typeof spec.contentType !== 'string') throw validation('contentType must be a string');
		const retryAfter = spec.retryAfter ?? 1;
		if (typeof retryAfter !== 'number' || retryAfter < 0) throw validation('retryAfter must be a number of seconds >= 0');
		const delayMs = spec.delayMs ?? 1000;
		if (typeof delayMs !== 'number' || delayMs < 0 || delayMs > 600_000) throw validation('delayMs must be between 0 and 600000');
		const rule: FaultRule = {
			id: `fault-${this.nextId++}`,
			method: spec.method ? (spec.method as string).toUpperCase() : null,
			path: spec.path,
			kind: kind as FaultKind,
			remaining: count,
			status,
			retryAfter,
			delayMs,
			body: kind === 'raw' ? (spec.body as string) : null,
			contentType: kind === 'raw' ? ((spec.contentType as string | undefined) ?? 'text/html; charset=utf-8') : null,
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
