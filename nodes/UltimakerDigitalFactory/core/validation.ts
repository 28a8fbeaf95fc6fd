/**
 * Input validation for ids and URLs (pure). Each check returns `{ ok: true, value }` or `{ ok: false, message,
 * hint }`; the node turns failures into NodeOperationErrors naming the parameter.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string; hint: string };

const fail = (message: string, hint: string): { ok: false; message: string; hint: string } => ({ ok: false, message, hint });

/**
 * The longest id accepted. Digital Factory's ids are uuids (36 characters) or base64 strings (about 44); the
 * bound keeps a mapped-in document out of URLs and error messages.
 */
export const MAX_ID_LENGTH = 256;

/**
 * Trims an id and makes it safe for one path segment: empty/whitespace ids, overlong ids and dot segments (`.`,
 * `..`, which URL normalisation would resolve into another endpoint) are refused; everything else is
 * percent-encoded, so `/`, `?`, `#` and `%` can never leave the segment.
 */
export function checkIdSegment(value: unknown, label: string): Checked<string> {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (text === '') return fail(`${label} is empty`, `Enter the ${label}, or map it from a previous node's output.`);
	if (text.length > MAX_ID_LENGTH) {
		return fail(
			`The ${label} is too long (${text.length} characters; at most ${MAX_ID_LENGTH})`,
			`A ${label} is an identifier returned by Digital Factory. Check the value mapped into ${label}.`,
		);
	}
	if (text === '.' || text === '..') {
		return fail(`"${text}" is not a valid ${label}`, `A ${label} is an identifier returned by Digital Factory.`);
	}
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(text)) {
		return fail(`The ${label} contains control characters`, `Check the value mapped into ${label}.`);
	}
	return { ok: true, value: encodeURIComponent(text) };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/**
 * Normalises the credential's API base URL: an absolute http(s) URL without credentials, query or fragment;
 * plain http only for loopback hosts (the emulator). A path prefix (e.g. behind a proxy) is allowed but must be
 * plain segments. Returns it without a trailing slash.
 */
export function checkBaseUrl(value: unknown): Checked<string> {
	const text = typeof value === 'string' ? value.trim() : '';
	const hint = 'Use https://api.ultimaker.com, or http://127.0.0.1:<port> for a local emulator.';
	if (text === '') return fail('The credential has no Base URL', hint);
	const url = parseUrl(text);
	if (!url) return fail(`The Base URL "${text}" is not a valid URL`, hint);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return fail(`The Base URL must start with https:// (got ${url.protocol})`, hint);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
		return fail(
			'The Base URL must use https:// (plain http is allowed only for localhost and 127.0.0.1)',
			'The API token would otherwise travel unencrypted. ' + hint,
		);
	}
	if (url.username || url.password) return fail('The Base URL must not contain a user name or password', hint);
	if (url.search || url.hash || text.includes('?') || text.includes('#')) {
		return fail('The Base URL must not contain a query string or fragment', hint);
	}
	const rawPath = text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
	if (/(^|\/)\.\.?(\/|$)/.test(rawPath) || !/^[A-Za-z0-9._~/-]*$/.test(rawPath)) {
		return fail(`The Base URL path "${rawPath}" is not allowed`, hint);
	}
	return { ok: true, value: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

/** An upload Origin: `scheme://host[:port]` only (what browsers send), in canonical form; empty → undefined. */
export function checkOrigin(value: unknown): Checked<string | undefined> {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') return { ok: true, value: undefined };
	const hint = 'An origin is scheme://host[:port] without a path, e.g. https://farm.example.com.';
	const url = parseUrl(text);
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
		return fail(`"${text}" is not a valid origin`, hint);
	}
	if (text.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) {
		return fail(`"${text}" is not a bare origin`, hint);
	}
	return { ok: true, value: url.origin };
}

/** Keeps `links.next` on the API's origin and path prefix: the token must never follow a link elsewhere. */
export function sameApiUrl(candidate: string, baseUrl: string): boolean {
	const base = parseUrl(`${baseUrl}/`);
	const url = base ? parseUrl(new URL(candidate, base).toString()) : undefined;
	return !!url && !!base && url.origin === base.origin && url.pathname.startsWith(base.pathname);
}

/** The services API request reaches: each path is below `/<service>/v1/`. */
export const API_SERVICES = ['connect', 'cura', 'report'] as const;
export type ApiService = (typeof API_SERVICES)[number];

/**
 * A path for API request, relative to a service root (`clusters/{id}/maintenance/pending`): it must stay under that
 * root. Refused: an absolute URL or `//`, `.`/`..` segments (also percent-encoded), encoded slashes or backslashes
 * (`%2F`, `%5C`), backslashes, control characters, and `?`/`#` (the query has its own parameter). One leading `/` is
 * allowed. Each segment comes back percent-encoded once (what was already encoded is not encoded twice).
 */
export function checkApiPath(value: unknown): Checked<string> {
	const text = typeof value === 'string' ? value.trim() : '';
	const hint = 'Give a path below the service root, e.g. clusters/<cluster id>/maintenance/pending (no https://, no .., no encoded slashes).';
	if (text.length > 2048) return fail('The path is too long', hint);
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(text)) return fail('The path contains control characters', hint);
	if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return fail('The path must not be an absolute URL', hint);
	if (text.startsWith('//') || text.includes('//')) return fail('The path must not contain "//"', hint);
	if (text.includes('\\')) return fail('The path must not contain a backslash', hint);
	if (/%(2f|5c)/i.test(text)) return fail('The path must not contain an encoded slash (%2F) or backslash (%5C)', hint);
	if (/[?#]/.test(text)) return fail('The path must not contain "?" or "#"', 'Put query parameters in Query Parameters. ' + hint);
	const relative = text.replace(/^\//, '');
	if (relative === '') return { ok: true, value: '' };
	const segments: string[] = [];
	for (const segment of relative.split('/')) {
		let decoded: string;
		try {
			decoded = decodeURIComponent(segment);
		} catch {
			return fail(`The path segment "${segment.slice(0, 60)}" has a broken percent-encoding`, hint);
		}
		if (decoded === '.' || decoded === '..') return fail('The path must not contain "." or ".." segments', hint);
		// eslint-disable-next-line no-control-regex
		if (/[\u0000-\u001f\u007f/\\]/.test(decoded)) return fail('The path must not contain encoded slashes or control characters', hint);
		segments.push(encodeURIComponent(decoded));
	}
	// A trailing slash is kept as written (an empty last segment).
	return { ok: true, value: segments.join('/') };
}

/** A dotted IPv4 address as its four numbers, or undefined. */
function ipv4Parts(host: string): number[] | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (!match) return undefined;
	const parts = match.slice(1).map(Number);
	return parts.every((part) => part <= 255) ? parts : undefined;
}

/** RFC 1918 private, loopback (127/8) and link-local (169.254/16) IPv4 addresses. */
function isLocalIpv4([a, b]: number[]): boolean {
	return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** Loopback `::1`, unique-local `fc00::/7` and link-local `fe80::/10` IPv6 addresses (brackets already removed). */
function isLocalIpv6(host: string): boolean {
	const text = host.toLowerCase();
	return text === '::1' || /^f[cd][0-9a-f]{0,2}:/.test(text) || /^fe[89ab][0-9a-f]?:/.test(text);
}

/**
 * The printer's address for the local network connection: `host` or `host:port` only — a private, loopback or
 * link-local IP address, a `.local` (mDNS) name, `localhost`, or a single-label name (resolved by the local
 * network's DNS). A scheme is accepted only as `http://` with nothing after the host; a path, a query, a fragment
 * or user info is refused, and so is any other name or a public address: the connection speaks plain http, meant
 * for the local network only. Returns `host[:port]` for `http://` + it.
 */
export function checkLocalHost(value: unknown): Checked<string> {
	const hint = 'Enter the IP address of the printer that hosts the group, e.g. 192.168.1.50 (optionally with :port), or its name ending in .local.';
	let text = typeof value === 'string' ? value.trim() : '';
	if (text === '') return fail('The credential has no printer host', hint);
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
	if (scheme) {
		if (scheme[1].toLowerCase() !== 'http') return fail(`The printer host must not start with ${scheme[1]}:// (printers speak plain http)`, hint);
		text = text.slice(scheme[0].length);
	}
	if (text.includes('@')) return fail('The printer host must not contain a user name or password', 'Put the pairing id and key into their own fields. ' + hint);
	if (/[?#]/.test(text)) return fail('The printer host must not contain a query or fragment', hint);
	if (text.endsWith('/')) text = text.slice(0, -1);
	if (text.includes('/')) return fail('The printer host must not contain a path', hint);
	const url = parseUrl(`http://${text}`);
	if (!url || url.username || url.password || url.pathname !== '/' || url.search || url.hash) return fail(`"${text}" is not a host name or address`, hint);
	const hostname = url.hostname.replace(/^\[|\]$/g, '');
	const v4 = ipv4Parts(hostname);
	const local = v4
		? isLocalIpv4(v4)
		: hostname.includes(':')
			? isLocalIpv6(hostname)
			: hostname === 'localhost' || hostname.endsWith('.local') || /^[a-z0-9-]+$/i.test(hostname);
	if (!local) {
		return fail(
			`The printer host "${hostname}" is not a local network address`,
			'The local network connection speaks plain http and is meant for printers on your own network: use a private (10.x, 172.16–31.x, 192.168.x), link-local or loopback address, or a .local name. For printers elsewhere use the Digital Factory connection.',
		);
	}
	return { ok: true, value: url.host };
}
