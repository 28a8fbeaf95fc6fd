/**
 * What the upload benches share: a run measured in this process (time, CPU, RSS growth), rounds of several
 * approaches with a rotating order, and the median-and-range a table shows.
 */

function gc(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

/** Runs `fn` after a GC and reports its time, this process's RSS growth (sampled every 10 ms) and CPU seconds. */
export async function inProcess<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; rssGrowth: number; cpuSeconds: number }> {
	gc();
	await new Promise((resolve) => setTimeout(resolve, 50));
	const before = process.memoryUsage().rss;
	let peak = before;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
	const cpu = process.cpuUsage();
	const started = process.hrtime.bigint();
	try {
		const value = await fn();
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		const used = process.cpuUsage(cpu);
		peak = Math.max(peak, process.memoryUsage().rss);
		return { value, seconds, rssGrowth: peak - before, cpuSeconds: (used.user + used.system) / 1e6 };
	} finally {
		clearInterval(sampler);
	}
}

/** `rounds` rounds of every approach; the order rotates, so no approach always runs first (cold caches) or last. */
export async function runRounds<R>(approaches: Record<string, () => Promise<R>>, rounds: number): Promise<Record<string, R[]>> {
	const names = Object.keys(approaches);
	const runs: Record<string, R[]> = Object.fromEntries(names.map((name) => [name, []]));
	for (let round = 0; round < rounds; round++) {
		for (let i = 0; i < names.length; i++) {
			const name = names[(i + round) % names.length]!;
			runs[name]!.push(await approaches[name]!());
		}
	}
	return runs;
}

export const fmt = (value: number, digits = 1) => value.toFixed(digits);

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "median (min–max)". */
export const spread = (values: number[], digits = 0) => `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;
