/**
 * Drives an emulated farm over real HTTP the way a person and Cura would: upload G-code, send prints, press
 * pause/resume/abort, unplug a printer, swap a spool — and reads `/clusters` + `/status` like the trigger does.
 * Used by the trigger's integration tests and by the snapshot recorder (test/fixtures/snapshots/record.ts).
 */
import type { ApiClusterStatus, ClusterObservation } from '../../../nodes/UltimakerDigitalFactory/events';

export interface ClusterInfo {
	cluster_id: string;
	friendly_name: string;
	is_online: boolean;
	host_printer: { uuid: string } | null;
}

export class Farm {
	constructor(
		readonly url: string,
		readonly token: string,
	) {}

	private async call<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
		const response = await fetch(`${this.url}${path}`, {
			method,
			headers: {
				...(auth ? { Authorization: `Bearer ${this.token}` } : {}),
				...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
		return (text ? (JSON.parse(text) as { data: T }).data : undefined) as T;
	}

	control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		return this.call<T>(method, `/_emulator${path}`, body, false);
	}

	clusters(): Promise<ClusterInfo[]> {
		return this.call('GET', '/connect/v1/clusters');
	}

	status(clusterId: string): Promise<ApiClusterStatus> {
		return this.call('GET', `/connect/v1/clusters/${encodeURIComponent(clusterId)}/status`);
	}

	/** What the trigger sees for every cluster (list + status), as diff observations. */
	async observe(): Promise<ClusterObservation[]> {
		const clusters = await this.clusters();
		return Promise.all(
			clusters.map(async (cluster) => ({
				cluster_id: cluster.cluster_id,
				friendly_name: cluster.friendly_name,
				is_online: cluster.is_online,
				status: await this.status(cluster.cluster_id),
			})),
		);
	}

	/** Uploads a small G-code file whose header says it prints for `printSeconds`; returns its job_id. */
	async uploadGcode(name: string, printSeconds: number): Promise<string> {
		const bytes = Buffer.from(`;FLAVOR:Griffin\n;PRINT.TIME:${printSeconds}\n;TARGET_MACHINE.NAME:Ultimaker S5\nG28\nG1 X10 Y10\n`);
		const registered = await this.call<{ job_id: string; upload_url: string }>('PUT', '/cura/v1/jobs/upload', {
			data: { job_name: name, file_size: bytes.length, content_type: 'text/plain' },
		});
		const stored = await fetch(registered.upload_url, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: bytes });
		if (!stored.ok) throw new Error(`storage PUT → ${stored.status}: ${await stored.text()}`);
		return registered.job_id;
	}

	/** Sends an uploaded job to a cluster; returns the print job's uuid. */
	async print(clusterId: string, jobId: string): Promise<string> {
		const sent = await this.call<{ job_instance_uuid: string }>(
			'POST',
			`/connect/v1/clusters/${encodeURIComponent(clusterId)}/print/${encodeURIComponent(jobId)}`,
		);
		return sent.job_instance_uuid;
	}

	async uploadAndPrint(clusterId: string, name: string, printSeconds: number): Promise<string> {
		return this.print(clusterId, await this.uploadGcode(name, printSeconds));
	}

	async action(clusterId: string, uuid: string, action: string, data?: unknown): Promise<void> {
		await this.call(
			'POST',
			`/connect/v1/clusters/${encodeURIComponent(clusterId)}/print_jobs/${encodeURIComponent(uuid)}/action/${action}`,
			data === undefined ? undefined : { data },
		);
	}

	advance(seconds: number): Promise<unknown> {
		return this.control('POST', '/clock/advance', { seconds });
	}

	setOnline(clusterId: string, isOnline: boolean): Promise<unknown> {
		return this.control('POST', `/clusters/${encodeURIComponent(clusterId)}/connectivity`, { is_online: isOnline });
	}

	patchPrinter(printerUuid: string, patch: Record<string, unknown>): Promise<unknown> {
		return this.control('POST', `/printers/${encodeURIComponent(printerUuid)}`, patch);
	}

	clearBuildPlate(printerUuid: string): Promise<unknown> {
		return this.control('POST', `/printers/${encodeURIComponent(printerUuid)}/clear-build-plate`);
	}

	forceJobStatus(uuid: string, status: string): Promise<unknown> {
		return this.control('POST', `/print_jobs/${encodeURIComponent(uuid)}`, { status });
	}

	fault(rule: Record<string, unknown>): Promise<unknown> {
		return this.control('POST', '/faults', rule);
	}

	async requests(): Promise<Array<{ method: string; path: string; status: number }>> {
		return this.control('GET', '/requests');
	}

	clearRequests(): Promise<unknown> {
		return this.control('DELETE', '/requests');
	}
}
