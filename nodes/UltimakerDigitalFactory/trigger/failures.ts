/**
 * Pure classification of a failed request for the trigger: transient failures (network, timeout, 5xx, 429) are
 * counted as missed polls; anything else is permanent and fails the poll with the API's own words.
 * Works on n8n's NodeApiError (which wraps the axios error as `cause`) as well as on a bare axios error.
 */

export interface RequestFailure {
	kind: 'transient' | 'permanent';
	/** HTTP status, when the server answered */
	status?: number;
	/** errors[0] of the API's error envelope, when there was one */
	code?: string;
	title?: string;
	detail?: string;
	/** network error code such as ECONNRESET, or 'timeout' */
	network?: string;
}

const TRANSIENT_NETWORK = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EAI_AGAIN',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
	// the shared transport's name for "no answer, cause unknown"
	'ENETWORK',
]);

type Loose = Record<string, unknown> | undefined;

function asObject(value: unknown): Loose {
	return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function toStatus(value: unknown): number | undefined {
	const status = typeof value === 'string' ? Number.parseInt(value, 10) : value;
	return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

function apiError(body: unknown): { code?: string; title?: string; detail?: string } {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return {};
		}
	}
	const first = asObject((asObject(parsed)?.errors as unknown[] | undefined)?.[0]);
	if (!first) return {};
	const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
	return { code: text(first.code), title: text(first.title), detail: text(first.detail) };
}

export function classifyRequestError(error: unknown): RequestFailure {
	const outer = asObject(error);
	const cause = asObject(outer?.cause);
	const response = asObject(outer?.response) ?? asObject(cause?.response);
	// n8n's NodeApiError keeps the status (or a network code such as ECONNRESET) in httpCode and the body in context.data.
	const context = asObject(outer?.context);
	const status =
		toStatus(response?.status) ?? toStatus(context?.httpStatus) ?? toStatus(outer?.httpCode) ?? toStatus(outer?.statusCode);
	const details = apiError(response?.data ?? response?.body ?? context?.data);
	const shared = asObject(context?.apiError);
	if (shared && !details.code && typeof shared.code === 'string') details.code = shared.code;
	if (status !== undefined) {
		const transient = status === 429 || status === 408 || status >= 500;
		return { kind: transient ? 'transient' : 'permanent', status, ...details };
	}
	const code = [outer?.code, cause?.code, asObject(outer?.errorResponse)?.code, outer?.httpCode].find(
		(value): value is string => typeof value === 'string' && /^[A-Z_]+$/.test(value),
	);
	const messages = [outer?.message, ...(Array.isArray(outer?.messages) ? outer.messages : [])]
		.map((message) => String(message ?? '').toLowerCase())
		.join(' ');
	if (code && TRANSIENT_NETWORK.has(code)) return { kind: 'transient', network: code };
	if (context?.transport === 'network') return { kind: 'transient', network: code ?? 'ENETWORK' };
	if (/timeout|timed out|socket hang up|network error|closed unexpectedly/.test(messages)) {
		return { kind: 'transient', network: code ?? 'timeout' };
	}
	// No answer and no known network code (e.g. a DNS name that does not exist): do not hide it.
	return { kind: 'permanent', network: code };
}
