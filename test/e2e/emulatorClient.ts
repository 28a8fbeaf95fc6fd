/**
 * What the e2e tests need from the emulator, over HTTP only (public API + `/_emulator` control API), so
 * the tests see exactly what n8n sees.
 */
export interface EmulatorHandle {
	url: string;
	apiToken: string;
}

export async function api<T = any>(
	emu: EmulatorHandle,
	method: string,
	path: string,
	body?: unknown,
	token: string = emu.apiToken,
): Promise<T> {
	const response = await fetch(`${emu.url}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${token}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
	return (text ? JSON.parse(text) : {}) as T;
}

export async function control<T = any>(emu: EmulatorHandle, method: string, path: string, body?: unknown): Promise<T> {
	const answer = await api<{ data: T }>(emu, method, `/_emulator${path}`, body);
	return answer.data;
}

export interface ClusterSummary {
	cluster_id: string;
	friendly_name: string;
	is_online: boolean;
	[key: string]: unknown;
}

export async function clustersByName(emu: EmulatorHandle): Promise<Record<string, ClusterSummary>> {
	const { data } = await api<{ data: ClusterSummary[] }>(emu, 'GET', '/connect/v1/clusters');
	return Object.fromEntries(data.map((cluster) => [cluster.friendly_name, cluster]));
}

export async function clusterStatus(emu: EmulatorHandle, clusterId: string): Promise<any> {
	const { data } = await api(emu, 'GET', `/connect/v1/clusters/${encodeURIComponent(clusterId)}/status`);
	return data;
}

export async function advanceClock(emu: EmulatorHandle, seconds: number): Promise<void> {
	await control(emu, 'POST', '/clock/advance', { seconds });
}

export async function recorded<T = any>(emu: EmulatorHandle, channel: string): Promise<T[]> {
	return await control<T[]>(emu, 'GET', `/recorder/${encodeURIComponent(channel)}`);
}

export interface LoggedRequest {
	seq: number;
	at: string;
	server: 'api' | 'storage';
	method: string;
	path: string;
	query: Record<string, unknown> | string;
	headers: Record<string, string | string[]>;
	status: number;
	bodyBytes: number;
}

export async function requestLog(emu: EmulatorHandle): Promise<LoggedRequest[]> {
	return await control<LoggedRequest[]>(emu, 'GET', '/requests');
}

/** Registers a toolpath upload and PUTs the bytes, the way Cura does; returns the job_id. */
export async function uploadJob(emu: EmulatorHandle, jobName: string, bytes: Buffer): Promise<string> {
	const { data } = await api(emu, 'PUT', '/cura/v1/jobs/upload', {
		data: { job_name: jobName, file_size: bytes.length, content_type: 'text/plain' },
	});
	const put = await fetch(data.upload_url as string, {
		method: 'PUT',
		headers: { 'content-type': 'text/plain', 'content-length': String(bytes.length) },
		body: bytes,
	});
	if (!put.ok) throw new Error(`storage PUT → ${put.status}: ${await put.text()}`);
	return data.job_id as string;
}

export async function sendPrint(emu: EmulatorHandle, clusterId: string, jobId: string): Promise<string> {
	const { data } = await api(
		emu,
		'POST',
		`/connect/v1/clusters/${encodeURIComponent(clusterId)}/print/${encodeURIComponent(jobId)}`,
	);
	return data.job_instance_uuid as string;
}

export async function printJobAction(
	emu: EmulatorHandle,
	clusterId: string,
	printJobUuid: string,
	action: string,
): Promise<void> {
	await api(
		emu,
		'POST',
		`/connect/v1/clusters/${encodeURIComponent(clusterId)}/print_jobs/${encodeURIComponent(printJobUuid)}/action/${action}`,
	);
}

export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined | false>,
	timeoutMs: number,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
