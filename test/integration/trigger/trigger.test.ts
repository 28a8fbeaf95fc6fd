/**
 * The trigger's poll() in n8n-core's real PollContext (test/helpers/n8nContext.ts) against the emulator over
 * real sockets, while the emulator runs jobs: exact event sequences, requests per poll, error behaviour.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';
import { startEmulator, type Emulator, type EmulatorClient } from '../../../emulator';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import type { TriggerEvent } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { createPollContext } from '../../helpers/n8nContext';
import { uploadAndPrint } from './farm';

const START = Date.UTC(2026, 10, 25, 9, 0, 0);
const ONE_S5 = [{ friendly_name: 'Lab S5', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Alpha' }] }];

let emulator: Emulator;
let farm: EmulatorClient;
let clusterId: string;
let printerUuid: string;

async function start(farmSpec?: typeof ONE_S5) {
	emulator = await startEmulator({ port: 0, storagePort: 0, seed: 'trigger-it', speed: 0, startTime: START, farm: farmSpec });
	farm = emulator.client;
	const [cluster] = await farm.clusters();
	clusterId = cluster.cluster_id;
	printerUuid = cluster.host_printer!.uuid;
}

afterEach(async () => {
	await emulator?.close();
});

/** A trigger node with its own static data, polled like n8n does. */
function trigger(parameters: INodeParameters = {}, token?: string) {
	const node = new UltimakerDigitalFactoryTrigger();
	const staticData: IDataObject = {};
	const run = async (mode: 'trigger' | 'manual' = 'trigger'): Promise<TriggerEvent[] | null> => {
		const { context } = createPollContext({
			nodeType: node,
			parameters: { authentication: 'apiToken', clusterScope: 'all', events: [], options: {}, ...parameters },
			credentials: { ultimakerDigitalFactoryApi: { apiToken: token ?? emulator.apiToken, baseUrl: emulator.url } },
			staticData,
			mode,
		});
		const output = await node.poll.call(context);
		return output === null ? null : output[0].map((item) => item.json as unknown as TriggerEvent);
	};
	const names = async () => (await run())?.map((event) => event.event) ?? null;
	return { run, names, staticData };
}

describe('trigger poll() against the emulator', () => {
	it('runs a print to completion: exact events, then nothing', async () => {
		await start(ONE_S5);
		const t = trigger();
		expect(await t.run()).toBeNull(); // baseline
		const uuid = await uploadAndPrint(farm, clusterId, 'bracket.gcode', 600);
		const started = await t.run();
		expect(started?.map((event) => event.event)).toEqual(['job.queued', 'job.started', 'printer.statusChanged']);
		expect(started?.[1]).toMatchObject({
			cluster: { cluster_id: clusterId, friendly_name: 'Lab S5' },
			printer: { uuid: printerUuid, friendly_name: 'S5 Alpha', status: 'pre_print', machine_variant: 'Ultimaker S5' },
			job: { uuid, name: 'bracket.gcode', status: 'pre_print', time_total: 600, progress: 0, owner: 'emulator-user' },
			previous: null,
		});
		await farm.advanceClock(40);
		expect(await t.names()).toEqual(['printer.statusChanged']);
		await farm.advanceClock(300);
		expect(await t.names()).toBeNull();
		await farm.advanceClock(300);
		const finished = await t.run();
		expect(finished?.map((event) => event.event)).toEqual(['job.finished', 'printer.statusChanged']);
		expect(finished?.[0].job).toMatchObject({ uuid, status: 'wait_cleanup', progress: 100, time_elapsed: 600, time_remaining: 0 });
		expect(finished?.[0].previous).toEqual({ status: 'printing' });
		await farm.clearBuildPlate(printerUuid);
		expect(await t.names()).toEqual(['printer.statusChanged']);
		expect(await t.names()).toBeNull();
	});

	it('reports an abort as job.aborted (elapsed < total), once', async () => {
		await start(ONE_S5);
		const t = trigger({ events: ['job.started', 'job.finished', 'job.aborted'] });
		await t.run();
		const uuid = await uploadAndPrint(farm, clusterId, 'cover.gcode', 600);
		await farm.advanceClock(130);
		expect(await t.names()).toEqual(['job.started']);
		await farm.printJobAction(clusterId, uuid, 'abort');
		await farm.advanceClock(10);
		const aborted = await t.run();
		expect(aborted?.map((event) => event.event)).toEqual(['job.aborted']);
		expect(aborted?.[0].job?.time_elapsed).toBe(100);
		await farm.advanceClock(200); // cleaned up automatically: aborted lands in history
		expect(await t.names()).toBeNull();
	});

	it('reports pause and resume', async () => {
		await start(ONE_S5);
		const t = trigger({ events: ['job.paused', 'job.resumed', 'job.finished'] });
		await t.run();
		const uuid = await uploadAndPrint(farm, clusterId, 'long.gcode', 3600);
		await farm.advanceClock(100);
		expect(await t.names()).toBeNull();
		await farm.printJobAction(clusterId, uuid, 'pause');
		expect(await t.names()).toEqual(['job.paused']); // pausing counts as paused
		await farm.advanceClock(10);
		expect(await t.names()).toBeNull(); // pausing → paused is the same pause
		await farm.printJobAction(clusterId, uuid, 'resume');
		await farm.advanceClock(10);
		const resumed = await t.run();
		expect(resumed?.map((event) => event.event)).toEqual(['job.resumed']);
		expect(resumed?.[0].previous).toEqual({ status: 'paused' });
		await farm.advanceClock(3600);
		expect(await t.names()).toEqual(['job.finished']);
	});

	it('takes a printer offline after 3 missed polls and back online, with nothing in between', async () => {
		await start(ONE_S5);
		const t = trigger();
		await t.run();
		await farm.setConnectivity(clusterId, false);
		expect(await t.names()).toBeNull();
		expect(await t.names()).toBeNull();
		const offline = await t.run();
		expect(offline?.map((event) => event.event)).toEqual(['printer.offline']);
		expect(offline?.[0].printer).toMatchObject({ uuid: printerUuid, status: 'unreachable' });
		expect(await t.names()).toBeNull();
		await farm.setConnectivity(clusterId, true);
		expect(await t.names()).toEqual(['printer.online']);
		expect(await t.names()).toBeNull();
	});

	it('counts API outages (503, 429, dropped connection) as missed polls, emits nothing and loses nothing', async () => {
		await start(ONE_S5);
		const t = trigger({ options: { offlineAfterMissedPolls: 4 } });
		await t.run();
		const uuid = await uploadAndPrint(farm, clusterId, 'during-outage.gcode', 600);
		await farm.addFault({ path: '/connect/v1/clusters/*/status', kind: 'status', status: 503 });
		expect(await t.run()).toBeNull();
		// Longer than the transport waits within a request (60 s): the poll gives up and counts a miss.
		await farm.addFault({ path: '/connect/v1/clusters', kind: 'rateLimit', retryAfter: 120 });
		expect(await t.run()).toBeNull();
		await farm.addFault({ path: '/connect/v1/clusters/*/status', kind: 'drop' });
		expect(await t.run()).toBeNull();
		await farm.advanceClock(700);
		// Back: the job queued, started and finished during the outage — all reported, in order.
		const events = await t.run();
		expect(events?.map((event) => event.event)).toEqual(['job.queued', 'job.started', 'job.finished', 'printer.statusChanged']);
		expect(events?.every((event) => event.job?.uuid === uuid)).toBe(true);
		expect(events?.[3].previous).toEqual({ status: 'idle' });
		expect(events?.[3].printer?.status).toBe('wait_cleanup');
	});

	it('reports a material change on the right extruder', async () => {
		await start(ONE_S5);
		const t = trigger();
		await t.run();
		await farm.updatePrinter(printerUuid, { configuration: [{ extruder_index: 1, material: 'PETG' }] });
		const events = await t.run();
		expect(events?.map((event) => event.event)).toEqual(['printer.materialChanged']);
		expect(events?.[0].previous).toMatchObject({ extruder_index: 1, material: { material: 'PVA' } });
		expect(events?.[0].extruder).toMatchObject({ extruder_index: 1, print_core_id: 'BB 0.4', material: { material: 'PETG' } });
	});

	it('sends one GET /clusters plus one GET …/status per watched cluster', async () => {
		await start(); // default farm: 4 clusters
		const clusters = await farm.clusters();
		expect(clusters).toHaveLength(4);
		const all = trigger();
		await farm.clearRequests();
		await all.run();
		await all.run();
		const requests = (await farm.requests()).map((request) => `${request.method} ${request.path}`);
		expect(requests.filter((request) => request === 'GET /connect/v1/clusters')).toHaveLength(2);
		expect(requests).toHaveLength(2 * (1 + 4));
		const selected = trigger({ clusterScope: 'selected', clusterIds: [clusters[1].cluster_id, clusters[3].cluster_id] });
		await farm.clearRequests();
		await selected.run();
		expect((await farm.requests()).map((request) => `${request.method} ${request.path}`).sort()).toEqual(
			[
				'GET /connect/v1/clusters',
				`GET /connect/v1/clusters/${encodeURIComponent(clusters[1].cluster_id)}/status`,
				`GET /connect/v1/clusters/${encodeURIComponent(clusters[3].cluster_id)}/status`,
			].sort(),
		);
	});

	it('watches only the selected clusters (ids as a list or as one comma-separated string)', async () => {
		await start();
		const clusters = await farm.clusters();
		const t = trigger({ clusterScope: 'selected', clusterIds: `${clusters[0].cluster_id}, ${clusters[2].cluster_id}` });
		await t.run();
		for (const cluster of clusters) await uploadAndPrint(farm, cluster.cluster_id, `${cluster.friendly_name}.gcode`, 600);
		const events = (await t.run()) ?? [];
		expect([...new Set(events.map((event) => event.cluster.cluster_id))]).toEqual([clusters[0].cluster_id, clusters[2].cluster_id]);
		expect(Object.keys((t.staticData.state as { c: object }).c).sort()).toEqual([clusters[0].cluster_id, clusters[2].cluster_id].sort());
	});

	it('emits the current state on the first poll with emitOnFirstPoll', async () => {
		await start(ONE_S5);
		await uploadAndPrint(farm, clusterId, 'already.gcode', 600);
		const t = trigger({ options: { emitOnFirstPoll: true } });
		expect(await t.names()).toEqual(['printer.online', 'job.queued', 'job.started']);
		expect(await t.names()).toBeNull();
	});

	it('manual mode ("Fetch test event") returns live data and leaves the stored state untouched', async () => {
		await start(ONE_S5);
		const t = trigger({ events: ['job.finished'] });
		await t.run();
		await uploadAndPrint(farm, clusterId, 'sample.gcode', 60);
		await farm.advanceClock(300); // finished and cleared: in history
		const before = JSON.stringify(t.staticData);
		const sample = await t.run('manual');
		expect(JSON.stringify(t.staticData)).toBe(before);
		expect(sample?.map((event) => event.event)).toEqual(['job.finished']);
		expect(sample?.[0].job).toMatchObject({ name: 'sample.gcode', status: 'finished', progress: 100 });
		// The real poll afterwards still sees the change the manual run looked at.
		expect(await t.names()).toEqual(['job.finished']);
	});

	it('manual mode on a fresh node gives one real-shaped item per event kind it can show', async () => {
		await start(ONE_S5);
		await uploadAndPrint(farm, clusterId, 'x.gcode', 600);
		const t = trigger({ options: { includeSnapshot: true } });
		const sample = await t.run('manual');
		expect(sample?.map((event) => event.event)).toEqual(['printer.online', 'job.queued', 'job.started']);
		expect(sample?.[0].snapshot).toMatchObject({ printers: [{ uuid: printerUuid }] });
		expect(t.staticData).toEqual({});
	});

	it('fails the poll clearly on an invalid or expired token, without touching the state or leaking it', async () => {
		await start(ONE_S5);
		const good = trigger();
		await good.run();
		const state = JSON.stringify(good.staticData);
		const bad = trigger({}, 'umapi-not-a-real-token|main');
		await expect(bad.run()).rejects.toThrow('Digital Factory did not accept the API token');
		const expired = trigger({}, emulator.expiredToken);
		const error = await expired.run().then(
			() => undefined,
			(caught: Error & { description?: string }) => caught,
		);
		expect(error?.message).toBe('The Digital Factory API token has expired');
		expect(error?.description).toContain('Create a new token in Digital Factory → Settings → API Tokens');
		expect(JSON.stringify({ message: error?.message, description: error?.description })).not.toContain(emulator.expiredToken);
		expect(JSON.stringify(good.staticData)).toBe(state);
	});

	it('fails with a clear message when a selected cluster no longer exists', async () => {
		await start(ONE_S5);
		const t = trigger({ clusterScope: 'selected', clusterIds: [clusterId] });
		await t.run();
		await farm.control('DELETE', `/clusters/${encodeURIComponent(clusterId)}`);
		await expect(t.run()).rejects.toThrow(`Cluster "${clusterId}" was not found`);
	});

	it('drops a cluster removed from the account when watching all, without events', async () => {
		await start();
		const clusters = await farm.clusters();
		const t = trigger();
		await t.run();
		await farm.control('DELETE', `/clusters/${encodeURIComponent(clusters[0].cluster_id)}`);
		expect(await t.run()).toBeNull();
		expect(Object.keys((t.staticData.state as { c: object }).c)).toHaveLength(3);
	});

	it('polls with the OAuth2 credential (authorization-code tokens from the emulator)', async () => {
		await start(ONE_S5);
		const redirect = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
		const authorize = await fetch(
			`${emulator.url}/authorize?client_id=${emulator.oauthClient.clientId}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&state=s&scope=connect.cluster.read`,
			{ redirect: 'manual' },
		);
		const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
		const tokens = (await (
			await fetch(`${emulator.url}/token`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					grant_type: 'authorization_code',
					code,
					redirect_uri: redirect,
					client_id: emulator.oauthClient.clientId,
					client_secret: emulator.oauthClient.clientSecret,
				}),
			})
		).json()) as IDataObject;
		const node = new UltimakerDigitalFactoryTrigger();
		const staticData: IDataObject = {};
		const credentials = {
			ultimakerDigitalFactoryOAuth2Api: {
				clientId: emulator.oauthClient.clientId,
				clientSecret: emulator.oauthClient.clientSecret,
				accountUrl: emulator.url,
				baseUrl: emulator.url,
				oauthTokenData: tokens,
			} as ICredentialDataDecryptedObject,
		};
		const poll = async () => {
			const { context } = createPollContext({
				nodeType: node,
				parameters: { authentication: 'oAuth2', events: ['job.started', 'job.finished'] },
				credentials,
				staticData,
			});
			return node.poll.call(context);
		};
		expect(await poll()).toBeNull();
		await uploadAndPrint(farm, clusterId, 'oauth.gcode', 600);
		expect((await poll())?.[0].map((item) => item.json.event)).toEqual(['job.started']);
		// The access token lives 600 virtual seconds: the next poll gets 403 tokenExpired, n8n refreshes, the poll goes on.
		await farm.advanceClock(700);
		expect((await poll())?.[0].map((item) => item.json.event)).toEqual(['job.finished']);
		const refreshed = credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as IDataObject;
		expect(refreshed.access_token).not.toBe(tokens.access_token);
	});

	it('waits out a short 429 (Retry-After 1 s) within the poll instead of missing it', async () => {
		await start(ONE_S5);
		const t = trigger({ options: { offlineAfterMissedPolls: 1 } });
		await t.run();
		await uploadAndPrint(farm, clusterId, 'rate.gcode', 600);
		await farm.addFault({ path: '/connect/v1/clusters/*/status', kind: 'rateLimit', retryAfter: 1 });
		expect(await t.names()).toEqual(['job.queued', 'job.started', 'printer.statusChanged']);
	});

	it('refuses a plain-http Base URL to another host before sending anything', async () => {
		await start(ONE_S5);
		await farm.clearRequests();
		const node = new UltimakerDigitalFactoryTrigger();
		const { context } = createPollContext({
			nodeType: node,
			parameters: {},
			credentials: { ultimakerDigitalFactoryApi: { apiToken: emulator.apiToken, baseUrl: 'http://api.example.com' } },
			staticData: {},
		});
		await expect(node.poll.call(context)).rejects.toThrow('must use https://');
		expect(await farm.requests()).toEqual([]);
	});

	it('rejects an unknown event name and an empty cluster selection with a message naming the fix', async () => {
		await start(ONE_S5);
		await expect(trigger({ events: ['job.done'] }).run()).rejects.toThrow('Unknown event "job.done" in "Events"');
		await expect(trigger({ clusterScope: 'selected', clusterIds: [] }).run()).rejects.toThrow('No cluster selected');
	});
});
