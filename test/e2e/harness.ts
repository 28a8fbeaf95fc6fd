/**
 * Real-n8n end-to-end harness: a throwaway n8n user folder with this package loaded from dist/, credentials
 * and workflows imported through n8n's own CLI, `n8n execute --id` runs, and `n8n start` as a server for the
 * polling trigger and the webhook/file examples. Everything it starts is stopped by `cleanup()`.
 *
 * The jest project picks the n8n under test (see N8N_VERSION below); scripts/install-n8n.sh installs it on first use.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	CUSTOM_PREFIX,
	DEFAULT_N8N_VERSION,
	describeExit,
	DIST_DIR,
	ensureOwner,
	freePort,
	killGroup,
	locateN8n,
	n8nEnv,
	parseExecutionJson,
	publishWorkflows,
	resolveN8nVersion,
	runN8nCli,
	startN8nServer,
	tail,
	type CliResult,
	type N8nServer,
} from '../../scripts/lib/n8n';
export { waitForWebhook } from '../../scripts/lib/n8n';
import { expectNoSecrets, findSecretsInText, mask } from '../helpers/secrets';
import { QueueDeployment, type QueueOptions } from '../../scripts/lib/queue';
import {
	API_CREDENTIAL_TYPE,
	type CredentialRef,
	type Workflow,
	type WorkflowNode,
} from '../../scripts/lib/workflows';

/** Set per jest project (jest.config.js: `e2e-latest`, `e2e-oldest`, or `e2e` for `N8N_VERSION=<x>`). */
declare const __N8N_VERSION__: string | undefined;
export const N8N_VERSION = resolveN8nVersion(
	(typeof __N8N_VERSION__ === 'string' ? __N8N_VERSION__ : undefined) ?? process.env.N8N_VERSION ?? DEFAULT_N8N_VERSION,
);
/**
 * `E2E_BINARY_DATA_MODE=default|filesystem|database` runs n8n with that binary data mode
 * (N8N_DEFAULT_BINARY_DATA_MODE); unset, n8n's own default for a regular instance applies: filesystem.
 */
export const BINARY_DATA_MODE = process.env.E2E_BINARY_DATA_MODE ?? 'filesystem';
export const ACTION_NODE = `${CUSTOM_PREFIX}ultimakerDigitalFactory`;
export const TRIGGER_NODE = `${CUSTOM_PREFIX}ultimakerDigitalFactoryTrigger`;
export const FIXTURES_DIR = join(__dirname, 'fixtures');

/**
 * Time budgets of the n8n CLI steps, for a busy machine (2 cores at load 5-10). Every n8n command starts n8n
 * (about a thousand packages, then its database): 10-20 s on an idle machine, several times that when busy.
 * A step that runs out is killed (SIGKILL to its process group) and fails saying so.
 */
export const N8N_CLI_MS = 120_000;
/** `n8n execute`: one CLI start-up (N8N_CLI_MS) plus the workflow: uploads of test files of a few MB, emulator calls. */
export const N8N_EXECUTE_MS = 180_000;
/** Added to the n8n steps of one jest test or hook: emulators, copies of dist/, requests and assertions. */
export const E2E_MARGIN_MS = 60_000;

/**
 * The jest timeout for a test or hook that runs `cli` plain CLI commands and `execute` executions one after the
 * other: their budgets plus E2E_MARGIN_MS. Each step's own budget then runs out (killing n8n, with a message
 * saying so) before jest's, which would only abandon the step and leave n8n and its timer running.
 */
export function e2eBudgetMs(steps: { cli?: number; execute?: number }): number {
	return (steps.cli ?? 0) * N8N_CLI_MS + (steps.execute ?? 0) * N8N_EXECUTE_MS + E2E_MARGIN_MS;
}

export interface ExecutionOutcome {
	exitCode: number | null;
	/**
	 * n8n reported the run as failed: exit code 1, or (n8n 2.41.1) a crash on its way out after it had finished and
	 * printed a failed run — see `runPrintedBeforeCrash`.
	 */
	failed: boolean;
	/** n8n reported the run as successful: exit code 0, or a crash on its way out after it had printed a successful run. */
	succeeded: boolean;
	/** The execution n8n printed (`{ data: { resultData: { runData, error } } }`), if it printed one. */
	execution: Record<string, any> | undefined;
	runData: Record<string, any[]>;
	/** The workflow-level error (a failed node), with n8n's `message` and `description`. */
	error: { message?: string; description?: string | null; node?: { name?: string }; [key: string]: unknown } | undefined;
	cli: CliResult;
}

/**
 * n8n 2.41.1's `execute` can crash (SIGSEGV) on its way out, after the run is over: stored, and printed whole with
 * its `status` and `stoppedAt`. Seen after failed runs (it ends them with `process.exit(1)` without disposing its
 * isolated-vm expression engine, commands/base-command.js `finally()`) and, on a loaded machine, after a successful
 * one (2026-12-05, six jest workers). That printed run is the outcome. A crash before a finished run was printed
 * leaves the outcome unknown: the workflow may already have acted (uploaded, printed), so it is never run again —
 * a re-run after such a crash once queued a third print where the test expected two.
 */
function runPrintedBeforeCrash(cli: CliResult): { status: 'error' | 'success' } | undefined {
	if (cli.exitCode !== null || cli.signal !== 'SIGSEGV') return undefined;
	const printed = parseExecutionJson(cli.stdout);
	const finished = typeof printed?.stoppedAt === 'string' && (printed.status === 'error' || printed.status === 'success');
	return finished ? { status: printed.status } : undefined;
}

export class N8nSandbox {
	readonly userFolder: string;
	private readonly servers: N8nServer[] = [];
	/** CLI commands still running, with a promise that settles when each has exited: cleanup() ends them. */
	private readonly running = new Map<ChildProcess, Promise<void>>();

	private constructor(
		readonly bin: string,
		readonly workDir: string,
		private readonly fileAccessDirs: string[],
		private readonly extraEnv: Record<string, string> = {},
	) {
		this.userFolder = join(workDir, 'n8n-user');
	}

	/** Locates (installing on first use) the n8n under test and makes a fresh user folder. */
	static create(options: { fileAccessDirs?: string[]; env?: Record<string, string> } = {}): N8nSandbox {
		if (!existsSync(join(DIST_DIR, 'nodes', 'UltimakerDigitalFactory', 'UltimakerDigitalFactory.node.js'))) {
			throw new Error('dist/ is missing: run `npm run build` before the e2e tests (npm test does).');
		}
		const bin = locateN8n({ version: N8N_VERSION });
		const workDir = mkdtempSync(join(tmpdir(), 'udf-e2e-'));
		// n8n loads a snapshot of dist/, so a rebuild during the run cannot pull files from under it.
		cpSync(DIST_DIR, join(workDir, 'package-dist'), { recursive: true });
		return new N8nSandbox(bin, workDir, [FIXTURES_DIR, workDir, ...(options.fileAccessDirs ?? [])], options.env);
	}

	async env(port?: number): Promise<NodeJS.ProcessEnv> {
		return n8nEnv({
			userFolder: this.userFolder,
			brokerPort: await freePort(),
			port,
			fileAccessDirs: this.fileAccessDirs,
			packageDir: join(this.workDir, 'package-dist'),
			extra: {
				...(process.env.E2E_BINARY_DATA_MODE ? { N8N_DEFAULT_BINARY_DATA_MODE: process.env.E2E_BINARY_DATA_MODE } : {}),
				...this.extraEnv,
			},
		});
	}

	async cli(args: string[], timeoutMs = N8N_CLI_MS): Promise<CliResult> {
		const result = await runN8nCli(this.bin, args, await this.env(), timeoutMs, (child) => {
			this.running.set(child, new Promise((resolveClosed) => child.once('close', () => resolveClosed())));
			child.once('close', () => this.running.delete(child));
		});
		if (result.timedOut) {
			throw new Error(`n8n ${args.join(' ')} timed out: ${describeExit(result)}.\n${logTail(result)}`);
		}
		return result;
	}

	private async cliOrThrow(args: string[]): Promise<CliResult> {
		const result = await this.cli(args);
		if (result.exitCode !== 0) {
			throw new Error(`n8n ${args.join(' ')} failed: ${describeExit(result)}.\n${logTail(result)}`);
		}
		return result;
	}

	/** What `n8n --version` says (proof of which n8n ran the tests). */
	async n8nVersion(): Promise<string> {
		const result = await this.cliOrThrow(['--version']);
		return result.stdout.trim().split('\n').pop() ?? '';
	}

	async importCredentials(credentials: Array<{ id: string; name: string; type: string; data: object }>): Promise<void> {
		const file = join(this.workDir, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cliOrThrow(['import:credentials', `--input=${file}`]);
	}

	/** One `import:workflow` for all of them (each CLI start costs seconds). */
	async importWorkflows(workflows: Workflow[]): Promise<void> {
		const file = join(this.workDir, `workflows-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(workflows, null, 2));
		const result = await this.cliOrThrow(['import:workflow', `--input=${file}`]);
		if (!/Successfully imported/i.test(result.stdout + result.stderr)) {
			throw new Error(`n8n import:workflow did not confirm the import.\n${logTail(result)}`);
		}
	}

	/** `n8n execute --id`: the run's JSON, each node's output and the error, whatever the exit code. */
	async execute(workflowId: string): Promise<ExecutionOutcome> {
		const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], N8N_EXECUTE_MS);
		const crashed = runPrintedBeforeCrash(cli);
		if (crashed) {
			console.warn(`n8n execute --id=${workflowId} crashed (SIGSEGV) on its way out, after it had printed its finished run (${crashed.status}); taking the printed run`);
		} else if (cli.exitCode === null) {
			// No exit code and no finished run: n8n did not end by itself. Say how, rather than hand a test `exitCode: null`
			// to compare, and do not run it again (the workflow may have acted before the crash).
			throw new Error(`n8n execute --id=${workflowId}: ${describeExit(cli)} before it printed a finished run, so whether the workflow acted is unknown.\n${logTail(cli)}`);
		}
		const execution = parseExecutionJson(cli.stdout);
		if (!execution) {
			throw new Error(
				`n8n execute --id=${workflowId} printed no execution JSON (${describeExit(cli)}).\n${logTail(cli)}`,
			);
		}
		const resultData = execution.data?.resultData ?? {};
		const failed = cli.exitCode === 1 || crashed?.status === 'error';
		const succeeded = cli.exitCode === 0 || crashed?.status === 'success';
		return { exitCode: cli.exitCode, failed, succeeded, execution, runData: resultData.runData ?? {}, error: resultData.error, cli };
	}

	/**
	 * `n8n start`; then sets the owner up and publishes the given (imported) workflows through n8n's REST API. The
	 * owner's session cookie comes with the server, for callers that read n8n's REST API afterwards.
	 */
	async startServer(publish: string[] = []): Promise<N8nServer & { ownerCookie: string }> {
		const port = await freePort();
		const server = await startN8nServer({ bin: this.bin, env: await this.env(port), port });
		this.servers.push(server);
		const ownerCookie = await ensureOwner(server.url);
		if (publish.length > 0) await publishWorkflows(server.url, ownerCookie, publish);
		return Object.assign(server, { ownerCookie });
	}

	async cleanup(): Promise<void> {
		// A CLI command still running here belongs to a step jest gave up on: end it, so neither it nor its timer
		// outlives the suite (jest would report a worker that failed to exit gracefully).
		for (const [child, closed] of this.running) {
			killGroup(child, 'SIGKILL');
			await closed;
		}
		for (const server of this.servers.splice(0)) await server.stop();
		if (!process.env.E2E_KEEP) rmSync(this.workDir, { recursive: true, force: true });
	}
}

/**
 * The n8n under test in queue mode: Postgres, Redis (installed with apt-get when missing) and, once `start()` is
 * called, a main and workers, all loading a snapshot of dist/. `stop()` ends everything and removes the folder.
 */
export async function createQueueDeployment(
	options: Omit<QueueOptions, 'bin' | 'workDir' | 'packageDir'> = {},
): Promise<QueueDeployment & { cleanup(): Promise<void> }> {
	if (!existsSync(join(DIST_DIR, 'nodes', 'UltimakerDigitalFactory', 'UltimakerDigitalFactory.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` before the e2e tests (npm test does).');
	}
	const bin = locateN8n({ version: N8N_VERSION });
	const workDir = mkdtempSync(join(tmpdir(), 'udf-e2e-queue-'));
	cpSync(DIST_DIR, join(workDir, 'package-dist'), { recursive: true });
	const deployment = await QueueDeployment.create({
		...options,
		bin,
		workDir,
		packageDir: join(workDir, 'package-dist'),
		fileAccessDirs: [FIXTURES_DIR, workDir, ...(options.fileAccessDirs ?? [])],
	});
	return Object.assign(deployment, {
		cleanup: async () => {
			await deployment.stop();
			if (!process.env.E2E_KEEP) rmSync(workDir, { recursive: true, force: true });
		},
	});
}

export function logTail(result: CliResult, lines = 40): string {
	return `--- n8n stdout (tail) ---\n${tail(result.stdout, lines)}\n--- n8n stderr (tail) ---\n${tail(result.stderr, lines)}`;
}

/** JSON of every item a node produced in its first run (output `outputIndex`). */
export function nodeOutput(outcome: ExecutionOutcome, nodeName: string, outputIndex = 0, runIndex = 0): any[] {
	const runs = outcome.runData[nodeName];
	if (!runs?.[runIndex]) {
		throw new Error(
			`Node "${nodeName}" did not run (ran: ${Object.keys(outcome.runData).join(', ')}). ` +
				`Workflow error: ${outcome.error?.message ?? 'none'}\n${logTail(outcome.cli)}`,
		);
	}
	const items = runs[runIndex].data?.main?.[outputIndex] ?? [];
	return items.map((item: { json: unknown }) => item.json);
}

/** The error a node recorded in its run (n8n stores message and description there). */
export function nodeError(outcome: ExecutionOutcome, nodeName: string): Record<string, any> | undefined {
	return outcome.runData[nodeName]?.[0]?.error;
}

/** Throws with n8n's log tail unless the run succeeded, so a failing test says why. */
export function assertSucceeded(outcome: ExecutionOutcome): void {
	if (outcome.succeeded && !outcome.error) return;
	throw new Error(
		`Workflow failed (exit ${outcome.exitCode}): ${outcome.error?.message ?? ''} ${outcome.error?.description ?? ''}\n` +
			logTail(outcome.cli),
	);
}

// ---------- secret scans of what n8n shows and keeps ----------

/** A run's execution (every node's items, binary metadata and errors) and n8n's own output carry no token. */
export function expectNoSecretsInRun(outcome: ExecutionOutcome, where: string): void {
	expectNoSecrets(outcome.execution, `${where}: the execution n8n printed`);
	expectNoSecrets([outcome.cli.stdout, outcome.cli.stderr], `${where}: n8n's stdout/stderr`);
}

/**
 * Every file n8n keeps in the sandbox's user folder (its SQLite database with the stored executions and the
 * encrypted credentials, binary data, logs) carries no token. Returns all their text, for a test to prove the
 * scan saw what it meant to (e.g. a value of the runs).
 */
export function expectNoSecretsInUserFolder(sandbox: N8nSandbox): string {
	const texts: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.isFile()) {
				const text = readFileSync(path).toString('latin1');
				const found = findSecretsInText(text);
				if (found.length > 0) throw new Error(`Secret(s) found in n8n's ${path}: ${found.map(mask).join(', ')}`);
				texts.push(text);
			}
		}
	};
	walk(sandbox.userFolder);
	return texts.join('\n');
}

// ---------- building test workflows ----------

export interface StepSpec {
	name: string;
	type: string;
	typeVersion?: number;
	parameters?: Record<string, unknown>;
	/** Ultimaker nodes get the e2e credential automatically. */
	credential?: CredentialRef;
	onError?: WorkflowNode['onError'];
	/** Run once whatever the number of input items (n8n's "Execute Once" setting). */
	executeOnce?: boolean;
}

/** Manual Trigger → steps, in a straight line. */
export function linearWorkflow(id: string, name: string, steps: StepSpec[], credential?: CredentialRef): Workflow {
	const trigger: StepSpec = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };
	const all = [trigger, ...steps];
	const nodes: WorkflowNode[] = all.map((step, index) => {
		const node: WorkflowNode = {
			id: `${id}-n${index}`,
			name: step.name,
			type: step.type,
			typeVersion: step.typeVersion ?? 1,
			position: [index * 220, 0],
			parameters: step.parameters ?? {},
		};
		const ref = step.credential ?? (step.type.startsWith(CUSTOM_PREFIX) ? credential : undefined);
		if (ref) node.credentials = { [API_CREDENTIAL_TYPE]: { ...ref } };
		if (step.onError) node.onError = step.onError;
		if (step.executeOnce) node.executeOnce = true;
		return node;
	});
	const connections: Workflow['connections'] = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** An Ultimaker Digital Factory action step. */
export function udf(name: string, parameters: Record<string, unknown>, extra: Partial<StepSpec> = {}): StepSpec {
	return { name, type: ACTION_NODE, typeVersion: 1, parameters, ...extra };
}

/** Read/Write Files from Disk: loads a file as binary property `data`. */
export function readFile(name: string, path: string): StepSpec {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: path, options: {} },
	};
}

/** HTTP Request node POSTing a JSON body (used to drive the emulator's control API mid-workflow). */
export function httpPost(name: string, url: string, jsonBody: unknown): StepSpec {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: JSON.stringify(jsonBody),
			options: {},
		},
	};
}

export function clusterRef(clusterId: string): { __rl: true; mode: 'id'; value: string } {
	return { __rl: true, mode: 'id', value: clusterId };
}
