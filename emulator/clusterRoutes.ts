/** Connect clusters (`/connect/v1/clusters`): the list, one cluster, and its status (printers and print jobs). */
import type { Context } from './http';
import { sendJson, validation } from './http';
import type { ApiTable, Runtime } from './runtime';
import { apiRoutes, synced } from './runtime';
import { getCluster } from './apiInput';
import { renderCluster, renderClusterStatus } from './view';

/** `?status=active|inactive` and `?machine_variant=` (any printer of the cluster, any case). */
function listClusters(ctx: Context, rt: Runtime): void {
	const status = ctx.query.get('status');
	if (status !== null && status !== 'active' && status !== 'inactive') throw validation('status: must be active or inactive');
	const variant = ctx.query.get('machine_variant')?.toLowerCase() ?? null;
	const clusters = [...rt.state.clusters.values()]
		.filter((c) => status === null || c.status === status)
		.filter((c) => variant === null || c.printers.some((p) => p.machine_variant.toLowerCase() === variant))
		.map(renderCluster);
	sendJson(ctx, 200, { data: clusters });
}

export const clusterRoutes: ApiTable = [
	...apiRoutes('bearer', {
		'GET /connect/v1/clusters': synced(listClusters),
	}),
	{
		method: 'GET',
		path: '/connect/v1/clusters/:cluster_id',
		auth: 'bearer',
		handler: synced((ctx, rt) => sendJson(ctx, 200, { data: renderCluster(getCluster(rt, ctx.params.cluster_id!)) })),
	},
	{
		method: 'GET',
		path: '/connect/v1/clusters/:cluster_id/status',
		auth: 'bearer',
		handler: synced((ctx, rt, now) => sendJson(ctx, 200, { data: renderClusterStatus(getCluster(rt, ctx.params.cluster_id!), now) })),
	},
];
