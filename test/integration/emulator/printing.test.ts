import { startEmulator } from '../../../emulator';
import type { Emulator } from '../../../emulator';
import { gcodeHeader, PETG_GUID } from '../../fixtures/gcode';

const gcode = (printTimeSeconds: number, extra: Parameters<typeof gcodeHeader>[0] = {}) =>
	`${gcodeHeader({ printTimeSeconds, ...extra })}G1 X10 Y10 E1\n`;

describe('printing: a job sent to a cluster moves through every state on the virtual clock', () => {
	let emu: Emulator;
	let clusterId: string;

	beforeEach(async () => {
		emu = await startEmulator({ port: 0, seed: 'printing', speed: 0 });
		clusterId = [...emu.state.clusters.keys()][0]!;
	});
	afterEach(() => emu.close());

	async function send(jobId: string, cluster = clusterId) {
		return emu.client.api('POST', `/connect/v1/clusters/${cluster}/print/${jobId}`, undefined);
	}
	const jobIn = (status: any, uuid: string) => status.print_jobs.find((j: any) => j.uuid === uuid);

	test('queued → pre_print → printing → post_print → wait_cleanup → finished, printer back to idle', async () => {
		const jobId = await emu.client.uploadJob('Bracket', gcode(600));
		const sent = await send(jobId);
		expect(sent.status).toBe(200);
		// Ultimaker's recorded print answer: cluster_job_id (the print job's uuid), job_id and status only.
		expect(Object.keys(sent.json.data).sort()).toEqual(['cluster_job_id', 'job_id', 'status']);
		const { cluster_job_id: uuid, status, job_id } = sent.json.data;
		expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(job_id).toBe(jobId);
		expect(status).toBe('queued');

		// The printer was idle, so the job claims it at once.
		let s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid)).toEqual(expect.objectContaining({ status: 'pre_print', cloud_job_id: jobId, name: 'Bracket', time_total: 600, time_elapsed: 0 }));
		expect(s.printers[0].status).toBe('pre_print');

		await emu.client.advanceClock(30);
		s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid)).toEqual(expect.objectContaining({ status: 'printing', started: true, time_elapsed: 0 }));
		expect(s.printers[0].status).toBe('printing');

		await emu.client.advanceClock(200);
		s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid).time_elapsed).toBe(200);

		await emu.client.advanceClock(400);
		s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid)).toEqual(expect.objectContaining({ status: 'post_print', time_elapsed: 600 }));

		await emu.client.advanceClock(10);
		s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid).status).toBe('wait_cleanup');
		expect(s.printers[0].status).toBe('wait_cleanup');

		const printerUuid = s.printers[0].uuid;
		const cleared = await emu.client.controlReply('POST', `/printers/${printerUuid}/clear-build-plate`);
		expect(cleared.status).toBe(200);
		s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid)).toEqual(expect.objectContaining({ status: 'finished', time_elapsed: 600, time_total: 600 }));
		expect(s.printers[0].status).toBe('idle');
	});

	test('one long clock step covers several transitions, and wait_cleanup clears itself after cleanupSeconds', async () => {
		const jobId = await emu.client.uploadJob('Part', gcode(100));
		const uuid = (await send(jobId)).json.data.cluster_job_id;
		await emu.client.advanceClock(30 + 100 + 10 + 120);
		const s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid).status).toBe('finished');
		expect(s.printers[0].status).toBe('idle');
	});

	test('G-code without a print-time header prints for the default 3600 s', async () => {
		const jobId = await emu.client.uploadJob('Part', ';FLAVOR:Griffin\nG28\n');
		const uuid = (await send(jobId)).json.data.cluster_job_id;
		expect(jobIn(await emu.client.clusterStatus(clusterId), uuid).time_total).toBe(3600);
	});

	test('the queue: second job waits, starts after the first is cleared; history keeps at most 10 jobs', async () => {
		const jobId = await emu.client.uploadJob('Part', gcode(60));
		const uuids: string[] = [];
		for (let i = 0; i < 12; i++) uuids.push((await send(jobId)).json.data.cluster_job_id);
		let s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuids[0]!).status).toBe('pre_print');
		expect(jobIn(s, uuids[1]!).status).toBe('queued');
		// Each job takes 30 + 60 + 10 + 120 s.
		await emu.client.advanceClock(220 * 12 + 1);
		s = await emu.client.clusterStatus(clusterId);
		const finished = s.print_jobs.filter((j: any) => j.status === 'finished');
		expect(finished).toHaveLength(10);
		expect(finished[0].uuid).toBe(uuids[11]); // newest first
		expect(s.print_jobs.find((j: any) => j.uuid === uuids[0])).toBeUndefined();
	});

	test('a material the printer lacks keeps the job queued with configuration_changes_required until force', async () => {
		const jobId = await emu.client.uploadJob('Part', gcode(60, { materialGuids: [PETG_GUID] }));
		const uuid = (await send(jobId)).json.data.cluster_job_id;
		await emu.client.advanceClock(100);
		let s = await emu.client.clusterStatus(clusterId);
		const job = jobIn(s, uuid);
		expect(job.status).toBe('queued');
		expect(job.configuration_changes_required).toEqual([
			expect.objectContaining({ type_of_change: 'material', index: 0, target_id: PETG_GUID, origin_id: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9' }),
		]);
		expect(s.printers[0].status).toBe('idle');
		const forced = await emu.client.api('POST', `/connect/v1/clusters/${clusterId}/print_jobs/${uuid}/action/force`);
		expect(forced.status).toBe(204);
		s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid)).toEqual(expect.objectContaining({ status: 'pre_print', force: true, configuration_changes_required: [] }));
	});

	test('loading the required material through the control API lets the job start', async () => {
		const jobId = await emu.client.uploadJob('Part', gcode(60, { materialGuids: [PETG_GUID] }));
		const uuid = (await send(jobId)).json.data.cluster_job_id;
		const printer = (await emu.client.clusterStatus(clusterId)).printers[0];
		const patched = await emu.client.controlReply('POST', `/printers/${printer.uuid}`, { configuration: [{ extruder_index: 0, material: { guid: PETG_GUID } }] });
		expect(patched.status).toBe(200);
		const s = await emu.client.clusterStatus(clusterId);
		expect(s.printers[0].configuration[0].material).toEqual(expect.objectContaining({ guid: PETG_GUID, material: 'PETG' }));
		expect(jobIn(s, uuid).status).toBe('pre_print');
	});

	test('a cluster that requires approval answers wait_approval; approving queues the job', async () => {
		await emu.client.controlReply('POST', '/reset', { farm: [{ requires_approval: true, printers: [{ type: 'ultimaker_s5' }] }] });
		const id = [...emu.state.clusters.keys()][0]!;
		const jobId = await emu.client.uploadJob('Part', gcode(60));
		const sent = await send(jobId, id);
		expect(sent.status).toBe(200);
		expect(sent.json.data.status).toBe('wait_approval');
		expect((await emu.client.clusterStatus(id)).print_jobs).toEqual([]);
		await emu.client.controlReply('POST', `/clusters/${id}/approve`, {});
		expect(jobIn(await emu.client.clusterStatus(id), sent.json.data.cluster_job_id).status).toBe('pre_print');
	});

	test('409 queueFull when the queue limit is reached; 409 printerInactive when offline or inactive', async () => {
		await emu.client.controlReply('POST', '/reset', { farm: [{ queue_limit: 2, printers: [{ type: 'ultimaker_s5' }] }, { status: 'inactive', printers: [{ type: 'ultimaker_s7' }] }] });
		const [id, inactiveId] = [...emu.state.clusters.keys()] as [string, string];
		const jobId = await emu.client.uploadJob('Part', gcode(60));
		expect((await send(jobId, id)).json.data.status).toBe('queued'); // printing, not counted
		expect((await send(jobId, id)).status).toBe(200);
		expect((await send(jobId, id)).status).toBe(200);
		const full = await send(jobId, id);
		expect(full.status).toBe(409);
		expect(full.json.errors[0]).toEqual(expect.objectContaining({ code: 'queueFull', http_status: '409' }));

		const inactive = await send(jobId, inactiveId);
		expect(inactive.status).toBe(409);
		expect(inactive.json.errors[0].code).toBe('printerInactive');

		await emu.client.controlReply('POST', `/clusters/${id}/connectivity`, { is_online: false });
		const offline = await send(jobId, id);
		expect(offline.status).toBe(409);
		expect(offline.json.errors[0].code).toBe('printerInactive');
	});

	test('offline: listed is_online false, printers unreachable, jobs frozen; back online they continue', async () => {
		const jobId = await emu.client.uploadJob('Part', gcode(600));
		const uuid = (await send(jobId)).json.data.cluster_job_id;
		await emu.client.advanceClock(130); // 30 pre_print + 100 printing
		await emu.client.controlReply('POST', `/clusters/${clusterId}/connectivity`, { is_online: false });
		await emu.client.advanceClock(1000);
		const listed = await emu.client.api('GET', '/connect/v1/clusters');
		expect(listed.json.data.find((c: any) => c.cluster_id === clusterId).is_online).toBe(false);
		let s = await emu.client.clusterStatus(clusterId);
		expect(s.printers[0].status).toBe('unreachable');
		expect(jobIn(s, uuid)).toEqual(expect.objectContaining({ status: 'printing', time_elapsed: 100 }));
		await emu.client.controlReply('POST', `/clusters/${clusterId}/connectivity`, { is_online: true });
		await emu.client.advanceClock(50);
		s = await emu.client.clusterStatus(clusterId);
		expect(s.printers[0].status).toBe('printing');
		expect(jobIn(s, uuid).time_elapsed).toBe(150);
	});

	test('printing an unknown job is 404, a job still uploading is 409', async () => {
		const missing = await send('bm9TdWNoSm9i-_x=');
		expect(missing.status).toBe(404);
		expect(missing.json.errors[0]).toEqual(expect.objectContaining({ code: 'notFound', http_status: '404' }));
		const reg = await emu.client.api('PUT', '/cura/v1/jobs/upload', { data: { job_name: 'x', file_size: 10, content_type: 'text/plain' } });
		const pending = await send(reg.json.data.job_id);
		expect(pending.status).toBe(409);
		expect(pending.json.errors[0].code).toBe('jobNotUploaded');
	});

	test('control API forces a job into wait_user_action and failed', async () => {
		const jobId = await emu.client.uploadJob('Part', gcode(600));
		const uuid = (await send(jobId)).json.data.cluster_job_id;
		await emu.client.advanceClock(40);
		expect((await emu.client.controlReply('POST', `/print_jobs/${uuid}`, { status: 'wait_user_action' })).status).toBe(200);
		await emu.client.advanceClock(1000);
		expect(jobIn(await emu.client.clusterStatus(clusterId), uuid).status).toBe('wait_user_action');
		expect((await emu.client.controlReply('POST', `/print_jobs/${uuid}`, { status: 'failed' })).status).toBe(200);
		const s = await emu.client.clusterStatus(clusterId);
		expect(jobIn(s, uuid).status).toBe('failed');
		expect(s.printers[0].status).toBe('idle');
	});

	test('maintenance and disabled printers take no new jobs', async () => {
		const printer = (await emu.client.clusterStatus(clusterId)).printers[0];
		await emu.client.controlReply('POST', `/printers/${printer.uuid}`, { status: 'maintenance', maintenance_required: true });
		const jobId = await emu.client.uploadJob('Part', gcode(60));
		const uuid = (await send(jobId)).json.data.cluster_job_id;
		let s = await emu.client.clusterStatus(clusterId);
		expect(s.printers[0]).toEqual(expect.objectContaining({ status: 'maintenance', maintenance_required: true }));
		expect(jobIn(s, uuid).status).toBe('queued');
		await emu.client.controlReply('POST', `/printers/${printer.uuid}`, { status: 'idle', enabled: false });
		s = await emu.client.clusterStatus(clusterId);
		expect(s.printers[0].enabled).toBe(false);
		expect(jobIn(s, uuid).status).toBe('queued');
		await emu.client.controlReply('POST', `/printers/${printer.uuid}`, { enabled: true });
		expect(jobIn(await emu.client.clusterStatus(clusterId), uuid).status).toBe('pre_print');
	});

	test('control API: add a printer to a cluster (it takes the waiting job), remove it (its job is re-queued)', async () => {
		const jobId = await emu.client.uploadJob('Part', gcode(600));
		const first = (await send(jobId)).json.data.cluster_job_id;
		const second = (await send(jobId)).json.data.cluster_job_id;
		const added = await emu.client.controlReply('POST', `/clusters/${clusterId}/printers`, { printers: [{ type: 'ultimaker_s5', friendly_name: 'Second S5' }] });
		expect(added.status).toBe(201);
		let s = await emu.client.clusterStatus(clusterId);
		expect(s.printers.map((p: any) => p.friendly_name)).toContain('Second S5');
		expect(jobIn(s, second).status).toBe('pre_print');
		const listed = (await emu.client.api('GET', `/connect/v1/clusters/${clusterId}`)).json.data;
		expect(listed.printer_count).toBe(2);
		const newPrinter = s.printers.find((p: any) => p.friendly_name === 'Second S5');
		expect((await emu.client.controlReply('DELETE', `/printers/${newPrinter.uuid}`)).status).toBe(200);
		s = await emu.client.clusterStatus(clusterId);
		expect(s.printers).toHaveLength(1);
		expect(jobIn(s, second).status).toBe('queued');
		expect(jobIn(s, first).status).toBe('pre_print');
		expect((await emu.client.controlReply('DELETE', `/printers/${s.printers[0].uuid}`)).status).toBe(409);
	});

	test('request log filters by server and path prefix', async () => {
		await emu.client.uploadJob('Part', gcode(60));
		const storage = await emu.client.controlReply('GET', '/requests?server=storage');
		expect(storage.json.data.map((r: any) => r.method)).toEqual(['PUT']);
		const jobs = await emu.client.controlReply('GET', '/requests?path=/cura/v1/jobs');
		expect(jobs.json.data.every((r: any) => r.path.startsWith('/cura/v1/jobs'))).toBe(true);
		expect(jobs.json.data.length).toBeGreaterThan(0);
	});
});
