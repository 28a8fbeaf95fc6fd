/**
 * Asking again until an answer is final, for a bounded time (a report being made, a printer's snapshot action).
 * Waits with n8n's `sleep` (the community-node rules forbid timers), never past the deadline.
 */
import { sleep } from 'n8n-workflow';

export interface WaitOptions {
	/** Total time allowed, from the first request. */
	timeoutMs: number;
	/** Pause between two requests. */
	intervalMs: number;
	/** Stops early when set (the execution was cancelled). */
	signal?: AbortSignal;
}

/** The first answer `final` accepts, or the last answer with `timedOut: true` once the time is up. */
export async function askUntil<T>(ask: () => Promise<T>, final: (answer: T) => boolean, options: WaitOptions): Promise<{ answer: T; timedOut: boolean }> {
	const deadline = Date.now() + options.timeoutMs;
	for (;;) {
		const answer = await ask();
		if (final(answer)) return { answer, timedOut: false };
		const left = deadline - Date.now();
		if (left <= 0 || options.signal?.aborted) return { answer, timedOut: true };
		await sleep(Math.min(options.intervalMs, left));
	}
}
