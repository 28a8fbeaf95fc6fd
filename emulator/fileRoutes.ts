/** Digital Library files (`/cura/v1/files`): register an upload, read one file. */
import type { Context } from './http';
import { readDataObject, sendJson, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes, synced } from './runtime';
import { optionalOrigin, optionalProjectId, requireFileSize, requireString } from './apiInput';
import { createStoredObject, getStoredObject } from './storedObjects';
import { renderLibraryFile } from './view';

async function registerFile(ctx: Context, rt: Runtime): Promise<void> {
	const data = await readDataObject(ctx);
	const name = requireString(data, 'file_name', 255);
	const size = requireFileSize(rt, data);
	const contentType = requireString(data, 'content_type', 255);
	if (!/^[a-z]+\/[a-z0-9.+-]+$/i.test(contentType)) throw validation('content_type: must be a MIME type like model/3mf');
	const projectId = optionalProjectId(rt, data);
	const file = createStoredObject(rt, 'file', {
		name,
		file_size: size,
		content_type: contentType,
		origin: optionalOrigin(data),
		library_project_id: projectId,
		source_file_id: null,
	});
	sendJson(ctx, 200, { data: renderLibraryFile(file) });
}

export const fileRoutes: ApiTable = [
	...apiRoutes('bearer', {
		'PUT /cura/v1/files/upload': synced(registerFile),
	}),
	{
		method: 'GET',
		path: '/cura/v1/files/:file_id',
		auth: 'bearer',
		handler: synced((ctx, rt) => sendJson(ctx, 200, { data: renderLibraryFile(getStoredObject(rt, 'file', ctx.params.file_id!, 'File')) })),
	},
];
