/**
 * The trigger follows printers, not ids (DESIGN §13): poll() in n8n-core's real PollContext against the emulator,
 * across a reconnect (new cluster_id, same host_guid) and a factory reset (new printer uuid), watching all clusters
 * or selected ones (by cluster_id or by host_guid).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { startEmulator, type Emulator, type EmulatorClient } from '../../../emulator';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import type { TriggerEvent } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { createPollContext } from '../../helpers/n8nContext';
import { uploadAndPrint } from './farm';

const START = Date.UTC(2026, 10, 25, 9, 0, 0);
const FARM = [
	{ friendly_name: 'Lab S5', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Alpha' }] },
	{ friendly_name: 'Lab S3', printers: [{ type: 'ultimaker_s3', friendly_name: 'S3 Beta' }] },
];

let emulator: Emulator;
let farm: EmulatorClient;
let lab: { cluster_id: string; host_guid: string; printer: string };

beforeEach(async () => {
	emulator = await startEmulator({ port: 0, storagePort: 0, seed: 'identity-trigger', speed: 0, startTime: START, farm: FARM });
	farm = emulator.client;
	const cluster = (await farm.clustersByName())['Lab S5'];
	lab = { cluster_id: cluster.cluster_id, host_guid: cluster.host_guid as string, printer: (cluster.host_printer as { uuid: string }).uuid };
});
afterEach(async () => {
	await emulator?.close();
});

function trigger(parameters: INodeParameters = {}) {
	const node = new UltimakerDigitalFactoryTrigger();
	const staticData: IDataObject = {};
	const run = async (): Promise<TriggerEvent[]> => {
		const { context } = createPollContext({
			nodeType: node,
			parameters: { authentication: 'apiToken', clusterScope: 'all', events: [], options: {}, ...parameters },
			credentials: { ultimakerDigitalFactoryApi: { apiToken: emulator.apiToken, baseUrl: emulator.url } },
			staticData,
			mode: 'trigger',
		});
		const output = await node.poll.call(context);
		return output === null ? [] : output[0].map((item) => item.json as unknown as TriggerEvent);
	};
	return { run, staticData };
}

const names = (events: TriggerEvent[]) => events.map((event) => event.event);

describe.each([
	['all clusters', () => ({})],
	['selected by cluster_id', () => ({ clusterScope: 'selected', clusterIds: [lab.cluster_id] })],
	['selected by host_guid', () => ({ clusterScope: 'selected', clusterIds: [lab.host_guid] })],
])('trigger watching %s', (_, parameters) => {
	it('emits nothing for a reconnect, and the real transitions around it once, under the new id', async () => {
		const t = trigger(parameters());
		expect(await t.run()).toEqual([]); // baseline
		const job = await uploadAndPrint(farm, lab.cluster_id, 'bracket.gcode', 600);
		expect(names(await t.run())).toEqual(['job.queued', 'job.started', 'printer.statusChanged']);
		await farm.advanceClock(60);
		expect(names(await t.run())).toEqual(['printer.statusChanged']); // pre_print → printing

		const { cluster_id: newId } = await farm.reconnectCluster(lab.cluster_id);
		expect(await t.run()).toEqual([]);
		expect(await t.run()).toEqual([]);

		// The print finishes after the reconnect: job.finished once, naming the new id and the host.
		await farm.advanceClock(600);
		const finished = await t.run();
		expect(names(finished)).toEqual(['job.finished', 'printer.statusChanged']);
		expect(finished[0]).toMatchObject({ job: { uuid: job }, cluster: { cluster_id: newId, host_guid: lab.host_guid, friendly_name: 'Lab S5' } });
		expect(await t.run()).toEqual([]);
		expect(Object.keys((t.staticData.state as { c: object }).c)).toContain(newId);
		expect(Object.keys((t.staticData.state as { c: object }).c)).not.toContain(lab.cluster_id);
	});

	it('reports a factory reset once, as printer.statusChanged with previous.uuid', async () => {
		const t = trigger(parameters());
		expect(await t.run()).toEqual([]);
		const reset = await farm.factoryResetPrinter(lab.printer);
		const events = await t.run();
		expect(names(events)).toEqual(['printer.statusChanged']);
		expect(events[0]).toMatchObject({
			cluster: { cluster_id: reset.cluster_id, host_guid: lab.host_guid },
			printer: { uuid: reset.uuid, friendly_name: 'S5 Alpha', status: 'idle' },
			previous: { status: 'idle', uuid: lab.printer },
		});
		expect(await t.run()).toEqual([]);
	});
});
