/**
 * Small client for the emulator's control API (`/_emulator/...`), used by node integration tests and the
 * upload benchmark. Only the documented HTTP contract is used, so the emulator can run in another process.
 */
export interface LoggedRequest {
	seq: number;
	server: 'api' | 'storage';
	method: string;
	path: string;
	query: Record<string, string> | string;
	headers: Record<string, string | string[] | undefined>;
	status: number;
	bodyBytes: number;
}

export async function control<T = unknown>(apiUrl: string, method: string, path: string, body?: unknown): Promise<T> {
	const response = await fetch(`${apiUrl}/_emulator${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`control ${method} ${path} → ${response.status}: ${text}`);
	return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
}

export interface FaultSpec {
	method?: string;
	path: string;
	kind: 'status' | 'rateLimit' | 'drop' | 'dropMidBody' | 'slow';
	count?: number;
	status?: number;
	retryAfter?: number;
	delayMs?: number;
}

export const addFault = (apiUrl: string, fault: FaultSpec) => control<{ id: string }>(apiUrl, 'POST', '/faults', fault);
export const clearFaults = (apiUrl: string) => control(apiUrl, 'DELETE', '/faults');
export const requestLog = (apiUrl: string) => control<LoggedRequest[]>(apiUrl, 'GET', '/requests');
export const clearRequestLog = (apiUrl: string) => control(apiUrl, 'DELETE', '/requests');
export const emulatorState = <T = any>(apiUrl: string) => control<T>(apiUrl, 'GET', '/state');
export const resetEmulator = (apiUrl: string, body: { seed?: string; farm?: unknown[] } = {}) =>
	control(apiUrl, 'POST', '/reset', body);
