/** What every step of one cluster's diff shares: the mode, the event factory, and the groups events are collected in. */
import type { ApiClusterStatus } from '../status/model';
import type { TriggerEventName } from './names';
import { jobFromMemory } from './items';
import { jobPhase } from '../status/phases';
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

export interface PollSettings {
	detectedAt: string;
	nowMs: number;
	threshold: number;
	includeSnapshot: boolean;
	/** Progress milestones (percent), ascending; empty = job.progress never fires. */
	milestones: readonly number[];
}

export function emptyEvents(): ClusterEvents {
	return { online: [], jobs: [], printers: [], offline: [] };
}

const NO_EVENTS: TriggerEvent[] = [];

/** Online first, then jobs in creation order, then printer changes, then offline (uses up `events`). */
export function inOrder(events: ClusterEvents): TriggerEvent[] {
	if (events.online.length + events.jobs.length + events.printers.length + events.offline.length === 0) return NO_EVENTS;
	// The groups are this cluster's own: sorted in place, and the result filled without intermediate arrays.
	events.jobs.sort((a, b) => a.createdMs - b.createdMs || a.index - b.index);
	const ordered = events.online;
	for (const group of events.jobs) for (const event of group.events) ordered.push(event);
	for (const event of events.printers) ordered.push(event);
	for (const event of events.offline) ordered.push(event);
	return ordered;
}

const BUSY_PHASES = new Set(['active', 'paused', 'waiting']);

/** What every step of one cluster's diff shares: the mode, the threshold and the event factory. */
export class PollContext {
	readonly threshold: number;
	readonly milestones: readonly number[];

	constructor(
		private readonly settings: PollSettings,
		readonly mode: Mode,
		private readonly cluster: { cluster_id: string; name: string | null; host_guid: string | null },
		private readonly snapshot: ApiClusterStatus | null,
	) {
		this.threshold = settings.threshold;
		this.milestones = settings.milestones;
	}

	make(name: TriggerEventName, printer: EventPrinter | null, job: EventJob | null, previous: Record<string, unknown> | null): TriggerEvent {
		const event: TriggerEvent = {
			event: name,
			detectedAt: this.settings.detectedAt,
			cluster: { cluster_id: this.cluster.cluster_id, friendly_name: this.cluster.name, host_guid: this.cluster.host_guid },
			printer,
			job,
			previous,
		};
		if (this.settings.includeSnapshot) event.snapshot = this.snapshot;
		return event;
	}

	jobFromMemory(uuid: string, job: JobMemory): EventJob {
		return jobFromMemory(uuid, job, this.settings.nowMs);
	}

	/** Does a job in this status keep its printer busy (printing, paused, waiting for someone)? */
	isBusy(status: string | null): boolean {
		return BUSY_PHASES.has(jobPhase(status));
	}
}
