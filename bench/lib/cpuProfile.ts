/**
 * A V8 sampling CPU profile of one async call in this process (node:inspector), written as a `.cpuprofile`
 * (Chrome DevTools and speedscope open it), and its heaviest functions by self time.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

export interface CpuProfile {
	nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
	samples: number[];
	timeDeltas: number[];
}

/** Profiles `fn` (sampling every `intervalMicros`), writes the profile to `file`; its value and the profile. */
export async function profileCpu<T>(fn: () => Promise<T>, file: string, intervalMicros = 200): Promise<{ value: T; profile: CpuProfile }> {
	const session = new Session();
	session.connect();
	const post = <R>(method: string, params: object = {}) =>
		new Promise<R>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as R))));
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: intervalMicros });
	await post('Profiler.start');
	try {
		const value = await fn();
		const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
		writeFileSync(file, JSON.stringify(profile));
		return { value, profile };
	} finally {
		session.disconnect();
	}
}

/** Self time per function, heaviest first: "12.3%    45 ms  writeBuffer (native)". */
export function heaviest(profile: CpuProfile, count: number): string[] {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const self = new Map<string, number>();
	let total = 0;
	profile.samples.forEach((id, i) => {
		const frame = byId.get(id)!.callFrame;
		const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(?=[^/]+$)/, '')}:${frame.lineNumber + 1}` : 'native';
		const key = `${frame.functionName || '(anonymous)'} (${where})`;
		const delta = profile.timeDeltas[i] ?? 0;
		self.set(key, (self.get(key) ?? 0) + delta);
		total += delta;
	});
	return [...self]
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(([key, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(5)} ms  ${key}`);
}
