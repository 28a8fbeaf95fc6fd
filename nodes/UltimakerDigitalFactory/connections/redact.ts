/**
 * Secrets out of everything that leaves the node (pure): texts, output items and n8n errors as n8n shows and
 * stores them. Two layers: the exact secret values of the credential in use (a token echoed bare, in any form,
 * is still found), and shapes that look like a secret whatever its value (bearer headers, API tokens, JWTs,
 * token fields and URL signatures). The patterns ask for token characters, so the node's own hints
 * ("it looks like umapi-…|main") stay readable.
 */
import type { IDataObject } from 'n8n-workflow';

const REDACTED = '[redacted]';

/** Characters a bearer token, API token or signature is made of (base64, base64url, JWT, `|main`). */
const TOKEN = "[A-Za-z0-9\\-._~+/=|]+";

const CREDENTIAL_SHAPES: Array<[RegExp, string]> = [
	[new RegExp(`Bearer\\s+${TOKEN}`, 'gi'), `Bearer ${REDACTED}`],
	[/umapi-[A-Za-z0-9\-._~+/=]+(?:\|[A-Za-z0-9_-]+)?/g, `umapi-${REDACTED}`],
	[/eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*/g, REDACTED],
	// "access_token": "…" in an echoed JSON body or header object.
	[/("(?:access_token|refresh_token|id_token|client_secret|authorization|api_?token)"\s*:\s*")[^"]*/gi, `$1${REDACTED}`],
];

/** Query parameters that grant access by themselves: storage signatures, resumable upload ids, tokens. */
const URL_SECRETS: Array<[RegExp, string]> = [
	[/([?&](?:signature|X-Goog-Signature|X-Goog-Credential|token|access_token|upload_id)=)[^&\s"'<]+/gi, `$1${REDACTED}`],
];

function replaceKnown(text: string, known: readonly string[]): string {
	let result = text;
	for (const secret of known) if (secret.length >= 6 && result.includes(secret)) result = result.split(secret).join(REDACTED);
	return result;
}

function applyShapes(text: string, shapes: Array<[RegExp, string]>): string {
	return shapes.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** Longest first, so a token that contains another secret is replaced whole. */
export function secretList(values: Iterable<unknown>): string[] {
	const list = [...values].filter((value): value is string => typeof value === 'string' && value.trim().length >= 6);
	const withTrimmed = list.flatMap((value) => [value, value.trim()]);
	return [...new Set(withTrimmed)].sort((a, b) => b.length - a.length);
}

/**
 * For words meant for people (messages, descriptions, error objects): the credential's secrets, anything shaped
 * like a credential, and URL signatures (a signed storage URL in an error is a key to the file).
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
	return applyShapes(applyShapes(replaceKnown(text, known), CREDENTIAL_SHAPES), URL_SECRETS);
}

/**
 * For output data: the credential's secrets and credential shapes only. Signed download URLs in outputs are data
 * the user asked for (Get job's `download_url`) and stay usable.
 */
export function redactCredentials(text: string, known: readonly string[] = []): string {
	return applyShapes(replaceKnown(text, known), CREDENTIAL_SHAPES);
}

/** Every string in a JSON-like value through `redact`; objects are copied only where something changed. */
export function redactValue<T>(value: T, redact: (text: string) => string, seen = new WeakSet<object>()): T {
	if (typeof value === 'string') return redact(value) as unknown as T;
	if (typeof value !== 'object' || value === null || seen.has(value) || value instanceof Error || ArrayBuffer.isView(value)) return value;
	seen.add(value);
	if (Array.isArray(value)) {
		let copy: unknown[] | undefined;
		value.forEach((entry, index) => {
			const next = redactValue(entry, redact, seen);
			if (next !== entry) (copy ??= [...value])[index] = next;
		});
		return (copy ?? value) as unknown as T;
	}
	let copy: Record<string, unknown> | undefined;
	for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
		const next = redactValue(entry, redact, seen);
		if (next !== entry) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
	}
	return (copy ?? value) as T;
}

/** Output items: one scan of the serialised item decides whether the item needs a redacted copy (the usual case: no). */
export function redactOutput(json: IDataObject, known: readonly string[]): IDataObject {
	const text = JSON.stringify(json) ?? '';
	if (redactCredentials(text, known) === text) return json;
	return redactValue(json, (entry) => redactCredentials(entry, known));
}

interface ErrorFields {
	message?: unknown;
	description?: unknown;
	stack?: unknown;
	messages?: unknown;
	errorResponse?: unknown;
	context?: unknown;
	cause?: unknown;
}

/**
 * An n8n error as n8n shows and stores it — message, description, stack, messages, `errorResponse`, `context`
 * and `cause` (what `toJSON()` serialises) — redacted in place, down the cause chain.
 */
export function redactError<E>(error: E, known: readonly string[] = [], seen = new WeakSet<object>()): E {
	if (typeof error !== 'object' || error === null || seen.has(error)) return error;
	seen.add(error);
	const redact = (text: string) => redactSecrets(text, known);
	const fields = error as ErrorFields;
	for (const key of ['message', 'description', 'stack'] as const) {
		if (typeof fields[key] === 'string') fields[key] = redact(fields[key] as string);
	}
	for (const key of ['messages', 'errorResponse', 'context'] as const) {
		if (fields[key] !== undefined) fields[key] = redactValue(fields[key], redact);
	}
	if (fields.cause instanceof Error) redactError(fields.cause, known, seen);
	else if (fields.cause !== undefined) fields.cause = redactValue(fields.cause, redact);
	return error;
}
