/**
 * The trigger with the local network connection: the same events and item shape from the group's own API, the
 * same baseline and missed-poll rules; `cluster.cluster_id` is the host as configured.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { LanClient, startEmulator, type Emulator } from '../../../emulator';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import type { TriggerEvent } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { createPollContext } from '../../helpers/n8nContext';
import { uploadAndPrint } from './farm';

jest.setTimeout(60_000);

const START = Date.UTC(2026, 10, 25, 9, 0, 0);
const ONE_S5 = [{ friendly_name: 'Lab S5', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Alpha' }] }];

let emulator: Emulator;
let host: string;

async function startGroup(startTime: number): Promise<void> {
	emulator = await startEmulator({ port: 0, storagePort: 0, seed: 'lan-trigger', speed: 0, startTime, farm: ONE_S5 });
	host = emulator.lanUrl.replace('http://', '');
}

beforeEach(async () => {
	await startGroup(START);
});
afterEach(async () => {
	await emulator.close();
});

function trigger(parameters: INodeParameters = {}) {
	const node = new UltimakerDigitalFactoryTrigger();
	const staticData: IDataObject = {};
	const run = async (mode: 'trigger' | 'manual' = 'trigger'): Promise<TriggerEvent[] | null> => {
		const { context } = createPollContext({
			nodeType: node,
			// clusterScope "selected" without ids is ignored: with the local network connection the group is the cluster.
			parameters: { authentication: 'localNetwork', clusterScope: 'selected', clusterIds: [], events: [], options: {}, ...parameters },
			credentials: { ultimakerLocalNetworkApi: { host, authId: '', authKey: '' } },
			staticData,
			mode,
		});
		const output = await node.poll.call(context);
		return output === null ? null : output[0].map((item) => item.json as unknown as TriggerEvent);
	};
	return { run, staticData };
}

test('a print from queue to finish: the same events as on the cloud, cluster = the host', async () => {
	const t = trigger();
	expect(await t.run()).toBeNull(); // baseline
	const [cluster] = await emulator.client.clusters();
	const uuid = await uploadAndPrint(emulator.client, cluster.cluster_id, 'bracket.gcode', 600);
	const started = await t.run();
	expect(started?.map((event) => event.event)).toEqual(['job.queued', 'job.started', 'printer.statusChanged']);
	expect(started?.[1]).toMatchObject({
		cluster: { cluster_id: host, friendly_name: 'Lab S5' },
		printer: { friendly_name: 'S5 Alpha', status: 'pre_print' },
		job: { uuid, name: 'bracket.gcode', status: 'pre_print', time_total: 600 },
	});
	await emulator.client.advanceClock(700);
	const finished = await t.run();
	expect(finished?.map((event) => event.event)).toContain('job.finished');
});

test('the printer goes away mid-poll: a missed poll, no events invented, then events resume', async () => {
	const t = trigger();
	expect(await t.run()).toBeNull();
	const lan = new LanClient(emulator.lanUrl);
	expect((await lan.printers()).length).toBe(1);
	// The group host answers the printers, then drops before the print jobs: the poll fails, state is kept.
	await emulator.client.addFault({ method: 'GET', path: '/cluster-api/v1/print_jobs', kind: 'drop', count: 10 });
	const during = await t.run().catch((error: Error) => error);
	if (Array.isArray(during)) expect(during.map((event) => event.event)).not.toContain('job.queued');
	await emulator.client.clearFaults();
	const [cluster] = await emulator.client.clusters();
	await uploadAndPrint(emulator.client, cluster.cluster_id, 'after.gcode', 600);
	const after = await t.run();
	expect(after?.map((event) => event.event)).toContain('job.started');
});

test("the printer's clock a day behind n8n's: prints that fail between two polls are reported, once (issue 19)", async () => {
	// The printers' clock a day back, as the demo starts its emulator (scripts/lib/demoStack.ts); the trigger stamps
	// generated_time with n8n's clock, and the jobs' created_at come from the printer's.
	await emulator.close();
	await startGroup(Date.now() - 86_400_000);
	const t = trigger();
	const jobEvents = (events: TriggerEvent[] | null) => (events ?? []).filter((event) => event.event.startsWith('job.')).map((event) => `${event.event} ${event.job?.name}`);
	expect(await t.run()).toBeNull(); // baseline: an empty queue and history
	const [cluster] = await emulator.client.clusters();
	// Queued, sent to the printer and failed in pre_print before the next poll: nothing was listed at the previous look.
	const first = await uploadAndPrint(emulator.client, cluster.cluster_id, 'first.gcode', 600);
	await emulator.client.setPrintJobStatus(first, 'failed');
	expect(jobEvents(await t.run())).toEqual(['job.queued first.gcode', 'job.failed first.gcode']);
	// Again, now with the first one listed in the history at the previous look.
	const second = await uploadAndPrint(emulator.client, cluster.cluster_id, 'second.gcode', 600);
	await emulator.client.setPrintJobStatus(second, 'failed');
	const secondPoll = await t.run();
	expect(jobEvents(secondPoll)).toEqual(['job.queued second.gcode', 'job.failed second.gcode']);
	expect(secondPoll?.find((event) => event.event === 'job.failed')).toMatchObject({ cluster: { cluster_id: host }, job: { uuid: second, status: 'failed' } });
	expect(jobEvents(await t.run())).toEqual([]);
});
