/**
 * Fetching a file Digital Factory points at (a report's `download_url`, a snapshot's `image_url`): with the
 * credential only when the URL is on the Base URL, otherwise as a plain request without any Authorization header
 * (a signed storage URL needs none, and the token must never reach another host). Failures carry the one failure
 * contract, words free of secrets (a signed URL's query is left out of messages).
 */
import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { sameApiUrl } from '../../core/validation';
import { asNodeError, failureError, httpFailure, networkFailure } from '../failure';
import { redactSecrets } from '../redact';
import type { CloudCredential } from './credential';
import { describeNetworkCode } from './transport/describe';
import { sendOnce } from './transport/send';
import { retryDelayMs } from '../../core/retry';

export interface DownloadedFile {
	data: Buffer;
	contentType?: string;
	/** The URL's last path segment, decoded ("report.csv"), or undefined. */
	fileName?: string;
	/** Whether the credential went along (the URL was on the Base URL). */
	authenticated: boolean;
}

/** A whole download, first byte to last: reports and snapshots are small files. */
const DOWNLOAD_DEADLINE_MS = 60_000;
/** A download is a read: a 5xx, a 429 or a dropped connection is tried again, a little later. */
const DOWNLOAD_ATTEMPTS = 3;

/** The URL without its query and fragment: what messages may show of a signed URL. */
export function urlForMessages(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.origin}${parsed.pathname}`;
	} catch {
		return '(not a URL)';
	}
}

function fileNameOf(url: URL): string | undefined {
	const last = url.pathname.split('/').filter(Boolean).pop();
	if (!last) return undefined;
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

/** The URL to fetch, or an error naming what Digital Factory sent instead (only http(s) is fetched). */
function downloadUrl(this: IExecuteFunctions, rawUrl: unknown, what: string, itemIndex: number): URL {
	let url: URL;
	try {
		url = new URL(String(rawUrl ?? ''));
	} catch {
		throw failureError(this.getNode(), networkFailure('GET', what, 'ERR_INVALID_URL'), {
			message: `Digital Factory gave no usable address for ${what}`,
			description: `Expected an http(s) URL but got: ${redactSecrets(String(rawUrl ?? '')).slice(0, 120)}`,
			itemIndex,
		});
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw failureError(this.getNode(), networkFailure('GET', what, 'ERR_INVALID_URL'), {
			message: `Digital Factory gave a ${url.protocol} address for ${what}; only http(s) is fetched`,
			description: `The address was ${urlForMessages(url.toString())}.`,
			itemIndex,
		});
	}
	return url;
}

function downloaded(response: IN8nHttpFullResponse, url: URL, authenticated: boolean): DownloadedFile {
	const headers = (response.headers ?? {}) as Record<string, unknown>;
	const type = headers['content-type'];
	const body = response.body as unknown;
	const data = Buffer.isBuffer(body) ? body : body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(String(body ?? ''));
	return { data, contentType: typeof type === 'string' ? type : undefined, fileName: fileNameOf(url), authenticated };
}

export async function downloadFile(
	this: IExecuteFunctions,
	credential: CloudCredential,
	rawUrl: unknown,
	what: string,
	itemIndex: number,
): Promise<DownloadedFile> {
	const url = downloadUrl.call(this, rawUrl, what, itemIndex);
	const authenticated = sameApiUrl(url.toString(), credential.baseUrl);
	const shown = urlForMessages(url.toString());
	let lastWords = '';
	let failure = networkFailure('GET', what, 'ENETWORK');
	for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
		const request: IHttpRequestOptions = {
			method: 'GET',
			url: url.toString(),
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// With the token, no redirect may carry it elsewhere.
			disableFollowRedirect: authenticated,
		};
		// The one exchange of the transport: the credential only for the Base URL, the deadline, the cancel signal.
		const sent = await sendOnce.call(this, request, { deadlineMs: DOWNLOAD_DEADLINE_MS, credentialType: authenticated ? credential.credentialType : undefined });
		if (sent.answered) {
			if (sent.response.statusCode >= 200 && sent.response.statusCode < 300) return downloaded(sent.response, url, authenticated);
			failure = httpFailure('GET', what, sent.response.statusCode);
			lastWords = `answered ${sent.response.statusCode}`;
			if (!(sent.response.statusCode === 429 || sent.response.statusCode >= 500)) break;
		} else {
			if (sent.cause === 'cancelled') throw asNodeError(this.getNode(), sent.error, itemIndex);
			failure = networkFailure('GET', what, sent.code);
			lastWords = describeNetworkCode(sent.code);
		}
		if (attempt < DOWNLOAD_ATTEMPTS) await sleep(retryDelayMs(attempt));
	}
	throw failureError(this.getNode(), failure, {
		message: `Downloading ${what} failed: ${shown} ${lastWords}`.trim(),
		description: redactSecrets(
			authenticated
				? 'The file is on the Base URL, so it was requested with the credential.'
				: 'The file is not on the Base URL, so it was requested without the API token (as a signed storage URL expects). If it needs the token, it is not offered to another host.',
			credential.secrets,
		),
		itemIndex,
	});
}
