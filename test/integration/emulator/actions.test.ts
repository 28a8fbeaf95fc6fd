import { startEmulator } from '../../../emulator';
import type { Emulator } from '../../../emulator';
import { gcodeHeader } from '../../fixtures/gcode';

describe('print job actions change the queue like the real service', () => {
	let emu: Emulator;
	let clusterId: string;
	let jobId: string;

	beforeEach(async () => {
		emu = await startEmulator({ port: 0, seed: 'actions', speed: 0 });
		clusterId = [...emu.state.clusters.keys()][0]!;
		jobId = await emu.client.uploadJob('Part', `${gcodeHeader({ printTimeSeconds: 1000 })}G1 X1\n`);
	});
	afterEach(() => emu.close());

	const send = async () => (await emu.client.api('POST', `/connect/v1/clusters/${clusterId}/print/${jobId}`)).json.data.cluster_job_id as string;
	const act = (uuid: string, action: string, body?: unknown) =>
		emu.client.api('POST', `/connect/v1/clusters/${clusterId}/print_jobs/${uuid}/action/${action}`, body);
	const statusOf = async (uuid: string) => (await emu.client.clusterStatus(clusterId)).print_jobs.find((j: any) => j.uuid === uuid);
	const queueOrder = async () =>
		(await emu.client.clusterStatus(clusterId)).print_jobs.filter((j: any) => j.status === 'queued').map((j: any) => j.uuid);

	test('pause → pausing → paused (elapsed frozen) → resume → resuming → printing', async () => {
		const uuid = await send();
		await emu.client.advanceClock(30 + 100);
		expect((await act(uuid, 'pause')).status).toBe(204);
		expect((await statusOf(uuid)).status).toBe('pausing');
		await emu.client.advanceClock(5);
		expect(await statusOf(uuid)).toEqual(expect.objectContaining({ status: 'paused', time_elapsed: 100 }));
		await emu.client.advanceClock(500);
		expect((await statusOf(uuid)).time_elapsed).toBe(100);
		expect((await emu.client.clusterStatus(clusterId)).printers[0].status).toBe('printing');
		expect((await act(uuid, 'resume')).status).toBe(204);
		expect((await statusOf(uuid)).status).toBe('resuming');
		await emu.client.advanceClock(5 + 50);
		expect(await statusOf(uuid)).toEqual(expect.objectContaining({ status: 'printing', time_elapsed: 150 }));
	});

	test('abort → aborting → wait_cleanup with elapsed < total → aborted after cleanup', async () => {
		const uuid = await send();
		await emu.client.advanceClock(30 + 200);
		expect((await act(uuid, 'abort')).status).toBe(204);
		expect((await statusOf(uuid)).status).toBe('aborting');
		await emu.client.advanceClock(5);
		const waiting = await statusOf(uuid);
		expect(waiting.status).toBe('wait_cleanup');
		expect(waiting.time_elapsed).toBeLessThan(waiting.time_total);
		await emu.client.advanceClock(120);
		expect((await statusOf(uuid)).status).toBe('aborted');
		expect((await emu.client.clusterStatus(clusterId)).printers[0].status).toBe('idle');
	});

	test('move puts a queued job at the requested position', async () => {
		const active = await send();
		const [a, b, c] = [await send(), await send(), await send()];
		expect(await queueOrder()).toEqual([a, b, c]);
		expect((await act(c!, 'move', { data: { list: 'queued', to_position: 0 } })).status).toBe(204);
		expect(await queueOrder()).toEqual([c, a, b]);
		expect((await act(c!, 'move', { data: { list: 'queued', to_position: 1 } })).status).toBe(204);
		expect(await queueOrder()).toEqual([a, c, b]);
		expect((await act(a!, 'move', { data: { list: 'queued', to_position: 99 } })).status).toBe(204);
		expect(await queueOrder()).toEqual([c, b, a]);
		// After the active job ends, the top of the queue prints next.
		await control(active);
		expect((await statusOf(c!)).status).toBe('pre_print');
	});

	async function control(active: string) {
		expect((await act(active, 'abort')).status).toBe(204);
		await emu.client.advanceClock(5 + 120);
	}

	test('move validates its body (422) and refuses a started job (409)', async () => {
		const active = await send();
		const queued = await send();
		const noBody = await act(queued, 'move');
		expect(noBody.status).toBe(422);
		expect(noBody.json.errors[0].code).toBe('validationError');
		const badList = await act(queued, 'move', { data: { list: 'printing', to_position: 0 } });
		expect(badList.status).toBe(422);
		expect(badList.json.errors[0].detail).toContain('list');
		const badPos = await act(queued, 'move', { data: { list: 'queued', to_position: -1 } });
		expect(badPos.status).toBe(422);
		expect(badPos.json.errors[0].detail).toContain('to_position');
		const started = await act(active, 'move', { data: { list: 'queued', to_position: 0 } });
		expect(started.status).toBe(409);
	});

	test('remove deletes a queued job; removing a printing job is 409', async () => {
		const active = await send();
		const queued = await send();
		expect((await act(queued, 'remove')).status).toBe(204);
		expect(await statusOf(queued)).toBeUndefined();
		const refused = await act(active, 'remove');
		expect(refused.status).toBe(409);
		expect(refused.json.errors[0]).toEqual(expect.objectContaining({ http_status: '409', code: 'invalidPrintJobState' }));
		expect((await act(queued, 'remove')).status).toBe(404);
	});

	test('state conflicts are 409: pause a queued job, resume a printing one, abort a queued one, force a printing one', async () => {
		const active = await send();
		const queued = await send();
		expect((await act(queued, 'pause')).status).toBe(409);
		await emu.client.advanceClock(31);
		expect((await act(active, 'resume')).status).toBe(409);
		expect((await act(queued, 'abort')).status).toBe(409);
		expect((await act(active, 'force')).status).toBe(409);
		expect((await statusOf(active)).status).toBe('printing');
	});

	test('actions on finished jobs are 409; unknown uuid 404; unknown action 422; unknown cluster 404', async () => {
		const uuid = await send();
		await emu.client.advanceClock(30 + 1000 + 10 + 120);
		expect((await statusOf(uuid)).status).toBe('finished');
		expect((await act(uuid, 'abort')).status).toBe(409);
		expect((await act('00000000-0000-4000-8000-000000000000', 'pause')).status).toBe(404);
		const unknown = await act(uuid, 'explode');
		expect(unknown.status).toBe(422);
		expect(unknown.json.errors[0].detail).toContain('action');
		const noCluster = await emu.client.api('POST', `/connect/v1/clusters/nope=/print_jobs/${uuid}/action/pause`);
		expect(noCluster.status).toBe(404);
	});
});
