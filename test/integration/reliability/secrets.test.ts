/**
 * Secrets through the real node paths: every operation with both credentials, successful and failing (expired
 * token, wrong token, 5xx, dropped connections, refused refresh), and the trigger's poll — every output and
 * error (message, description, JSON, inspect output, cause chain) scanned for the API tokens and OAuth tokens
 * used; the storage host never receives an Authorization header; ids go into paths percent-encoded.
 * (Logs of the whole jest run are scanned by test/helpers/secretScan.setup.ts.)
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { UltimakerDigitalFactoryTrigger } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactoryTrigger.node';
import { UltimakerDigitalFactory } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
import { createExecuteContext, createPollContext, storeBinary } from '../../helpers/n8nContext';
import type { CredentialStore } from '../../helpers/n8nContext';
import { errorSurfaces, findSecrets, registeredSecrets, registerSecret } from '../../helpers/secrets';
import type { Auth } from '../../helpers/actionNode';
import { clusterIds, gcodeItem, sent, start, uploadedJob } from './harness';
import { byId, credentialsFor, tryAction as run } from '../../helpers/actionNode';

jest.setTimeout(60_000);

let emu: Emulator;
afterEach(async () => {
	await emu?.close();
});

/** Runs one operation and returns its first output item (failing the test with the message if it errored). */
async function ok(credentials: CredentialStore, parameters: INodeParameters, items?: Parameters<typeof run>[0]['items']): Promise<IDataObject[]> {
	const result = await run({ parameters, items, credentials });
	if (result.error) throw new Error(`${String(parameters.resource)}.${String(parameters.operation)} failed: ${result.error.message}`);
	return result.items!.map((item) => item.json);
}

describe.each<Auth>(['apiToken', 'oAuth2'])('no token in any output or error — %s', (auth) => {
	test('every operation, then the failure paths', async () => {
		emu = await start();
		const credentials = await credentialsFor(emu, auth);
		const [clusterId] = await clusterIds(emu);
		const tokensInUse = registeredSecrets();
		expect(tokensInUse).toContain(emu.apiToken);

		// Every operation once (harness.run scans each output and error and throws on a hit).
		await ok(credentials, { resource: 'cluster', operation: 'getMany', returnAll: true });
		await ok(credentials, { resource: 'cluster', operation: 'get', clusterId: byId(clusterId) });
		await ok(credentials, { resource: 'cluster', operation: 'getStatus', clusterId: byId(clusterId), splitInto: 'printers' });
		const [job] = await ok(credentials, { resource: 'job', operation: 'upload' }, [await gcodeItem('a.gcode')]);
		await ok(credentials, { resource: 'job', operation: 'get', jobId: job.job_id as string });
		await ok(credentials, { resource: 'job', operation: 'getMany', returnAll: true });
		const [project] = await ok(credentials, { resource: 'project', operation: 'create', projectName: 'Brackets' });
		await ok(credentials, { resource: 'project', operation: 'getMany', returnAll: true });
		const stl = await storeBinary(Buffer.from('solid x\nendsolid x\n'), { fileName: 'x.stl', mimeType: 'model/stl' });
		await ok(credentials, { resource: 'file', operation: 'upload', projectId: project.library_project_id as string }, [{ json: {}, binary: { data: stl } }]);
		const [printed] = await ok(credentials, { resource: 'print', operation: 'send', clusterId: byId(clusterId), jobId: job.job_id as string });
		await ok(credentials, { resource: 'print', operation: 'uploadAndSend', clusterId: byId(clusterId) }, [await gcodeItem('b.gcode')]);
		await ok(credentials, { resource: 'print', operation: 'action', clusterId: byId(clusterId), printJobUuid: printed.job_instance_uuid as string, printAction: 'abort' });

		// Failure paths: 5xx everywhere, dropped connections, 404s with ids in the message.
		await emu.client.addFault({ path: '/connect/v1/clusters', kind: 'status', status: 500, count: 3 });
		const serverError = await run({ parameters: { resource: 'cluster', operation: 'getMany' }, credentials });
		expect(serverError.error?.message).toMatch(/server error \(500\)/);
		await emu.client.addFault({ path: '/connect/v1/clusters', kind: 'drop', count: 3 });
		const dropped = await run({ parameters: { resource: 'cluster', operation: 'getMany' }, credentials });
		expect(dropped.error?.message).toMatch(/connection to Digital Factory failed/);
		// A one-time URL (a resumable session would carry on from the bytes storage kept).
		await emu.client.setUploadUrlStyle('signed');
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'dropMidBody' });
		const broken = await run({ parameters: { resource: 'job', operation: 'upload' }, items: [await gcodeItem('c.gcode')], credentials });
		expect(broken.error?.message).toMatch(/connection to storage broke/);
		await emu.client.setUploadUrlStyle('resumable');
		// A resumable session that expired: 404 on the status query after a drop.
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'dropMidBody' });
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'status', status: 404 });
		const expired = await run({ parameters: { resource: 'job', operation: 'upload' }, items: [await gcodeItem('d.gcode')], credentials });
		expect(expired.error?.message).toMatch(/the resumable upload session has expired or was cancelled/);
		const missing = await run({ parameters: { resource: 'job', operation: 'get', jobId: 'no/such?job' }, credentials });
		expect(missing.error?.message).toMatch(/could not find job no\/such\?job/);

		// Expired credentials.
		if (auth === 'apiToken') {
			await emu.client.control('POST', '/tokens', { token: emu.apiToken, expired: true });
			const expired = await run({ parameters: { resource: 'cluster', operation: 'getMany' }, credentials });
			expect(expired.error?.message).toBe('The Digital Factory API token has expired');
			const wrong = await run({ parameters: { resource: 'cluster', operation: 'getMany' }, credentials: { ultimakerDigitalFactoryApi: { apiToken: 'umapi-wrong-token-1234|main', baseUrl: emu.url } } });
			expect(wrong.error?.message).toBe('Digital Factory did not accept the API token');
		} else {
			const oauth = credentials.ultimakerDigitalFactoryOAuth2Api;
			oauth.oauthTokenData = { ...(oauth.oauthTokenData as IDataObject), refresh_token: 'umrt-revoked-refresh-token-000000000000' };
			registerSecret('umrt-revoked-refresh-token-000000000000');
			await emu.client.advanceClock(601);
			const expired = await run({ parameters: { resource: 'cluster', operation: 'getMany' }, credentials });
			expect(expired.error?.message).toBe('The Digital Factory login has expired and could not be renewed');
		}

		// The storage host never saw an Authorization header; every API call carried one (redacted in the log).
		const log = await sent(emu);
		const storage = log.filter((entry) => entry.server === 'storage');
		expect(storage.length).toBeGreaterThanOrEqual(4);
		for (const entry of storage) expect(Object.keys(entry.headers).map((name) => name.toLowerCase())).not.toContain('authorization');
		const api = log.filter((entry) => entry.server === 'api' && !['/authorize', '/token'].includes(entry.path));
		for (const entry of api) expect(entry.headers.authorization).toBe('[redacted]');
		// Ids are percent-encoded in paths (cluster ids end in "=", the 404 id had "/" and "?").
		expect(log.some((entry) => entry.path === `/connect/v1/clusters/${encodeURIComponent(clusterId)}/status`)).toBe(true);
		expect(log.some((entry) => entry.path === '/cura/v1/jobs/no%2Fsuch%3Fjob')).toBe(true);
		expect(log.every((entry) => !entry.path.includes('='))).toBe(true);
		// No signed-URL signature in the outputs either: upload_url is dropped after use.
		const allErrors = [serverError.error, dropped.error, broken.error, missing.error];
		for (const error of allErrors) expect(findSecrets(errorSurfaces(error))).toEqual([]);
	});
});

describe('the trigger poll: outputs and errors carry no token', () => {
	const trigger = new UltimakerDigitalFactoryTrigger();
	const poll = async (credentials: CredentialStore, staticData: IDataObject = {}) => {
		const { context } = createPollContext({
			nodeType: trigger,
			parameters: { authentication: credentials.ultimakerDigitalFactoryOAuth2Api ? 'oAuth2' : 'apiToken', clusterScope: 'all', events: [], options: { emitOnFirstPoll: true } },
			credentials,
			staticData,
		});
		try {
			return { output: await trigger.poll.call(context) };
		} catch (error) {
			return { error };
		}
	};

	test.each<Auth>(['apiToken', 'oAuth2'])('%s: events, then a permanent auth error', async (auth) => {
		emu = await start();
		const credentials = await credentialsFor(emu, auth);
		const jobId = await uploadedJob(emu);
		const [clusterId] = await clusterIds(emu);
		await run({ parameters: { resource: 'print', operation: 'send', clusterId: byId(clusterId), jobId }, credentials });
		const first = await poll(credentials);
		expect(first.error).toBeUndefined();
		expect(findSecrets(first.output)).toEqual([]);
		if (auth === 'apiToken') {
			const wrong = await poll({ ultimakerDigitalFactoryApi: { apiToken: 'umapi-wrong-token-5678|main', baseUrl: emu.url } });
			expect(wrong.error).toBeDefined();
			expect(findSecrets(errorSurfaces(wrong.error))).toEqual([]);
		} else {
			const oauth = credentials.ultimakerDigitalFactoryOAuth2Api;
			oauth.oauthTokenData = { ...(oauth.oauthTokenData as IDataObject), refresh_token: 'umrt-revoked-refresh-token-111111111111' };
			registerSecret('umrt-revoked-refresh-token-111111111111');
			await emu.client.advanceClock(601);
			const expired = await poll(credentials);
			expect(expired.error).toBeDefined();
			expect(findSecrets(errorSurfaces(expired.error))).toEqual([]);
		}
	});
});

/**
 * An API (or a gateway in front of it) whose error answer echoes the request's headers — the bearer token in
 * the detail, the bare token in the title, all headers in `meta` — reaches nothing n8n stores: not the message or
 * description, not `errorResponse`, `context` or `toJSON()`, not the continue-on-fail error item.
 */
describe.each<Auth>(['apiToken', 'oAuth2'])('error answers that echo the Authorization header — %s', (auth) => {
	const operations: Array<[string, INodeParameters, () => Promise<Parameters<typeof run>[0]['items']>]> = [
		['List clusters', { resource: 'cluster', operation: 'getMany', returnAll: true }, async () => undefined],
		['Get job', { resource: 'job', operation: 'get', jobId: 'some-job' }, async () => undefined],
		['Upload job', { resource: 'job', operation: 'upload' }, async () => [await gcodeItem('echo.gcode')]],
		['Create report', { resource: 'report', operation: 'create' }, async () => undefined],
		['Get many print jobs', { resource: 'print', operation: 'getMany' }, async () => undefined],
		['API request', { resource: 'api', operation: 'request', method: 'POST', service: 'connect', path: 'clusters' }, async () => undefined],
		['Camera snapshot', { resource: 'printer', operation: 'cameraSnapshot', clusterId: { __rl: true, mode: 'id', value: 'c1' }, printerUuid: 'p1' }, async () => undefined],
		['Add comment to project', { resource: 'project', operation: 'addComment', projectId: 'p1', comment: 'x' }, async () => undefined],
	];

	test.each(operations)('%s', async (_label, parameters, items) => {
		emu = await start();
		const credentials = await credentialsFor(emu, auth);
		const secret = auth === 'apiToken' ? emu.apiToken : String((credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as IDataObject).access_token);
		await emu.client.addFault({ path: '/*', kind: 'echoHeaders', status: 400, count: 2 });
		const failed = await run({ parameters, items: await items(), credentials });
		expect(failed.error).toBeDefined();
		const error = failed.error;
		expect(error.message).toMatch(/rejected the request/);
		// The API's own words stay (redacted), so the user still sees what was refused.
		expect(error.description).toMatch(/Request rejected for credentials \[redacted\]/);
		for (const surface of [error.toJSON(), error.errorResponse, error.context, error.messages, error.description, error.stack]) {
			expect(JSON.stringify(surface) ?? '').not.toContain(secret);
		}
		expect(findSecrets(errorSurfaces(error))).toEqual([]);
		await emu.client.addFault({ path: '/*', kind: 'echoHeaders', status: 400, count: 2 });
		const item = await run({ parameters, items: await items(), credentials, continueOnFail: true });
		expect(item.items?.[0].json.error).toMatch(/rejected the request/);
		expect(JSON.stringify(item.items)).not.toContain(secret);
	});

	test('an answer that echoes the token into the data: the output item is redacted, the rest kept', async () => {
		emu = await start();
		const credentials = await credentialsFor(emu, auth);
		const secret = auth === 'apiToken' ? emu.apiToken : String((credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as IDataObject).access_token);
		const body = JSON.stringify({ data: { job_id: 'j1', job_name: `part uploaded with ${secret}`, status: 'uploaded', note: { seen: [`Bearer ${secret}`] } } });
		await emu.client.addFault({ path: '/cura/v1/jobs/*', kind: 'raw', status: 200, contentType: 'application/json', body });
		const [item] = await ok(credentials, { resource: 'job', operation: 'get', jobId: 'j1' });
		expect(item).toMatchObject({ job_id: 'j1', status: 'uploaded', job_name: 'part uploaded with [redacted]' });
		expect(JSON.stringify(item)).not.toContain(secret);
	});

	test('API request: a whole answer that echoes the token is redacted, the rest kept', async () => {
		emu = await start();
		const credentials = await credentialsFor(emu, auth);
		const secret = auth === 'apiToken' ? emu.apiToken : String((credentials.ultimakerDigitalFactoryOAuth2Api.oauthTokenData as IDataObject).access_token);
		const body = JSON.stringify({ data: [{ note: `sent with Bearer ${secret}` }], meta: { echo: secret }, links: { next: null } });
		await emu.client.addFault({ path: '/connect/v1/print_jobs', kind: 'raw', status: 200, contentType: 'application/json', body });
		const [item] = await ok(credentials, { resource: 'api', operation: 'request', method: 'GET', service: 'connect', path: 'print_jobs' });
		expect(item).toMatchObject({ data: [{ note: 'sent with Bearer [redacted]' }], links: { next: null } });
		expect(JSON.stringify(item)).not.toContain(secret);
	});

	test("the editor's cluster picker (list search of the action node, load options of the trigger)", async () => {
		emu = await start();
		const credentials = await credentialsFor(emu, auth);
		const action = new UltimakerDigitalFactory();
		const { context } = createExecuteContext({ nodeType: action, parameters: { authentication: auth, resource: 'cluster', operation: 'get' }, credentials });
		// The pickers use getCredentials, the node parameters and the HTTP helpers of the context.
		const loadContext = Object.assign(Object.create(context), {
			getCurrentNodeParameter: (name: string) => (name === 'authentication' ? auth : undefined),
			getNodeParameter: (name: string, fallback?: unknown) => (name === 'authentication' ? auth : fallback),
		});
		const pickers = [
			() => action.methods.listSearch.searchClusters.call(loadContext, undefined),
			() => new UltimakerDigitalFactoryTrigger().methods.loadOptions.getClusters.call(loadContext),
		];
		for (const picker of pickers) {
			await emu.client.addFault({ path: '/connect/v1/clusters', kind: 'echoHeaders', status: 400 });
			const error = await picker().then(
				() => undefined,
				(thrown: unknown) => thrown as Error,
			);
			expect(error?.message).toMatch(/rejected the request for the cluster list/);
			expect(findSecrets(errorSurfaces(error))).toEqual([]);
		}
	});

	test('the trigger poll', async () => {
		emu = await start();
		const credentials = await credentialsFor(emu, auth);
		await emu.client.addFault({ path: '/connect/v1/clusters', kind: 'echoHeaders', status: 403 });
		const trigger = new UltimakerDigitalFactoryTrigger();
		const { context } = createPollContext({ nodeType: trigger, parameters: { authentication: auth, clusterScope: 'all', events: [], options: {} }, credentials });
		const error = await trigger.poll.call(context).then(
			() => undefined,
			(thrown: unknown) => thrown as Error,
		);
		expect(error).toBeDefined();
		expect(findSecrets(errorSurfaces(error))).toEqual([]);
	});
});
