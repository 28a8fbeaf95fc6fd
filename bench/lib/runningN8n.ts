/**
 * Figures from a long-running `n8n start` (the way n8n is deployed), which `n8n execute` cannot give: one node's
 * own `executionTime` in the newest execution of a workflow (read through n8n's REST API with the owner's cookie;
 * the run data is stored as `flatted` JSON), and the peak memory of one execution over the server's resident set
 * just before it (Linux: writing 5 to /proc/<pid>/clear_refs resets the kernel's high-water mark VmHWM).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'flatted';

import { watchPeak } from './peak';

/** The `runIndex` 0 data of `nodeName` in the newest execution of `workflowId`. */
export async function newestRunOf(url: string, cookie: string, workflowId: string, nodeName: string): Promise<{ executionTime: number; error?: { message?: string } }> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = (await (await fetch(`${url}/rest/executions?limit=1&filter=${filter}`, { headers: { cookie } })).json()) as { data?: { results?: Array<{ id: string }> } };
	const id = list.data?.results?.[0]?.id;
	if (!id) throw new Error(`n8n lists no execution of ${workflowId}`);
	const execution = (await (await fetch(`${url}/rest/executions/${id}`, { headers: { cookie } })).json()) as { data?: { data?: string } };
	const run = parse(execution.data?.data ?? 'null')?.resultData?.runData?.[nodeName]?.[0];
	if (!run) throw new Error(`execution ${id} of ${workflowId} has no run of "${nodeName}"`);
	return run;
}

function residentBytes(pid: number): number {
	return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

/** Runs `fn` and returns its value with how far `pid`'s resident set rose above where it was just before. */
export async function peakGrowthDuring<T>(pid: number, fn: () => Promise<T>): Promise<{ value: T; growth: number }> {
	writeFileSync(`/proc/${pid}/clear_refs`, '5');
	const before = residentBytes(pid);
	const watcher = watchPeak(pid);
	const value = await fn();
	return { value, growth: watcher.stop().peakRss - before };
}
