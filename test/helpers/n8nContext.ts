/**
 * Real n8n execution contexts for tests and benchmarks — n8n-core 2.8.1's own `ExecuteContext` and `PollContext`,
 * not hand-written fakes. HTTP goes through n8n-core's real `httpRequest` / `httpRequestWithAuthentication`
 * (axios, the same option mapping, error wrapping and OAuth2 refresh code as in a running n8n), and binary data
 * lives in n8n-core's real `BinaryDataService` in `filesystem` mode (so `getBinaryStream(id, chunkSize)` reads a
 * file from disk exactly as in n8n's default mode).
 *
 * What is ours: the workflow around the single node, and a small credentials helper that does what n8n's
 * `CredentialsHelper` does for these credentials — fill in property defaults, resolve `={{$self[...]}}`
 * expressions, apply a credential's generic `authenticate` block (headers/qs/body, `$credentials` expressions),
 * report `extends` chains (so `oAuth2Api` children take n8n's OAuth2 path) and persist refreshed OAuth tokens.
 *
 * Exported API
 * - `createExecuteContext(opts)` → `{ context, credentials, node, workflow }`:
 *     opts.nodeType      the INodeType instance (e.g. `new UltimakerDigitalFactory()`)
 *     opts.parameters    node parameters; n8n expressions (`'={{ $json.jobId }}'`) are evaluated per item by n8n
 *     opts.items         input items (default: one empty item); binary via `storeBinary` / `inMemoryBinary`
 *     opts.credentials   `{ [credentialTypeName]: plainData }` — the decrypted credential data. The object is
 *                        updated in place when n8n refreshes an OAuth2 token (inspect it after the run)
 *     opts.continueOnFail  node setting "On Error: Continue" (default false)
 *     opts.credentialTypes credential classes known to the helper (default: this package's two)
 *     opts.nodeName, opts.typeVersion, opts.abortSignal
 * - `runNode(opts)` → the node's `execute` output (`INodeExecutionData[][]`), run on a fresh ExecuteContext.
 * - `createPollContext(opts)` → `{ context, credentials, node, workflow }` for a polling trigger:
 *     opts.nodeType, opts.parameters, opts.credentials as above
 *     opts.staticData    object behind `getWorkflowStaticData('node')` (mutated in place by the trigger)
 *     opts.mode          `'trigger'` (default, a scheduled poll) or `'manual'` (the editor's "Fetch test event")
 * - `storeBinary(data, { fileName, mimeType })` → an `IBinaryData` with an `id`, stored by n8n's BinaryDataService
 *     (data: Buffer, Readable, or `{ path }` of a file, streamed in without reading it into memory).
 * - `inMemoryBinary(buffer, { fileName, mimeType })` → an `IBinaryData` held base64 in the item (n8n's `default` mode).
 * - `binaryDataStoragePath()` → the folder the filesystem binary data lives in (temporary, per process).
 * - `setBinaryDataManager(mode, manager)` → makes BinaryDataService serve ids `<mode>:<file id>` from `manager`
 *     (a stand-in for a mode n8n-core alone cannot run, such as `database`, which lives in n8n's cli package).
 */
import { Container } from '@n8n/di';
import type { Constructable } from '@n8n/di';
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IPollFunctions,
	IRequestOptionsSimplified,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, ICredentialsHelper, Workflow } from 'n8n-workflow';

// n8n-core reads its instance folder (encryption key, settings) on first use: keep it out of the user's home.
if (!process.env.N8N_USER_FOLDER) process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'udf-n8n-user-'));
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';

// Loaded after the environment is set: n8n-core's config is read at import time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('n8n-core') as typeof import('n8n-core');

import { UltimakerDigitalFactoryApi } from '../../credentials/UltimakerDigitalFactoryApi.credentials';
import { UltimakerDigitalFactoryOAuth2Api } from '../../credentials/UltimakerDigitalFactoryOAuth2Api.credentials';

export type CredentialStore = Record<string, ICredentialDataDecryptedObject>;

interface CommonOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	credentials?: CredentialStore;
	credentialTypes?: ICredentialType[];
	nodeName?: string;
	typeVersion?: number;
}

export interface ExecuteContextOptions extends CommonOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	abortSignal?: AbortSignal;
}

export interface PollContextOptions extends CommonOptions {
	staticData?: IDataObject;
	mode?: 'trigger' | 'manual';
}

export interface CreatedContext<T> {
	context: T;
	/** The same object passed as `opts.credentials` (or a fresh one): refreshed OAuth tokens land here. */
	credentials: CredentialStore;
	node: INode;
	workflow: Workflow;
}

const NODE_TYPE_NAME = 'CUSTOM.testedNode';

// ---------------------------------------------------------------------------------------------------------
// Binary data: n8n-core's BinaryDataService in filesystem mode, registered in n8n's DI container.

let binaryStoragePath: string | undefined;
let binaryServiceReady: Promise<void> | undefined;

export function binaryDataStoragePath(): string {
	binaryStoragePath ??= mkdtempSync(join(tmpdir(), 'udf-binary-data-'));
	return binaryStoragePath;
}

async function ensureBinaryDataService(): Promise<void> {
	binaryServiceReady ??= (async () => {
		const config = {
			mode: 'filesystem',
			availableModes: ['filesystem'],
			localStoragePath: binaryDataStoragePath(),
			signingSecret: 'test-signing-secret',
			dbMaxFileSize: 512,
		};
		const errorReporter = { error: () => undefined, warn: () => undefined, info: () => undefined };
		const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
		const service = new core.BinaryDataService(config as never, errorReporter as never, logger as never);
		await service.init();
		Container.set(core.BinaryDataService, service);
	})();
	await binaryServiceReady;
}

/** Stores data the way n8n does in its default `filesystem` mode: the item then carries only an `id`. */
export async function storeBinary(
	data: Buffer | Readable | { path: string },
	meta: { fileName: string; mimeType: string },
): Promise<IBinaryData> {
	await ensureBinaryDataService();
	const service = Container.get(core.BinaryDataService);
	const location = { type: 'execution' as const, workflowId: 'test-workflow', executionId: 'test-execution' };
	const base: IBinaryData = { data: '', mimeType: meta.mimeType, fileName: meta.fileName };
	// A file is streamed in (not read into memory), so multi-GB benchmark files cost no heap.
	const body = Buffer.isBuffer(data) || data instanceof Readable ? data : createReadStream(data.path);
	return await service.store(location, body, base);
}

/** The manager interface n8n-core's BinaryDataService delegates to per mode (the part a node's helpers reach). */
export interface BinaryDataManagerStandIn {
	init(): Promise<void>;
	store(location: unknown, data: Buffer | Readable, metadata: { fileName?: string; mimeType?: string }): Promise<{ fileId: string; fileSize: number }>;
	getPath(fileId: string): string;
	getAsBuffer(fileId: string): Promise<Buffer>;
	getAsStream(fileId: string, chunkSize?: number): Promise<Readable>;
	getMetadata(fileId: string): Promise<{ fileName?: string; mimeType?: string; fileSize: number }>;
	deleteMany(): Promise<void>;
	copyByFileId(): Promise<string>;
	copyByFilePath(): Promise<{ fileId: string; fileSize: number }>;
	rename(): Promise<void>;
}

export async function setBinaryDataManager(mode: string, manager: BinaryDataManagerStandIn): Promise<void> {
	await ensureBinaryDataService();
	Container.get(core.BinaryDataService).setManager(mode as never, manager as never);
}

/** Binary data held in the item itself (n8n's `default` mode): base64, no `id`. */
export function inMemoryBinary(buffer: Buffer, meta: { fileName: string; mimeType: string }): IBinaryData {
	return {
		data: buffer.toString('base64'),
		mimeType: meta.mimeType,
		fileName: meta.fileName,
		fileSize: String(buffer.length),
		bytes: buffer.length,
	};
}

// ---------------------------------------------------------------------------------------------------------
// Credentials: what n8n's CredentialsHelper (packages/cli) does, for credentials defined in this package.

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Map<string, ICredentialType>,
		private readonly store: CredentialStore,
		private readonly workflow: () => Workflow,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const type = this.types.get(name);
		const parents = type?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(type: string) {
		return this.types.get(type)?.properties ?? [];
	}

	async getCredentials(): Promise<never> {
		throw new Error('getCredentials (encrypted) is not used by nodes');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.store[type];
		if (!stored) throw new Error(`No test credentials of type "${type}" (node credential "${nodeCredentials.name}")`);
		const data: ICredentialDataDecryptedObject = {};
		for (const property of this.getCredentialsProperties(type)) data[property.name] = property.default as never;
		Object.assign(data, JSON.parse(JSON.stringify(stored)) as ICredentialDataDecryptedObject);
		// Resolve `={{$self["..."]}}` defaults against the credential's own values, as n8n does.
		const workflow = this.workflow();
		const node = Object.values(workflow.nodes)[0];
		for (const [key, value] of Object.entries(data)) {
			if (typeof value === 'string' && value.startsWith('=')) {
				data[key] = workflow.expression.getParameterValue(
					value,
					null,
					0,
					0,
					node.name,
					[],
					'internal',
					{},
					undefined,
					false,
					data,
				) as never;
			}
		}
		return data;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.types.get(typeName)?.authenticate;
		const options = requestOptions as IHttpRequestOptions;
		if (!authenticate) return options;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		const resolve = (value: unknown) =>
			typeof value === 'string' && value.startsWith('=')
				? workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
						$credentials: credentials,
					} as never)
				: value;
		const properties = authenticate.properties as Record<string, Record<string, unknown> | undefined>;
		for (const target of ['headers', 'qs', 'body'] as const) {
			const entries = properties[target];
			if (!entries) continue;
			const existing = ((options as unknown as Record<string, IDataObject | undefined>)[target] ??= {});
			for (const [key, value] of Object.entries(entries)) existing[key] = resolve(value) as never;
		}
		if (properties.auth) {
			options.auth = {
				username: String(resolve(properties.auth.username) ?? ''),
				password: String(resolve(properties.auth.password) ?? ''),
			};
		}
		return options;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async updateCredentials(_nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject) {
		this.store[type] = { ...data };
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		// n8n persists the whole decrypted object with the new oauthTokenData (refresh tokens rotate).
		this.store[type] = { ...this.store[type], oauthTokenData: data.oauthTokenData };
	}
}

// ---------------------------------------------------------------------------------------------------------
// Workflow + additional data around the single tested node.

function defaultCredentialTypes(): ICredentialType[] {
	return [new UltimakerDigitalFactoryApi(), new UltimakerDigitalFactoryOAuth2Api()];
}

function buildWorkflow(opts: CommonOptions, staticData: IDataObject | undefined) {
	const credentials = opts.credentials ?? {};
	const nodeName = opts.nodeName ?? 'Ultimaker';
	const typeVersion =
		opts.typeVersion ??
		(Array.isArray(opts.nodeType.description.version)
			? Math.max(...opts.nodeType.description.version)
			: opts.nodeType.description.version);
	const node: INode = {
		id: 'node-under-test',
		name: nodeName,
		type: NODE_TYPE_NAME,
		typeVersion,
		position: [0, 0],
		parameters: opts.parameters,
		credentials: Object.fromEntries(
			Object.keys(credentials).map((type) => [type, { id: `${type}-id`, name: `${type} (test)` }]),
		),
	};
	const nodeTypes: INodeTypes = {
		getByName: () => opts.nodeType as INodeType | IVersionedNodeType,
		getByNameAndVersion: () => opts.nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		staticData: staticData ? { [`node:${nodeName}`]: staticData } : {},
		settings: {},
	});
	const types = new Map((opts.credentialTypes ?? defaultCredentialTypes()).map((type) => [type.name, type]));
	const credentialsHelper = new TestCredentialsHelper(types, credentials, () => workflow);
	const additionalData = {
		credentialsHelper,
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		variables: {},
		userId: 'test-user',
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('executeWorkflow is not available in tests');
		},
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('code runner is not available in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { node, workflow, additionalData, credentials };
}

/**
 * n8n-core's SSH client manager (created with every ExecuteContext for the SSH-tunnel helpers) starts a 60 s
 * cleanup interval that is not unref'd, which would keep a test process alive after its tests end.
 */
function releaseCoreTimers(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as {
		SSHClientsManager: Constructable<{ cleanupTimer?: NodeJS.Timeout }>;
	};
	Container.get(SSHClientsManager).cleanupTimer?.unref();
}

export function createExecuteContext(opts: ExecuteContextOptions): CreatedContext<IExecuteFunctions> {
	const { node, workflow, additionalData, credentials } = buildWorkflow(opts, undefined);
	if (opts.continueOnFail) node.onError = 'continueRegularOutput';
	const items = opts.items ?? [{ json: {} }];
	const inputData = { main: [items] };
	const executeData: IExecuteData = { node, data: inputData, source: { main: [{ previousNode: 'Start' }] } };
	const runExecutionData = createRunExecutionData();
	const mode: WorkflowExecuteMode = 'manual';
	const context = new core.ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		runExecutionData,
		0,
		items,
		inputData,
		executeData,
		[],
		opts.abortSignal,
	);
	releaseCoreTimers();
	return { context, credentials, node, workflow };
}

/** Runs the node's `execute` once on a fresh context (binary data service initialised first). */
export async function runNode(opts: ExecuteContextOptions): Promise<INodeExecutionData[][]> {
	await ensureBinaryDataService();
	const { context } = createExecuteContext(opts);
	if (!opts.nodeType.execute) throw new Error('The node type has no execute()');
	return (await opts.nodeType.execute.call(context)) as INodeExecutionData[][];
}

export function createPollContext(opts: PollContextOptions): CreatedContext<IPollFunctions> {
	const staticData = opts.staticData ?? {};
	const { node, workflow, additionalData, credentials } = buildWorkflow(opts, staticData);
	const mode: WorkflowExecuteMode = opts.mode ?? 'trigger';
	const context = new core.PollContext(workflow, node, additionalData, mode, mode === 'manual' ? 'manual' : 'activate');
	releaseCoreTimers();
	return { context, credentials, node, workflow };
}

/** Makes sure binary helpers work before a context created with `createExecuteContext` is used directly. */
export async function prepareBinaryData(): Promise<void> {
	await ensureBinaryDataService();
}

/** The bytes of an output binary: from n8n's binary data store when it carries an id, else its base64 data. */
export async function binaryBytes(binary: IBinaryData): Promise<Buffer> {
	if (binary.id) return await Container.get(core.BinaryDataService).getAsBuffer(binary);
	return Buffer.from(binary.data, 'base64');
}
