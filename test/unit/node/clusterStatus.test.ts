import { splitStatus } from '../../../nodes/UltimakerDigitalFactory/core/status/statusItems';
import { idlePrinters, instancesOf } from '../../../nodes/UltimakerDigitalFactory/core/send/sighting';
import { explainPrintStatus } from '../../../nodes/UltimakerDigitalFactory/core/status/phases';
import { filterClusters } from '../../../nodes/UltimakerDigitalFactory/core/status/clusters';

const status = {
	generated_time: '2026-11-25T10:00:00.000Z',
	printers: [
		{ uuid: 'p1', status: 'idle', enabled: true },
		{ uuid: 'p2', status: 'idle', enabled: false },
		{ uuid: 'p3', status: 'printing' },
	],
	print_jobs: [
		{ uuid: 'j1', cloud_job_id: 'A', status: 'printing' },
		{ uuid: 'j2', cloud_job_id: 'B', status: 'queued' },
		{ uuid: 'j3', cloud_job_id: 'A', status: 'queued' },
	],
};

test('status: whole, per printer, per print job', () => {
	expect(splitStatus(status, 'c1', 'none')).toEqual([
		{ ...status, print_jobs: status.print_jobs.map((job) => ({ ...job, impediments_to_printing: [], configuration_changes_required: [], blocked_reason: null, reference: null })) },
	]);
	expect(splitStatus(status, 'c1', 'printers')).toEqual(
		status.printers.map((printer) => ({ ...printer, cluster_id: 'c1', generated_time: status.generated_time })),
	);
	expect(splitStatus(status, 'c1', 'printJobs').map((job) => job.uuid)).toEqual(['j1', 'j2', 'j3']);
	expect(splitStatus({ generated_time: 'x' }, 'c1', 'printers')).toEqual([]);
});

test('idle printers exclude disabled ones; print instances of a job', () => {
	expect(idlePrinters(status).map((printer) => printer.uuid)).toEqual(['p1']);
	expect(instancesOf(status, 'A').map((job) => job.uuid)).toEqual(['j1', 'j3']);
	expect(instancesOf({}, 'A')).toEqual([]);
});

test('cluster filters', () => {
	const clusters = [
		{ cluster_id: '1', is_online: true, printer_type: 'ultimaker_s5', host_printer: { machine_variant: 'Ultimaker S5' } },
		{ cluster_id: '2', is_online: false, printer_type: 'ultimaker_s5' },
		{ cluster_id: '3', is_online: true, printer_type: 'ultimaker_s7' },
	];
	expect(filterClusters(clusters, {}).length).toBe(3);
	expect(filterClusters(clusters, { onlineOnly: true }).map((c) => c.cluster_id)).toEqual(['1', '3']);
	expect(filterClusters(clusters, { printerType: 'ULTIMAKER_S5' }).map((c) => c.cluster_id)).toEqual(['1', '2']);
	expect(filterClusters(clusters, { printerType: 'ultimaker s5' }).map((c) => c.cluster_id)).toEqual(['1']);
});

test('print statuses are explained', () => {
	expect(explainPrintStatus('wait_approval')).toMatch(/approve/);
	expect(explainPrintStatus('queued')).toMatch(/queue/);
	expect(explainPrintStatus('odd')).toMatch(/"odd"/);
});
