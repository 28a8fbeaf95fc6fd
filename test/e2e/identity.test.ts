/**
 * Printer identity in a real n8n (DESIGN §13, issue 23): a workflow that chose its printer "By Host Printer" keeps
 * printing to it after the emulator reconnects it under a new cluster_id; activated triggers watching all clusters,
 * one selected cluster by its (soon outdated) cluster_id and one by host_guid emit nothing for a reconnect and
 * still emit the real transitions around it, once.
 */
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import type { N8nServer } from '../../scripts/lib/n8n';
import { apiCredential, eventRecorderWorkflow, type CredentialRef } from '../../scripts/lib/workflows';
import { waitFor } from '../helpers/wait';
import { assertSucceeded, FIXTURES_DIR, linearWorkflow, N8nSandbox, nodeOutput, readFile, udf } from './harness';

jest.setTimeout(600_000);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const CUBE = join(FIXTURES_DIR, 'calibration-cube.gcode');
const CREDENTIAL: CredentialRef = { id: 'udfE2eCredIdent01', name: 'Emulator (identity)' };
const FARM = [{ friendly_name: 'Lab S5', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Alpha', materials: ['PLA', 'PVA'] }] }];
const CHANNELS = ['all', 'byId', 'byHost'] as const;

/** `<event> <cluster_id> <host_guid> <job uuid | printer name> <previous>→<current>` */
function summarise(event: any): string {
	const isJob = String(event.event).startsWith('job.');
	const subject = isJob ? event.job?.uuid : event.printer?.friendly_name;
	return `${event.event} ${event.cluster?.cluster_id} ${event.cluster?.host_guid} ${subject} ${event.previous?.status ?? ''}→${isJob ? event.job?.status : event.printer?.status}`;
}

describe('printer identity across a reconnect, in real n8n', () => {
	let emu: Emulator;
	let n8n: N8nSandbox;
	let server: N8nServer | undefined;
	let hostGuid: string;
	const ids: string[] = [];

	beforeAll(async () => {
		emu = await startEmulator({ port: 0, storagePort: 0, speed: 0, seed: 'e2e-identity', farm: FARM });
		const [cluster] = await emu.client.clusters();
		hostGuid = cluster.host_guid as string;
		ids.push(cluster.cluster_id as string);
		n8n = N8nSandbox.create();
		await n8n.importCredentials([apiCredential(CREDENTIAL, emu.url, emu.apiToken)]);
		const print = linearWorkflow(
			'e2eHostPrint',
			'e2e: upload and print on a printer chosen by host',
			[readFile('Read G-code', CUBE), udf('Upload and print', { resource: 'print', operation: 'uploadAndSend', clusterId: { __rl: true, mode: 'host', value: hostGuid } })],
			CREDENTIAL,
		);
		await n8n.importWorkflows([print]);
	});

	afterAll(async () => {
		await n8n?.cleanup();
		await emu?.close();
	});

	it('a workflow that chose the printer by host keeps printing to it after a reconnect', async () => {
		const first = await n8n.execute('e2eHostPrint');
		assertSucceeded(first);
		expect(nodeOutput(first, 'Upload and print')[0]).toMatchObject({ cluster_id: ids[0], host_guid: hostGuid, status: 'queued' });

		const reconnected = await emu.client.reconnectCluster(ids[0]);
		ids.push(reconnected.cluster_id);
		const second = await n8n.execute('e2eHostPrint');
		assertSucceeded(second);
		expect(nodeOutput(second, 'Upload and print')[0]).toMatchObject({ cluster_id: ids[1], host_guid: hostGuid, status: 'queued' });
		const status = await emu.client.clusterStatus(ids[1]);
		expect(status.print_jobs.map((job: any) => job.name)).toEqual(['calibration-cube.gcode', 'calibration-cube.gcode']);
	});

	it('activated triggers (all, selected by cluster_id, selected by host_guid) emit no spurious event across a reconnect, and the real transitions once', async () => {
		const recorder = (channel: string) => `${emu.url}/_emulator/recorder/${channel}`;
		const all = eventRecorderWorkflow('e2eIdentAll', recorder('all'), CREDENTIAL);
		const byId = eventRecorderWorkflow('e2eIdentById', recorder('byId'), CREDENTIAL);
		Object.assign(byId.nodes[0].parameters, { clusterScope: 'selected', clusterIds: [ids[1]] });
		const byHost = eventRecorderWorkflow('e2eIdentByHost', recorder('byHost'), CREDENTIAL);
		Object.assign(byHost.nodes[0].parameters, { clusterScope: 'selected', clusterIds: [hostGuid] });
		await n8n.importWorkflows([all, byId, byHost]);

		const fromN8n = async () => (await emu.client.requests()).filter((entry) => entry.headers['user-agent'] === 'n8n');
		const statusReads = async (clusterId: string) =>
			(await fromN8n()).filter((entry) => entry.method === 'GET' && decodeURIComponent(entry.path) === `/connect/v1/clusters/${clusterId}/status`).length;
		const recorded = async () => Object.fromEntries(await Promise.all(CHANNELS.map(async (channel) => [channel, (await emu.client.recorded<any>(channel)).map(summarise)])));
		const logs = () => server?.log().split('\n').slice(-60).join('\n') ?? '';
		/** Waits until each of the three triggers has read `clusterId`'s status `count` times in all, then lets their items arrive. */
		const afterPolls = async (clusterId: string, count: number) => {
			await waitFor(`${count} polls of ${clusterId} by each trigger`, async () => (await statusReads(clusterId)) >= 3 * count || undefined, 150_000, 500).catch((error: Error) => {
				throw new Error(`${error.message}\n${logs()}`);
			});
			await new Promise((resolve) => setTimeout(resolve, 3_000));
		};

		await emu.client.clearRequests();
		server = await n8n.startServer([all, byId, byHost].map((workflow) => workflow.id));
		// The activation poll: the baseline (the first print in pre_print, the second queued), no events.
		await afterPolls(ids[1], 1);
		expect(await recorded()).toEqual({ all: [], byId: [], byHost: [] });

		// Between two polls: the printer is reconnected under a third cluster_id, and the print moves on to printing.
		const { cluster_id: third } = await emu.client.reconnectCluster(ids[1]);
		ids.push(third);
		const [printer] = (await emu.client.clusterStatus(third)).printers as Array<{ uuid: string }>;
		const job = ((await emu.client.clusterStatus(third)).print_jobs as Array<{ uuid: string }>)[0].uuid;
		await emu.client.advanceClock(40);
		await afterPolls(third, 1);
		const printing = `printer.statusChanged ${third} ${hostGuid} S5 Alpha pre_print→printing`;
		expect(await recorded()).toEqual({ all: [printing], byId: [printing], byHost: [printing] });

		// The print finishes under the new id: job.finished once, with the printer's own change.
		// Long enough to end the print (1,200 s) and its post-print, shorter than the emulator clearing the plate by itself.
		await emu.client.advanceClock(1200);
		await afterPolls(third, 2);
		const finished = [`job.finished ${third} ${hostGuid} ${job} printing→wait_cleanup`, `printer.statusChanged ${third} ${hostGuid} S5 Alpha printing→wait_cleanup`];
		const expected = [printing, ...finished];
		expect(await recorded()).toEqual({ all: expected, byId: expected, byHost: expected });
		expect(printer.uuid).toBeDefined();
	});
});
