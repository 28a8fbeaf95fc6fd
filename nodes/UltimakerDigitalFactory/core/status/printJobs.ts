/**
 * Print-job items of Get cluster status (pure): the API's job with what blocks it spelled out and the order
 * reference read from its name. `configuration_changes_required` says what the assigned printer must change
 * (`origin_*` is what it has, `target_*` what the job needs, `index` the extruder from 0); `impediments_to_printing`
 * what keeps the job from printing at all. Both lists are always present on the item (Ultimaker omits empty ones).
 */
import type { IDataObject } from 'n8n-workflow';

import { findMaterial } from '../materials';
import { referenceOf } from '../reference';

interface ConfigurationChange {
	type_of_change?: unknown;
	index?: unknown;
	origin_id?: unknown;
	origin_name?: unknown;
	target_id?: unknown;
	target_name?: unknown;
}

interface Impediment {
	translation_key?: unknown;
	severity?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** A material's readable name: UltiMaker's material database by GUID, else the name the API gave, else the GUID. */
function materialLabel(id: unknown, name: unknown): string {
	return findMaterial(text(id))?.name ?? (text(name) || text(id) || 'an unknown material');
}

function extruder(change: ConfigurationChange): string {
	return typeof change.index === 'number' && Number.isInteger(change.index) ? `extruder ${change.index + 1}` : 'an extruder';
}

/** "needs Generic PLA in extruder 1; Ultimaker Tough PLA Black is loaded" — one configuration change in words. */
export function describeChange(change: ConfigurationChange): string {
	const where = extruder(change);
	const loaded = text(change.origin_id) || text(change.origin_name);
	switch (text(change.type_of_change)) {
		case 'material':
		case 'material_change':
		case 'material_insert': {
			const needed = materialLabel(change.target_id, change.target_name);
			return `needs ${needed} in ${where}; ${loaded ? `${materialLabel(change.origin_id, change.origin_name)} is loaded` : 'none is loaded'}`;
		}
		case 'print_core_change': {
			const needed = text(change.target_name) || text(change.target_id) || 'another';
			const fitted = text(change.origin_name) || text(change.origin_id);
			return `needs ${article(needed)} ${needed} print core in ${where}; ${fitted ? `${article(fitted)} ${fitted} is installed` : 'none is installed'}`;
		}
		case 'buildplate_change': {
			const needed = text(change.target_name) || text(change.target_id) || 'another';
			const fitted = text(change.origin_name) || text(change.origin_id);
			return `needs ${article(needed)} ${needed} build plate${fitted ? `; ${article(fitted)} ${fitted} build plate is in the printer` : ''}`;
		}
		default: {
			const needed = text(change.target_name) || text(change.target_id) || 'a change';
			return `needs ${needed} (${text(change.type_of_change) || 'configuration change'}) in ${where}`;
		}
	}
}

/** Translation keys Cura's model names, in words; any other key is read with its underscores as spaces. */
const IMPEDIMENTS: Record<string, string> = { does_not_fit_in_build_volume: 'does not fit in the build volume' };

/** "does not fit in the build volume" from `does_not_fit_in_build_volume`; Cura treats severity UNFIXABLE as an error. */
export function describeImpediment(impediment: Impediment): string {
	const key = text(impediment.translation_key);
	const words = (Object.prototype.hasOwnProperty.call(IMPEDIMENTS, key) ? IMPEDIMENTS[key] : key.replace(/_/g, ' ')) || 'cannot be printed (no reason given)';
	return impediment.severity === 'UNFIXABLE' ? `${words} (cannot be fixed at the printer)` : words;
}

const listOf = <T>(value: unknown): T[] => (Array.isArray(value) ? value.filter((entry): entry is T => typeof entry === 'object' && entry !== null) : []);

/** What keeps the job from printing, in words; null when nothing does. */
export function blockedReason(job: IDataObject): string | null {
	const reasons = [
		...listOf<Impediment>(job.impediments_to_printing).map(describeImpediment),
		...listOf<ConfigurationChange>(job.configuration_changes_required).map(describeChange),
	];
	return reasons.length > 0 ? reasons.join(' — ') : null;
}

/** The API's print job plus `reference`, `blocked_reason` and both lists (empty when Ultimaker left them out). */
export function printJobItem(job: IDataObject): IDataObject {
	return {
		...job,
		impediments_to_printing: Array.isArray(job.impediments_to_printing) ? job.impediments_to_printing : [],
		configuration_changes_required: Array.isArray(job.configuration_changes_required) ? job.configuration_changes_required : [],
		blocked_reason: blockedReason(job),
		reference: referenceOf(job.name),
	};
}
