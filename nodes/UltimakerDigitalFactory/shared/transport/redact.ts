/** Secrets out of any text that may reach a user, a log or an execution record (pure). */

/** Removes anything that looks like a bearer token or a URL signature from text that may reach a user. */
export function redactSecrets(text: string): string {
	return text
		.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer [redacted]')
		.replace(/umapi-[^\s"',]+/g, 'umapi-[redacted]')
		.replace(/([?&](?:signature|X-Goog-Signature|token|access_token)=)[^&\s"']+/gi, '$1[redacted]');
}
