/**
 * Turns a Digital Factory error answer into words a farm operator can act on (pure). The API's own
 * `errors[0]` (code, title, detail, http_status) is kept alongside.
 */

import type { AuthKind } from '../credential';
import { TOKEN_PAGE } from '../credential';

export interface ApiErrorObject {
	id?: string;
	code?: string;
	title?: string;
	detail?: string;
	http_status?: string;
	meta?: unknown;
}

export interface DescribedError {
	message: string;
	description: string;
	httpCode: string;
	/** The API's error fields, as sent (`errors[0]`), when the answer had an errors envelope. */
	apiError?: ApiErrorObject;
}


/** The first entry of an `{"errors": [...]}` envelope, if the body is one. */
export function firstApiError(body: unknown): ApiErrorObject | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const errors = (body as { errors?: unknown }).errors;
	if (!Array.isArray(errors) || errors.length === 0) return undefined;
	const first = errors[0] as Record<string, unknown>;
	if (typeof first !== 'object' || first === null) return undefined;
	const pick = (key: string) => (typeof first[key] === 'string' ? (first[key] as string) : undefined);
	return { id: pick('id'), code: pick('code'), title: pick('title'), detail: pick('detail'), http_status: pick('http_status'), meta: first.meta };
}

export function isTokenExpired(status: number, body: unknown): boolean {
	return (status === 401 || status === 403) && firstApiError(body)?.code === 'tokenExpired';
}

/** A short readable phrase from the API error, e.g. "The print queue is full: Cluster X already has 5 queued jobs." */
function apiSays(apiError: ApiErrorObject | undefined): string {
	if (!apiError) return '';
	const parts = [apiError.title, apiError.detail].filter((part): part is string => !!part && part.trim() !== '');
	return parts.length ? `Digital Factory says: ${parts.join(' — ')}` : '';
}

function join(...parts: string[]): string {
	return parts.filter((part) => part !== '').join(' ');
}

interface Wording {
	message: string;
	description: string;
}

type WordingRule = (status: number, code: string | undefined, what: string, ambiguous: boolean) => Wording | undefined;

const MAKE_TOKEN = `A new one can be made in ${TOKEN_PAGE}.`;
const RECONNECT = 'Open the credential and click "Reconnect" to sign in again.';
const NOT_QUEUED = 'Digital Factory did not queue the job.';

/** The login itself failed: expired or not accepted, worded per credential kind. */
function loginWording(status: number, body: unknown, code: string | undefined, authKind: AuthKind): Wording | undefined {
	// A proxy in front of the API may say "expired" in plain text instead of the API's error code.
	const expired = code === 'tokenExpired' || (status === 403 && code === undefined && authKind === 'apiToken' && /expired/i.test(String(body)));
	if (!expired && status !== 401) return undefined;
	if (authKind === 'apiToken') {
		return expired
			? {
					message: 'The Digital Factory API token has expired',
					description: `API tokens stop working on the expiry date chosen when they were made. Create a new token in ${TOKEN_PAGE} (workspace admins only) and paste it into this credential.`,
				}
			: {
					message: 'Digital Factory did not accept the API token',
					description: `Check that the credential holds the whole token (it looks like umapi-…|main) and that it belongs to this workspace. ${MAKE_TOKEN}`,
				};
	}
	return expired
		? {
				message: 'The Digital Factory login has expired and could not be renewed',
				description: `n8n tried to refresh the OAuth2 token and Digital Factory refused. ${RECONNECT}`,
			}
		: { message: 'Digital Factory did not accept the OAuth2 login', description: RECONNECT };
}

/** Status (and error code) → words a farm operator can act on; the first rule that applies wins. */
const WORDING_RULES: WordingRule[] = [
	(status, _code, what) =>
		status === 403
			? {
					message: `Digital Factory refused access to ${what}`,
					description: 'The account behind the credential may lack the permission or OAuth scope for this, or the item belongs to another workspace.',
				}
			: undefined,
	(status, _code, what) =>
		status === 404
			? { message: `Digital Factory could not find ${what}`, description: 'Check the ID: it may have been deleted, mistyped, or belong to another workspace.' }
			: undefined,
	(status, code) =>
		status === 409 && code === 'printerInactive'
			? {
					message: 'The printer cannot take jobs right now: it is offline or inactive',
					description: `${NOT_QUEUED} Check that the printer is switched on, connected to the network and enabled in Digital Factory, then send the print again.`,
				}
			: undefined,
	(status, code) =>
		status === 409 && code === 'queueFull'
			? {
					message: "The printer's print queue is full",
					description: `${NOT_QUEUED} Wait until queued jobs have printed, or remove jobs from the queue in Digital Factory, then send the print again.`,
				}
			: undefined,
	(status, _code, what) =>
		status === 409
			? {
					message: `Digital Factory refused ${what} because of its current state`,
					description: 'The job or printer is not in a state that allows this (for example, the file has not finished uploading).',
				}
			: undefined,
	(status, _code, what) =>
		status === 400 || status === 422
			? { message: `Digital Factory rejected the request for ${what}`, description: 'A value sent to the API is missing or not valid.' }
			: undefined,
	(status) =>
		status === 429
			? {
					message: 'Digital Factory is limiting how fast requests can be made',
					description: 'The node waited and retried, but the limit was still in force. Run the workflow again later, or poll less often.',
				}
			: undefined,
	(status, _code, what, ambiguous) =>
		status >= 500
			? {
					message: `Digital Factory had a server error (${status}) while handling ${what}`,
					// A change that failed this way may have happened: the caller says to check first, never "try again".
					description: ambiguous
						? 'This is on the service side.'
						: 'This is on the service side. Try again later; if it persists, check status.ultimaker.com.',
				}
			: undefined,
];

/** `ambiguous`: the request was a change that may have been carried out (the caller adds what to check). */
export function describeApiError(status: number, body: unknown, authKind: AuthKind, what: string, ambiguous = false): DescribedError {
	const apiError = firstApiError(body);
	const code = apiError?.code;
	const says = apiSays(apiError);
	const wording = loginWording(status, body, code, authKind) ??
		WORDING_RULES.reduce<Wording | undefined>((found, rule) => found ?? rule(status, code, what, ambiguous), undefined) ?? {
			message: `Digital Factory answered ${status} for ${what}`,
			description: '',
		};
	// An expired login's own words are complete; elsewhere the API's explanation follows ours.
	const description = code === 'tokenExpired' ? wording.description : join(wording.description, says) || 'The request was not successful.';
	return { httpCode: String(status), apiError, message: wording.message, description };
}

/**
 * A network error code in words. (Raw codes such as ECONNRESET in a message make n8n replace the whole
 * message with a generic one, so messages carry these words instead.)
 */
export function describeNetworkCode(code: string | undefined): string {
	switch (code) {
		case 'ECONNRESET':
			return 'the connection was reset';
		case 'EPIPE':
			return 'the other side closed the connection';
		case 'ECONNREFUSED':
			return 'the connection was refused';
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
			return 'the request timed out';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'the host name could not be resolved';
		default:
			return 'the connection was lost';
	}
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds; undefined when absent or invalid. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim()) * 1000;
	const date = Date.parse(value);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

