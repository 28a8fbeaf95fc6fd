/**
 * One HTTP exchange, for the API and for storage alike: the execution's cancel signal and a deadline on the whole
 * exchange, and an error thrown without an answer read once into a network code. Whether the credential goes along
 * is the caller's choice: the API gets it through n8n, storage never does.
 */
import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { UltimakerContext } from '../credential';

export type Sent =
	| { answered: true; response: IN8nHttpFullResponse }
	/** No answer. `cause`: the workflow was stopped, the deadline passed, or the network failed (`code`). */
	| { answered: false; error: unknown; cause: 'cancelled' | 'deadline' | 'network'; code: string };

export interface SendOptions {
	/** The whole exchange, first byte to last, may take this long. */
	deadlineMs: number;
	/** The credential type n8n authenticates the request with; none: the request goes out bare. */
	credentialType?: string;
}

/** Reads an n8n/axios error thrown without an HTTP answer: its Node network code, or a best guess from its words. */
export function networkCodeOf(error: unknown): string {
	const shape = error as { code?: unknown; cause?: { code?: unknown; message?: unknown; cause?: { code?: unknown } }; message?: unknown; description?: unknown };
	const code = [shape?.cause?.code, shape?.code, shape?.cause?.cause?.code].find(
		(candidate): candidate is string => typeof candidate === 'string' && /^E[A-Z_]+$/.test(candidate),
	);
	if (code) return code;
	const words = [shape?.message, shape?.description, shape?.cause?.message].join(' ');
	if (/closed unexpectedly|ECONNRESET|socket hang up/i.test(words)) return 'ECONNRESET';
	if (/refused|ECONNREFUSED/i.test(words)) return 'ECONNREFUSED';
	if (/timeout|timed out/i.test(words)) return 'ETIMEDOUT';
	return 'ENETWORK';
}

export function cancelSignal(context: UltimakerContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/**
 * The request's abort signal: the execution's cancel signal and the deadline together. n8n's
 * `httpRequestWithAuthentication` overwrites `abortSignal` with the execution's cancel signal, so the option is
 * an accessor that keeps what n8n sets and adds the deadline to it (n8n's httpRequest hands it to axios).
 */
function withDeadline(request: IHttpRequestOptions, deadline: AbortSignal, cancel: AbortSignal | undefined): void {
	let signal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
	Object.defineProperty(request, 'abortSignal', {
		configurable: true,
		enumerable: true,
		get: () => signal,
		set: (next: AbortSignal | undefined) => {
			signal = next ? AbortSignal.any([next, deadline]) : deadline;
		},
	});
}

export async function sendOnce(this: UltimakerContext, request: IHttpRequestOptions, options: SendOptions): Promise<Sent> {
	const deadline = AbortSignal.timeout(options.deadlineMs);
	const cancel = cancelSignal(this);
	withDeadline(request, deadline, cancel);
	try {
		const response = options.credentialType
			? await this.helpers.httpRequestWithAuthentication.call(this, options.credentialType, request, {
					// Honoured by n8n versions whose httpRequest path reads it; the API's own refresh covers the rest.
					oauth2: { tokenExpiredStatusCode: 403 },
				})
			: await this.helpers.httpRequest(request);
		return { answered: true, response: response as IN8nHttpFullResponse };
	} catch (error) {
		const cause = cancel?.aborted ? 'cancelled' : deadline.aborted ? 'deadline' : 'network';
		return { answered: false, error, cause, code: cause === 'deadline' ? 'ETIMEDOUT' : networkCodeOf(error) };
	}
}
