/**
 * Reports (pure): the period a report covers, the states a report passes through, and reading the CSV file a
 * report is (Ultimaker's support pages: a "prints" table and a "material consumption" table). The file's exact
 * layout is not documented: tables are taken as blocks of lines separated by blank lines, each starting with its
 * header row, optionally after a one-cell title line.
 */
import type { Checked } from './validation';

/** ISO 8601 with milliseconds and `Z`: the form both of Ultimaker's report examples send. */
export const isoMillis = (date: Date): string => date.toISOString();

export const MAX_REPORT_DAYS = 3660;

/** The last `days` days ending at `now`. */
export function lastDaysPeriod(days: unknown, now: Date): Checked<{ start_date: string; end_date: string }> {
	const count = typeof days === 'number' ? days : Number(days);
	if (!Number.isFinite(count) || count <= 0 || count > MAX_REPORT_DAYS) {
		return { ok: false, message: `Days must be a number from 1 to ${MAX_REPORT_DAYS}`, hint: 'For a week, enter 7.' };
	}
	return { ok: true, value: { start_date: isoMillis(new Date(now.getTime() - count * 86_400_000)), end_date: isoMillis(now) } };
}

/** A start and end date as n8n's date parameters give them (ISO strings, with or without a zone: without → UTC). */
export function rangePeriod(start: unknown, end: unknown): Checked<{ start_date: string; end_date: string }> {
	const parse = (value: unknown): Date | null => {
		if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
		if (typeof value !== 'string' || value.trim() === '') return null;
		const text = value.trim();
		const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) || !/T/.test(text) ? text : `${text}Z`;
		const date = new Date(withZone);
		return Number.isNaN(date.getTime()) ? null : date;
	};
	const from = parse(start);
	const to = parse(end);
	const hint = 'Pick a Start Date and an End Date (ISO 8601, e.g. 2026-11-01T00:00:00Z); the end must be after the start.';
	if (!from) return { ok: false, message: 'Start Date is empty or not a date', hint };
	if (!to) return { ok: false, message: 'End Date is empty or not a date', hint };
	if (to.getTime() <= from.getTime()) return { ok: false, message: 'End Date is not after Start Date', hint };
	return { ok: true, value: { start_date: isoMillis(from), end_date: isoMillis(to) } };
}

/** Report states as Ultimaker's SDK types them: still being made, ready, or failed. */
export type ReportPhase = 'waiting' | 'ready' | 'failed';

export function reportPhase(status: unknown): ReportPhase {
	if (status === 'pending' || status === 'processing') return 'waiting';
	if (status === 'success') return 'ready';
	// `failed`, `unknown`, and any value not in the SDK's list: not something to wait for.
	return 'failed';
}

/** Whether a downloaded report is CSV: by its content type, else its file name, else its first line. */
export function looksLikeCsv(contentType: string | undefined, fileName: string | undefined, head: string): boolean {
	const type = (contentType ?? '').toLowerCase();
	if (type.includes('csv')) return true;
	if (/\.csv$/i.test(fileName ?? '')) return true;
	if (type && !type.startsWith('text/') && !type.includes('octet-stream')) return false;
	const first = head.split(/\r?\n/, 1)[0] ?? '';
	// eslint-disable-next-line no-control-regex
	return first.includes(',') && !/[\u0000-\u0008]/.test(head);
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. A blank line is a record [""] */
export function parseCsvRecords(text: string): string[][] {
	const records: string[][] = [];
	let field = '';
	let record: string[] = [];
	let quoted = false;
	const input = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < input.length; i++) {
		const char = input[i]!;
		if (quoted) {
			if (char === '"') {
				if (input[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += char;
		} else if (char === '"' && field === '') quoted = true;
		else if (char === ',') {
			record.push(field);
			field = '';
		} else if (char === '\n' || char === '\r') {
			if (char === '\r' && input[i + 1] === '\n') i++;
			record.push(field);
			records.push(record);
			record = [];
			field = '';
		} else field += char;
	}
	if (field !== '' || record.length > 0) {
		record.push(field);
		records.push(record);
	}
	return records;
}

export interface CsvTable {
	/** The title line above the header (`Prints`, `Material consumption`), or null when the table has none. */
	title: string | null;
	header: string[];
	rows: Array<Record<string, string>>;
}

const isBlank = (record: string[]) => record.every((cell) => cell.trim() === '');

/** The tables of a report CSV, in order. Cells stay strings, as in the file. */
export function parseCsvTables(text: string): CsvTable[] {
	const blocks: string[][][] = [[]];
	for (const record of parseCsvRecords(text)) {
		if (isBlank(record)) {
			if (blocks[blocks.length - 1]!.length > 0) blocks.push([]);
		} else blocks[blocks.length - 1]!.push(record);
	}
	return blocks
		.filter((block) => block.length > 0)
		.map((block) => {
			const titled = block.length > 1 && block[0]!.filter((cell) => cell.trim() !== '').length === 1 && block[1]!.length > 1;
			const title = titled ? block[0]!.find((cell) => cell.trim() !== '')!.trim() : null;
			const [header, ...rows] = titled ? block.slice(1) : block;
			const names = header!.map((name, index) => name.trim() || `column_${index + 1}`);
			return {
				title,
				header: names,
				rows: rows.map((row) => Object.fromEntries(names.map((name, index) => [name, row[index] ?? '']))),
			};
		});
}
