/** `links.next` pagination (pure). Next links are opaque absolute URLs; the client never builds page URLs. */
import { sameApiUrl } from '../../../core/validation';

export interface Page<T> {
	data?: T[] | T;
	links?: { next?: string | null } | null;
}

export type NextPage = { done: true } | { done: false; url: string } | { done: true; refused: string };

/**
 * Where to go after a page. Stops when there is no next link, when the same link comes back (a loop), or when
 * the link leaves the API base URL (refused: following it would hand the token to another host).
 */
export function nextPage(page: Page<unknown> | undefined, baseUrl: string, visited: ReadonlySet<string>): NextPage {
	const next = page?.links?.next;
	if (typeof next !== 'string' || next.trim() === '') return { done: true };
	const absolute = new URL(next, `${baseUrl}/`).toString();
	if (!sameApiUrl(absolute, baseUrl)) return { done: true, refused: absolute };
	if (visited.has(absolute)) return { done: true };
	return { done: false, url: absolute };
}

/** The rows of a page (`data` may be an array or, for some endpoints, absent). */
export function pageItems<T>(page: Page<T> | undefined): T[] {
	const data = page?.data;
	if (Array.isArray(data)) return data;
	return [];
}

/** Page size to request: the remaining `limit`, capped; `returnAll` uses the cap. */
export function pageSize(returnAll: boolean, remaining: number, cap = 100): number {
	if (returnAll) return cap;
	return Math.max(1, Math.min(cap, remaining));
}

/** The most pages any list operation follows (a guard against a misbehaving server). */
export const MAX_PAGES = 1000;
