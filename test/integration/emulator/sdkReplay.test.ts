/**
 * Ultimaker's own demo against the emulator: the 9 API calls of digital-factory-sdk `typescript/src/main.ts`
 * (revision bf4ebcc, "Add webcam example code" / "Add example of generating a report"), in its order, with its
 * URLs, query strings, headers and bodies as `digital-factory.ts` builds them (JSON pretty-printed with 4 spaces,
 * `Content-Type: application/json` on PUT/POST, `Authorization: Bearer`, the upload's bytes to the signed URL with
 * only a Content-Type). What each step reads from the answer is what the SDK reads.
 *
 * Differences, on purpose: the token is the emulator's API token (the SDK signs in with OAuth; its later
 * `python/report.py` uses an API token), the waits between polls are 50 ms instead of 1 s (the emulator counts
 * polls, not time), and the UFP is built here (the SDK reads UFP_PATH).
 */
import type { Emulator } from '../../../emulator';
import { startEmulator } from '../../../emulator';
import { buildUfp, GUID, griffinGcode } from '../../fixtures/toolpaths';

jest.setTimeout(60_000);

const FARM = [
	{ friendly_name: 'Cell A', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 One', materials: ['PLA', 'PVA'] }] },
	{ friendly_name: 'Cell B', is_online: false, printers: [{ type: 'ultimaker_s5', friendly_name: 'S5 Two', materials: ['PLA', 'PVA'] }] },
];

/** The SDK's `prettyJSON`. */
const prettyJSON = (value: unknown) => JSON.stringify(value, null, 4);
const pause = () => new Promise((resolve) => setTimeout(resolve, 50));

/** `httpGetDigitalFactory` / `httpPutDigitalFactory` / `httpPostDigitalFactory`: the JSON answer, whatever the status. */
function sdkHttp(emu: Emulator, statuses: Array<{ call: string; status: number }>) {
	const send = async (method: string, url: string, body?: unknown) => {
		const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
		headers.Authorization = `Bearer ${emu.apiToken}`;
		const response = await fetch(url, { method, headers, body: body === undefined ? undefined : prettyJSON(body) });
		statuses.push({ call: `${method} ${new URL(url).pathname}`, status: response.status });
		return (await response.json()) as any;
	};
	return {
		get: (url: string) => send('GET', url),
		put: (url: string, body: unknown) => send('PUT', url, body),
		post: (url: string, body: unknown = {}) => send('POST', url, body),
	};
}

/**
 * Both print answers: `recorded` (Cura's fixtures: `cluster_job_id`, `job_id`, `status` only [C]) and `documented`
 * (also `job_instance_uuid`, which the SDK prints [C: main.ts]). With the recorded one the SDK would print
 * "Submitted print job with ID: undefined" and carry on: it reads the field for the message only.
 */
describe.each(['recorded', 'documented'] as const)("Ultimaker's digital-factory-sdk demo (main.ts), replayed against the emulator (%s print answer)", (printResponse) => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator({ port: 0, storagePort: 0, seed: 'sdk-replay', speed: 0, farm: FARM, printResponse });
	});
	afterAll(async () => {
		await emu.close();
	});

	it('all 9 calls succeed, in the SDK order, with the answers the SDK reads', async () => {
		const API_ROOT_URL = emu.url;
		const statuses: Array<{ call: string; status: number }> = [];
		const http = sdkHttp(emu, statuses);
		const done: string[] = [];

		// 1. createProject('Demo project') → data.library_project_id
		const project = (await http.put(`${API_ROOT_URL}/cura/v1/projects`, { data: { display_name: 'Demo project' } })).data;
		expect(project.library_project_id).toEqual(expect.any(String));
		const { library_project_id } = project;
		done.push('createProject');

		// 2. addCommentToProject(id, 'Demo comment') → data (not read by the SDK; our answer is checked anyway)
		const comment = (await http.put(`${API_ROOT_URL}/cura/v1/projects/${library_project_id}/comments`, { data: { body: 'Demo comment' } })).data;
		expect(comment).toMatchObject({ body: 'Demo comment' });
		done.push('addCommentToProject');

		// 3. uploadFileToProject(id, UFP_PATH): register, then PUT the bytes to upload_url with only a Content-Type
		const ufp = buildUfp({ gcode: griffinGcode({ printTime: '900', extruders: [{ guid: GUID.genericPla }] }) });
		const mimeType = 'application/x-ufp';
		const registered = (
			await http.put(`${API_ROOT_URL}/cura/v1/jobs/upload`, {
				data: { job_name: 'demo.ufp', content_type: mimeType, file_size: ufp.byteLength, library_project_id },
			})
		).data;
		expect(registered.upload_url).toEqual(expect.any(String));
		const stored = await fetch(registered.upload_url, { method: 'PUT', headers: { 'Content-Type': mimeType }, body: ufp });
		expect(stored.status).toBe(200);
		const { job_id } = registered;
		expect(job_id).toEqual(expect.any(String));
		done.push('uploadFileToProject');

		// 4. submitPrintJob(job_id, CLUSTER_ID): POST with { data: {} } → data.job_instance_uuid
		const clusterId = (await emu.client.clustersByName())['Cell A']!.cluster_id;
		const printed = (await http.post(`${API_ROOT_URL}/connect/v1/clusters/${clusterId}/print/${job_id}`, { data: {} })).data;
		expect(printed).toMatchObject({ job_id, status: 'queued', cluster_job_id: expect.any(String) });
		expect(printed.job_instance_uuid).toBe(printResponse === 'documented' ? printed.cluster_job_id : undefined);
		const printId = printed.cluster_job_id as string;
		done.push('submitPrintJob');
		// Long enough for the printer to take the job and start (pre-print is 30 s in the emulator).
		await emu.client.advanceClock(120);

		// 5. getRunningPrintJobs(): ?limit=20&status=in_progress → data (the SDK prints length and data[0])
		const running = (await http.get(`${API_ROOT_URL}/connect/v1/print_jobs?${new URLSearchParams({ limit: '20', status: 'in_progress' })}`)).data;
		expect(running).toHaveLength(1);
		expect(running[0]).toMatchObject({ uuid: printId, name: 'demo.ufp', cluster_id: clusterId });
		done.push('getRunningPrintJobs');

		// 6. searchProjects(): ?limit=24&page=1&search=demo&shared=false → data
		const projects = (await http.get(`${API_ROOT_URL}/cura/v1/projects?${new URLSearchParams({ limit: '24', page: '1', search: 'demo', shared: 'false' })}`)).data;
		expect(projects.map((p: any) => p.library_project_id)).toEqual([library_project_id]);
		done.push('searchProjects');

		// 7. getClusters() → data; the webcam step takes the first online cluster and its host_printer.uuid
		const clusters = (await http.get(`${API_ROOT_URL}/connect/v1/clusters`)).data;
		const onlineClusters = clusters.filter((c: any) => c.is_online);
		expect(onlineClusters.map((c: any) => c.cluster_id)).toEqual([clusterId]);
		expect(onlineClusters[0].host_printer.uuid).toEqual(expect.any(String));
		done.push('getClusters');

		// 8. getWebcamImage(cluster, host printer): POST the action with { data: {} }, poll action_status while
		//    pending or sent, then the SDK accepts only status 'success' and reads status_details.value.image_url.
		const webcamClusterId = onlineClusters[0].cluster_id;
		const webcamPrinterId = onlineClusters[0].host_printer.uuid;
		const action = await http.post(`${API_ROOT_URL}/connect/v1/clusters/${webcamClusterId}/printers/${webcamPrinterId}/action/get_webcam_snapshot`, { data: {} });
		const actionId = action.data.action_id;
		let webcam = action.data;
		let webcamPolls = 0;
		while ((webcam.status === 'pending' || webcam.status === 'sent') && webcamPolls < 30) {
			await pause();
			webcam = (await http.get(`${API_ROOT_URL}/connect/v1/clusters/${webcamClusterId}/action_status/${actionId}`)).data;
			webcamPolls++;
		}
		expect(webcam.status).toBe('success');
		const image = await fetch(webcam.status_details.value.image_url);
		expect(image.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await image.arrayBuffer()).subarray(1, 4).toString('latin1')).toBe('PNG');
		done.push('getWebcamImage');

		// 9. generateReport(all cluster ids): PUT with the last 7 days (toISOString), poll while pending or
		//    processing, then 'success' and download_url.
		const clusterIds = clusters.map((c: any) => c.cluster_id);
		const today = new Date();
		const sevenDaysAgo = new Date(Date.now() - 24 * 60 * 60 * 7 * 1000);
		const created = await http.put(`${API_ROOT_URL}/report/v1/reports`, {
			data: { cluster_ids: clusterIds, start_date: sevenDaysAgo.toISOString(), end_date: today.toISOString(), report_type: 'print_jobs' },
		});
		let report = created.data;
		const reportID = report.report_id;
		let reportPolls = 0;
		while ((report.status === 'pending' || report.status === 'processing') && reportPolls < 30) {
			await pause();
			report = (await http.get(`${API_ROOT_URL}/report/v1/reports/${reportID}`)).data;
			reportPolls++;
		}
		expect(report.status).toBe('success');
		const csv = await (await fetch(report.download_url)).text();
		// The print submitted in step 4 is running: the report lists it on S5 One.
		expect(csv).toContain(`S5 One,${webcamPrinterId},${printId},demo.ufp`);
		done.push('generateReport');

		expect(done).toHaveLength(9);
		// Python's report example treats anything but 201 on create as a failure [C: python/report.py].
		expect(statuses.find((entry) => entry.call === 'PUT /report/v1/reports')?.status).toBe(201);
		expect(statuses.filter((entry) => entry.status >= 300)).toEqual([]);
	});
});
