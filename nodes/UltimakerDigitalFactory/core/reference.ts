/**
 * The order reference, kept in the job name (pure). Digital Factory keeps nothing of a job but its name (the print
 * call takes no body), and every print of a job shows that name in the cluster status, so the name is where a
 * reference can travel from an ERP order to a finished print. The encoding:
 *
 *   `[ref=<escaped reference>] <job name>`      e.g. `[ref=SO-1001] bracket.gcode`
 *
 * - At the front, so stripping an extension (Cura registers `os.path.splitext(name)[0]`) or cutting a long name
 *   at the end cannot touch it.
 * - The reference is percent-escaped except for ASCII letters, digits, `-` and `_`: it then holds no `]` (the end of
 *   the marker), no `.` (an extension stripper would cut there), no `/`, `\`, `:` or other characters file systems
 *   refuse, and no non-ASCII a printer display might mangle. `SO-1001` stays `SO-1001`; `PO 7/2` becomes `PO%207%2F2`.
 * - Reversible: a name that itself starts with the marker but carries no reference is saved as `[ref=] <name>`
 *   (the empty reference), so decoding never invents a reference and always gives the name back.
 */

export const REFERENCE_MARKER = '[ref=';
const MARKER_END = '] ';
/** Characters of the reference as given (before escaping). */
export const MAX_REFERENCE_LENGTH = 64;
/** The longest job name this package registers with a reference (the emulator's limit; no longer name is known to work). */
export const MAX_JOB_NAME_LENGTH = 255;

const KEPT = /^[A-Za-z0-9_-]$/;

export function escapeReference(reference: string): string {
	let escaped = '';
	for (const character of reference) {
		escaped += KEPT.test(character)
			? character
			: Array.from(new TextEncoder().encode(character), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
	}
	return escaped;
}

function unescapeReference(escaped: string): string | null {
	if (!/^(?:[A-Za-z0-9_-]|%[0-9A-F]{2})*$/.test(escaped)) return null;
	try {
		return decodeURIComponent(escaped);
	} catch {
		return null;
	}
}

/** The job name to register: the name with the reference in front (or escaped when it merely looks like one). */
export function nameWithReference(name: string, reference: string | null): string {
	if (reference) return `${REFERENCE_MARKER}${escapeReference(reference)}${MARKER_END}${name}`;
	return name.startsWith(REFERENCE_MARKER) ? `${REFERENCE_MARKER}${MARKER_END}${name}` : name;
}

export interface NameAndReference {
	/** The name without the marker. */
	name: string;
	reference: string | null;
}

/** A job name as Digital Factory shows it → the reference it carries (or null) and the name without it. */
export function splitReference(jobName: string): NameAndReference {
	if (!jobName.startsWith(REFERENCE_MARKER)) return { name: jobName, reference: null };
	const end = jobName.indexOf(MARKER_END, REFERENCE_MARKER.length);
	if (end < 0) return { name: jobName, reference: null };
	const reference = unescapeReference(jobName.slice(REFERENCE_MARKER.length, end));
	if (reference === null) return { name: jobName, reference: null };
	return { name: jobName.slice(end + MARKER_END.length), reference: reference === '' ? null : reference };
}

/** The reference a job or print-job name carries; null for none (or no name). */
export function referenceOf(jobName: unknown): string | null {
	return typeof jobName === 'string' ? splitReference(jobName).reference : null;
}

export type ReferenceCheck = { ok: true; value: string | null } | { ok: false; message: string; hint: string };

/** The Reference parameter: trimmed; empty = none; bounded and free of control characters. */
export function checkReference(value: unknown): ReferenceCheck {
	if (value === undefined || value === null) return { ok: true, value: null };
	if (typeof value !== 'string' && typeof value !== 'number') {
		return { ok: false, message: 'Reference must be text', hint: 'Enter an order number such as SO-1001, or map one with an expression.' };
	}
	const reference = String(value).trim();
	if (reference === '') return { ok: true, value: null };
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(reference)) {
		return { ok: false, message: 'Reference contains a line break or another control character', hint: 'Use one line of text, e.g. SO-1001.' };
	}
	if ([...reference].length > MAX_REFERENCE_LENGTH) {
		return {
			ok: false,
			message: `Reference is longer than ${MAX_REFERENCE_LENGTH} characters`,
			hint: 'It travels inside the job name, which Digital Factory limits; use the order number, not a description.',
		};
	}
	return { ok: true, value: reference };
}
