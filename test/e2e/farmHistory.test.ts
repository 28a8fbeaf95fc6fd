/**
 * Farm history in real n8n (DESIGN §11, issue 20): the weekly farm report example, and Create report, Get many
 * print jobs, Add comment, Get many projects (search/shared), API request (GET and POST), Camera snapshot and
 * Inspect toolpath (grams and cost), against one emulator whose farm printed 106 jobs in the last days. One n8n
 * user folder, three `n8n execute` runs (the operations chained with Execute Once, so one run covers them all).
 * Outputs, errors, n8n's output and the user folder (database with the stored executions, binary data) are
 * scanned for the API token.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import type { ClusterSpec } from '../../emulator/state';
import { apiCredential, findNode, forCustomLoading, loadExample, withCredential, type CredentialRef } from '../../scripts/lib/workflows';
import { GUID, griffinGcode, type ExtruderSpec } from '../fixtures/toolpaths';
import { registerSecret } from '../helpers/secrets';
import {
	assertSucceeded,
	clusterRef,
	e2eBudgetMs,
	expectNoSecretsInRun,
	expectNoSecretsInUserFolder,
	FIXTURES_DIR,
	linearWorkflow,
	N8nSandbox,
	nodeOutput,
	readFile,
	udf,
	type ExecutionOutcome,
	type StepSpec,
} from './harness';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const CREDENTIAL: CredentialRef = { id: 'udfE2eCredHist01', name: 'Emulator (farm history)' };
const FARM: ClusterSpec[] = [
	{ friendly_name: 'Cell A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 One', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Two', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell C', printers: [{ type: 'ultimaker_s3', friendly_name: 'S3 Three', materials: ['PLA', 'PVA'] }] },
];
/** g/cm³ of the materials printed, from UltiMaker's fdm_materials (generic_pla 1.24, generic_pva 1.23). */
const DENSITY: Record<string, number> = { [GUID.genericPla]: 1.24, [GUID.genericPva]: 1.23 };

interface PrintPlan {
	cluster: string;
	printer: string;
	name: string;
	seconds: number;
	extruders: Array<{ guid: string; volume: number; core?: string }>;
	count: number;
}
/** 106 finished prints: more than one page (100 rows) of Get many print jobs, and more than /status's 10 per cluster. */
const PLAN: PrintPlan[] = [
	{ cluster: 'Cell A', printer: 'S5 One', name: 'bracket.gcode', seconds: 600, extruders: [{ guid: GUID.genericPla, volume: 3000 }], count: 30 },
	{
		cluster: 'Cell A',
		printer: 'S5 One',
		name: 'housing-dual.gcode',
		seconds: 1800,
		extruders: [{ guid: GUID.genericPla, volume: 8000 }, { guid: GUID.genericPva, volume: 2000, core: 'BB 0.4' }],
		count: 10,
	},
	{ cluster: 'Cell B', printer: 'S5 Two', name: 'clip.gcode', seconds: 900, extruders: [{ guid: GUID.genericPla, volume: 4500 }], count: 35 },
	{ cluster: 'Cell C', printer: 'S3 Three', name: 'knob.gcode', seconds: 300, extruders: [{ guid: GUID.genericPla, volume: 1500 }], count: 31 },
];
const FINISHED = PLAN.reduce((sum, plan) => sum + plan.count, 0);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
/** What one print weighs as the report states it: each extruder's volume × density, in grams to 2 decimals. */
const gramsOf = (plan: PrintPlan) => plan.extruders.reduce((sum, e) => sum + round((e.volume / 1000) * DENSITY[e.guid]!, 2), 0);

/** Per printer, from the plan alone: prints, hours, grams (what the example must report). */
function expectedTotals(): Array<{ printer: string; prints: number; hours: number; grams: number }> {
	const byPrinter = new Map<string, { prints: number; seconds: number; grams: number }>();
	for (const plan of PLAN) {
		const entry = byPrinter.get(plan.printer) ?? { prints: 0, seconds: 0, grams: 0 };
		entry.prints += plan.count;
		entry.seconds += plan.count * plan.seconds;
		entry.grams += plan.count * gramsOf(plan);
		byPrinter.set(plan.printer, entry);
	}
	return [...byPrinter].map(([printer, e]) => ({ printer, prints: e.prints, hours: round(e.seconds / 3600, 1), grams: round(e.grams, 1) }));
}

/** Runs the plan in rounds of at most 8 prints per cluster (the queue holds 20), letting each round finish. */
async function printThePlan(emu: Emulator): Promise<void> {
	const clusters = await emu.client.clustersByName();
	const left = new Map<PrintPlan, number>(PLAN.map((plan) => [plan, plan.count]));
	const jobIds = new Map<PrintPlan, string>();
	for (const plan of PLAN) {
		const extruders: ExtruderSpec[] = plan.extruders.map((e) => ({ guid: e.guid, volume: String(e.volume), ...(e.core ? { core: e.core } : {}) }));
		jobIds.set(plan, await emu.client.uploadJob(plan.name, griffinGcode({ printTime: String(plan.seconds), extruders })));
	}
	while ([...left.values()].some((count) => count > 0)) {
		let longest = 0;
		for (const [plan, count] of left) {
			const batch = Math.min(count, 4);
			for (let i = 0; i < batch; i++) await emu.client.sendPrint(clusters[plan.cluster]!.cluster_id, jobIds.get(plan)!);
			left.set(plan, count - batch);
			longest = Math.max(longest, 8 * (plan.seconds + 300));
		}
		await emu.client.advanceClock(longest);
	}
}

const once = (step: StepSpec): StepSpec => ({ ...step, executeOnce: true });

describe('farm history in real n8n', () => {
	let emu: Emulator;
	let n8n: N8nSandbox;
	let clusters: Record<string, { cluster_id: string }>;
	let projectId: string;
	const CUBE = join(FIXTURES_DIR, 'calibration-cube.gcode');

	beforeAll(async () => {
		// The farm's clock starts 3 days back (frozen): 106 prints of about a day of virtual time end before the
		// real "now" that Create report's last 7 days reach.
		emu = await startEmulator({ port: 0, storagePort: 0, speed: 0, seed: 'e2e-history', farm: FARM, startTime: Date.now() - 3 * 86_400_000 });
		registerSecret(emu.apiToken);
		clusters = await emu.client.clustersByName();
		await printThePlan(emu);
		for (const cluster of Object.values(clusters)) {
			const jobs = (await emu.client.clusterStatus(cluster.cluster_id)).print_jobs as Array<{ status: string }>;
			// Every print of the plan has finished (none queued or printing): the figures below count them all.
			expect(jobs.filter((job) => job.status !== 'finished')).toEqual([]);
		}
		projectId = (await emu.client.api('PUT', '/cura/v1/projects', { data: { display_name: 'Weekly jigs' } })).json.data.library_project_id;
		await emu.client.api('PUT', '/cura/v1/projects', { data: { display_name: 'Customer parts' } });

		n8n = N8nSandbox.create();
		await n8n.importCredentials([apiCredential(CREDENTIAL, emu.url, emu.apiToken)]);
		const weekly = withCredential(forCustomLoading(loadExample('7-weekly-farm-report.json')), CREDENTIAL);
		findNode(weekly, 'Send to chat').parameters.url = `${emu.url}/_emulator/recorder/weekly-report`;
		await n8n.importWorkflows([weekly, operationsWorkflow(), errorsWorkflow()]);
	}, e2eBudgetMs({ cli: 2 }) + 120_000);

	afterAll(async () => {
		await n8n?.cleanup();
		await emu?.close();
	});

	function operationsWorkflow() {
		const cellA = clusterRef(clusters['Cell A']!.cluster_id);
		const steps: StepSpec[] = [
			udf('Jobs in progress', { resource: 'print', operation: 'getMany' }),
			udf('Job history', { resource: 'print', operation: 'getMany', status: 'history', returnAll: true }),
			udf('Report file', { resource: 'report', operation: 'create', timeoutSeconds: 60 }),
			{ name: 'Report text', type: 'n8n-nodes-base.extractFromFile', typeVersion: 1, parameters: { operation: 'text', binaryPropertyName: 'report', destinationKey: 'csv', options: {} } },
			udf('Report rows', { resource: 'report', operation: 'create', timeoutSeconds: 60, outputRows: true }),
			udf('Add comment', { resource: 'project', operation: 'addComment', projectId, comment: 'Week 49: 106 prints, see the report' }),
			udf('API GET', { resource: 'api', operation: 'request', method: 'GET', service: 'connect', path: 'print_jobs', query: { parameter: [{ name: 'status', value: 'history' }, { name: 'limit', value: '5' }] } }),
			udf('API POST', { resource: 'api', operation: 'request', method: 'POST', service: 'connect', path: '={{ `clusters/${$("Jobs in progress").first().json.cluster_id}/print_jobs/${$("Jobs in progress").first().json.uuid}/action/pause` }}' }),
			udf('Camera snapshot', { resource: 'printer', operation: 'cameraSnapshot', clusterId: cellA }),
			readFile('Read G-code', CUBE),
			udf('Inspect toolpath', { resource: 'toolpath', operation: 'inspect', binaryPropertyName: 'data', options: { materialPricePerKg: 45 } }),
			udf('Find projects', { resource: 'project', operation: 'getMany', search: 'weekly', shared: 'false' }),
			// Last: it finds nothing (the emulator's projects are all private), which ends the run.
			udf('Shared projects', { resource: 'project', operation: 'getMany', search: 'weekly', shared: 'true' }),
		];
		return linearWorkflow('e2eHistoryOps', 'e2e: farm history operations', steps.map(once), CREDENTIAL);
	}

	/** Each operation failing on the API's side, continuing, so one run shows every error as n8n stores it. */
	function errorsWorkflow() {
		const cellA = clusterRef(clusters['Cell A']!.cluster_id);
		const failing = (step: StepSpec): StepSpec => once({ ...step, onError: 'continueRegularOutput' });
		const steps: StepSpec[] = [
			udf('Report fails', { resource: 'report', operation: 'create', timeoutSeconds: 30 }),
			udf('Unknown status', { resource: 'print', operation: 'getMany', status: 'finished' }),
			udf('Comment on a missing project', { resource: 'project', operation: 'addComment', projectId: 'no-such-project', comment: 'x' }),
			udf('API GET missing', { resource: 'api', operation: 'request', service: 'connect', path: 'clusters/no-such-cluster/status' }),
			udf('Snapshot fails', { resource: 'printer', operation: 'cameraSnapshot', clusterId: cellA, timeoutSeconds: 10 }),
		].map(failing);
		return linearWorkflow('e2eHistoryErrors', 'e2e: farm history errors', steps, CREDENTIAL);
	}

	it('example 7, weekly farm report: per-printer prints, hours and grams of the last 7 days, posted as one message', async () => {
		const outcome = await n8n.execute('udfExampleWeeklyReport');
		assertSucceeded(outcome);
		const rows = nodeOutput(outcome, 'Create report (last 7 days)');
		expect(rows.filter((row) => row.report_table === 'Prints')).toHaveLength(FINISHED);
		const [summary] = nodeOutput(outcome, 'Per-printer totals');
		const expected = expectedTotals();
		expect(summary.printers.map(({ printer, prints, hours, grams }: any) => ({ printer, prints, hours, grams })).sort((a: any, b: any) => a.printer.localeCompare(b.printer))).toEqual(
			[...expected].sort((a, b) => a.printer.localeCompare(b.printer)),
		);
		// S5 One: 30 × 600 s + 10 × 1800 s = 10.0 h; 30 × 3.72 g + 10 × (9.92 + 2.46) g = 235.4 g
		expect(expected.find((e) => e.printer === 'S5 One')).toEqual({ printer: 'S5 One', prints: 40, hours: 10, grams: 235.4 });
		const lines = (summary.text as string).split('\n');
		expect(lines[0]).toBe(`Weekly farm report, the 7 days to ${new Date().toISOString().slice(0, 10)}`);
		expect(lines).toContain('S5 One: 40 prints, 10.0 h, 235.4 g');
		expect(lines).toContain(`S5 Two: 35 prints, 8.8 h, ${(35 * 5.58).toFixed(1)} g`);
		expect(lines.at(-1)).toBe(`Farm: ${FINISHED} prints, ${round((30 * 600 + 10 * 1800 + 35 * 900 + 31 * 300) / 3600, 1).toFixed(1)} h, ${round(expected.reduce((s, e) => s + e.grams, 0), 1).toFixed(1)} g`);
		expect(await emu.client.recorded<any>('weekly-report')).toEqual([expect.objectContaining({ text: summary.text })]);
		expectNoSecretsInRun(outcome, 'the weekly report run');
	}, e2eBudgetMs({ execute: 1 }));

	it('every farm history operation, chained in one run', async () => {
		// One print running (pre-print 30 s, so printing after 120 s) and one waiting behind it.
		const reference = await emu.client.uploadJob('[ref=WK-49] phone-stand.gcode', griffinGcode({ printTime: '7200' }));
		const cellB = clusters['Cell B']!.cluster_id;
		await emu.client.sendPrint(cellB, reference);
		await emu.client.sendPrint(cellB, reference);
		await emu.client.advanceClock(120);
		await emu.client.clearRequests();

		const outcome = await n8n.execute('e2eHistoryOps');
		expect(outcome.error).toBeUndefined();
		const out = (name: string) => nodeOutput(outcome, name);

		// Get many print jobs: the status filter, and returnAll following links.next to a second page.
		expect(out('Jobs in progress')).toEqual([expect.objectContaining({ cluster_id: cellB, state: 'in_progress', status: 'printing', reference: 'WK-49', blocked_reason: null })]);
		const history = out('Job history');
		expect(history).toHaveLength(FINISHED);
		expect(new Set(history.map((job) => job.uuid)).size).toBe(FINISHED);
		expect(history.every((job) => job.state === 'history' && job.status === 'finished')).toBe(true);
		const listCalls = (await emu.client.requests({ server: 'api', path: '/connect/v1/print_jobs' })).map((r) => r.query);
		expect(listCalls).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'history', page: '2' })]));

		// Create report: ready after polling, the CSV as binary "report" (its text read back by n8n's Extract from File).
		const [file] = outcome.runData['Report file'][0].data.main[0];
		expect(file.json).toMatchObject({ status: 'success', report_type: 'print_jobs' });
		expect([...file.json.cluster_ids].sort()).toEqual(Object.values(clusters).map((c) => c.cluster_id).sort());
		expect(file.binary.report).toMatchObject({ mimeType: 'text/csv', fileName: `report-${file.json.report_id}.csv` });
		const csv: string = out('Report text')[0].csv;
		expect(csv.split('\r\n').slice(0, 2)).toEqual(['Prints', expect.stringMatching(/^printer_model,printer_name,printer_uuid,job_uuid,job_name,/)]);
		// The finished prints and the running one (a report covers prints that overlap the period [S]); not the waiting one.
		expect(csv.split('\r\n').filter((line) => /^Ultimaker S[35],/.test(line))).toHaveLength(FINISHED + 1);

		// One item per row: the same prints as the job history, by uuid, plus the running one.
		const rows = out('Report rows');
		const prints = rows.filter((row) => row.report_table === 'Prints');
		const running = out('Jobs in progress')[0];
		expect(prints.map((row) => row.job_uuid).sort()).toEqual([...history.map((job) => job.uuid), running.uuid].sort());
		expect(prints.find((row) => row.job_name === 'housing-dual.gcode')).toMatchObject({ printer_name: 'S5 One', 'Extruder 1 material_used_g': '9.92', 'Extruder 2 material': 'Generic PVA', 'Extruder 2 material_used_g': '2.46', print_time_s: '1800' });
		expect(rows.find((row) => row.report_table === 'Material consumption' && row.material === 'Generic PVA')).toMatchObject({ prints: '10', material_used_g: '24.6' });

		// Add comment, then the project search with the shared filter.
		expect(out('Add comment')).toEqual([expect.objectContaining({ library_project_id: projectId, body: 'Week 49: 106 prints, see the report' })]);
		expect((await emu.client.setHistoryBehaviour({})).comments[projectId]).toEqual([expect.objectContaining({ body: 'Week 49: 106 prints, see the report' })]);
		expect(out('Find projects').map((p) => [p.library_project_id, p.display_name])).toEqual([[projectId, 'Weekly jigs']]);
		expect(out('Shared projects')).toEqual([]);
		// The searches (GET); Add comment's PUT to the same path comes before them.
		const searches = (await emu.client.requests({ server: 'api', path: '/cura/v1/projects' })).filter((r) => r.method === 'GET');
		expect(searches.map((r) => [r.query.search, r.query.shared])).toEqual([['weekly', 'false'], ['weekly', 'true']]);

		// API request: the whole answer of a GET; a POST that pauses the running print.
		const [page] = out('API GET');
		expect(page.data).toHaveLength(5);
		expect(page.meta.page).toEqual({ total_count: FINISHED, total_pages: Math.ceil(FINISHED / 5) });
		expect(page.links.next).toContain('page=2');
		expect(out('API POST')).toEqual([{}]);
		const paused = ((await emu.client.clusterStatus(cellB)).print_jobs as Array<{ uuid: string; status: string }>).find((job) => job.uuid === running.uuid);
		expect(['pausing', 'paused']).toContain(paused?.status);

		// Camera snapshot: the host printer's PNG as binary "snapshot", fetched from storage without the token.
		const [shot] = outcome.runData['Camera snapshot'][0].data.main[0];
		const hostPrinter = ((await emu.client.clusterStatus(clusters['Cell A']!.cluster_id)).printers as Array<{ uuid: string }>)[0]!.uuid;
		expect(shot.json).toMatchObject({ cluster_id: clusters['Cell A']!.cluster_id, printer_uuid: hostPrinter, image_url: expect.stringContaining(emu.storageUrl) });
		expect(shot.binary.snapshot).toMatchObject({ mimeType: 'image/png', fileName: 'snapshot.png' });
		const downloads = (await emu.client.requests({ server: 'storage' })).filter((r) => r.path.startsWith('/history/'));
		expect(downloads.map((r) => r.path.split('.').pop()).sort()).toEqual(['csv', 'csv', 'png']);
		expect(downloads.every((r) => r.headers.authorization === undefined)).toBe(true);

		// Inspect toolpath: grams from the header's volume and generic PLA's density, cost at 45 per kg.
		const volume = Number(/;EXTRUDER_TRAIN\.0\.MATERIAL\.VOLUME_USED:(\d+)/.exec(readFileSync(CUBE, 'utf8'))![1]);
		const grams = round((volume / 1000) * 1.24, 2);
		const [inspection] = out('Inspect toolpath');
		expect(inspection.extruders[0]).toMatchObject({ material_weight_g: grams, estimated_material_cost: round((grams / 1000) * 45, 2) });
		expect(inspection).toMatchObject({ total_material_weight_g: grams, estimated_material_cost: round((grams / 1000) * 45, 2) });

		expectNoSecretsInRun(outcome, 'the farm history run');
	}, e2eBudgetMs({ execute: 1 }));

	it('errors of each operation, as n8n stores them, name the problem and carry no token', async () => {
		await emu.client.setHistoryBehaviour({ reportOutcome: 'failed', snapshotOutcome: 'failed' });
		const outcome: ExecutionOutcome = await n8n.execute('e2eHistoryErrors');
		const message = (name: string) => String(nodeOutput(outcome, name)[0]?.error ?? '');
		expect(message('Report fails')).toMatch(/^Digital Factory could not make report report-\S+ \(status "failed"\)/);
		// Our words in the message; the HTTP status and the API's own reason beside them in the error item.
		expect(nodeOutput(outcome, 'Unknown status')[0]).toMatchObject({
			error: 'Digital Factory rejected the request for the print job list',
			httpCode: '422',
			description: expect.stringContaining('status: unknown value "finished"'),
		});
		expect(message('Comment on a missing project')).toMatch(/not found|could not find/i);
		expect(message('API GET missing')).toMatch(/not found|could not find/i);
		expect(message('Snapshot fails')).toMatch(/took no snapshot \(action action-\S+, status "failed"\)/);
		expectNoSecretsInRun(outcome, 'the farm history errors run');
		// Everything n8n kept: its database (credentials encrypted, the executions of all three runs) and binary data.
		const stored = expectNoSecretsInUserFolder(n8n);
		expect(stored).toContain('Week 49: 106 prints, see the report');
	}, e2eBudgetMs({ execute: 1 }));
});
