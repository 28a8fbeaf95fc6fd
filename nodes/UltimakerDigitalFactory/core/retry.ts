/** The one backoff schedule of every retried request, API call and storage PUT alike (pure). */

/** Wait before try `attempt + 1` (1-based): 0.5 s, 1 s, 2 s, 4 s, then 8 s at most. */
export function retryDelayMs(attempt: number): number {
	return Math.min(8000, 250 * 2 ** attempt);
}
