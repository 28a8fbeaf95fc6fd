/**
 * Progress milestones and the order reference through the trigger's real poll() (n8n-core's PollContext) against
 * the emulator, with n8n's saving rule played out: static data is saved only after a poll that returns items, and a
 * restart continues from what was saved.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../../emulator';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import type { TriggerEvent } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { createPollContext } from '../../helpers/n8nContext';
import { uploadAndPrint } from './farm';

const START = Date.UTC(2026, 10, 25, 9, 0, 0);
const FARM = [{ friendly_name: 'Lab S5', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Alpha' }] }];

let emulator: Emulator;

beforeEach(async () => {
	emulator = await startEmulator({ port: 0, storagePort: 0, seed: 'milestones-it', speed: 0, startTime: START, farm: FARM });
});
afterEach(async () => {
	await emulator.close();
});

/** An n8n instance running the trigger: in-memory static data, and what n8n last saved of it. */
function instance(parameters: INodeParameters, saved: { data: IDataObject }) {
	const node = new UltimakerDigitalFactoryTrigger();
	const staticData = JSON.parse(JSON.stringify(saved.data)) as IDataObject;
	return async (): Promise<TriggerEvent[] | null> => {
		const { context } = createPollContext({
			nodeType: node,
			parameters: { authentication: 'apiToken', clusterScope: 'all', events: [], options: {}, ...parameters },
			credentials: { ultimakerDigitalFactoryApi: { apiToken: emulator.apiToken, baseUrl: emulator.url } },
			staticData,
		});
		const output = await node.poll.call(context);
		if (output === null) return null;
		saved.data = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		return output[0].map((item) => item.json as unknown as TriggerEvent);
	};
}

const summary = (events: TriggerEvent[] | null) => events?.map((event) => (event.event === 'job.progress' ? `job.progress:${event.milestone}` : event.event)) ?? null;

describe('progress milestones through poll()', () => {
	it('announces 25/50/75 once each with the reference, across a restart after quiet polls, then the finish', async () => {
		const farm = emulator.client;
		const [cluster] = await farm.clusters();
		const parameters = { options: { progressMilestones: '25, 50,75' } };
		const saved = { data: {} as IDataObject };
		let poll = instance(parameters, saved);
		expect(await poll()).toBeNull(); // baseline
		const uuid = await uploadAndPrint(farm, cluster.cluster_id, '[ref=SO-7] order.gcode', 1000);
		expect(summary(await poll())).toEqual(['job.queued', 'job.started', 'printer.statusChanged']);

		await farm.advanceClock(30 + 260); // pre_print, then 26 % printed
		const first = await poll();
		// Job events come before printer changes within a cluster (pre_print → printing).
		expect(summary(first)).toEqual(['job.progress:25', 'printer.statusChanged']);
		const milestone = first!.find((event) => event.event === 'job.progress')!;
		expect(milestone).toMatchObject({
			milestone: 25,
			cluster: { cluster_id: cluster.cluster_id, friendly_name: 'Lab S5' },
			printer: { friendly_name: 'S5 Alpha' },
			job: { uuid, name: '[ref=SO-7] order.gcode', reference: 'SO-7', status: 'printing', progress: 26, time_elapsed: 260, time_remaining: 740 },
		});
		expect(Date.parse(milestone.job!.estimated_finish_at!)).toBe(START + (30 + 260 + 740) * 1000);

		await farm.advanceClock(100); // 36 %: quiet, not saved
		expect(await poll()).toBeNull();
		await farm.advanceClock(100); // 46 %: quiet, not saved
		expect(await poll()).toBeNull();

		poll = instance(parameters, saved); // n8n restarts from what it saved with the 25 % poll
		await farm.advanceClock(100); // 56 %
		expect(summary(await poll())).toEqual(['job.progress:50']);
		await farm.advanceClock(300); // 86 %
		expect(summary(await poll())).toEqual(['job.progress:75']);
		await farm.advanceClock(200);
		const finished = await poll();
		expect(summary(finished)).toEqual(['job.finished', 'printer.statusChanged']);
		expect(finished![0].job).toMatchObject({ uuid, reference: 'SO-7', progress: 100 });
	});

	it('job.progress fires only with milestones set, also when every event is selected', async () => {
		const farm = emulator.client;
		const [cluster] = await farm.clusters();
		const poll = instance({}, { data: {} });
		await poll();
		await uploadAndPrint(farm, cluster.cluster_id, 'plain.gcode', 1000);
		await poll();
		await farm.advanceClock(30 + 900);
		expect(summary(await poll())).toEqual(['printer.statusChanged']);
	});

	it('refuses invalid milestones at activation, before any request, naming the entry', async () => {
		await emulator.client.clearRequests();
		const poll = instance({ options: { progressMilestones: '25,fifty' } }, { data: {} });
		await expect(poll()).rejects.toThrow('"Progress Milestones" is not valid: "fifty" is not a whole percentage from 1 to 99');
		expect(await emulator.client.requests()).toEqual([]);
	});
});
