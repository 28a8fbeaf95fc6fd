/** Toolpath jobs (`/cura/v1/jobs`): register an upload, read one job, list them. */
import type { Context } from './http';
import { readDataObject, sendJson, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes, synced } from './runtime';
import { optionalOrigin, optionalProjectId, optionalString, paginate, requireFileSize, requireString } from './apiInput';
import { createStoredObject, getStoredObject } from './storedObjects';
import { renderToolpathJob } from './view';

/** Content types `/cura/v1/jobs/upload` takes (UFP, G-code, gzipped G-code, MakerBot). */
export const JOB_CONTENT_TYPES = ['application/x-ufp', 'text/plain', 'application/gzip', 'application/octet-stream'];

async function registerJob(ctx: Context, rt: Runtime): Promise<void> {
	const data = await readDataObject(ctx);
	const name = requireString(data, 'job_name', 255);
	const size = requireFileSize(rt, data);
	const contentType = requireString(data, 'content_type', 255);
	if (!JOB_CONTENT_TYPES.includes(contentType)) throw validation(`content_type: must be one of ${JOB_CONTENT_TYPES.join(', ')}`);
	const origin = optionalOrigin(data);
	const projectId = optionalProjectId(rt, data);
	const sourceFileId = optionalString(data, 'source_file_id');
	if (sourceFileId !== null) getStoredObject(rt, 'file', sourceFileId, 'File');
	const job = createStoredObject(rt, 'job', {
		name,
		file_size: size,
		content_type: contentType,
		origin,
		library_project_id: projectId,
		source_file_id: sourceFileId,
	});
	sendJson(ctx, 200, { data: renderToolpathJob(job, rt.clock.now()) });
}

/** Newest first, as the real list. */
function listJobs(ctx: Context, rt: Runtime): void {
	const jobs = [...rt.state.objectOrder]
		.reverse()
		.map((id) => rt.state.objects.get(id)!)
		.filter((o) => o.kind === 'job')
		.map((o) => renderToolpathJob(o, rt.clock.now()));
	sendJson(ctx, 200, paginate(ctx, jobs, 20));
}

export const jobRoutes: ApiTable = [
	...apiRoutes('bearer', {
		'PUT /cura/v1/jobs/upload': synced(registerJob),
	}),
	{
		method: 'GET',
		path: '/cura/v1/jobs/:job_id',
		auth: 'bearer',
		handler: synced((ctx, rt) => sendJson(ctx, 200, { data: renderToolpathJob(getStoredObject(rt, 'job', ctx.params.job_id!, 'Job'), rt.clock.now()) })),
	},
	...apiRoutes('bearer', {
		'GET /cura/v1/jobs': synced(listJobs),
	}),
];
