/**
 * The action node in a real n8n, run headlessly: workflows imported with `n8n import:workflow` and executed
 * with `n8n execute --id` against an in-process emulator. Asserts on the JSON every node produced.
 * One n8n user folder and one import for all workflows (each n8n CLI start costs seconds).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import type { Rendered } from '../../emulator';
import {
	apiCredential,
	findNode,
	forCustomLoading,
	loadExample,
	withCredential,
	type CredentialRef,
	type Workflow,
} from '../../scripts/lib/workflows';
import {
	assertSucceeded,
	BINARY_DATA_MODE,
	clusterRef,
	e2eBudgetMs,
	FIXTURES_DIR,
	httpPost,
	linearWorkflow,
	N8N_VERSION,
	N8nSandbox,
	nodeOutput,
	readFile,
	udf,
	type ExecutionOutcome,
} from './harness';

// A test runs one `n8n execute`; the set-up hook below two CLI imports.
jest.setTimeout(e2eBudgetMs({ execute: 1 }));

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const CUBE = join(FIXTURES_DIR, 'calibration-cube.gcode');
const CUBE_BYTES = readFileSync(CUBE).length;
const STL = join(FIXTURES_DIR, 'bracket.stl');

const MAIN: CredentialRef = { id: 'udfE2eCredMain001', name: 'Emulator (actions)' };
const EXAMPLES: CredentialRef = { id: 'udfE2eCredExamp01', name: 'Emulator (examples)' };
const EXPIRED: CredentialRef = { id: 'udfE2eCredExpir01', name: 'Emulator (expired token)' };

/** Clusters of the actions emulator, one per scenario so scenarios cannot disturb each other. */
const ACTIONS_FARM = [
	{ friendly_name: 'Upload bench', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Upload', materials: ['PLA'] }] },
	{ friendly_name: 'One-step bench', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 One-step', materials: ['PLA'] }] },
	{ friendly_name: 'Queue bench', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Queue', materials: ['PLA'] }] },
	{ friendly_name: 'Force bench', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 ABS', materials: ['ABS'] }] },
	{ friendly_name: 'Offline bench', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 Offline', materials: ['PLA'] }] },
];

/** The examples' emulator: a farm with something to report on. */
const EXAMPLES_FARM = [
	{ friendly_name: 'Line A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Alpha', materials: ['PLA'] }] },
	{ friendly_name: 'Line B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Bravo', materials: ['PLA'] }] },
	{ friendly_name: 'Line C', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 Charlie', materials: ['PETG'] }] },
	{ friendly_name: 'Line D', printers: [{ type: 'ultimaker_methodxl', friendly_name: 'Method Delta', materials: ['ABS'] }] },
];

describe('action node in real n8n (n8n execute --id)', () => {
	let emu: Emulator;
	let examplesEmu: Emulator;
	let n8n: N8nSandbox;
	let clusters: Record<string, Rendered & { cluster_id: string }>;
	let exampleClusters: Record<string, Rendered & { cluster_id: string }>;

	const control$ = (path: string) => `${emu.url}/_emulator${path}`;

	beforeAll(async () => {
		// The print answer as Ultimaker recorded it (cluster_job_id only): the workflows read Send print's
		// job_instance_uuid, which the node fills from it.
		emu = await startEmulator({ port: 0, storagePort: 0, seed: 'e2e-cli', speed: 0, farm: ACTIONS_FARM });
		examplesEmu = await startEmulator({ port: 0, storagePort: 0, seed: 'e2e-examples', speed: 0, farm: EXAMPLES_FARM });
		clusters = await emu.client.clustersByName();
		exampleClusters = await examplesEmu.client.clustersByName();
		n8n = N8nSandbox.create();
		await n8n.importCredentials([
			apiCredential(MAIN, emu.url, emu.apiToken),
			apiCredential(EXAMPLES, examplesEmu.url, examplesEmu.apiToken),
			apiCredential(EXPIRED, emu.url, emu.expiredToken),
		]);
		await n8n.importWorkflows(buildWorkflows());
	}, e2eBudgetMs({ cli: 2 }));

	afterAll(async () => {
		await n8n?.cleanup();
		await emu?.close();
		await examplesEmu?.close();
	});

	function buildWorkflows(): Workflow[] {
		const upload = clusters['Upload bench'].cluster_id;
		const oneStep = clusters['One-step bench'].cluster_id;
		const queue = clusters['Queue bench'].cluster_id;
		const force = clusters['Force bench'].cluster_id;
		const offline = clusters['Offline bench'].cluster_id;
		const jobIdOf = (node: string) => `={{ $('${node}').first().json.job_id }}`;
		const printJobOf = (node: string) => `={{ $('${node}').first().json.job_instance_uuid }}`;
		const action = (name: string, cluster: string, sentBy: string, printAction: string) =>
			udf(
				name,
				{ resource: 'print', operation: 'action', clusterId: clusterRef(cluster), printJobUuid: printJobOf(sentBy), printAction },
				{ executeOnce: true },
			);
		const status = (name: string, cluster: string) =>
			udf(name, { resource: 'cluster', operation: 'getStatus', clusterId: clusterRef(cluster) }, { executeOnce: true });
		const advance = (name: string, seconds: number) => ({ ...httpPost(name, control$('/clock/advance'), { seconds }), executeOnce: true });

		const examplesWorkflows = [
			'3-morning-farm-report.json',
			'2-file-drop-to-print.json',
		].map((file) => withCredential(forCustomLoading(loadExample(file)), EXAMPLES));
		// The examples post to the emulator on its default port; point them at this test's emulator.
		const report = examplesWorkflows[0];
		findNode(report, 'Send to chat').parameters.url = `${examplesEmu.url}/_emulator/recorder/farm-report`;
		const fileDrop = examplesWorkflows[1];
		const samplePath = findNode(fileDrop, 'Sample file path').parameters as any;
		samplePath.assignments.assignments[0].value = CUBE;

		return [
			linearWorkflow(
				'e2eUploadSendStat',
				'e2e: upload job → send print → cluster status',
				[
					readFile('Read G-code', CUBE),
					udf('Upload job', { resource: 'job', operation: 'upload', binaryPropertyName: 'data' }),
					udf('Send print', { resource: 'print', operation: 'send', clusterId: clusterRef(upload), jobId: '={{ $json.job_id }}' }),
					status('Get cluster status', upload),
				],
				MAIN,
			),
			linearWorkflow(
				'e2eUploadFile',
				'e2e: create a project, upload a mesh into it',
				[
					udf('Create project', { resource: 'project', operation: 'create', projectName: 'E2E brackets' }),
					readFile('Read STL', STL),
					udf('Upload file', {
						resource: 'file',
						operation: 'upload',
						binaryPropertyName: 'data',
						projectId: "={{ $('Create project').first().json.library_project_id }}",
					}),
					udf('Get many projects', { resource: 'project', operation: 'getMany', returnAll: true }, { executeOnce: true }),
				],
				MAIN,
			),
			linearWorkflow(
				'e2eListClusters',
				'e2e: list clusters',
				[
					udf('List clusters', { resource: 'cluster', operation: 'getMany', returnAll: true }),
					{ ...httpPost('Take a cluster offline', control$(`/clusters/${encodeURIComponent(offline)}/connectivity`), { is_online: false }), executeOnce: true },
					udf('List online clusters', { resource: 'cluster', operation: 'getMany', returnAll: true, filters: { onlineOnly: true } }, { executeOnce: true }),
				],
				MAIN,
			),
			linearWorkflow(
				'e2eUploadAndPrint',
				'e2e: upload and print',
				[
					readFile('Read G-code', CUBE),
					udf('Upload and print', { resource: 'print', operation: 'uploadAndSend', binaryPropertyName: 'data', jobName: 'Cube for the one-step bench', clusterId: clusterRef(oneStep) }),
					status('Get cluster status', oneStep),
				],
				MAIN,
			),
			linearWorkflow(
				'e2ePrintActions',
				'e2e: every print-job action',
				[
					readFile('Read G-code', CUBE),
					udf('Upload job', { resource: 'job', operation: 'upload', binaryPropertyName: 'data' }),
					udf('Send first', { resource: 'print', operation: 'send', clusterId: clusterRef(queue), jobId: jobIdOf('Upload job') }, { executeOnce: true }),
					udf('Send second', { resource: 'print', operation: 'send', clusterId: clusterRef(queue), jobId: jobIdOf('Upload job') }, { executeOnce: true }),
					udf('Send third', { resource: 'print', operation: 'send', clusterId: clusterRef(queue), jobId: jobIdOf('Upload job') }, { executeOnce: true }),
					udf('Send needing ABS→PLA', { resource: 'print', operation: 'send', clusterId: clusterRef(force), jobId: jobIdOf('Upload job') }, { executeOnce: true }),
					advance('Advance 31 s', 31),
					status('Status: first printing', queue),
					action('Pause first', queue, 'Send first', 'pause'),
					advance('Advance 5 s (pausing)', 5),
					status('Status: first paused', queue),
					action('Resume first', queue, 'Send first', 'resume'),
					advance('Advance 5 s (resuming)', 5),
					status('Status: first resumed', queue),
					action('Move third to top', queue, 'Send third', 'moveToTop'),
					status('Status: third moved up', queue),
					action('Remove second', queue, 'Send second', 'remove'),
					status('Status: second removed', queue),
					action('Abort first', queue, 'Send first', 'abort'),
					advance('Advance 5 s (aborting)', 5),
					status('Status: first aborted', queue),
					status('Status: waiting for ABS→PLA', force),
					action('Force the ABS job', force, 'Send needing ABS→PLA', 'force'),
					status('Status: forced job started', force),
				],
				MAIN,
			),
			linearWorkflow(
				'e2eBadExtension',
				'e2e: unsupported extension',
				[readFile('Read STL', STL), udf('Upload job', { resource: 'job', operation: 'upload', binaryPropertyName: 'data' })],
				MAIN,
			),
			linearWorkflow(
				'e2eUnknownCluster',
				'e2e: unknown cluster',
				[
					readFile('Read G-code', CUBE),
					udf('Upload and print', { resource: 'print', operation: 'uploadAndSend', binaryPropertyName: 'data', clusterId: clusterRef('no-such-cluster') }),
				],
				MAIN,
			),
			linearWorkflow(
				'e2eExpiredToken',
				'e2e: expired token',
				[udf('List clusters', { resource: 'cluster', operation: 'getMany', returnAll: true })],
				EXPIRED,
			),
			...examplesWorkflows,
		];
	}

	function failureText(outcome: ExecutionOutcome): string {
		return `${outcome.error?.message ?? ''} ${outcome.error?.description ?? ''}`;
	}

	it(`runs on the n8n under test (${N8N_VERSION}, binary data mode ${BINARY_DATA_MODE})`, async () => {
		expect(await n8n.n8nVersion()).toContain(N8N_VERSION);
	});

	it('uploads a real G-code file, sends it to a cluster, and the cluster status shows the print', async () => {
		const outcome = await n8n.execute('e2eUploadSendStat');
		assertSucceeded(outcome);

		// The file came in as binary data stored the way the mode under test stores it.
		const binary = outcome.runData['Read G-code'][0].data.main[0][0].binary.data;
		expect(binary).toMatchObject({ fileName: 'calibration-cube.gcode' });
		if (BINARY_DATA_MODE === 'default') {
			expect(binary.id).toBeUndefined();
			expect(Buffer.from(binary.data, 'base64')).toHaveLength(CUBE_BYTES);
		} else {
			expect(binary.id).toMatch(new RegExp(`^${BINARY_DATA_MODE}(-v2)?:`));
		}

		const [uploaded] = nodeOutput(outcome, 'Upload job');
		expect(uploaded).toMatchObject({
			status: 'uploaded',
			file_size: CUBE_BYTES,
			content_type: 'text/plain',
		});
		expect(uploaded.job_name).toContain('calibration-cube');
		expect(typeof uploaded.job_id).toBe('string');
		expect(JSON.stringify(uploaded)).not.toContain(emu.apiToken);

		const [sent] = nodeOutput(outcome, 'Send print');
		expect(sent).toMatchObject({ job_id: uploaded.job_id, status: 'queued' });
		expect(sent.job_instance_uuid).toEqual(expect.any(String));

		const [status] = nodeOutput(outcome, 'Get cluster status');
		expect(status.printers).toHaveLength(1);
		const job = status.print_jobs.find((candidate: any) => candidate.uuid === sent.job_instance_uuid);
		// The printer was idle, so the job left the queue at once; the emulator's frozen clock keeps it in pre_print.
		expect(job).toMatchObject({ cloud_job_id: uploaded.job_id, status: 'pre_print', printer_uuid: status.printers[0].uuid });

		// The bytes went to the signed storage URL in one PUT, without the API token.
		const storagePuts = (await emu.client.requests()).filter((entry) => entry.server === 'storage' && entry.method === 'PUT');
		expect(storagePuts).toHaveLength(1);
		expect(storagePuts[0]).toMatchObject({ status: 200, bodyBytes: CUBE_BYTES });
		expect(Object.keys(storagePuts[0].headers).map((name) => name.toLowerCase())).not.toContain('authorization');
	});

	it('creates a project and uploads a mesh file into the Digital Library', async () => {
		const outcome = await n8n.execute('e2eUploadFile');
		assertSucceeded(outcome);
		const [project] = nodeOutput(outcome, 'Create project');
		expect(project).toMatchObject({ display_name: 'E2E brackets', library_project_id: expect.any(String) });
		const [file] = nodeOutput(outcome, 'Upload file');
		expect(file).toMatchObject({
			status: 'uploaded',
			file_name: 'bracket.stl',
			file_size: readFileSync(STL).length,
			content_type: 'model/stl',
			library_project_id: project.library_project_id,
		});
		expect(file.file_id).toEqual(expect.any(String));
		const projects = nodeOutput(outcome, 'Get many projects');
		expect(projects.map((candidate) => candidate.library_project_id)).toContain(project.library_project_id);
	});

	it('lists clusters, and only the online ones when asked', async () => {
		const outcome = await n8n.execute('e2eListClusters');
		assertSucceeded(outcome);
		const all = nodeOutput(outcome, 'List clusters');
		expect(all.map((cluster) => cluster.friendly_name).sort()).toEqual(ACTIONS_FARM.map((c) => c.friendly_name).sort());
		for (const cluster of all) {
			expect(cluster).toMatchObject({ cluster_id: clusters[cluster.friendly_name].cluster_id, is_online: true });
		}
		const online = nodeOutput(outcome, 'List online clusters');
		expect(online.map((cluster) => cluster.friendly_name).sort()).toEqual(
			ACTIONS_FARM.map((c) => c.friendly_name).filter((name) => name !== 'Offline bench').sort(),
		);
	});

	it('uploads and prints in one step', async () => {
		const outcome = await n8n.execute('e2eUploadAndPrint');
		assertSucceeded(outcome);
		const [printed] = nodeOutput(outcome, 'Upload and print');
		expect(printed).toMatchObject({ status: 'queued', job_id: expect.any(String), job_instance_uuid: expect.any(String) });
		const [status] = nodeOutput(outcome, 'Get cluster status');
		expect(status.print_jobs).toEqual([
			expect.objectContaining({ uuid: printed.job_instance_uuid, cloud_job_id: printed.job_id, name: expect.stringContaining('Cube for the one-step bench') }),
		]);
	});

	it('pauses, resumes, moves to top, removes, aborts and forces print jobs', async () => {
		const outcome = await n8n.execute('e2ePrintActions');
		assertSucceeded(outcome);
		const uuid = (node: string) => nodeOutput(outcome, node)[0].job_instance_uuid as string;
		const [first, second, third, absJob] = ['Send first', 'Send second', 'Send third', 'Send needing ABS→PLA'].map(uuid);
		const jobsOf = (node: string) => nodeOutput(outcome, node)[0].print_jobs as Array<{ uuid: string; status: string; [key: string]: any }>;
		const statusOf = (node: string, jobUuid: string) => jobsOf(node).find((job) => job.uuid === jobUuid)?.status;
		const queuedOrder = (node: string) => jobsOf(node).filter((job) => job.status === 'queued').map((job) => job.uuid);

		expect(statusOf('Status: first printing', first)).toBe('printing');
		expect(queuedOrder('Status: first printing')).toEqual([second, third]);
		expect(statusOf('Status: first paused', first)).toBe('paused');
		expect(statusOf('Status: first resumed', first)).toBe('printing');
		expect(queuedOrder('Status: third moved up')).toEqual([third, second]);
		expect(statusOf('Status: second removed', second)).toBeUndefined();
		expect(queuedOrder('Status: second removed')).toEqual([third]);
		const aborted = jobsOf('Status: first aborted').find((job) => job.uuid === first);
		expect(aborted?.status).toBe('wait_cleanup');
		expect(aborted?.time_elapsed).toBeLessThan(aborted?.time_total);

		const waiting = jobsOf('Status: waiting for ABS→PLA').find((job) => job.uuid === absJob);
		expect(waiting?.status).toBe('queued');
		expect(waiting?.configuration_changes_required).toEqual([expect.objectContaining({ type_of_change: 'material' })]);
		expect(statusOf('Status: forced job started', absJob)).toBe('pre_print');

		// Each action node answered for its own item and went to the API once.
		for (const node of ['Pause first', 'Resume first', 'Move third to top', 'Remove second', 'Abort first', 'Force the ABS job']) {
			expect(nodeOutput(outcome, node)).toHaveLength(1);
		}
		const actionCalls = (await emu.client.requests())
			.filter((entry) => entry.method === 'POST' && /\/print_jobs\/[^/]+\/action\//.test(entry.path))
			.map((entry) => ({ action: entry.path.split('/action/')[1], ok: entry.status >= 200 && entry.status < 300 }));
		expect(actionCalls).toEqual(
			['pause', 'resume', 'move', 'remove', 'abort', 'force'].map((name) => ({ action: name, ok: true })),
		);
	});

	it('refuses a file with an unsupported extension, naming the supported ones', async () => {
		const outcome = await n8n.execute('e2eBadExtension');
		expect(outcome.failed).toBe(true);
		expect(outcome.error?.node?.name ?? outcome.execution?.data?.resultData?.lastNodeExecuted).toBe('Upload job');
		expect(failureText(outcome)).toMatch(/\.stl/);
		expect(failureText(outcome)).toMatch(/gcode/i);
		expect(failureText(outcome)).toMatch(/ufp/i);
	});

	it('fails with a clear message for an unknown cluster', async () => {
		const outcome = await n8n.execute('e2eUnknownCluster');
		expect(outcome.failed).toBe(true);
		expect(failureText(outcome)).toMatch(/not found/i);
		expect(failureText(outcome)).toMatch(/cluster/i);
	});

	it('fails with a clear message when the token has expired, without leaking it', async () => {
		const outcome = await n8n.execute('e2eExpiredToken');
		expect(outcome.failed).toBe(true);
		expect(failureText(outcome)).toMatch(/expired/i);
		expect(outcome.cli.stdout + outcome.cli.stderr).not.toContain(emu.expiredToken);
	});

	it('example "morning farm report" reports idle, offline and maintenance printers', async () => {
		const lineB = await examplesEmu.client.clusterStatus(exampleClusters['Line B'].cluster_id);
		const bravo = lineB.printers[0].uuid as string;
		await examplesEmu.client.updatePrinter(bravo, { maintenance_required: true });
		await examplesEmu.client.setConnectivity(exampleClusters['Line D'].cluster_id, false);

		const outcome = await n8n.execute('udfExampleFarmReport');
		assertSucceeded(outcome);
		const [report] = nodeOutput(outcome, 'Build report');
		expect(report.counts).toMatchObject({ idle: 2, offline: 1, maintenance: 1, printing: 0 });
		expect(report.idle.join(' ')).toMatch(/S5 Alpha.*S7 Charlie|S7 Charlie.*S5 Alpha/);
		expect(report.offline[0]).toContain('Method Delta');
		expect(report.maintenance[0]).toContain('S5 Bravo');
		const [posted] = await examplesEmu.client.recorded<any>('farm-report');
		expect(posted.text).toBe(report.text);
	});

	it('example "file drop → print" (its Run now path) uploads the file and queues it on the shortest queue', async () => {
		const outcome = await n8n.execute('udfExampleFileDrop');
		assertSucceeded(outcome);
		const [uploaded] = nodeOutput(outcome, 'Upload job');
		expect(uploaded).toMatchObject({ status: 'uploaded', file_size: CUBE_BYTES });
		const [choice] = nodeOutput(outcome, 'Shortest queue');
		// Line D is offline (previous test); every online cluster is empty, so the first idle one wins.
		expect(choice.cluster_name).not.toBe('Line D');
		const [sent] = nodeOutput(outcome, 'Send print');
		expect(sent).toMatchObject({ job_id: uploaded.job_id, status: 'queued' });
		const state = await examplesEmu.client.state();
		expect(JSON.stringify(state)).toContain(sent.job_instance_uuid);
	});
});
