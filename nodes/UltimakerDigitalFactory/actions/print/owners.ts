/**
 * The print sends of this n8n process, per cluster and job: which print instance each one owns, and which are
 * unresolved (in flight, or ended without knowing whether they printed). A send that finds a new print of its job
 * after an ambiguous answer claims it only if no other send here can own it.
 *
 * What this cannot see: sends of the same job to the same cluster from another process (a second n8n worker in
 * queue mode, Cura, the Digital Factory web page) within the same seconds. Those are the reason a recovered
 * print is marked `recovered_after_error`.
 */

export interface Send {
	readonly key: string;
	/** The print instance this send is known to own. */
	instance?: string;
	/** Ended (owning `instance`, or unresolved); when, in ms since the epoch. */
	endedAt?: number;
	/** Ended without knowing whether it printed: its print may still appear and must not be claimed by another. */
	unresolved?: boolean;
}

/** How long an ended send is remembered: longer than any recovery window, short enough to stay small. */
const RETENTION_MS = 15 * 60_000;

const sends = new Set<Send>();

const keyOf = (clusterId: string, jobId: string) => `${clusterId}\n${jobId}`;

function prune(now: number): void {
	for (const send of sends) if (send.endedAt !== undefined && now - send.endedAt > RETENTION_MS) sends.delete(send);
}

/** Registers a send before its POST goes out. */
export function beginSend(clusterId: string, jobId: string, now = Date.now()): Send {
	prune(now);
	const send: Send = { key: keyOf(clusterId, jobId) };
	sends.add(send);
	return send;
}

/** The send owns this print instance. */
export function settleSend(send: Send, instance: string | undefined, now = Date.now()): void {
	send.instance = instance;
	send.unresolved = instance === undefined;
	send.endedAt = now;
}

/** The send certainly did nothing (refused before acting): forget it. */
export function abandonSend(send: Send): void {
	sends.delete(send);
}

/** What the other sends of the same cluster and job say: the instances they own, and whether any is unresolved. */
export function otherSends(send: Send): { owned: Set<string>; unresolved: boolean } {
	const owned = new Set<string>();
	let unresolved = false;
	for (const other of sends) {
		if (other === send || other.key !== send.key) continue;
		if (other.instance !== undefined) owned.add(other.instance);
		else unresolved = true;
	}
	return { owned, unresolved };
}

/** For tests: the number of sends remembered. */
export function rememberedSends(): number {
	return sends.size;
}

/**
 * For tests: forget every send. An emulator restarted with the same seed hands out the same cluster and job ids
 * again, which a real workspace never does.
 */
export function forgetSends(): void {
	sends.clear();
}
