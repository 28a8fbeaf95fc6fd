/** Digital Library projects (`/cura/v1/projects`) and the workspace's library feature budgets. */
import type { Context } from './http';
import { notFound, readDataObject, sendJson, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes, synced } from './runtime';
import { paginate, requireString } from './apiInput';
import { renderLibraryFile, renderProject } from './view';

/** `?search=` (in the name, any case) and `?shared=true|false`; most recently updated first. */
function listProjects(ctx: Context, rt: Runtime): void {
	const search = ctx.query.get('search')?.toLowerCase() ?? null;
	const shared = ctx.query.get('shared');
	if (shared !== null && shared !== 'true' && shared !== 'false') throw validation('shared: must be true or false');
	const projects = [...rt.state.projects.values()]
		.filter((p) => search === null || p.display_name.toLowerCase().includes(search))
		.filter((p) => shared === null || p.organization_shared === (shared === 'true'))
		.sort((a, b) => b.updatedAt - a.updatedAt)
		.map(renderProject);
	sendJson(ctx, 200, paginate(ctx, projects, 999_999));
}

async function createProject(ctx: Context, rt: Runtime, now: number): Promise<void> {
	const data = await readDataObject(ctx);
	const project = rt.state.createProject(requireString(data, 'display_name', 255), now);
	sendJson(ctx, 200, { data: renderProject(project) });
}

function getProject(ctx: Context, rt: Runtime): void {
	const project = rt.state.projects.get(ctx.params.project_id!);
	if (!project) throw notFound('Project', ctx.params.project_id!);
	sendJson(ctx, 200, { data: renderProject(project) });
}

function listProjectFiles(ctx: Context, rt: Runtime): void {
	const id = ctx.params.project_id!;
	if (!rt.state.projects.has(id)) throw notFound('Project', id);
	const files = rt.state.objectOrder
		.map((oid) => rt.state.objects.get(oid)!)
		.filter((o) => o.kind === 'file' && o.library_project_id === id)
		.map(renderLibraryFile);
	sendJson(ctx, 200, { data: files });
}

/** What the emulated workspace may use of the library: private projects only, none of the paid features. */
const FEATURE_BUDGETS = {
	library_can_use_business_value: false,
	library_can_use_comments: false,
	library_can_use_status: false,
	library_can_use_tags: false,
	library_can_use_technical_requirements: false,
	library_max_organization_shared_projects: 0,
	library_max_private_projects: -1,
	library_max_team_shared_projects: 0,
};

export const projectRoutes: ApiTable = [
	...apiRoutes('bearer', {
		'GET /cura/v1/projects': synced(listProjects),
		'PUT /cura/v1/projects': synced(createProject),
		'GET /cura/v1/projects/:project_id': synced(getProject),
		'GET /cura/v1/projects/:project_id/files': synced(listProjectFiles),
		'GET /cura/v1/feature_budgets': synced((ctx) => sendJson(ctx, 200, { data: FEATURE_BUDGETS })),
	}),
];
