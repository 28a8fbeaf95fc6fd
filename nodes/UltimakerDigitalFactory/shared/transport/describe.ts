/**
 * Turns a Digital Factory error answer into words a farm operator can act on (pure). The API's own
 * `errors[0]` (code, title, detail, http_status) is kept alongside.
 */

export type AuthKind = 'apiToken' | 'oAuth2';

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

export const TOKEN_PAGE = 'Digital Factory → Settings → API Tokens';

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

export function describeApiError(status: number, body: unknown, authKind: AuthKind, what: string): DescribedError {
	const apiError = firstApiError(body);
	const code = apiError?.code;
	const says = apiSays(apiError);
	const httpCode = String(status);
	const base = { httpCode, apiError };

	if (code === 'tokenExpired' || (status === 403 && code === undefined && authKind === 'apiToken' && /expired/i.test(String(body)))) {
		return authKind === 'apiToken'
			? {
					...base,
					message: 'The Digital Factory API token has expired',
					description: `API tokens stop working on the expiry date chosen when they were made. Create a new token in ${TOKEN_PAGE} (workspace admins only) and paste it into this credential.`,
				}
			: {
					...base,
					message: 'The Digital Factory login has expired and could not be renewed',
					description: 'n8n tried to refresh the OAuth2 token and Digital Factory refused. Open the credential and click "Reconnect" to sign in again.',
				};
	}
	if (status === 401) {
		return authKind === 'apiToken'
			? {
					...base,
					message: 'Digital Factory did not accept the API token',
					description: join(`Check that the credential holds the whole token (it looks like umapi-…|main) and that it belongs to this workspace. A new one can be made in ${TOKEN_PAGE}.`, says),
				}
			: {
					...base,
					message: 'Digital Factory did not accept the OAuth2 login',
					description: join('Open the credential and click "Reconnect" to sign in again.', says),
				};
	}
	if (status === 403) {
		return {
			...base,
			message: `Digital Factory refused access to ${what}`,
			description: join('The account behind the credential may lack the permission or OAuth scope for this, or the item belongs to another workspace.', says),
		};
	}
	if (status === 404) {
		return {
			...base,
			message: `Digital Factory could not find ${what}`,
			description: join('Check the ID: it may have been deleted, mistyped, or belong to another workspace.', says),
		};
	}
	if (status === 409 && code === 'printerInactive') {
		return {
			...base,
			message: 'The printer cannot take jobs right now: it is offline or inactive',
			description: join(
				'Digital Factory did not queue the job. Check that the printer is switched on, connected to the network and enabled in Digital Factory, then send the print again.',
				says,
			),
		};
	}
	if (status === 409 && code === 'queueFull') {
		return {
			...base,
			message: "The printer's print queue is full",
			description: join(
				'Digital Factory did not queue the job. Wait until queued jobs have printed, or remove jobs from the queue in Digital Factory, then send the print again.',
				says,
			),
		};
	}
	if (status === 409) {
		return {
			...base,
			message: `Digital Factory refused ${what} because of its current state`,
			description: join('The job or printer is not in a state that allows this (for example, the file has not finished uploading).', says),
		};
	}
	if (status === 400 || status === 422) {
		return {
			...base,
			message: `Digital Factory rejected the request for ${what}`,
			description: join('A value sent to the API is missing or not valid.', says),
		};
	}
	if (status === 429) {
		return {
			...base,
			message: 'Digital Factory is limiting how fast requests can be made',
			description: join('The node waited and retried, but the limit was still in force. Run the workflow again later, or poll less often.', says),
		};
	}
	if (status >= 500) {
		return {
			...base,
			message: `Digital Factory had a server error (${status}) while handling ${what}`,
			description: join('This is on the service side. Try again later; if it persists, check status.ultimaker.com.', says),
		};
	}
	return {
		...base,
		message: `Digital Factory answered ${status} for ${what}`,
		description: says || 'The request was not successful.',
	};
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

/** Removes anything that looks like a bearer token or a URL signature from text that may reach a user. */
export function redactSecrets(text: string): string {
	return text
		.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]')
		.replace(/umapi-[^\s"',]+/g, 'umapi-[redacted]')
		.replace(/([?&](?:signature|X-Goog-Signature|token|access_token)=)[^&\s"']+/gi, '$1[redacted]');
}
