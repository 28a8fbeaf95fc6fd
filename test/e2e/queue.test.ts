/**
 * n8n in queue mode, the way a scaled-out deployment runs it: Postgres, Redis, one main (`n8n start`) and two workers
 * (`n8n worker`), every process loading this package (scripts/lib/queue.ts; Postgres and Redis are installed with
 * apt-get when missing). Binary data in n8n's queue-mode default, the `database` mode.
 * - actions behind a production webhook run on the workers, never on the main (n8n's logs and execution records);
 * - 1,000 Send print executions spread over both workers queue exactly 1,000 prints;
 * - uploads of binary data kept in Postgres; one too big for n8n to read back fails before it is registered;
 * - the trigger polls once per interval for the whole deployment (plus once at activation), on the main; its state
 *   is in Postgres, so a main killed (SIGKILL) in the middle of a print and restarted later delivers every
 *   transition exactly once.
 * `N8N_VERSION` picks the n8n under test (default 2.8.4).
 */
import { openAsBlob, readFileSync, writeFileSync } from 'node:fs';
import { startEmulator } from '../../emulator';
import type { LoggedRequest } from '../../emulator';
import { apiCredential, eventRecorderWorkflow, webhookWorkflow, type CredentialRef, type Workflow, type WorkflowNode } from '../../scripts/lib/workflows';
import { writeGcodeFile } from '../fixtures/gcode';
import { waitFor } from '../helpers/wait';
import { ACTION_NODE, createQueueDeployment, N8N_VERSION, waitForWebhook } from './harness';
import { DATABASE_MODE_MAX_READ_BYTES } from '../../nodes/UltimakerDigitalFactory/core/upload/plan';

jest.setTimeout(600_000);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Deployment = Awaited<ReturnType<typeof createQueueDeployment>>;

const MiB = 1024 * 1024;
/**
 * Executions in the fan-out test: enough for both workers to run ten at a time for a while and for one print per
 * execution to be a real check. Throughput at 1,000 is measured by `npm run bench -- queue` (BENCHMARKS.md);
 * E2E_QUEUE_ITEMS=1000 runs this test at that size.
 */
const FAN_OUT = Number(process.env.E2E_QUEUE_ITEMS ?? 300);
/** Uploaded through a webhook into Postgres and on to storage: big enough to matter, small enough for CI. */
const UPLOAD_MIB = Number(process.env.E2E_QUEUE_UPLOAD_MIB ?? 100);

const SHOP: CredentialRef = { id: 'udfQueueCredShop1', name: 'Emulator (queue actions)' };
const EVENTS: CredentialRef = { id: 'udfQueueCredEvnt1', name: 'Emulator (queue trigger)' };

const SHOP_FARM = [
	{ friendly_name: 'Line A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 A', materials: ['PLA'] }] },
	{ friendly_name: 'Line B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 B', materials: ['PLA'] }] },
	{ friendly_name: 'Line C', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 C', materials: ['PLA'] }] },
	{ friendly_name: 'Line D', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 D', materials: ['PLA'] }] },
];
const TRIGGER_FARM = [
	{ friendly_name: 'Cell 1', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 One', materials: ['PLA'] }] },
	{ friendly_name: 'Cell 2', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Two', materials: ['PLA'] }] },
];

/** How long one Send print webhook call may take before it counts as unanswered (they take well under a second). */
const ANSWER_TIMEOUT_MS = 60_000;

const TRIGGER_WORKFLOW = 'queueTriggerRecord';

type Step = Pick<WorkflowNode, 'name' | 'type' | 'typeVersion' | 'parameters' | 'credentials' | 'onError'>;


function udfStep(name: string, parameters: Record<string, unknown>, credential: CredentialRef): Step {
	return { name, type: ACTION_NODE, typeVersion: 1, parameters, credentials: { ultimakerDigitalFactoryApi: { ...credential } } };
}


const WORKFLOWS = (eventsEmu: Emulator): Workflow[] => [
	webhookWorkflow('queueListClusters', 'q-list', udfStep('List clusters', { resource: 'cluster', operation: 'getMany', returnAll: true }, SHOP)),
	webhookWorkflow(
		'queueSendPrint01',
		'q-send',
		udfStep(
			'Send print',
			{ resource: 'print', operation: 'send', clusterId: { __rl: true, mode: 'id', value: '={{ $json.body.clusterId }}' }, jobId: '={{ $json.body.jobId }}' },
			SHOP,
		),
	),
	webhookWorkflow('queueUploadJob01', 'q-upload', {
		...udfStep('Upload job', { resource: 'job', operation: 'upload', binaryPropertyName: 'file' }, SHOP),
		// The answer then carries the node's error message instead of n8n's bare "Error in workflow".
		onError: 'continueRegularOutput',
	}),
	eventRecorderWorkflow(TRIGGER_WORKFLOW, `${eventsEmu.url}/_emulator/recorder/events`, EVENTS),
];

async function postJson(url: string, body: unknown, timeoutMs?: number): Promise<{ status: number; json: any }> {
	const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
	const text = await response.text();
	try {
		return { status: response.status, json: JSON.parse(text) };
	} catch {
		return { status: response.status, json: text };
	}
}

/** Multipart POST of a file, streamed from disk (openAsBlob), as an ERP or a `curl -F` would send it. */
async function postFile(url: string, path: string, fileName: string): Promise<{ status: number; json: any }> {
	const form = new FormData();
	form.append('file', await openAsBlob(path, { type: 'text/plain' }), fileName);
	const response = await fetch(url, { method: 'POST', body: form });
	const text = await response.text();
	try {
		return { status: response.status, json: JSON.parse(text) };
	} catch {
		return { status: response.status, json: text };
	}
}

/** Execution ids in "Worker started execution 12 (job 7)" / "Enqueued execution 12 (job 7)" lines. */
function executionIds(log: string, pattern: RegExp): number[] {
	return [...log.matchAll(pattern)].map((match) => Number(match[1]));
}
const STARTED = /Worker started execution (\d+) \(job \d+\)/g;
const ENQUEUED = /Enqueued execution (\d+) \(job \d+\)/g;
/** The main's line for a worker's job-finished message (n8n 2.8.4 and 2.41.1 scaling.service). */
const FINISHED = /Execution (\d+) \(job \d+\) finished/g;

function vmKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
}

const timings: Record<string, number> = {};
function timed(name: string, fn: () => Promise<void>): [string, () => Promise<void>] {
	return [
		name,
		async () => {
			const started = Date.now();
			try {
				await fn();
			} finally {
				timings[name] = Date.now() - started;
			}
		},
	];
}

describe(`n8n ${N8N_VERSION} in queue mode: Postgres, Redis, main + 2 workers`, () => {
	let shopEmu: Emulator;
	let eventsEmu: Emulator;
	let queue: Deployment;
	let cubeJobs: { one: string; two: string };
	let sharedJob: string;
	const setupStarted = Date.now();

	beforeAll(async () => {
		const options = { port: 0, storagePort: 0, speed: 0 };
		shopEmu = await startEmulator({ ...options, seed: 'queue-shop', farm: SHOP_FARM, requestLogLimit: 20_000 });
		eventsEmu = await startEmulator({ ...options, seed: 'queue-events', farm: TRIGGER_FARM });
		for (const cluster of await shopEmu.client.clusters()) await shopEmu.client.updateCluster(cluster.cluster_id, { queue_limit: 1_000_000 });
		sharedJob = await shopEmu.client.uploadJob('fan-out.gcode', ';FLAVOR:Griffin\n;PRINT.TIME:600\nG28\n');
		cubeJobs = {
			one: await eventsEmu.client.uploadJob('cube.gcode', ';FLAVOR:Griffin\n;PRINT.TIME:1200\nG28\n'),
			two: await eventsEmu.client.uploadJob('stand.gcode', ';FLAVOR:Griffin\n;PRINT.TIME:3600\nG28\n'),
		};

		queue = await createQueueDeployment({
			workers: 2,
			concurrency: 10,
			binaryDataMode: 'database',
			// Webhook multipart files are capped at 200 MiB by default; the over-limit upload needs more.
			extra: { N8N_FORMDATA_FILE_SIZE_MAX: '1024' },
		});
		await queue.importCredentials([
			apiCredential(SHOP, shopEmu.url, shopEmu.apiToken),
			apiCredential(EVENTS, eventsEmu.url, eventsEmu.apiToken),
		]);
		const workflows = WORKFLOWS(eventsEmu);
		await queue.importWorkflows(workflows);
		await queue.start();
		await queue.publish(workflows.map((workflow) => workflow.id));
		for (const path of ['q-list', 'q-send', 'q-upload']) await waitForWebhook(queue.main!, path, 120_000);
		timings['set-up (services, import, main + 2 workers)'] = Date.now() - setupStarted;
	});

	afterAll(async () => {
		await queue?.cleanup();
		await Promise.all([shopEmu?.close(), eventsEmu?.close()]);
		// Per-test durations, for the CI budget (docs/e2e.md).
		console.log(`queue e2e durations (n8n ${N8N_VERSION}):\n${Object.entries(timings).map(([name, ms]) => `  ${(ms / 1000).toFixed(1)} s  ${name}`).join('\n')}`);
	});

	function logs(): string {
		const main = queue.main ? queue.main.log().split('\n').slice(-30).join('\n') : '';
		return `--- main ---\n${main}\n${queue.workers.map((worker, i) => `--- worker ${i + 1} ---\n${worker.log().split('\n').slice(-20).join('\n')}`).join('\n')}`;
	}

	function executionsOf(workflowId: string): Array<{ id: number; status: string; mode: string }> {
		return (
			queue.postgres.queryJson<Array<{ id: number; status: string; mode: string }>>(
				`SELECT json_agg(json_build_object('id', id::int, 'status', status, 'mode', mode) ORDER BY id) FROM execution_entity WHERE "workflowId" = '${workflowId}'`,
			) ?? []
		);
	}

	test(...timed('actions behind a webhook run on the workers, never on the main', async () => {
		const answers = await Promise.all(Array.from({ length: 8 }, () => postJson(`${queue.url}/webhook/q-list`, {})));
		for (const answer of answers) {
			expect(answer.status).toBe(200);
			expect(answer.json).toMatchObject({ cluster_id: expect.any(String) });
			expect(SHOP_FARM.map((cluster) => cluster.friendly_name)).toContain(answer.json.friendly_name);
		}
		const records = executionsOf('queueListClusters');
		expect(records).toHaveLength(8);
		expect(records.every((record) => record.status === 'success' && record.mode === 'webhook')).toBe(true);
		// n8n's execution records do not name the process that ran them; its logs do.
		const ids = records.map((record) => record.id);
		const mainLog = queue.main!.log();
		expect(executionIds(mainLog, ENQUEUED)).toEqual(expect.arrayContaining(ids));
		expect(executionIds(mainLog, STARTED)).toEqual([]);
		const ranBy = ids.map((id) => queue.workers.filter((worker) => executionIds(worker.log(), STARTED).includes(id)).length);
		expect(ranBy).toEqual(ids.map(() => 1));
	}));

	test(...timed(`${FAN_OUT} Send print executions spread over both workers queue exactly ${FAN_OUT} prints`, async () => {
		const clusters = (await shopEmu.client.clusters()).map((cluster) => cluster.cluster_id as string);
		await shopEmu.client.clearRequests();
		const started = Date.now();
		let next = 0;
		const answers: Array<{ status: number; json: any }> = [];
		// 20 requests in flight: more than the 2 × 10 executions the workers run at once.
		await Promise.all(
			Array.from({ length: 20 }, async () => {
				while (next < FAN_OUT) {
					const index = next++;
					answers[index] = await postJson(`${queue.url}/webhook/q-send`, { clusterId: clusters[index % clusters.length], jobId: sharedJob }, ANSWER_TIMEOUT_MS).catch(
						(error: Error) => ({ status: 0, json: `${error.name}: ${error.message} (${String((error.cause as Error | undefined)?.message ?? '')})` }),
					);
				}
			}),
		);
		const seconds = (Date.now() - started) / 1000;
		console.log(`queue mode: ${FAN_OUT} Send print executions in ${seconds.toFixed(1)} s = ${(FAN_OUT / seconds).toFixed(1)}/s`);
		// n8n 2.8.4 in queue mode now and then never answers a webhook call whose execution succeeded (2 of 3,000 in
		// `npm run bench -- queue`, BENCHMARKS.md; 3 of 300 in a CI run on a loaded machine): such a call counts as
		// unanswered, not failed. What this package must get right — exactly one print per execution, every execution
		// a success — is checked below on the emulator and n8n's records, which cover the unanswered calls too. The
		// bound (5 %) only tells a lost answer now and then from a main that stopped answering.
		const unanswered = answers.filter((answer) => answer.status === 0 && /TimeoutError/.test(String(answer.json)));
		const failed = answers.filter((answer) => !unanswered.includes(answer) && (answer.status !== 200 || answer.json?.status !== 'queued'));
		if (failed.length) console.log(`${failed.length} answers were not "queued":\n${logs()}`);
		if (unanswered.length) {
			// The main answers a queued webhook call when the worker's "job-finished" message reaches it (Bull's
			// global:progress, Redis pub/sub) and logs that message; which executions' messages it never logged:
			const finishedOnMain = new Set(executionIds(queue.main!.log(), FINISHED));
			const notFinishedOnMain = executionsOf('queueSendPrint01').filter((record) => !finishedOnMain.has(record.id)).map((record) => record.id);
			console.log(
				`${unanswered.length} webhook calls got no answer from n8n within ${ANSWER_TIMEOUT_MS / 1000} s; executions whose finish the main never logged: ${notFinishedOnMain.join(', ') || 'none'}`,
			);
		}
		expect(failed.slice(0, 3)).toEqual([]);
		expect(unanswered.length).toBeLessThanOrEqual(FAN_OUT / 20);
		const answered = answers.filter((answer) => !unanswered.includes(answer));
		expect(new Set(answered.map((answer) => answer.json.cluster_job_id)).size).toBe(answered.length);

		const state = await shopEmu.client.state();
		const prints = state.clusters.flatMap((cluster) => cluster.print_jobs.filter((job) => job.cloud_job_id === sharedJob));
		expect(prints).toHaveLength(FAN_OUT);
		const posts = (await shopEmu.client.requests()).filter((entry: LoggedRequest) => entry.method === 'POST' && /\/print\//.test(entry.path));
		expect(posts).toHaveLength(FAN_OUT);
		expect(posts.every((entry) => entry.status === 200)).toBe(true);

		const records = executionsOf('queueSendPrint01');
		expect(records).toHaveLength(FAN_OUT);
		expect(records.filter((record) => record.status !== 'success')).toEqual([]);
		const perWorker = queue.workers.map((worker) => {
			const ran = new Set(executionIds(worker.log(), STARTED));
			return records.filter((record) => ran.has(record.id)).length;
		});
		console.log(`executions per worker: ${perWorker.join(' / ')}`);
		expect(perWorker.reduce((sum, count) => sum + count, 0)).toBe(FAN_OUT);
		for (const count of perWorker) expect(count).toBeGreaterThan(FAN_OUT / 10);
	}));

	test(...timed(`a ${UPLOAD_MIB} MiB G-code posted to a webhook is uploaded from n8n's database binary data`, async () => {
		const file = await writeGcodeFile({ sizeBytes: UPLOAD_MIB * MiB, dir: queue.options.workDir, fileName: `queue-${UPLOAD_MIB}MiB.gcode` });
		try {
			const baselines = queue.workers.map((worker) => {
				writeFileSync(`/proc/${worker.child.pid}/clear_refs`, '5');
				return vmKiB(worker.child.pid!, 'VmRSS');
			});
			const answer = await postFile(`${queue.url}/webhook/q-upload`, file.path, file.name);
			expect(answer).toMatchObject({ status: 200, json: { status: 'uploaded', job_name: file.name, file_size: file.size } });
			const growth = queue.workers.map((worker, i) => (vmKiB(worker.child.pid!, 'VmHWM') - baselines[i]!) / 1024);
			console.log(`worker peak RSS growth during the ${UPLOAD_MIB} MiB upload: ${growth.map((value) => `${value.toFixed(0)} MiB`).join(' / ')}`);
			// It went through the database: n8n stored it there and the item carried a `database:` id.
			const stored = Number(queue.postgres.query(`SELECT count(*) FROM binary_data WHERE "fileSize" = ${file.size}`));
			expect(stored).toBeGreaterThanOrEqual(1);
			const [put] = (await shopEmu.client.requests({ server: 'storage' })).filter((entry) => entry.method === 'PUT').slice(-1);
			expect(put).toMatchObject({ status: 200, bodyBytes: file.size });
		} finally {
			file.cleanup();
		}
	}));

	test(...timed('a binary larger than n8n can read back from Postgres fails before the upload is registered, naming the mode and the fix', async () => {
		const file = await writeGcodeFile({ sizeBytes: DATABASE_MODE_MAX_READ_BYTES + 1, dir: queue.options.workDir, fileName: 'too-big.gcode' });
		try {
			await shopEmu.client.clearRequests();
			const answer = await postFile(`${queue.url}/webhook/q-upload`, file.path, file.name);
			expect(answer.status).toBe(200);
			expect(answer.json.error).toBe('"too-big.gcode" (256.0 MiB) is too large for n8n\'s "database" binary data mode');
			expect(answer.json.description).toContain('N8N_DEFAULT_BINARY_DATA_MODE=filesystem and N8N_STORAGE_PATH=<shared folder>');
			expect(answer.json.description).toContain('N8N_DEFAULT_BINARY_DATA_MODE=s3');
			expect(await shopEmu.client.requests()).toEqual([]);
		} finally {
			file.cleanup();
		}
	}));

	test(...timed('the trigger polls once per interval on the main; its state is in Postgres; a main killed mid-print loses and repeats nothing', async () => {
		const clusters = await eventsEmu.client.clustersByName();
		const cellOne = clusters['Cell 1']!.cluster_id;
		const cellTwo = clusters['Cell 2']!.cluster_id;
		// n8n's requests (its HTTP helpers send `User-Agent: n8n`), not this test's own calls through the emulator client.
		const fromN8n = async () => (await eventsEmu.client.requests()).filter((entry) => entry.headers['user-agent'] === 'n8n');
		const isList = (entry: LoggedRequest) => entry.method === 'GET' && /^\/connect\/v1\/clusters\/?$/.test(entry.path);
		const isStatus = (entry: LoggedRequest) => entry.method === 'GET' && /^\/connect\/v1\/clusters\/[^/]+\/status$/.test(entry.path);
		const listRequests = async () => (await fromN8n()).filter(isList);
		/** Resolves with the poll count once at least `count` polls completed (one list and two status requests each). */
		const afterPoll = async (count: number) =>
			await waitFor(
				`poll ${count} of the trigger`,
				async () => {
					const requests = await fromN8n();
					const polls = requests.filter(isList).length;
					return polls >= count && requests.filter(isStatus).length === 2 * polls ? polls : undefined;
				},
				150_000,
				200,
			).catch((error: Error) => {
				throw new Error(`${error.message}\n${logs()}`);
			});
		const recorded = async () => (await eventsEmu.client.recorded<any>('events')).map(summarise);
		const stateInPostgres = () =>
			queue.postgres.queryJson<Record<string, any>>(`SELECT "staticData" FROM workflow_entity WHERE id = '${TRIGGER_WORKFLOW}'`)?.['node:Ultimaker Digital Factory Trigger']?.state;

		// The trigger has been polling since the main started (first poll: the baseline, no events).
		const polled = await afterPoll(1);
		const jobOne = (await eventsEmu.client.sendPrint(cellOne, cubeJobs.one)).cluster_job_id as string;
		const jobTwo = (await eventsEmu.client.sendPrint(cellTwo, cubeJobs.two)).cluster_job_id as string;
		await eventsEmu.client.advanceClock(31);
		await afterPoll(polled + 1);
		const firstHalf = [
			`job.queued Cell 1 ${jobOne} →printing`,
			`job.started Cell 1 ${jobOne} →printing`,
			`printer.statusChanged Cell 1 S5 One idle→printing`,
			`job.queued Cell 2 ${jobTwo} →printing`,
			`job.started Cell 2 ${jobTwo} →printing`,
			`printer.statusChanged Cell 2 S5 Two idle→printing`,
		];
		await waitFor('the first six events', async () => (await recorded()).length >= 6, 60_000);
		expect(await recorded()).toEqual(firstHalf);
		// What the trigger knows lives in Postgres (workflow static data), where the next main will find it.
		const state = await waitFor('the trigger state in Postgres', async () => JSON.stringify(stateInPostgres() ?? '').includes(jobOne), 30_000).then(stateInPostgres);
		expect(JSON.stringify(state)).toContain(jobTwo);

		// Crash the main in the middle of both prints; the first finishes and the second is aborted while it is down.
		await queue.main!.kill();
		const killedAt = Date.now();
		await eventsEmu.client.advanceClock(1215);
		await eventsEmu.client.printJobAction(cellTwo, jobTwo, 'abort');
		await eventsEmu.client.advanceClock(5);
		// Longer than one poll interval: the workers, still running, never poll.
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, 65_000 - (Date.now() - killedAt))));
		const requestsWhileDown = (await fromN8n()).filter((entry) => Date.parse(entry.at) > killedAt);
		expect(requestsWhileDown).toEqual([]);
		for (const worker of queue.workers) expect((await fetch(`${worker.healthUrl}/healthz`)).status).toBe(200);

		const pollsBeforeRestart = (await listRequests()).length;
		await queue.startMain();
		await afterPoll(pollsBeforeRestart + 1);
		const secondHalf = [
			`job.finished Cell 1 ${jobOne} printing→wait_cleanup`,
			`printer.statusChanged Cell 1 S5 One printing→wait_cleanup`,
			`job.aborted Cell 2 ${jobTwo} printing→wait_cleanup`,
			`printer.statusChanged Cell 2 S5 Two printing→wait_cleanup`,
		];
		await waitFor('the events after the restart', async () => (await recorded()).length >= 10, 60_000).catch(async (error: Error) => {
			throw new Error(`${error.message}: ${JSON.stringify(await recorded())}\n${logs()}`);
		});
		// Nothing arrives late or twice.
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		expect(await recorded()).toEqual([...firstHalf, ...secondHalf]);

		// One poll per interval for the whole deployment (main + 2 workers): n8n polls once when the main activates the
		// workflow (start-up), then once a minute; with three pollers the gaps would be a third of that.
		const times = (await listRequests()).map((entry) => Date.parse(entry.at));
		const gaps = times.slice(1).map((time, i) => (time - times[i]!) / 1000);
		console.log(`trigger polls: ${times.length}, gaps ${gaps.map((gap) => gap.toFixed(0)).join(', ')} s`);
		const firstAfterRestart = times.findIndex((time) => time > killedAt);
		const activationPolls = [0, firstAfterRestart];
		const unexpected = gaps.flatMap((gap, i) => {
			if (i + 1 === firstAfterRestart) return gap >= 65 ? [] : [`restart gap ${gap} s`];
			if (activationPolls.includes(i)) return gap > 0 && gap <= 65 ? [] : [`gap ${i} after an activation poll: ${gap} s`];
			return gap >= 45 && gap <= 80 ? [] : [`gap ${i}: ${gap} s`];
		});
		expect(unexpected).toEqual([]);
		expect(times.length).toBeGreaterThanOrEqual(4);
	}));
});

/** `<event> <cluster> <job uuid | printer name> <previous>→<current>`, as test/e2e/server.test.ts compares them. */
function summarise(event: any): string {
	const isJobEvent = String(event.event).startsWith('job.');
	const subject = isJobEvent ? event.job?.uuid : event.printer?.friendly_name;
	const current = isJobEvent ? event.job?.status : event.printer?.status;
	return `${event.event} ${event.cluster?.friendly_name ?? '?'} ${subject ?? '?'} ${event.previous?.status ?? ''}→${current ?? ''}`;
}
