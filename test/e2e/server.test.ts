/**
 * n8n as a server (`n8n start`) with active workflows, the way users run it:
 * - the Ultimaker Digital Factory Trigger polls the emulator every minute (n8n's shortest interval) and an
 *   HTTP Request node forwards every event to the emulator's recorder; the test drives a print to
 *   completion and another to an abort between polls and asserts the exact event sequence n8n delivered;
 * - example 4 (notify on finish/failure) runs unmodified against a second emulator: its messages;
 * - example 1 (ERP order → print) answers real webhook calls;
 * - example 2 (file drop → print) picks up files written into its watched folder;
 * - example 6 (print failed → camera snapshot, local network) runs on a third emulator's printer group, paired.
 * One n8n process serves all of them, so its start-up is paid once.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LanClient, SNAPSHOT_JPEG, startEmulator } from '../../emulator';
import type { N8nServer } from '../../scripts/lib/n8n';
import {
	apiCredential,
	eventRecorderWorkflow,
	lanCredential,
	findNode,
	forCustomLoading,
	loadExample,
	withCredential,
	type CredentialRef,
} from '../../scripts/lib/workflows';
import { waitFor } from '../helpers/wait';
import { GUID, griffinGcode, tinyPng } from '../fixtures/toolpaths';
import { FIXTURES_DIR, N8nSandbox, waitForWebhook } from './harness';

jest.setTimeout(420_000);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

const CUBE = join(FIXTURES_DIR, 'calibration-cube.gcode'); // ;PRINT.TIME:1200
const STAND = join(FIXTURES_DIR, 'phone-stand.gcode'); // ;PRINT.TIME:3600

const EVENTS: CredentialRef = { id: 'udfE2eCredEvents1', name: 'Emulator (trigger events)' };
const NOTIFY: CredentialRef = { id: 'udfE2eCredNotify1', name: 'Emulator (notify example)' };
const SHOP: CredentialRef = { id: 'udfE2eCredShop001', name: 'Emulator (webhook and file examples)' };
const LAN: CredentialRef = { id: 'udfE2eCredLan0001', name: 'Printer group (local network example)' };
/** The local network example's printer group: one printer. */
const LAN_FARM = [{ friendly_name: 'Lab', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Lab', materials: ['PLA'] }] }];

/** Two single-printer clusters: one print runs to completion, the other is aborted. */
const TRIGGER_FARM = [
	{ friendly_name: 'Cell 1', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 One', materials: ['PLA'] }] },
	{ friendly_name: 'Cell 2', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Two', materials: ['PLA'] }] },
];
/** Shop A loads another material than the sample files need; B and D fit them; C is another machine. */
const SHOP_FARM = [
	{ friendly_name: 'Shop A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Shop A', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] }] },
	{ friendly_name: 'Shop B', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Shop B', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Shop C', printers: [{ type: 'ultimaker_s7', friendly_name: 'S7 Shop C', materials: ['PETG', 'PVA'] }] },
	{ friendly_name: 'Shop D', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Shop D', materials: ['PLA', 'PVA'] }] },
];

/** A Cura-style thumbnail (8×8 PNG) for the G-code the notify example's finished print comes from. */
const THUMBNAIL = tinyPng(8);

const RECORDER_WORKFLOW_ID = 'e2eTriggerRecorder';


const STATUS_PATH = /^\/connect\/v1\/clusters\/[^/]+\/status$/;
const LIST_PATH = /^\/connect\/v1\/clusters\/?$/;

/**
 * How many polls the trigger has completed, and whether it is between polls (the last poll request was
 * the final status request of a poll). Only n8n reads these routes on the trigger emulators.
 */
async function pollProgress(emu: Emulator, clusterCount: number): Promise<{ completed: number; idle: boolean }> {
	const pollRequests = (await emu.client.requests()).filter(
		(entry) => entry.method === 'GET' && (STATUS_PATH.test(entry.path) || LIST_PATH.test(entry.path)),
	);
	const statusCount = pollRequests.filter((entry) => STATUS_PATH.test(entry.path)).length;
	const last = pollRequests[pollRequests.length - 1];
	return {
		completed: Math.floor(statusCount / clusterCount),
		idle: statusCount % clusterCount === 0 && (!last || STATUS_PATH.test(last.path)),
	};
}

async function betweenPolls(emu: Emulator, atLeast: number, clusterCount: number): Promise<number> {
	const progress = await waitFor(
		`poll ${atLeast} of the trigger to complete`,
		async () => {
			const now = await pollProgress(emu, clusterCount);
			return now.completed >= atLeast && now.idle ? now : undefined;
		},
		150_000,
		100,
	);
	return progress.completed;
}

/** How many polls the trigger has made of the printer group on the local network (one print-job list each), once at least `atLeast`. */
async function lanPolls(emu: Emulator, atLeast: number): Promise<number> {
	const polls = await waitFor(
		`poll ${atLeast} of the trigger on the local network`,
		async () => {
			const count = (await emu.client.requests()).filter((entry) => entry.method === 'GET' && entry.path.startsWith('/cluster-api/v1/print_jobs')).length;
			return count >= atLeast ? count : undefined;
		},
		150_000,
		100,
	);
	// The poll reads the printers beside the jobs: let both answers go out before the state changes.
	await new Promise((resolve) => setTimeout(resolve, 500));
	return polls;
}

/** Example 6: after the trigger's first look at the group a print starts; after the next one it fails. */
async function driveLanFailure(emu: Emulator, jobId: string): Promise<string> {
	const [cluster] = await emu.client.clusters();
	const baseline = await lanPolls(emu, 1);
	const uuid = (await emu.client.sendPrint(cluster!.cluster_id, jobId)).cluster_job_id as string;
	await emu.client.advanceClock(31);
	await lanPolls(emu, baseline + 1);
	await emu.client.setPrintJobStatus(uuid, 'failed');
	return uuid;
}

interface Scenario {
	finishedJob: string;
	abortedJob: string;
	clusterOne: string;
	clusterTwo: string;
}

/**
 * Between poll k and k+1: start two prints (31 s: past pre_print). Between k+1 and k+2: run the first to
 * its end (wait_cleanup, finished) and abort the second after 20 min of printing.
 */
async function driveFinishAndAbort(emu: Emulator, cubeJob: string, standJob: string): Promise<Scenario> {
	const clusters = await emu.client.clustersByName();
	const clusterOne = clusters['Cell 1'].cluster_id;
	const clusterTwo = clusters['Cell 2'].cluster_id;
	const baseline = await betweenPolls(emu, 1, TRIGGER_FARM.length);
	const finishedJob = (await emu.client.sendPrint(clusterOne, cubeJob)).cluster_job_id as string;
	const abortedJob = (await emu.client.sendPrint(clusterTwo, standJob)).cluster_job_id as string;
	await emu.client.advanceClock(31);
	await betweenPolls(emu, baseline + 1, TRIGGER_FARM.length);
	await emu.client.advanceClock(1215);
	await emu.client.printJobAction(clusterTwo, abortedJob, 'abort');
	await emu.client.advanceClock(5);
	await betweenPolls(emu, baseline + 2, TRIGGER_FARM.length);
	return { finishedJob, abortedJob, clusterOne, clusterTwo };
}

describe('n8n server: trigger and example workflows', () => {
	let eventsEmu: Emulator;
	let notifyEmu: Emulator;
	let shopEmu: Emulator;
	let lanEmu: Emulator;
	let n8n: N8nSandbox;
	let server: N8nServer;
	let dropDir: string;
	const uploaded: Record<string, { cube: string; stand: string }> = {};
	let lanJob: string;

	beforeAll(async () => {
		// The print answer as Ultimaker recorded it (cluster_job_id only): the example workflows read Send print's
		// job_instance_uuid, which the node fills from it.
		const options = { port: 0, storagePort: 0, speed: 0 };
		eventsEmu = await startEmulator({ ...options, seed: 'e2e-events', farm: TRIGGER_FARM });
		shopEmu = await startEmulator({ ...options, seed: 'e2e-shop', farm: SHOP_FARM });
		lanEmu = await startEmulator({ ...options, seed: 'e2e-lan-example', farm: LAN_FARM });
		lanJob = await lanEmu.client.uploadJob('[ref=SO-3001] bracket.gcode', readFileSync(CUBE));
		const pairing = await new LanClient(lanEmu.lanUrl).pair('e2e', 'example 6');
		n8n = N8nSandbox.create();
		// The notify example downloads the finished job's file for its thumbnail: this emulator keeps uploads.
		const notifyUploads = join(n8n.workDir, 'notify-uploads');
		mkdirSync(notifyUploads);
		notifyEmu = await startEmulator({ ...options, seed: 'e2e-notify', farm: TRIGGER_FARM, uploadDir: notifyUploads });
		uploaded.events = {
			cube: await eventsEmu.client.uploadJob('calibration-cube.gcode', readFileSync(CUBE)),
			stand: await eventsEmu.client.uploadJob('phone-stand.gcode', readFileSync(STAND)),
		};
		// The finished print carries an order reference (in its job name, as Upload job writes it) and a thumbnail.
		const cubeWithThumbnail = griffinGcode({ printTime: '1200', extruders: [{ guid: GUID.genericPla }], thumbnail: { png: THUMBNAIL, width: 8, height: 8 } });
		uploaded.notify = {
			cube: await notifyEmu.client.uploadJob('[ref=SO-1001] calibration-cube.gcode', cubeWithThumbnail),
			stand: await notifyEmu.client.uploadJob('phone-stand.gcode', readFileSync(STAND)),
		};

		dropDir = join(n8n.workDir, 'drop');
		mkdirSync(dropDir);
		await n8n.importCredentials([
			apiCredential(EVENTS, eventsEmu.url, eventsEmu.apiToken),
			apiCredential(NOTIFY, notifyEmu.url, notifyEmu.apiToken),
			apiCredential(SHOP, shopEmu.url, shopEmu.apiToken),
			lanCredential(LAN, new URL(lanEmu.lanUrl).host, pairing),
		]);

		const notify = withCredential(forCustomLoading(loadExample('4-notify-on-finish-or-failure.json')), NOTIFY);
		findNode(notify, 'Send to chat').parameters.url = `${notifyEmu.url}/_emulator/recorder/notifications`;
		const erp = withCredential(forCustomLoading(loadExample('1-erp-order-to-print.json')), SHOP);
		const lanSnapshot = withCredential(forCustomLoading(loadExample('6-lan-snapshot-on-failure.json')), SHOP, LAN);
		findNode(lanSnapshot, 'Send to chat').parameters.url = `${lanEmu.url}/_emulator/recorder/failures`;
		const fileDrop = withCredential(forCustomLoading(loadExample('2-file-drop-to-print.json')), SHOP);
		const watcher = findNode(fileDrop, 'New file in drop folder').parameters as { path: string; options: Record<string, unknown> };
		watcher.path = dropDir;
		// Newer n8n activates workflows in the background after start-up: with the example's default (ignore
		// files already there) a file written before the watcher is up would be missed. Also handle those.
		watcher.options.ignoreInitial = false;
		const workflows = [eventRecorderWorkflow(RECORDER_WORKFLOW_ID, `${eventsEmu.url}/_emulator/recorder/events`, EVENTS), notify, fileDrop, erp, lanSnapshot];
		await n8n.importWorkflows(workflows);
		server = await n8n.startServer(workflows.map((workflow) => workflow.id));
		await waitForWebhook(server, 'erp-order');
	});

	afterAll(async () => {
		await n8n?.cleanup();
		await Promise.all([eventsEmu?.close(), notifyEmu?.close(), shopEmu?.close(), lanEmu?.close()]);
	});

	function serverLog(): string {
		return server ? server.log().split('\n').slice(-60).join('\n') : '(n8n not started)';
	}

	async function postOrder(fields: Record<string, string>, file?: { name: string; bytes: Buffer | string }): Promise<{ status: number; body: any }> {
		const form = new FormData();
		for (const [key, value] of Object.entries(fields)) form.append(key, value);
		if (file) form.append('file', new Blob([file.bytes], { type: 'text/plain' }), file.name);
		const response = await fetch(`${server.url}/webhook/erp-order`, { method: 'POST', body: form });
		const text = await response.text();
		try {
			return { status: response.status, body: JSON.parse(text) };
		} catch {
			throw new Error(`Webhook answered ${response.status} with non-JSON: ${text}\n${serverLog()}`);
		}
	}

	it('example "ERP order → print": Find printer and the best match place each order on a printer that fits, or answer 409 with every reason', async () => {
		const clusters = await shopEmu.client.clustersByName();
		const cube = { name: 'calibration-cube.gcode', bytes: readFileSync(CUBE) };
		// Shop A, first in line, loads Tough PLA: the Generic PLA file goes to the other printer.
		const first = await postOrder({ orderId: 'SO-1001' }, cube);
		expect(first.status).toBe(201);
		expect(first.body).toMatchObject({
			orderId: 'SO-1001',
			reference: 'SO-1001',
			status: 'queued',
			printJobId: expect.any(String),
			jobId: expect.any(String),
			clusterId: clusters['Shop B'].cluster_id,
			printer: 'S5 Shop B',
		});

		// Shop B now prints: the next order goes to the idle printer that fits.
		const second = await postOrder({ orderId: 'SO-1002' }, cube);
		expect(second.status).toBe(201);
		expect(second.body).toMatchObject({ orderId: 'SO-1002', clusterId: clusters['Shop D'].cluster_id, printer: 'S5 Shop D' });

		// Sliced for Generic PETG on an S5: no printer fits, and the answer says why for each.
		const petg = { name: 'petg-clip.gcode', bytes: griffinGcode({ extruders: [{ guid: '1cbfaeb3-1906-4b26-b2e7-6f777a8c197a' }] }) };
		const third = await postOrder({ orderId: 'SO-1003' }, petg);
		expect(third.status).toBe(409);
		expect(third.body).toMatchObject({ orderId: 'SO-1003', status: 'no_printer_available' });
		expect(third.body.reasons).toEqual([
			'S5 Shop A (Shop A): loads Ultimaker Tough PLA Black in extruder 1, the job needs Generic PETG',
			'S5 Shop B (Shop B): loads Generic PLA in extruder 1, the job needs Generic PETG',
			'S7 Shop C (Shop C): is an Ultimaker S7, the job is for an Ultimaker S5',
			'S5 Shop D (Shop D): loads Generic PLA in extruder 1, the job needs Generic PETG',
		]);

		for (const order of [first.body, second.body]) {
			const data = await shopEmu.client.clusterStatus(order.clusterId);
			expect(data.print_jobs).toEqual([
				// The printer was idle, so the job left the queue at once; the frozen clock keeps it in pre_print.
				expect.objectContaining({ uuid: order.printJobId, cloud_job_id: order.jobId, status: 'pre_print', name: `[ref=${order.orderId}] calibration-cube.gcode` }),
			]);
		}
		// Nothing was uploaded for the order no printer fits.
		const jobs = await shopEmu.client.data<any[]>('GET', '/cura/v1/jobs');
		expect(jobs.map((job: any) => job.job_name).sort()).toEqual(['[ref=SO-1001] calibration-cube.gcode', '[ref=SO-1002] calibration-cube.gcode']);
	});

	it('example "file drop → print": uploads and queues a G-code file written into the watched folder, ignores other files', async () => {
		writeFileSync(join(dropDir, 'notes.txt'), 'not a print\n');
		copyFileSync(STAND, join(dropDir, 'phone-stand-drop.gcode'));
		const queued = await waitFor(
			'the dropped file to be queued on a cluster',
			async () => {
				for (const cluster of Object.values(await shopEmu.client.clustersByName())) {
					const data = await shopEmu.client.clusterStatus(cluster.cluster_id);
					const job = data.print_jobs.find((candidate: any) => String(candidate.name).includes('phone-stand-drop'));
					if (job) return { cluster, job };
				}
				return undefined;
			},
			60_000,
			500,
		).catch((error: Error) => {
			throw new Error(`${error.message}\n${serverLog()}`);
		});
		expect(queued.job.status).toBe('queued');
		// The two ERP orders occupy Shop B and D; A and C are empty: the example's "shortest queue" takes the first.
		expect(queued.cluster.friendly_name).toBe('Shop A');
		const jobs = await shopEmu.client.data<any[]>('GET', '/cura/v1/jobs');
		const names = jobs.map((job: any) => String(job.job_name));
		expect(names.filter((name: string) => name.includes('phone-stand-drop'))).toHaveLength(1);
		expect(names.some((name: string) => name.includes('notes'))).toBe(false);
	});

	it('trigger: delivers the exact event sequence of a print run to completion and an aborted print; example 4 notifies both; example 6 reports a failure on the local network with the camera\'s picture', async () => {
		const [events, notify, failedOnLan] = await Promise.all([
			driveFinishAndAbort(eventsEmu, uploaded.events.cube, uploaded.events.stand),
			driveFinishAndAbort(notifyEmu, uploaded.notify.cube, uploaded.notify.stand),
			driveLanFailure(lanEmu, lanJob),
		]).catch((error: Error) => {
			throw new Error(`${error.message}\n${serverLog()}`);
		});

		const expected = expectedEvents(events);
		const delivered = await waitFor(
			`${expected.length} recorded events`,
			async () => {
				const got = await eventsEmu.client.recorded<any>('events');
				return got.length >= expected.length ? got : undefined;
			},
			30_000,
		).catch(async (error: Error) => {
			const got = await eventsEmu.client.recorded<any>('events');
			throw new Error(`${error.message}; got ${JSON.stringify(got.map(summarise))}\n${serverLog()}`);
		});
		// Nothing more arrives late.
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		expect((await eventsEmu.client.recorded<any>('events')).map(summarise)).toEqual(expected);

		const finished = delivered.find((event) => event.event === 'job.finished');
		expect(finished).toMatchObject({
			cluster: { cluster_id: events.clusterOne, friendly_name: 'Cell 1' },
			printer: { friendly_name: 'S5 One', machine_variant: 'Ultimaker S5' },
			job: { uuid: events.finishedJob, cloud_job_id: uploaded.events.cube, status: 'wait_cleanup', time_elapsed: 1200, time_total: 1200 },
		});
		expect(finished.detectedAt).toEqual(expect.any(String));
		const abortedEvent = delivered.find((event) => event.event === 'job.aborted');
		expect(abortedEvent.job).toMatchObject({ uuid: events.abortedJob, status: 'wait_cleanup', time_elapsed: 1216, time_total: 3600 });

		const messages = await waitFor(
			'two notifications from example 4',
			async () => {
				const got = await notifyEmu.client.recorded<any>('notifications');
				return got.length >= 2 ? got : undefined;
			},
			30_000,
		);
		expect(messages).toHaveLength(2);
		expect(messages.map((message) => message.text)).toEqual([
			'✅ calibration-cube.gcode (order SO-1001) finished on S5 One (Cell 1) after 0h 20m 00s of printing.',
			'⛔ phone-stand.gcode was aborted on S5 Two (Cell 2) after 0h 20m 16s of printing.',
		]);
		// The thumbnail comes from the job's own file (downloaded and inspected); the second file has none.
		expect(messages[0]).toMatchObject({ outcome: 'finished', durationSeconds: 1200, jobUuid: notify.finishedJob, reference: 'SO-1001', thumbnailPng: THUMBNAIL.toString('base64') });
		expect(messages[1]).toMatchObject({ outcome: 'aborted', durationSeconds: 1216, jobUuid: notify.abortedJob, reference: null, thumbnailPng: null });

		// Example 6: one message for the print that failed on the printer group, with the printer's camera picture.
		const failures = await waitFor('the failure message from example 6', async () => {
			const got = await lanEmu.client.recorded<any>('failures');
			return got.length >= 1 ? got : undefined;
		}, 150_000).catch((error: Error) => {
			throw new Error(`${error.message}\n${serverLog()}`);
		});
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		expect(await lanEmu.client.recorded<any>('failures')).toHaveLength(1);
		expect(failures[0]).toEqual({
			text: `❌ bracket.gcode (order SO-3001) failed on S5 Lab at ${failures[0].detectedAt}.`,
			jobName: 'bracket.gcode',
			reference: 'SO-3001',
			outcome: 'failed',
			printer: 'S5 Lab',
			jobUuid: failedOnLan,
			detectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			snapshotJpeg: SNAPSHOT_JPEG.toString('base64'),
		});
	});
});

/** `<event> <cluster> <job uuid | printer name> <previous>→<current>`: enough to compare sequences. */
function summarise(event: any): string {
	const isJobEvent = String(event.event).startsWith('job.');
	const subject = isJobEvent ? event.job?.uuid : event.printer?.friendly_name;
	const current = isJobEvent ? event.job?.status : event.printer?.status;
	return `${event.event} ${event.cluster?.friendly_name ?? '?'} ${subject ?? '?'} ${event.previous?.status ?? ''}→${current ?? ''}`;
}

/** What the trigger must deliver, in order, for driveFinishAndAbort (poll by poll, cluster by cluster). */
function expectedEvents(run: Scenario): string[] {
	return [
		// poll k+1: both prints were queued and started since the last poll (31 s: pre_print is over);
		// a job seen for the first time has no previous status. Jobs first, then printers, per cluster.
		`job.queued Cell 1 ${run.finishedJob} →printing`,
		`job.started Cell 1 ${run.finishedJob} →printing`,
		`printer.statusChanged Cell 1 S5 One idle→printing`,
		`job.queued Cell 2 ${run.abortedJob} →printing`,
		`job.started Cell 2 ${run.abortedJob} →printing`,
		`printer.statusChanged Cell 2 S5 Two idle→printing`,
		// poll k+2: the first ran to its end, the second was aborted; both wait for the build plate to be cleared
		`job.finished Cell 1 ${run.finishedJob} printing→wait_cleanup`,
		`printer.statusChanged Cell 1 S5 One printing→wait_cleanup`,
		`job.aborted Cell 2 ${run.abortedJob} printing→wait_cleanup`,
		`printer.statusChanged Cell 2 S5 Two printing→wait_cleanup`,
	];
}
