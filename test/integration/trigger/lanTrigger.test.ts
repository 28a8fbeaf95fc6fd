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

beforeEach(async () => {
	emulator = await startEmulator({ port: 0, storagePort: 0, seed: 'lan-trigger', speed: 0, startTime: START, farm: ONE_S5 });
	host = emulator.lanUrl.replace('http://', '');
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
