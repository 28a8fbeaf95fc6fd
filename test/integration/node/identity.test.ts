/**
 * Choosing a printer by what lasts (DESIGN §13): the `clusterId` locator's `host` mode against the emulator, whose
 * control API reconnects a cluster (new cluster_id, same host_guid) and factory-resets a printer (new uuid).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { startEmulator } from '../../../emulator';
import { forgetSends } from '../../../nodes/UltimakerDigitalFactory/actions/print/owners';
import { storeBinary } from '../../helpers/n8nContext';
import { actionError, apiTokenCredentials, byId, runAction } from '../../helpers/actionNode';
import { timedGcode } from '../trigger/farm';

jest.setTimeout(60_000);

const byHost = (value: string) => ({ __rl: true, mode: 'host', value });
const FARM = [
	{ friendly_name: 'Lab S5', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Alpha' }] },
	{ friendly_name: 'Lab S3', printers: [{ type: 'ultimaker_s3', friendly_name: 'S3 Beta' }] },
];

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'identity', speed: 0, farm: FARM });
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	await emu.client.reset({ seed: 'identity', farm: FARM });
	forgetSends();
	await emu.client.clearRequests();
});

const run = (parameters: INodeParameters, items?: INodeExecutionData[]) => runAction({ parameters, items, credentials: apiTokenCredentials(emu, { origin: '' }) });
const runError = (parameters: INodeParameters) => actionError({ parameters, credentials: apiTokenCredentials(emu, { origin: '' }) });
const lab = async () => (await emu.client.clustersByName())['Lab S5'] as { cluster_id: string; host_guid: string };
const listCalls = async () => (await emu.client.requests({ path: '/connect/v1/clusters' })).filter((request) => request.path.split('?')[0] === '/connect/v1/clusters').length;
const gcodeItem = async (name: string) => ({ json: {}, binary: { data: await storeBinary(Buffer.from(timedGcode(600)), { fileName: name, mimeType: 'text/plain' }) } });

describe('emulator control: reconnect and factory reset', () => {
	it('reconnects a cluster under a new cluster_id keeping host_guid, printers and queue; the old id is gone', async () => {
		const before = await lab();
		const reconnected = await emu.client.reconnectCluster(before.cluster_id);
		expect(reconnected).toMatchObject({ host_guid: before.host_guid, previous_cluster_id: before.cluster_id, friendly_name: 'Lab S5' });
		expect(reconnected.cluster_id).not.toBe(before.cluster_id);
		expect((await emu.client.clusters()).map((cluster) => cluster.friendly_name)).toEqual(['Lab S5', 'Lab S3']);
		await expect(emu.client.clusterStatus(before.cluster_id)).rejects.toThrow(/404/);
		const chosen = await emu.client.reconnectCluster(reconnected.cluster_id, { cluster_id: 'chosen-id' });
		expect(chosen.cluster_id).toBe('chosen-id');
	});

	it('factory-resets a printer: a new uuid and cluster_id, the same host_guid and unique_name', async () => {
		const before = await lab();
		const [printer] = (await emu.client.clusterStatus(before.cluster_id)).printers as Array<{ uuid: string; unique_name: string }>;
		const reset = await emu.client.factoryResetPrinter(printer.uuid);
		expect(reset).toMatchObject({ previous_uuid: printer.uuid, previous_cluster_id: before.cluster_id, host_guid: before.host_guid });
		expect(reset.uuid).not.toBe(printer.uuid);
		const [after] = (await emu.client.clusterStatus(reset.cluster_id)).printers as Array<{ uuid: string; unique_name: string }>;
		expect(after).toMatchObject({ uuid: reset.uuid, unique_name: printer.unique_name });
		const kept = await emu.client.factoryResetPrinter(reset.uuid, { keep_cluster_id: true });
		expect(kept.cluster_id).toBe(reset.cluster_id);
	});
});

describe('the clusterId locator by host printer', () => {
	it('sends to the cluster that carries the host now, before and after a reconnect, and says which id it used', async () => {
		const { cluster_id: oldId, host_guid } = await lab();
		const [first] = await run({ resource: 'print', operation: 'uploadAndSend', clusterId: byHost(host_guid) }, [await gcodeItem('one.gcode')]);
		expect(first.json).toMatchObject({ cluster_id: oldId, host_guid, status: 'queued' });
		const { cluster_id: newId } = await emu.client.reconnectCluster(oldId);
		const [second] = await run({ resource: 'print', operation: 'uploadAndSend', clusterId: byHost(host_guid) }, [await gcodeItem('two.gcode')]);
		expect(second.json).toMatchObject({ cluster_id: newId, host_guid, status: 'queued' });
		const status = await run({ resource: 'cluster', operation: 'getStatus', clusterId: byHost(host_guid), splitInto: 'printJobs' });
		expect(status.map((item) => [item.json.name, item.json.cluster_id, item.json.host_guid])).toEqual([
			['one.gcode', newId, host_guid],
			['two.gcode', newId, host_guid],
		]);
	});

	it('asks for the cluster list once per execution, not per item', async () => {
		const { host_guid } = await lab();
		await emu.client.clearRequests();
		const items = [{ json: {} }, { json: {} }, { json: {} }];
		const out = await run({ resource: 'cluster', operation: 'getStatus', clusterId: byHost(host_guid) }, items);
		expect(out).toHaveLength(3);
		expect(out[0].json).toMatchObject({ host_guid });
		expect(await listCalls()).toBe(1);
	});

	it('Get cluster and Print job action resolve it too', async () => {
		const { cluster_id, host_guid } = await lab();
		const [got] = await run({ resource: 'cluster', operation: 'get', clusterId: byHost(host_guid) });
		expect(got.json).toMatchObject({ cluster_id, host_guid });
		const [sent] = await run({ resource: 'print', operation: 'uploadAndSend', clusterId: byHost(host_guid) }, [await gcodeItem('long.gcode')]);
		const [acted] = await run({ resource: 'print', operation: 'action', clusterId: byHost(host_guid), printJobUuid: sent.json.job_instance_uuid as string, printAction: 'abort' });
		expect(acted.json).toMatchObject({ cluster_id, host_guid, action: 'abort', accepted: true });
	});

	it('an unknown host GUID: an error naming it and the printers the account has, nothing sent', async () => {
		const error = await runError({ resource: 'cluster', operation: 'getStatus', clusterId: byHost('00000000-dead-beef-0000-000000000000') });
		expect(error.message).toBe('No cluster of this account has the host printer "00000000-dead-beef-0000-000000000000"');
		expect(error.description).toContain('Lab S5 (host ');
		expect(error.description).toContain('Lab S3 (host ');
	});

	it('by ID is unchanged: no list request, no host_guid added, and a reconnected id is a 404 as before', async () => {
		const { cluster_id } = await lab();
		await emu.client.clearRequests();
		const [item] = await run({ resource: 'cluster', operation: 'getStatus', clusterId: byId(cluster_id), splitInto: 'printers' });
		expect(item.json.cluster_id).toBe(cluster_id);
		expect(item.json.host_guid).toBeUndefined();
		expect(await listCalls()).toBe(0);
		await emu.client.reconnectCluster(cluster_id);
		const error = await runError({ resource: 'cluster', operation: 'getStatus', clusterId: byId(cluster_id) });
		expect(error.message).toMatch(/not found|could not find/i);
	});
});
