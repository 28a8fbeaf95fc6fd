/** The test harness itself: real n8n-core contexts, real HTTP, real filesystem binary data. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, IExecuteFunctions, INodeType, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { binaryDataStoragePath, createPollContext, inMemoryBinary, runNode, storeBinary } from '../../helpers/n8nContext';

const seen: Array<{ url: string; authorization?: string }> = [];
const server = createServer((req, res) => {
	seen.push({ url: req.url!, authorization: req.headers.authorization });
	res.setHeader('content-type', 'application/json');
	res.end(JSON.stringify({ data: { url: req.url } }));
});
let baseUrl = '';
beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const probe: INodeType = {
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: [],
		version: 1,
		description: 'test node',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ultimakerDigitalFactoryApi', required: true }],
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '' }],
	},
	async execute(this: IExecuteFunctions) {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			const credentials = await this.getCredentials('ultimakerDigitalFactoryApi', i);
			const answer = await this.helpers.httpRequestWithAuthentication.call(this, 'ultimakerDigitalFactoryApi', {
				url: `${credentials.baseUrl as string}${this.getNodeParameter('path', i) as string}`,
				json: true,
			});
			const binary = items[i].binary?.data;
			let text = '';
			if (binary?.id) for await (const chunk of await this.helpers.getBinaryStream(binary.id, 4)) text += String(chunk);
			else if (binary) text = (await this.helpers.getBinaryDataBuffer(i, 'data')).toString();
			out.push({ json: { answer, text, continueOnFail: this.continueOnFail() }, pairedItem: { item: i } });
		}
		return [out];
	},
	async poll(this: IPollFunctions) {
		const state = this.getWorkflowStaticData('node');
		state.polls = ((state.polls as number) ?? 0) + 1;
		return [[{ json: { mode: this.getMode(), path: this.getNodeParameter('path') as string } }]];
	},
};

test('execute: per-item expressions, the credential authenticate block, stored and in-memory binaries', async () => {
	const stored = await storeBinary(Buffer.from('stored bytes'), { fileName: 'a.gcode', mimeType: 'text/plain' });
	expect(stored.id).toMatch(/^filesystem/);
	expect(binaryDataStoragePath()).toMatch(/udf-binary-data-/);
	seen.length = 0;
	const [items] = await runNode({
		nodeType: probe,
		parameters: { path: '={{ $json.path }}' },
		items: [
			{ json: { path: '/one' }, binary: { data: stored } },
			{ json: { path: '/two' }, binary: { data: inMemoryBinary(Buffer.from('memory bytes'), { fileName: 'b.gcode', mimeType: 'text/plain' }) } },
		],
		credentials: { ultimakerDigitalFactoryApi: { apiToken: 'umapi-harness|main', baseUrl } },
		continueOnFail: true,
	});
	expect(items.map((item) => item.json.text)).toEqual(['stored bytes', 'memory bytes']);
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(items[0].json.continueOnFail).toBe(true);
	expect(seen).toEqual([
		{ url: '/one', authorization: 'Bearer umapi-harness|main' },
		{ url: '/two', authorization: 'Bearer umapi-harness|main' },
	]);
});

test('poll: static data is the given object, mode is reported', async () => {
	const staticData: IDataObject = { polls: 2 };
	const { context } = createPollContext({ nodeType: probe, parameters: { path: '/p' }, staticData, mode: 'manual' });
	expect(await probe.poll!.call(context)).toEqual([[{ json: { mode: 'manual', path: '/p' } }]]);
	expect(staticData.polls).toBe(3);
	const trigger = createPollContext({ nodeType: probe, parameters: {}, staticData });
	expect(trigger.context.getMode()).toBe('trigger');
});
