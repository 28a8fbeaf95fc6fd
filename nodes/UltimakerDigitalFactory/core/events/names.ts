/**
 * The trigger's events, once: the value of `event` on every item (public contract), and how the editor names and
 * explains each one. The diff's types and the "Events" parameter are both built from this table.
 */
import type { INodePropertyOptions } from 'n8n-workflow';

export const TRIGGER_EVENTS = [
	{ name: 'printer.online', label: 'Printer Online', description: 'A printer that was offline is reachable again' },
	{ name: 'printer.offline', label: 'Printer Offline', description: 'A printer could not be reached for the configured number of polls' },
	{ name: 'printer.statusChanged', label: 'Printer Status Changed', description: 'A printer’s status changed (e.g. idle → printing)' },
	{ name: 'printer.maintenanceRequired', label: 'Printer Requires Maintenance', description: 'A printer reports that it needs maintenance' },
	{ name: 'printer.materialChanged', label: 'Printer Material Changed', description: 'The material loaded in an extruder changed' },
	{ name: 'printer.printCoreChanged', label: 'Printer Print Core Changed', description: 'The print core in an extruder changed' },
	{ name: 'job.queued', label: 'Job Queued', description: 'A new print job appeared in a cluster queue' },
	{ name: 'job.started', label: 'Job Started', description: 'A print job started on a printer' },
	{ name: 'job.progress', label: 'Job Progress Milestone', description: 'A print passed one of the Progress Milestones set in the options (e.g. 25, 50, 75 %)' },
	{ name: 'job.paused', label: 'Job Paused', description: 'A print was paused' },
	{ name: 'job.resumed', label: 'Job Resumed', description: 'A paused print continued' },
	{ name: 'job.finished', label: 'Job Finished', description: 'A print completed (printed for its full time)' },
	{ name: 'job.failed', label: 'Job Failed', description: 'A print job ended as failed' },
	{ name: 'job.aborted', label: 'Job Aborted', description: 'A print was aborted (it stopped before its full print time)' },
	{ name: 'job.removed', label: 'Job Removed', description: 'A print job left the queue without finishing (removed)' },
	{ name: 'job.waitingForUser', label: 'Job Waiting For User', description: 'A print job waits for someone at the printer' },
] as const;

export type TriggerEventName = (typeof TRIGGER_EVENTS)[number]['name'];

/** Every event name, in the order of the table. */
export const TRIGGER_EVENT_NAMES: readonly TriggerEventName[] = TRIGGER_EVENTS.map((event) => event.name);

/** The "Events" multi-select, alphabetical as n8n lists options. */
export const EVENT_OPTIONS: INodePropertyOptions[] = TRIGGER_EVENTS.map((event) => ({
	name: event.label,
	value: event.name,
	description: event.description,
})).sort((a, b) => a.name.localeCompare(b.name));
