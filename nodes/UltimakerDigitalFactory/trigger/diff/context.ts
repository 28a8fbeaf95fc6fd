/** What every step of one cluster's diff shares: the mode, the event factory, and the events collected so far. */
import type { ApiClusterStatus } from '../../shared/api/types';
import type { TriggerEventName } from '../events';
import { jobFromMemory } from './items';
import { jobPhase } from './jobStatus';
import type { JobMemory } from './memory';
import type { EventJob, EventPrinter, TriggerEvent } from './types';

/** First look at a cluster recorded silently, first look announcing its current state, or a real diff. */
export type Mode = 'baseline' | 'emitCurrent' | 'diff';

/** Events of one cluster, grouped so they can be put in time order. */
export interface ClusterEvents {
	online: TriggerEvent[];
	jobs: Array<{ createdMs: number; index: number; events: TriggerEvent[] }>;
	printers: TriggerEvent[];
	offline: TriggerEvent[];
}

export interface PollContext {
	mode: Mode;
	threshold: number;
	make(name: TriggerEventName, printer: EventPrinter | null, job: EventJob | null, previous: Record<string, unknown> | null): TriggerEvent;
	jobFromMemory(uuid: string, job: JobMemory): EventJob;
	/** Does a job in this status keep its printer busy (printing, paused, waiting for someone)? */
	isBusy(status: string | null): boolean;
}

export interface PollSettings {
	detectedAt: string;
	nowMs: number;
	threshold: number;
	includeSnapshot: boolean;
}

export function emptyEvents(): ClusterEvents {
	return { online: [], jobs: [], printers: [], offline: [] };
}

/** Online first, then jobs in creation order, then printer changes, then offline. */
export function inOrder(events: ClusterEvents): TriggerEvent[] {
	const jobs = [...events.jobs].sort((a, b) => a.createdMs - b.createdMs || a.index - b.index).flatMap((group) => group.events);
	return [...events.online, ...jobs, ...events.printers, ...events.offline];
}

export function pollContext(
	settings: PollSettings,
	mode: Mode,
	cluster: { cluster_id: string; name: string | null },
	snapshot: ApiClusterStatus | null,
): PollContext {
	return {
		mode,
		threshold: settings.threshold,
		make: (name, printer, job, previous) => {
			const event: TriggerEvent = {
				event: name,
				detectedAt: settings.detectedAt,
				cluster: { cluster_id: cluster.cluster_id, friendly_name: cluster.name },
				printer,
				job,
				previous,
			};
			if (settings.includeSnapshot) event.snapshot = snapshot;
			return event;
		},
		jobFromMemory: (uuid, job) => jobFromMemory(uuid, job, settings.nowMs),
		isBusy: (status) => ['active', 'paused', 'waiting'].includes(jobPhase(status)),
	};
}
