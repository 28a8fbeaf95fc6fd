/**
 * Shared plumbing for the reliability suites: an emulator on real sockets, what it holds (prints, jobs, requests
 * per route), and G-code items. The node itself runs through test/helpers/actionNode.ts.
 */
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import { startEmulator } from '../../../emulator';
import type { ClusterSpec, Emulator, EmulatorOptions, FaultRequest, LoggedRequest } from '../../../emulator';
import { forgetSends } from '../../../nodes/UltimakerDigitalFactory/actions/print/owners';
import { inMemoryBinary, storeBinary } from '../../helpers/n8nContext';


/** The fault rules these suites inject (the emulator's control-API shape). */
export type FaultSpec = FaultRequest;

/** Every print-job instance on every cluster (queued, active, history and pending approval). */
export async function printsOf(emu: Emulator, jobId?: string): Promise<Array<{ uuid: string; cluster_id: string; cloud_job_id: string; status: string }>> {
	const state = await emu.client.state();
	const rows: Array<{ uuid: string; cluster_id: string; cloud_job_id: string; status: string }> = [];
	for (const cluster of state.clusters) {
		for (const job of cluster.print_jobs) rows.push({ uuid: job.uuid, cluster_id: cluster.cluster_id, cloud_job_id: job.cloud_job_id, status: job.status });
		for (const uuid of cluster.pending_approval) rows.push({ uuid, cluster_id: cluster.cluster_id, cloud_job_id: '?', status: 'wait_approval' });
	}
	return jobId === undefined ? rows : rows.filter((row) => row.cloud_job_id === jobId);
}

/** The toolpath jobs (uploads) the emulator knows, with their real status. */
export async function jobsOf(emu: Emulator): Promise<Array<{ job_id: string; status: string; job_name: string }>> {
	return (await emu.client.state()).jobs;
}

/**
 * An emulator for the node's tests, answering prints as Ultimaker recorded them (`cluster_job_id` only; the node
 * fills `job_instance_uuid`). Every emulator starts with the same seeded ids, so the node's memory of its own
 * print sends (a real workspace never repeats ids) is cleared with it — unless the caller gives its own `seed`:
 * then its ids are its own, and the sends of emulators running beside it (concurrent rows) are kept.
 */
export async function start(options: EmulatorOptions & { farm?: ClusterSpec[] } = {}): Promise<Emulator> {
	if (options.seed === undefined) forgetSends();
	return await startEmulator({ port: 0, storagePort: 0, seed: 'reliability', speed: 0, ...options });
}

export async function clusterIds(emu: Emulator): Promise<string[]> {
	return (await emu.client.state()).clusters.map((cluster) => cluster.cluster_id);
}


/** A small Cura-style G-code with a given print time. */
export function gcodeText(printSeconds = 600, padding = 0): string {
	return `;FLAVOR:Griffin\n;PRINT.TIME:${printSeconds}\n;TARGET_MACHINE.NAME:Ultimaker S5\nG28\n${'G1 X10 Y10\n'.repeat(padding)}`;
}

export async function gcodeItem(name = 'part.gcode', text = gcodeText(), mode: 'stored' | 'memory' = 'stored', property = 'data'): Promise<INodeExecutionData> {
	const meta = { fileName: name, mimeType: 'text/plain' };
	const binary: IBinaryData = mode === 'stored' ? await storeBinary(Buffer.from(text), meta) : inMemoryBinary(Buffer.from(text), meta);
	return { json: {}, binary: { [property]: binary } };
}

/** Uploads a G-code job straight through the API (not through the node): its job_id, already `uploaded`. */
export async function uploadedJob(emu: Emulator, name = 'ready.gcode', text = gcodeText()): Promise<string> {
	return await emu.client.uploadJob(name, text);
}

/** Requests the node sent (control API excluded by the emulator), optionally for one server. */
export async function sent(emu: Emulator, server?: 'api' | 'storage'): Promise<LoggedRequest[]> {
	const log = await emu.client.requests();
	return server ? log.filter((entry) => entry.server === server) : log;
}

export const summary = (log: LoggedRequest[]) => log.map((entry) => `${entry.server} ${entry.method} ${entry.path} ${entry.status}`);

/** Request path → route template, so counts do not depend on generated ids. */
const ROUTES: Array<[RegExp, string]> = [
	[/^\/cura\/v1\/jobs\/upload$/, '/cura/v1/jobs/upload'],
	[/^\/cura\/v1\/files\/upload$/, '/cura/v1/files/upload'],
	[/^\/cura\/v1\/jobs\/[^/]+$/, '/cura/v1/jobs/:job'],
	[/^\/cura\/v1\/files\/[^/]+$/, '/cura/v1/files/:file'],
	[/^\/connect\/v1\/clusters$/, '/connect/v1/clusters'],
	[/^\/connect\/v1\/clusters\/[^/]+\/status$/, '/connect/v1/clusters/:cluster/status'],
	[/^\/connect\/v1\/clusters\/[^/]+\/print\/[^/]+$/, '/connect/v1/clusters/:cluster/print/:job'],
	[/^\/connect\/v1\/clusters\/[^/]+\/print_jobs\/[^/]+\/action\/[^/]+$/, '/connect/v1/clusters/:cluster/print_jobs/:uuid/action/:action'],
	[/^\/connect\/v1\/clusters\/[^/]+$/, '/connect/v1/clusters/:cluster'],
	[/^\/upload\/(storage\/v1\/b\/[^/]+\/o|[^/]+)$/, '/upload/:slot'],
	[/^\/token$/, '/token'],
	[/^\/report\/v1\/reports$/, '/report/v1/reports'],
	[/^\/report\/v1\/reports\/[^/]+$/, '/report/v1/reports/:report'],
	[/^\/history\/[^/]+\/[^/]+$/, '/history/:file'],
	[/^\/connect\/v1\/print_jobs$/, '/connect/v1/print_jobs'],
	[/^\/cura\/v1\/projects\/[^/]+\/comments$/, '/cura/v1/projects/:project/comments'],
	[/^\/connect\/v1\/clusters\/[^/]+\/printers\/[^/]+\/action\/get_webcam_snapshot$/, '/connect/v1/clusters/:cluster/printers/:printer/action/get_webcam_snapshot'],
	[/^\/connect\/v1\/clusters\/[^/]+\/action_status\/[^/]+$/, '/connect/v1/clusters/:cluster/action_status/:action'],
];

/** Requests per route (method + template), e.g. `{ 'PUT /upload/:slot': 2 }`. */
export function routeCounts(log: LoggedRequest[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const entry of log) {
		const route = ROUTES.find(([pattern]) => pattern.test(entry.path))?.[1] ?? entry.path;
		const key = `${entry.method} ${route}`;
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}

