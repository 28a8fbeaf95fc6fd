/**
 * The demo stack: the Digital Factory emulator with a small farm, and a real n8n with this package, a ready
 * credential pointing at the emulator, the example workflows (active) and an owner account.
 * Used by `npm start` (scripts/demo.ts), `npm run start:queue` (the same in n8n's queue mode: Postgres, Redis, a
 * main and two workers, through scripts/lib/queue.ts) and by scripts/screenshots.ts.
 */
import { copyFileSync, createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LanClient, startEmulator } from '../../emulator';
import {
	assertPortFree,
	buildPackage,
	DEMO_OWNER,
	distIsStale,
	ensureOwner,
	freePort,
	locateN8nWithProgress,
	n8nEnv,
	publishWorkflows,
	REPO_ROOT,
	runN8nCli,
	startN8nServer,
	tail,
	type N8nServer,
	type N8nWorker,
	type Owner,
	waitForWebhook,
} from './n8n';
import { QueueDeployment } from './queue';
import {
	apiCredential,
	EXAMPLE_CREDENTIAL,
	EXAMPLE_LAN_CREDENTIAL,
	lanCredential,
	EXAMPLES_DIR,
	findNode,
	forCustomLoading,
	hasActivatingTrigger,
	listExampleFiles,
	loadExample,
	type Workflow,
} from './workflows';

export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/**
 * A small farm with something to look at: five printer types, one needing maintenance, and the mix a real farm
 * has: another material loaded (PETG on the S7, ABS on the Method XL) and a BB core where a PLA toolpath wants
 * AA (the S3), so a Generic PLA / AA 0.4 toolpath sent there waits for a configuration change. Three S5s load
 * Generic PLA, so the sample file fits three printers (the "one file to 3 printers" example).
 */
export const DEMO_FARM = [
	{ friendly_name: 'Prototyping lab', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Ada', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Production line 1', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Grace', materials: ['PLA', 'PLA'] }] },
	{ friendly_name: 'Production line 2', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 Linus', materials: ['PETG', 'PVA'] }] },
	{ friendly_name: 'Production line 3', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Margaret', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Large format', printers: [{ type: 'ultimaker_methodxl', friendly_name: 'Method XL Hedy', materials: ['ABS'] }] },
	{
		friendly_name: 'Support bench',
		printers: [{ type: 'ultimaker_s3', friendly_name: 'S3 Barbara', materials: ['PVA', 'PLA'], print_cores: ['BB 0.4', 'AA 0.4'] }],
	},
];

/** The sample G-code the examples and the printed hints use. */
export const SAMPLE_GCODE = join(EXAMPLES_DIR, 'files', 'calibration-cube.gcode');

export interface DemoOptions {
	n8nPort: number;
	emulatorPort: number;
	speed: number;
	/** Where n8n's user folder, the drop folder and the log live. */
	demoDir: string;
	/** Start from an empty n8n user folder. */
	fresh: boolean;
	n8nVersion?: string;
	owner?: Owner;
	/** n8n's queue mode: Postgres + Redis + main + two workers (always fresh: their data lives for the run). */
	queue?: boolean;
	log?: (message: string) => void;
}

export interface DemoStack {
	emulator: Emulator;
	n8n: N8nServer;
	editorUrl: string;
	owner: Owner;
	cookie: string;
	dropDir: string;
	logFile: string;
	workflows: Workflow[];
	/** Queue mode only: the deployment (Postgres, Redis) and its workers. */
	queue?: QueueDeployment;
	workers: N8nWorker[];
	stop(): Promise<void>;
}

export function demoOptionsFromEnv(): DemoOptions {
	const number = (value: string | undefined, fallback: number) => (value && /^\d+$/.test(value) ? Number(value) : fallback);
	return {
		n8nPort: number(process.env.N8N_PORT ?? process.env.PORT, 5678),
		emulatorPort: number(process.env.EMULATOR_PORT, 8787),
		speed: Number(process.env.DEMO_SPEED ?? 30) || 30,
		demoDir: process.env.DEMO_DIR ?? join(REPO_ROOT, '.demo'),
		fresh: process.argv.includes('--fresh') || process.env.DEMO_FRESH === '1',
		n8nVersion: process.env.N8N_VERSION,
		queue: process.argv.includes('--queue'),
	};
}

/** The examples as the demo imports them: CUSTOM. prefix, local URLs and folders. */
export function demoWorkflows(emulatorUrl: string, dropDir: string, sampleFile: string): Workflow[] {
	return listExampleFiles().map((file) => {
		const workflow = forCustomLoading(loadExample(file));
		for (const node of workflow.nodes) {
			const url = node.parameters.url;
			if (typeof url === 'string') node.parameters.url = url.replace('http://127.0.0.1:8787', emulatorUrl);
		}
		if (workflow.id === 'udfExampleFileDrop') findNode(workflow, 'New file in drop folder').parameters.path = dropDir;
		const sample = workflow.nodes.find((node) => node.name === 'Sample file path')?.parameters as any;
		if (sample) sample.assignments.assignments[0].value = sampleFile;
		return workflow;
	});
}

type Log = (message: string) => void;
/** What each step registers to undo; `stop()` runs them last-first. */
type Cleanups = Array<() => Promise<void>>;

interface DemoFolders {
	userFolder: string;
	dropDir: string;
	samplesDir: string;
	sampleFile: string;
}

/** Where n8n's CLI commands and server run: a regular n8n's environment, or the queue deployment's. */
interface N8nTarget {
	bin: string;
	env: NodeJS.ProcessEnv;
	queue?: QueueDeployment;
}

export async function startDemoStack(options: DemoOptions): Promise<DemoStack> {
	const log = options.log ?? ((message: string) => console.log(message));
	const cleanups: Cleanups = [];
	const stop = async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
	};
	try {
		await assertDemoPortsFree(options);
		const bin = await prepareN8n(options, log);
		const folders = prepareDemoFolders(options);
		const emulator = await startDemoEmulator(options, log, cleanups);
		const target = await prepareN8nTarget(options, bin, folders, log, cleanups);
		const workflows = await importDemo(options, target, emulator, folders, log);
		const { n8n, workers, logFile } = await startDemoN8n(options, target, log, cleanups);
		const owner = options.owner ?? DEMO_OWNER;
		const cookie = await ensureOwner(n8n.url, owner);
		await publishDemo(n8n, cookie, workflows, log);
		const editorUrl = `http://localhost:${options.n8nPort}`;
		return { emulator, n8n, editorUrl, owner, cookie, dropDir: folders.dropDir, logFile, workflows, queue: target.queue, workers, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

async function assertDemoPortsFree(options: DemoOptions): Promise<void> {
	await assertPortFree(options.n8nPort, 'Set N8N_PORT (or PORT) to another port for n8n.');
	await assertPortFree(options.emulatorPort, 'Set EMULATOR_PORT to another port for the emulator.');
	await assertPortFree(options.emulatorPort + 1, 'The emulator also needs EMULATOR_PORT+1 (signed storage); set EMULATOR_PORT.');
	await assertPortFree(options.emulatorPort + 2, "The emulator also needs EMULATOR_PORT+2 (a printer group's local network API); set EMULATOR_PORT.");
}

/** Builds the package when dist/ is stale and locates (installing on first use) n8n: its binary. */
async function prepareN8n(options: DemoOptions, log: Log): Promise<string> {
	if (distIsStale()) {
		log('• Building the package (dist/ is missing or older than the sources)...');
		buildPackage();
	}
	log(`• Locating n8n ${options.n8nVersion ?? ''}(the first run installs it into ~/.cache: about 4-5 minutes, progress below)...`);
	return await locateN8nWithProgress(options.n8nVersion);
}

/** n8n's user folder (emptied with `fresh`), the drop folder and a copy of the sample G-code. */
function prepareDemoFolders(options: DemoOptions): DemoFolders {
	const userFolder = join(options.demoDir, 'n8n-user');
	const dropDir = join(options.demoDir, 'drop');
	const samplesDir = join(options.demoDir, 'samples');
	if (options.fresh) rmSync(userFolder, { recursive: true, force: true });
	for (const dir of [options.demoDir, userFolder, dropDir, samplesDir]) mkdirSync(dir, { recursive: true });
	const sampleFile = join(samplesDir, 'calibration-cube.gcode');
	copyFileSync(SAMPLE_GCODE, sampleFile);
	return { userFolder, dropDir, samplesDir, sampleFile };
}

async function startDemoEmulator(options: DemoOptions, log: Log, cleanups: Cleanups): Promise<Emulator> {
	log(`• Starting the Digital Factory emulator on port ${options.emulatorPort} (clock ${options.speed}× real time)...`);
	// The print answer as Ultimaker recorded it (cluster_job_id only): the example workflows read Send print's
	// job_instance_uuid, which the node fills from it. Uploaded files are kept (in the demo folder) so their
	// download URLs work: the notify example shows thumbnails.
	const uploadDir = join(options.demoDir, 'uploads');
	rmSync(uploadDir, { recursive: true, force: true });
	mkdirSync(uploadDir, { recursive: true });
	// The clock starts a day back, so the prints of seedFarmHistory lie in the past of the weekly report's "last 7 days".
	const startTime = Date.now() - 86_400_000;
	const emulator = await startEmulator({ port: options.emulatorPort, seed: 'demo', speed: options.speed, farm: DEMO_FARM, uploadDir, startTime });
	cleanups.push(() => emulator.close());
	await seedFarmHistory(emulator);
	await markForMaintenance(emulator, 'Production line 2');
	return emulator;
}

/** The environment n8n's CLI runs in: a regular n8n's, or (queue mode) that of a new Postgres + Redis deployment. */
async function prepareN8nTarget(options: DemoOptions, bin: string, folders: DemoFolders, log: Log, cleanups: Cleanups): Promise<N8nTarget> {
	const fileAccessDirs = [folders.dropDir, folders.samplesDir];
	const publicUrl = { WEBHOOK_URL: `http://localhost:${options.n8nPort}/`, N8N_EDITOR_BASE_URL: `http://localhost:${options.n8nPort}/` };
	if (!options.queue) {
		return { bin, env: n8nEnv({ userFolder: folders.userFolder, brokerPort: await freePort(), port: options.n8nPort, fileAccessDirs, extra: publicUrl }) };
	}
	log('• Starting Postgres and Redis for queue mode (installed with apt-get on first use)...');
	const workDir = join(options.demoDir, 'queue');
	rmSync(workDir, { recursive: true, force: true });
	mkdirSync(workDir, { recursive: true });
	const queue = await QueueDeployment.create({ bin, workDir, workers: 2, mainPort: options.n8nPort, fileAccessDirs, mainExtra: publicUrl, log });
	cleanups.push(() => queue.stop());
	log(`  Postgres on port ${queue.postgres.port} (data ${queue.postgres.dataDir}), Redis on port ${queue.redis.port}`);
	return { bin, env: await queue.env('cli'), queue };
}

/** Imports the credentials and the example workflows with n8n's CLI (published once n8n runs: publishDemo). */
async function importDemo(options: DemoOptions, target: N8nTarget, emulator: Emulator, folders: DemoFolders, log: Log): Promise<Workflow[]> {
	const cli = async (label: string, args: string[]) => {
		const result = await runN8nCli(target.bin, args, target.env, 180_000);
		if (result.exitCode !== 0) {
			throw new Error(`${label} failed (n8n ${args.join(' ')}, exit ${result.exitCode}):\n${tail(result.stdout + result.stderr, 30)}`);
		}
	};
	log(`• Importing the credentials "${EXAMPLE_CREDENTIAL.name}" and "${EXAMPLE_LAN_CREDENTIAL.name}" (paired) and the example workflows into n8n...`);
	const credentialsFile = join(options.demoDir, 'credentials.json');
	const workflowsFile = join(options.demoDir, 'workflows.json');
	const workflows = demoWorkflows(emulator.url, folders.dropDir, folders.sampleFile);
	// The local network credential: the emulator's printer group, paired as if someone pressed Allow on the printer.
	const pairing = await new LanClient(emulator.lanUrl).pair('n8n demo', 'demo');
	const lanHost = new URL(emulator.lanUrl).host;
	await writeJson(credentialsFile, [apiCredential(EXAMPLE_CREDENTIAL, emulator.url, emulator.apiToken), lanCredential(EXAMPLE_LAN_CREDENTIAL, lanHost, pairing)]);
	await writeJson(workflowsFile, workflows);
	await cli('Importing the credential', ['import:credentials', `--input=${credentialsFile}`]);
	await cli('Importing the workflows', ['import:workflow', `--input=${workflowsFile}`]);
	rmSync(credentialsFile, { force: true });
	return workflows;
}

/** Publishes the examples with a trigger (as the editor's Publish button does), then waits until the ERP webhook listens. */
async function publishDemo(n8n: N8nServer, cookie: string, workflows: Workflow[], log: Log): Promise<void> {
	const active = workflows.filter(hasActivatingTrigger);
	log(`• Publishing ${active.map((workflow) => `"${workflow.name}"`).join(', ')}...`);
	await publishWorkflows(n8n.url, cookie, active.map((workflow) => workflow.id));
	await waitForWebhook(n8n, 'erp-order', 120_000).catch((error: Error) => log(`  warning: ${error.message.split('\n')[0]}`));
}

/** Starts n8n (queue mode: the main and its workers) and copies each process's output into its log file. */
async function startDemoN8n(options: DemoOptions, target: N8nTarget, log: Log, cleanups: Cleanups): Promise<{ n8n: N8nServer; workers: N8nWorker[]; logFile: string }> {
	const logFile = join(options.demoDir, 'n8n.log');
	let n8n: N8nServer;
	if (target.queue) {
		log(`• Starting n8n in queue mode: main on port ${options.n8nPort} and 2 workers (logs: ${join(options.demoDir, 'n8n*.log')})...`);
		await target.queue.start();
		n8n = target.queue.main!;
	} else {
		log(`• Starting n8n on port ${options.n8nPort} (log: ${logFile})...`);
		const server = await startN8nServer({ bin: target.bin, env: target.env, port: options.n8nPort });
		cleanups.push(() => server.stop());
		n8n = server;
	}
	const workers = target.queue?.workers ?? [];
	const logged: Array<[string, { log(): string; child: N8nServer['child'] }]> = [
		[logFile, n8n],
		...workers.map((worker, index) => [join(options.demoDir, `n8n-worker-${index + 1}.log`), worker] as [string, N8nWorker]),
	];
	for (const [file, proc] of logged) teeLog(file, proc, cleanups);
	return { n8n, workers, logFile };
}

/** Writes a process's output so far, and everything it prints from now on, to `file`. */
function teeLog(file: string, proc: { log(): string; child: N8nServer['child'] }, cleanups: Cleanups): void {
	const logStream = createWriteStream(file);
	logStream.write(proc.log());
	proc.child.stdout?.on('data', (chunk) => logStream.write(chunk));
	proc.child.stderr?.on('data', (chunk) => logStream.write(chunk));
	cleanups.push(async () => void logStream.end());
}

/** Finished prints for the weekly farm report example: the sample cube and two variants of it, on the three S5s. */
export const DEMO_HISTORY: Array<{ cluster: string; name: string; seconds: number; volumeMm3: number; count: number }> = [
	{ cluster: 'Prototyping lab', name: 'calibration-cube.gcode', seconds: 1200, volumeMm3: 2150, count: 6 },
	{ cluster: 'Production line 1', name: 'gearbox-housing.gcode', seconds: 3600, volumeMm3: 9000, count: 4 },
	{ cluster: 'Production line 3', name: 'cable-clip.gcode', seconds: 900, volumeMm3: 3000, count: 8 },
];

export async function seedFarmHistory(emulator: Emulator): Promise<void> {
	const clusters = await emulator.client.clustersByName();
	const cube = readFileSync(SAMPLE_GCODE, 'utf8');
	for (const plan of DEMO_HISTORY) {
		// The sample's header with this print's time and material volume (what the emulator and the report read).
		const gcode = cube.replace(/^;PRINT\.TIME:\d+$/m, `;PRINT.TIME:${plan.seconds}`).replace(/^(;EXTRUDER_TRAIN\.0\.MATERIAL\.VOLUME_USED:)\d+$/m, `$1${plan.volumeMm3}`);
		const jobId = await emulator.client.uploadJob(plan.name, gcode);
		for (let copy = 0; copy < plan.count; copy++) await emulator.client.sendPrint(clusters[plan.cluster]!.cluster_id, jobId);
	}
	// Long enough for every queue to run out (print, post-print and the plate cleared after each).
	await emulator.client.advanceClock(Math.max(...DEMO_HISTORY.map((plan) => plan.count * (plan.seconds + 300))));
}

async function markForMaintenance(emulator: Emulator, clusterName: string): Promise<void> {
	const cluster = (await emulator.client.clustersByName())[clusterName];
	if (!cluster) return;
	const status = await emulator.client.clusterStatus(cluster.cluster_id);
	for (const printer of status.printers as Array<{ uuid: string }>) {
		await emulator.client.updatePrinter(printer.uuid, { maintenance_required: true });
	}
}

async function writeJson(file: string, value: unknown): Promise<void> {
	const { writeFile } = await import('node:fs/promises');
	await writeFile(file, JSON.stringify(value, null, 2));
}
