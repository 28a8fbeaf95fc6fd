/**
 * The order reference through the action node and the emulator: kept in the job name at upload, checked by Send
 * print, read back on every print-job item of Get cluster status (whole and split).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { actionError, apiTokenCredentials, runAction } from '../../helpers/actionNode';
import { useFarmEmulator } from '../../helpers/farmEmulator';
import { storeBinary } from '../../helpers/n8nContext';
import { griffinGcode } from '../../fixtures/toolpaths';

jest.setTimeout(60_000);

const FARM = [{ friendly_name: 'Lab', printers: [{ type: 'ultimaker_s5', friendly_name: 'S5', materials: ['PLA', 'PVA'] }] }];
let emu: Emulator;
let clusterId: string;

useFarmEmulator('reference-tests', FARM, (started) => (emu = started), {
	afterReset: async (started) => {
		clusterId = (await started.client.clusters())[0].cluster_id;
	},
});

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

async function file(fileName = 'bracket.gcode'): Promise<INodeExecutionData> {
	return { json: {}, binary: { data: await storeBinary(Buffer.from(griffinGcode()), { fileName, mimeType: 'text/plain' }) } };
}

const credentials = () => apiTokenCredentials(emu, { origin: '' });
const run = async (parameters: INodeParameters, items?: INodeExecutionData[]) =>
	(await runAction({ parameters, items, credentials: credentials() })).map((item) => item.json as Record<string, any>);

const runError = (parameters: INodeParameters, items?: INodeExecutionData[]) => actionError({ parameters, items, credentials: credentials() });

const prints = async () => (await emu.client.requests({ server: 'api' })).filter((entry) => entry.method === 'POST' && /\/print\//.test(entry.path));

describe('order reference', () => {
	it('Upload job keeps it in the job name; Send print checks it; Get cluster status returns it on every print job', async () => {
		const [uploaded] = await run({ resource: 'job', operation: 'upload', reference: ' SO-1001 ' }, [await file()]);
		expect(uploaded).toMatchObject({ job_name: '[ref=SO-1001] bracket.gcode', reference: 'SO-1001', status: 'uploaded' });
		const [sent] = await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId: uploaded.job_id, reference: 'SO-1001' });
		expect(sent).toMatchObject({ status: 'queued', reference: 'SO-1001', cluster_id: clusterId });
		const [plain] = await run({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId: uploaded.job_id });
		expect(plain).not.toHaveProperty('reference');

		const split = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId), splitInto: 'printJobs' });
		expect(split.map((job) => [job.name, job.reference])).toEqual([
			['[ref=SO-1001] bracket.gcode', 'SO-1001'],
			['[ref=SO-1001] bracket.gcode', 'SO-1001'],
		]);
		const [whole] = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId) });
		expect(whole.print_jobs.map((job: any) => job.reference)).toEqual(['SO-1001', 'SO-1001']);
		expect(whole.print_jobs[0]).toMatchObject({ impediments_to_printing: [], configuration_changes_required: [], blocked_reason: null });
	});

	it('Send print refuses a job that carries another reference, or none, and sends nothing', async () => {
		const [other] = await run({ resource: 'job', operation: 'upload', reference: 'SO-1' }, [await file()]);
		const wrong = await runError({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId: other.job_id, reference: 'SO-2' });
		expect(wrong.message).toBe(`Job ${other.job_id} carries the reference "SO-1", not "SO-2"; nothing was sent`);
		expect(wrong.description).toContain('Upload the file with Reference "SO-2"');
		const [none] = await run({ resource: 'job', operation: 'upload' }, [await file()]);
		const missing = await runError({ resource: 'print', operation: 'send', clusterId: rl(clusterId), jobId: none.job_id, reference: 'SO-2' });
		expect(missing.message).toBe(`Job ${none.job_id} carries no reference, not "SO-2"; nothing was sent`);
		expect(await prints()).toEqual([]);
	});

	it('Upload and print returns it; a name that merely looks like one stays a name', async () => {
		const [printed] = await run({ resource: 'print', operation: 'uploadAndSend', clusterId: rl(clusterId), reference: 'PO 7/2' }, [await file()]);
		expect(printed).toMatchObject({ status: 'queued', reference: 'PO 7/2', upload: { job_name: '[ref=PO%207%2F2] bracket.gcode' } });
		const [lookalike] = await run({ resource: 'print', operation: 'uploadAndSend', clusterId: rl(clusterId), jobName: '[ref=draft] tray.gcode' }, [await file()]);
		expect(lookalike).toMatchObject({ reference: null, upload: { job_name: '[ref=] [ref=draft] tray.gcode' } });
		const jobs = await run({ resource: 'cluster', operation: 'getStatus', clusterId: rl(clusterId), splitInto: 'printJobs' });
		expect(jobs.map((job) => job.reference)).toEqual(['PO 7/2', null]);
	});

	it('a reference that cannot travel is refused before anything is uploaded', async () => {
		const lines = await runError({ resource: 'job', operation: 'upload', reference: 'SO\n1' }, [await file()]);
		expect(lines.message).toBe('Reference contains a line break or another control character');
		const long = await runError({ resource: 'job', operation: 'upload', reference: 'SO-1', jobName: `${'x'.repeat(240)}.gcode` }, [await file()]);
		expect(long.message).toBe('The job name with its reference is 257 characters long');
		expect(await emu.client.requests({ server: 'api' })).toEqual([]);
	});
});
