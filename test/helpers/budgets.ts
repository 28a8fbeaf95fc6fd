/**
 * Time budgets for test steps that start a process or move big files, sized for a slow machine (2 cores at load
 * average 5-10, as under `bash .ci/run` beside other work) instead of jest's 5 s default. Each budget is what the
 * step needs at a conservative floor, so a budget only runs out when something hangs; a passing run never waits
 * for it. Measured at load 10 on 2 cores: the G-code writer ~25 MB/s, a warm `node --import tsx emulator/cli.ts`
 * ready in 1-2 s.
 */

/** The throughput floor for writing, copying, hashing or sending a file through loopback: 5 MB/s (≈ 1/5 of the busy-machine figure above). */
export const SLOW_BYTES_PER_SECOND = 5_000_000;

/** The time to move `bytes` through `passes` reads or writes (a copy is two: read and write) at the floor. */
export function bytesBudgetMs(bytes: number, passes = 1): number {
	return Math.ceil(((bytes * passes) / SLOW_BYTES_PER_SECOND) * 1000);
}

/** Starting the in-process emulator (two loopback HTTP servers and a farm): milliseconds idle, seconds when busy. */
export const EMULATOR_START_MS = 15_000;

/**
 * Starting a Node process that loads TypeScript through tsx (the emulator CLI): 1-2 s warm; a fresh clone has no
 * tsx cache and compiles the sources first, and a loaded machine multiplies both.
 */
export const TSX_PROCESS_START_MS = 60_000;

/** What any step gets on top of its derived need: requests, assertions and scheduling on a busy machine. */
export const STEP_MARGIN_MS = 15_000;
