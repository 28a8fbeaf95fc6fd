/** Reading a Digital Factory API request: `data` fields, the cluster a path names, and `limit`/`page` paging of lists. */
import type { Context } from './http';
import { notFound, validation } from './http';
import type { Runtime } from './runtime';
import type { ClusterState } from './stateModel';

export function requireString(data: Record<string, unknown>, field: string, max = 1024): string {
	const value = data[field];
	if (typeof value !== 'string' || value.trim() === '') throw validation(`${field}: required, must be a non-empty string`);
	if (value.length > max) throw validation(`${field}: at most ${max} characters`);
	return value;
}

export function optionalString(data: Record<string, unknown>, field: string): string | null {
	const value = data[field];
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string' || value === '') throw validation(`${field}: must be a non-empty string when given`);
	return value;
}

export function requireFileSize(rt: Runtime, data: Record<string, unknown>): number {
	const size = data.file_size;
	if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) throw validation('file_size: required, must be a positive integer (bytes)');
	if (size > rt.options.maxFileSize) throw validation(`file_size: at most ${rt.options.maxFileSize} bytes`);
	return size;
}

export function optionalOrigin(data: Record<string, unknown>): string | null {
	const origin = optionalString(data, 'origin');
	if (origin === null) return null;
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		throw validation('origin: must be an origin like https://example.com');
	}
	if (url.origin !== origin) throw validation('origin: must be an origin (scheme://host[:port]) without path, query or trailing slash');
	return origin;
}

/** `library_project_id` when given; 404 when it names no project. */
export function optionalProjectId(rt: Runtime, data: Record<string, unknown>): string | null {
	const projectId = optionalString(data, 'library_project_id');
	if (projectId !== null && !rt.state.projects.has(projectId)) throw notFound('Project', projectId);
	return projectId;
}

export function getCluster(rt: Runtime, id: string): ClusterState {
	const cluster = rt.state.clusters.get(id);
	if (!cluster) throw notFound('Cluster', id);
	return cluster;
}

/** `limit`/`page` pagination with absolute `links` built from the Host the client used. */
export function paginate<T>(ctx: Context, items: T[], defaultLimit: number): { data: T[]; links: Record<string, string | null>; meta: unknown } {
	const limit = positiveQuery(ctx, 'limit', defaultLimit);
	const page = positiveQuery(ctx, 'page', 1);
	const totalPages = Math.max(1, Math.ceil(items.length / limit));
	const link = (p: number) => {
		const params = new URLSearchParams(ctx.query);
		params.set('limit', String(limit));
		params.set('page', String(p));
		return `${ctx.baseUrl}${ctx.path}?${params.toString()}`;
	};
	return {
		data: items.slice((page - 1) * limit, page * limit),
		links: {
			first: link(1),
			prev: page > 1 ? link(Math.min(page - 1, totalPages)) : null,
			next: page < totalPages ? link(page + 1) : null,
			last: link(totalPages),
		},
		meta: { page: { total_count: items.length, total_pages: totalPages } },
	};
}

function positiveQuery(ctx: Context, name: string, fallback: number): number {
	const raw = ctx.query.get(name);
	if (raw === null) return fallback;
	const value = Number(raw);
	if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1 || value > 1_000_000) {
		throw validation(`${name}: must be an integer between 1 and 1000000`);
	}
	return value;
}
