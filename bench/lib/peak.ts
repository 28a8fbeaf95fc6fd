/**
 * Peak memory and CPU of another process, read from /proc while it runs (Linux): VmHWM is the kernel's own
 * high-water mark of its resident set, so a 20 ms sampling interval cannot miss the peak, only lag behind it.
 */
import { readFileSync } from 'node:fs';

export interface ProcessPeak {
	/** Highest VmHWM seen (bytes). */
	peakRss: number;
	/** user + system CPU seconds at the last sample. */
	cpuSeconds: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

function sample(pid: number): { hwm: number; cpu: number } | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const hwm = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024;
		// Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted from after the command name.
		const cpu = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
		return { hwm, cpu };
	} catch {
		return undefined;
	}
}

/** Samples `pid` every `intervalMs` until `stop()`; resolves with the highest values seen. */
export function watchPeak(pid: number, intervalMs = 20): { stop(): ProcessPeak } {
	const peak: ProcessPeak = { peakRss: 0, cpuSeconds: 0 };
	const take = () => {
		const now = sample(pid);
		if (!now) return;
		peak.peakRss = Math.max(peak.peakRss, now.hwm);
		peak.cpuSeconds = Math.max(peak.cpuSeconds, now.cpu);
	};
	take();
	const timer = setInterval(take, intervalMs);
	return {
		stop: () => {
			clearInterval(timer);
			take();
			return peak;
		},
	};
}
