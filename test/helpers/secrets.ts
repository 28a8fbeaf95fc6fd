/**
 * Secret scanning for tests: a per-process registry of the tokens tests use (static API tokens, OAuth access and
 * refresh tokens, OAuth client secrets) and scanners that look for them — and for anything shaped like an
 * emulator token — in node output, errors (as n8n would show and serialise them) and everything written to
 * stdout/stderr/console.
 *
 *   registerSecret(token)            a value that must never appear anywhere
 *   findSecrets(value)               the secrets (or token-shaped strings) found in any value, deeply
 *   expectNoSecrets(value, where)    throws with the location when something is found
 *   errorSurfaces(error)             every text n8n could show or store for an error (message, description,
 *                                    toJSON(), JSON, inspect output, cause chain, context, errorResponse, messages)
 *   recordLeak / leaks()             the process-wide list the jest setup file (test/setup/secretScan.ts) fails on
 *
 * The scan is for exact registered values plus the shapes the emulator issues (`umapi-…`, `umat-…`, `umrt-…`)
 * so a token minted during a test is caught even if the test forgot to register it.
 */
import { inspect } from 'node:util';

import { DEFAULT_API_TOKEN, DEFAULT_EXPIRED_TOKEN, DEFAULT_OAUTH_CLIENT } from '../../emulator';

const registered = new Set<string>([DEFAULT_API_TOKEN, DEFAULT_EXPIRED_TOKEN]);
if (DEFAULT_OAUTH_CLIENT.clientSecret) registered.add(DEFAULT_OAUTH_CLIENT.clientSecret);

/**
 * Token shapes the emulator mints (ids.secret() is base64url): static `umapi-…|main`, OAuth `umat-…`/`umrt-…`.
 * `umapi-[redacted]` is the product's own redaction and does not count.
 */
const TOKEN_SHAPES: RegExp[] = [
	/umapi-(?!\[redacted\])[A-Za-z0-9_-]{4,}(?:\|[a-z]+)?/g,
	/um(?:at|rt)-[A-Za-z0-9_-]{16,}/g,
];

export function registerSecret(value: string | undefined | null): void {
	if (typeof value === 'string' && value.length >= 6) registered.add(value);
}

export function registeredSecrets(): string[] {
	return [...registered];
}

/** Finds registered secrets and token-shaped strings in one text. */
export function findSecretsInText(text: string): string[] {
	const found = new Set<string>();
	for (const secret of registered) if (text.includes(secret)) found.add(secret);
	for (const shape of TOKEN_SHAPES) for (const match of text.matchAll(shape)) found.add(match[0]);
	return [...found];
}

/**
 * Every string reachable from a value (objects, arrays, Maps, errors incl. non-enumerable message/stack/cause).
 * Iterative, so a large output (100,000 rows) is walked quickly and deep values cannot overflow the stack.
 */
export function stringsIn(value: unknown, seen = new Set<unknown>(), out: string[] = []): string[] {
	const pending: unknown[] = [value];
	while (pending.length > 0) {
		const current = pending.pop();
		if (typeof current === 'string') {
			out.push(current);
			continue;
		}
		if (typeof current !== 'object' || current === null || seen.has(current)) continue;
		seen.add(current);
		if (Buffer.isBuffer(current)) {
			out.push(current.toString('latin1'));
			continue;
		}
		if (current instanceof Map) {
			for (const [key, entry] of current) pending.push(key, entry);
			continue;
		}
		const keys = Object.keys(current);
		if (current instanceof Error) keys.push(...['message', 'stack', 'cause', 'description'].filter((key) => !keys.includes(key)));
		for (const key of keys) {
			out.push(key);
			try {
				pending.push((current as Record<string, unknown>)[key]);
			} catch {
				// a getter that throws: nothing to read
			}
		}
	}
	return out;
}

/**
 * The texts that carry a secret: one scan of all of them joined first (a large output — 100,000 rows — is
 * scanned in one pass), then text by text only when that scan found something.
 */
function textsWithSecrets(texts: string[]): string[] {
	if (findSecretsInText(texts.join('\n')).length === 0) return [];
	return texts.filter((text) => findSecretsInText(text).length > 0);
}

export function findSecrets(value: unknown): string[] {
	const found = new Set<string>();
	for (const text of textsWithSecrets(stringsIn(value))) for (const secret of findSecretsInText(text)) found.add(secret);
	return [...found];
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? '';
	} catch (error) {
		return `<not serialisable: ${(error as Error).message}>`;
	}
}

/**
 * The texts n8n can show or persist for a node error: message and description (the error panel), the JSON n8n
 * stores in the execution (`toJSON`/enumerable fields incl. context, errorResponse, httpCode), `util.inspect`
 * (what a log line prints), and the same for every `cause` in the chain.
 */
export function errorSurfaces(error: unknown): string[] {
	const surfaces: string[] = [];
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current !== undefined && current !== null && !seen.has(current)) {
		seen.add(current);
		if (typeof current !== 'object') {
			surfaces.push(String(current));
			break;
		}
		const e = current as Record<string, unknown>;
		surfaces.push(String(e.message ?? ''), String(e.description ?? ''), safeJson(current));
		// What n8n serialises into the execution: toJSON() (message, description, context, cause), and the fields
		// it keeps beside it.
		if (typeof e.toJSON === 'function') surfaces.push(safeJson((e.toJSON as () => unknown).call(current)));
		surfaces.push(safeJson(e.errorResponse), safeJson(e.context), safeJson(e.messages));
		surfaces.push(inspect(current, { depth: 8, showHidden: false, breakLength: Infinity }));
		surfaces.push(...stringsIn(current));
		current = e.cause;
	}
	return surfaces;
}

export interface Leak {
	where: string;
	secrets: string[];
	excerpt: string;
}

const leakList: Leak[] = [];

export function recordLeak(where: string, secrets: string[], text: string): void {
	const first = secrets[0] ?? '';
	const at = Math.max(0, text.indexOf(first) - 80);
	leakList.push({ where, secrets: secrets.map(mask), excerpt: maskAll(text.slice(at, at + 240), secrets) });
}

export function leaks(): readonly Leak[] {
	return leakList;
}

export function clearLeaks(): void {
	leakList.length = 0;
}

/** Shows only the start of a secret so a failure message never prints it whole. */
export function mask(secret: string): string {
	return `${secret.slice(0, 8)}…(${secret.length} chars)`;
}

function maskAll(text: string, secrets: string[]): string {
	return secrets.reduce((acc, secret) => acc.split(secret).join(mask(secret)), text);
}

/** Scans a value (output items, an error, a log line) and records a leak if anything is found; returns the hits. */
export function scanForSecrets(where: string, value: unknown): string[] {
	const texts = value instanceof Error ? errorSurfaces(value) : stringsIn(value);
	const found = new Set<string>();
	for (const text of textsWithSecrets(texts)) {
		const hits = findSecretsInText(text);
		if (hits.length === 0) continue;
		hits.forEach((hit) => found.add(hit));
		recordLeak(where, hits, text);
	}
	return [...found];
}

/** Throws (with masked secrets) if a value carries a secret. */
export function expectNoSecrets(value: unknown, where: string): void {
	const found = scanForSecrets(where, value);
	if (found.length > 0) throw new Error(`Secret(s) found in ${where}: ${found.map(mask).join(', ')}`);
}
