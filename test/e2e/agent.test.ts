/**
 * The action node as a tool of n8n's AI Agent, in a real n8n: Manual Trigger → AI Agent, whose chat model is
 * n8n's OpenAI Chat Model node pointed (credential Base URL) at a local OpenAI-compatible fake, and whose tools
 * are two Ultimaker Digital Factory tool nodes, "List clusters" and "Send print" (cluster and job id filled by
 * the model through `$fromAI`). The fake plays the model: it lists the clusters, picks the idle one from the
 * tool's answer, sends the job there, then reports. Asserted: what n8n offered the model, that the tools ran
 * against the emulator with the model's parameters (its request log), the queue, and the agent's answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import { API_CREDENTIAL_TYPE, apiCredential, type CredentialRef, type Workflow } from '../../scripts/lib/workflows';
import { expectNoSecrets } from '../helpers/secrets';
import { startFakeOpenAi, textOf, type ChatRequest, type FakeOpenAi, type Reply } from './fakeOpenAi';
import { assertSucceeded, FIXTURES_DIR, N8N_VERSION, N8nSandbox, nodeOutput, type ExecutionOutcome } from './harness';

jest.setTimeout(300_000);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const UDF: CredentialRef = { id: 'udfE2eCredAgent01', name: 'Emulator (agent tools)' };
const UDF_ERRORS: CredentialRef = { id: 'udfE2eCredAgent02', name: 'Emulator (agent tool errors)' };
const OPENAI: CredentialRef = { id: 'udfE2eCredOpenAi1', name: 'Fake OpenAI' };
const TOOL_NODE = 'CUSTOM.ultimakerDigitalFactoryTool';

/** One cluster printing, one idle, one offline: "the idle printer" has exactly one answer. */
const FARM = [
	{ friendly_name: 'Cell Busy', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Busy', materials: ['PLA'] }] },
	{ friendly_name: 'Cell Idle', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Idle', materials: ['PLA'] }] },
	{ friendly_name: 'Cell Dark', is_online: false, printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Dark', materials: ['PLA'] }] },
];

/** The same without the busy cell (nothing prints there). */
const ERRORS_FARM = FARM.filter((cluster) => cluster.friendly_name !== 'Cell Busy');

/** The tool names n8n derives from the tool nodes' names (characters outside [a-zA-Z0-9_-] become `_`). */
const LIST_TOOL = 'List_clusters';
const SEND_TOOL = 'Send_print';

function toolMessages(request: ChatRequest): unknown[] {
	return request.messages.filter((message) => message.role === 'tool').map((message) => parseToolOutput(textOf(message)));
}

/** A tool message carries the tool node's output as JSON text (one object, or a list of items). */
function parseToolOutput(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function asList(output: unknown): any[] {
	if (Array.isArray(output)) return output.map((entry) => (entry && typeof entry === 'object' && 'json' in entry ? entry.json : entry));
	return [output];
}

/**
 * The scripted model. Turn 1: call the list tool. Turn 2: from its answer, the online cluster whose
 * `display_status` is idle gets the job named in the prompt. Turn 3: report what the send tool answered.
 */
function farmModel(request: ChatRequest): Reply {
	const offered = new Set((request.tools ?? []).map((tool) => tool.function.name));
	if (!offered.has(LIST_TOOL) || !offered.has(SEND_TOOL)) {
		return { content: `MISSING TOOLS: offered ${[...offered].join(', ') || 'none'}` };
	}
	const prompt = textOf(request.messages.find((message) => message.role === 'user') ?? { role: 'user', content: '' });
	const jobId = /job (\S+) to/.exec(prompt)?.[1];
	const results = toolMessages(request);
	if (results.length === 0) return { toolCalls: [{ name: LIST_TOOL, arguments: {} }] };
	if (results.length === 1) {
		const idle = asList(results[0]).find((cluster) => cluster?.is_online === true && cluster?.display_status === 'idle');
		if (!idle || !jobId) return { content: `NO IDLE CLUSTER OR JOB: ${JSON.stringify(results[0]).slice(0, 500)}` };
		return { toolCalls: [{ name: SEND_TOOL, arguments: { clusterId: idle.cluster_id, jobId } }] };
	}
	const clusters = asList(results[0]);
	const sent = asList(results[1])[0] ?? {};
	if (sent.error) return { content: `I could not send job ${jobId}: ${sent.error}` };
	// Digital Factory's print answer names the new print job `cluster_job_id` (its uuid in the cluster's queue).
	const cluster = clusters.find((candidate) => candidate.cluster_id === sent.cluster_id);
	return { content: `Sent job ${jobId} to ${cluster?.friendly_name ?? sent.cluster_id}: print job ${sent.cluster_job_id} is ${sent.status}.` };
}

interface AgentWorkflowOptions {
	id: string;
	prompt: string;
	credential: CredentialRef;
	/** Lets the model see a failing tool's error instead of failing the run. */
	sendContinuesOnError?: boolean;
}

function agentWorkflow(options: AgentWorkflowOptions): Workflow {
	const node = (name: string, type: string, typeVersion: number, position: [number, number], parameters: Record<string, unknown>) => ({
		id: `${options.id}-${name.replace(/\W/g, '')}`,
		name,
		type,
		typeVersion,
		position,
		parameters,
	});
	const udfCredential = { [API_CREDENTIAL_TYPE]: { ...options.credential } };
	const workflow = {
		id: options.id,
		name: `e2e: AI Agent (${options.id})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
			node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3.1, [220, 0], { promptType: 'define', text: options.prompt, options: {} }),
			{
				...node('OpenAI Chat Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.3, [120, 220], {
					model: { __rl: true, mode: 'id', value: 'fake-farm-model' },
					// The Chat Completions API (v1.3 defaults to the Responses API).
					responsesApiEnabled: false,
					options: {},
				}),
				credentials: { openAiApi: { ...OPENAI } },
			},
			{
				...node(LIST_TOOL.replace('_', ' '), TOOL_NODE, 1, [300, 220], { resource: 'cluster', operation: 'getMany' }),
				credentials: udfCredential,
			},
			{
				...node(SEND_TOOL.replace('_', ' '), TOOL_NODE, 1, [460, 220], {
					resource: 'print',
					operation: 'send',
					clusterId: {
						__rl: true,
						mode: 'id',
						value: "={{ $fromAI('clusterId', 'The cluster_id of the cluster to print on', 'string') }}",
					},
					jobId: "={{ $fromAI('jobId', 'The job_id of the uploaded job to print', 'string') }}",
				}),
				credentials: udfCredential,
				...(options.sendContinuesOnError ? { onError: 'continueRegularOutput' } : {}),
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			'List clusters': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			'Send print': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
	// The shared Workflow type only models `main` connections.
	return workflow as unknown as Workflow;
}

describe(`the action node as an AI Agent tool in real n8n ${N8N_VERSION}`, () => {
	let emu: Emulator;
	/** Its own emulator, so the idle cluster is idle whatever the first test queued. */
	let errorsEmu: Emulator;
	let fake: FakeOpenAi;
	let n8n: N8nSandbox;
	let clusters: Awaited<ReturnType<Emulator['client']['clustersByName']>>;
	let jobId: string;

	beforeAll(async () => {
		emu = await startEmulator({ port: 0, storagePort: 0, seed: 'e2e-agent', speed: 0, farm: FARM });
		errorsEmu = await startEmulator({ port: 0, storagePort: 0, seed: 'e2e-agent-errors', speed: 0, farm: ERRORS_FARM });
		fake = await startFakeOpenAi(farmModel);
		clusters = await emu.client.clustersByName();
		// Keep "Cell Busy" printing: a job sent there and the clock moved past its pre-print phase.
		const cube = readFileSync(join(FIXTURES_DIR, 'calibration-cube.gcode'));
		const busyJob = await emu.client.uploadJob('already-printing.gcode', cube);
		await emu.client.sendPrint(clusters['Cell Busy'].cluster_id, busyJob);
		await emu.client.advanceClock(60);
		jobId = await emu.client.uploadJob('bracket-for-the-agent.gcode', cube);
		clusters = await emu.client.clustersByName();
		expect(Object.values(clusters).map((cluster) => [cluster.friendly_name, cluster.is_online, cluster.display_status])).toEqual([
			['Cell Busy', true, 'printing'],
			['Cell Idle', true, 'idle'],
			['Cell Dark', false, 'offline'],
		]);

		n8n = N8nSandbox.create();
		await n8n.importCredentials([
			apiCredential(UDF, emu.url, emu.apiToken),
			apiCredential(UDF_ERRORS, errorsEmu.url, errorsEmu.apiToken),
			{ id: OPENAI.id, name: OPENAI.name, type: 'openAiApi', data: { apiKey: fake.apiKey, url: fake.url } },
		]);
		await n8n.importWorkflows([
			agentWorkflow({ id: 'e2eAgentIdlePrint', prompt: `Send job ${jobId} to the idle printer.`, credential: UDF }),
			agentWorkflow({
				id: 'e2eAgentToolError',
				prompt: 'Send job no-such-job to the idle printer.',
				credential: UDF_ERRORS,
				sendContinuesOnError: true,
			}),
		]);
	});

	afterAll(async () => {
		await n8n?.cleanup();
		await fake?.close();
		await emu?.close();
		await errorsEmu?.close();
	});

	/** Runs a workflow; returns the agent's answer and what reached the emulator's API during the run. */
	async function runAgent(target: Emulator, workflowId: string): Promise<{ outcome: ExecutionOutcome; answer: string; api: string[]; calls: ChatRequest[] }> {
		const before = await target.client.requests();
		const lastSeq = before.length ? before[before.length - 1].seq : 0;
		const firstCall = fake.requests.length;
		const outcome = await n8n.execute(workflowId);
		assertSucceeded(outcome);
		const api = (await target.client.requests())
			.filter((entry) => entry.seq > lastSeq && entry.server === 'api' && !entry.path.startsWith('/_emulator'))
			.map((entry) => `${entry.method} ${entry.path} → ${entry.status}`);
		const [agentItem] = nodeOutput(outcome, 'AI Agent');
		return { outcome, answer: String(agentItem?.output ?? ''), api, calls: fake.requests.slice(firstCall) };
	}

	it('lists the clusters, sends the job to the idle printer, and says so', async () => {
		const idle = clusters['Cell Idle'].cluster_id;
		const { answer, api, calls } = await runAgent(emu, 'e2eAgentIdlePrint');

		// The tools ran against the emulator, in order, with the parameters the model chose (Send print reads
		// the queue before it posts, so an ambiguous failure can be told apart from a queued print).
		expect(api).toEqual([
			'GET /connect/v1/clusters → 200',
			`GET /connect/v1/clusters/${encodeURIComponent(idle)}/status → 200`,
			`POST /connect/v1/clusters/${encodeURIComponent(idle)}/print/${encodeURIComponent(jobId)} → 200`,
		]);
		const queue = (await emu.client.clusterStatus(idle)).print_jobs as Array<{ uuid: string; cloud_job_id: string; status: string }>;
		expect(queue).toHaveLength(1);
		expect(queue[0].cloud_job_id).toBe(jobId);

		// What the agent answered: the model's final text, built from the send tool's output.
		expect(answer).toBe(`Sent job ${jobId} to Cell Idle: print job ${queue[0].uuid} is queued.`);

		// Three model calls: list, send, answer. Every call offered both tools, as n8n describes them.
		expect(calls).toHaveLength(3);
		expect(fake.unexpected).toEqual([]);
		for (const call of calls) {
			expect(call.stream).toBeFalsy();
			const tools = Object.fromEntries((call.tools ?? []).map((tool) => [tool.function.name, tool.function]));
			expect(Object.keys(tools).sort()).toEqual([LIST_TOOL, SEND_TOOL]);
			// n8n's automatic tool description: the operation's action label plus the node's name.
			expect(tools[LIST_TOOL].description).toBe('List clusters in Ultimaker Digital Factory');
			expect(tools[SEND_TOOL].description).toBe('Send print in Ultimaker Digital Factory');
			// `$fromAI` parameters become the tool's JSON schema.
			expect(Object.keys(tools[SEND_TOOL].parameters?.properties ?? {}).sort()).toEqual(['clusterId', 'jobId']);
			expect(tools[SEND_TOOL].parameters?.properties?.clusterId.description).toBe('The cluster_id of the cluster to print on');
			expect([...(tools[SEND_TOOL].parameters?.required ?? [])].sort()).toEqual(['clusterId', 'jobId']);
		}
		// The list tool's output reached the model: all three clusters with their state.
		const listed = asList(toolMessages(calls[1])[0]);
		expect(listed.map((cluster) => [cluster.friendly_name, cluster.display_status])).toEqual([
			['Cell Busy', 'printing'],
			['Cell Idle', 'idle'],
			['Cell Dark', 'offline'],
		]);
		const sent = asList(toolMessages(calls[2])[1])[0];
		expect(sent).toMatchObject({ cluster_id: idle, job_id: jobId, cluster_job_id: queue[0].uuid, status: 'queued' });
		// Nothing n8n sent the model carries the Digital Factory token.
		expectNoSecrets(calls, 'requests n8n sent to the model');
	});

	it('a failing tool call reaches the model as an error (onError: continue), and nothing is printed', async () => {
		const idle = (await errorsEmu.client.clustersByName())['Cell Idle'].cluster_id;
		const { answer, api, calls } = await runAgent(errorsEmu, 'e2eAgentToolError');

		expect(api).toEqual([
			'GET /connect/v1/clusters → 200',
			`GET /connect/v1/clusters/${encodeURIComponent(idle)}/status → 200`,
			`POST /connect/v1/clusters/${encodeURIComponent(idle)}/print/no-such-job → 404`,
		]);
		expect((await errorsEmu.client.clusterStatus(idle)).print_jobs).toEqual([]);
		expect(calls).toHaveLength(3);
		// The model sees the node's error item: message, what to check, HTTP code, the API's error code, the outcome.
		const error = asList(toolMessages(calls[2])[1])[0];
		expect(error).toEqual({
			error: `Digital Factory could not find printing job no-such-job on cluster ${idle}`,
			description: expect.stringContaining('Check the ID'),
			httpCode: '404',
			code: 'notFound',
			// Send print's verdict on whether a print may exist: this one certainly did not happen.
			outcome: 'failed',
		});
		expect(answer).toBe(`I could not send job no-such-job: Digital Factory could not find printing job no-such-job on cluster ${idle}`);
		expectNoSecrets(calls, 'requests n8n sent to the model');
	});
});
