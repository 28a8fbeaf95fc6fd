/** Hand-made, API-shaped snapshots for the diff's edge cases (field names as in GET …/status). */
import type {
	ApiClusterStatus,
	ApiPrinterStatus,
	ApiPrintJobStatus,
	ClusterObservation,
	DiffOptions,
	TriggerEvent,
	TriggerState,
} from '../../../nodes/UltimakerDigitalFactory/core/events';
import { diffSnapshots } from '../../../nodes/UltimakerDigitalFactory/core/events';

export const PLA = { guid: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9', brand: 'Ultimaker', color: 'Blue', material: 'PLA' };
export const TOUGH_PLA = { guid: '8a38a3e9-ecf7-4a7d-a6a9-e7ac35102968', brand: 'Ultimaker', color: 'Black', material: 'Tough PLA' };

export function printer(uuid: string, overrides: Partial<ApiPrinterStatus> = {}): ApiPrinterStatus {
	return {
		uuid,
		unique_name: `ultimakersystem-${uuid}`,
		friendly_name: `Printer ${uuid}`,
		machine_variant: 'Ultimaker S5',
		status: 'idle',
		enabled: true,
		maintenance_required: false,
		configuration: [
			{ extruder_index: 0, print_core_id: 'AA 0.4', material: { ...PLA } },
			{ extruder_index: 1, print_core_id: 'BB 0.4', material: null },
		],
		...overrides,
	};
}

export function job(uuid: string, overrides: Partial<ApiPrintJobStatus> = {}): ApiPrintJobStatus {
	return {
		uuid,
		cloud_job_id: `cloud-${uuid}`,
		name: `${uuid}.gcode`,
		status: 'queued',
		owner: 'jdoe',
		created_at: '2026-11-25T10:00:00.000Z',
		started: false,
		time_total: 3600,
		time_elapsed: 0,
		printer_uuid: null,
		printed_on_uuid: null,
		assigned_to: null,
		...overrides,
	};
}

export function snapshot(
	printers: ApiPrinterStatus[],
	jobs: ApiPrintJobStatus[],
	generated_time = '2026-11-25T10:00:00.000Z',
): ApiClusterStatus {
	return { generated_time, printers, print_jobs: jobs };
}

export function seen(status: ApiClusterStatus, extra: Partial<ClusterObservation> = {}): ClusterObservation {
	return { cluster_id: 'cluster-A', friendly_name: 'Lab A', is_online: true, status, ...extra };
}

export function unreachable(clusterId = 'cluster-A'): ClusterObservation {
	return { cluster_id: clusterId, friendly_name: 'Lab A', unreachable: true };
}

export const OPTIONS: DiffOptions = { offlineAfterMissedPolls: 3 };

/** Runs polls one after another (state through JSON, as n8n stores it) and returns the events of each poll. */
export function runPolls(
	polls: ClusterObservation[][],
	options: DiffOptions = OPTIONS,
	initial?: TriggerState,
): { perPoll: TriggerEvent[][]; state: TriggerState | undefined } {
	let state = initial;
	const perPoll: TriggerEvent[][] = [];
	polls.forEach((observations, index) => {
		const result = diffSnapshots(state, observations, options, new Date(Date.UTC(2026, 10, 25, 10, index)));
		perPoll.push(result.events);
		state = JSON.parse(JSON.stringify(result.state)) as TriggerState;
	});
	return { perPoll, state };
}

/** `event` names of one poll, with the job or printer they are about: 'job.started:J1', 'printer.online:P1'. */
export function names(events: TriggerEvent[]): string[] {
	return events.map((event) =>
		event.event.startsWith('job.') ? `${event.event}:${event.job?.uuid}` : `${event.event}:${event.printer?.uuid}`,
	);
}
