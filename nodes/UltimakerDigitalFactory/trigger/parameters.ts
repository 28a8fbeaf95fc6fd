/** Reading and checking the trigger's parameters (pure: values in, settings or a message out). */
import { parseClusterIds } from '../core/status/clusters';
import { checkIdSegment } from '../core/validation';
import { TRIGGER_EVENT_NAMES, type TriggerEventName } from '../core/events';

export { parseClusterIds };

export interface TriggerSettings {
	scope: 'all' | 'selected';
	clusterIds: string[];
	events: TriggerEventName[];
	offlineAfterMissedPolls: number;
	emitOnFirstPoll: boolean;
	includeSnapshot: boolean;
	/** Ascending, each once; empty = no job.progress. */
	progressMilestones: number[];
}

export class ParameterProblem extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

function parseEvents(value: unknown): TriggerEventName[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' && value.trim() ? value.split(',') : [];
	const names = list.map((entry) => String(entry).trim()).filter((entry) => entry.length > 0);
	const unknown = names.filter((name) => !(TRIGGER_EVENT_NAMES as readonly string[]).includes(name));
	if (unknown.length > 0) {
		throw new ParameterProblem(
			`Unknown event "${unknown[0]}" in "Events"`,
			`Valid events: ${TRIGGER_EVENT_NAMES.join(', ')}. Leave "Events" empty to receive all of them.`,
		);
	}
	return [...new Set(names)] as TriggerEventName[];
}

const MILESTONE_HINT = 'Enter whole percentages from 1 to 99 separated by commas, e.g. "25,50,75", or leave it empty for none.';

/** "25, 50,75" → [25, 50, 75]; empty → []; anything else names the entry that is wrong. */
export function parseMilestones(value: unknown): number[] {
	if (value === undefined || value === null) return [];
	if (typeof value === 'number') return parseMilestones(String(value));
	if (Array.isArray(value)) return parseMilestones(value.join(','));
	if (typeof value !== 'string') throw new ParameterProblem('"Progress Milestones" must be text such as "25,50,75"', MILESTONE_HINT);
	if (value.trim() === '') return [];
	const milestones = value.split(',').map((entry, index) => {
		const text = entry.trim();
		if (!/^\d{1,2}$/.test(text) || Number(text) < 1) {
			const what = text === '' ? `entry ${index + 1} is empty` : `"${text}" is not a whole percentage from 1 to 99`;
			throw new ParameterProblem(`"Progress Milestones" is not valid: ${what}`, MILESTONE_HINT);
		}
		return Number(text);
	});
	return [...new Set(milestones)].sort((a, b) => a - b);
}

export function readSettings(raw: {
	clusterScope: unknown;
	clusterIds: unknown;
	events: unknown;
	options: unknown;
}): TriggerSettings {
	const scope = raw.clusterScope === 'selected' ? 'selected' : 'all';
	const clusterIds = parseClusterIds(raw.clusterIds);
	if (scope === 'selected' && clusterIds.length === 0) {
		throw new ParameterProblem(
			'No cluster selected',
			'Pick at least one cluster in "Clusters" (or enter cluster IDs separated by commas), or set "Watch" to all clusters.',
		);
	}
	if (scope === 'selected') {
		// The same check as every cluster ID of the action node: one path segment, never another endpoint.
		for (const clusterId of clusterIds) {
			const checked = checkIdSegment(clusterId, 'cluster ID');
			if (!checked.ok) throw new ParameterProblem(`Clusters: ${checked.message}`, checked.hint);
		}
	}
	const options = (raw.options && typeof raw.options === 'object' ? raw.options : {}) as Record<string, unknown>;
	const missed = Number(options.offlineAfterMissedPolls ?? 3);
	if (!Number.isInteger(missed) || missed < 1) {
		throw new ParameterProblem(
			`"Offline After Missed Polls" must be a whole number of at least 1 (got ${String(options.offlineAfterMissedPolls)})`,
			'It is how many polls in a row a printer must be unreachable before printer.offline is emitted.',
		);
	}
	return {
		scope,
		clusterIds: scope === 'selected' ? clusterIds : [],
		events: parseEvents(raw.events),
		offlineAfterMissedPolls: missed,
		emitOnFirstPoll: options.emitOnFirstPoll === true,
		includeSnapshot: options.includeSnapshot === true,
		progressMilestones: parseMilestones(options.progressMilestones),
	};
}
