/**
 * The Digital Factory API listener's routes: every resource's table, in the order they are tried, and the guards
 * their `auth` names. A new resource is one more table file and one more entry in API_TABLES.
 */
import type { Context, Guard } from './http';
import { Router, mountRoutes, sendJson } from './http';
import type { ApiAuth, ApiTable, Runtime } from './runtime';
import { apiRoutes } from './runtime';
import { accountRoutes, requireToken } from './account';
import { controlRoutes } from './control';
import { controlFarmRoutes } from './controlFarm';
import { jobRoutes } from './jobRoutes';
import { fileRoutes } from './fileRoutes';
import { projectRoutes } from './projectRoutes';
import { clusterRoutes } from './clusterRoutes';
import { printJobRoutes } from './printJobRoutes';
import { historyRoutes } from './historyRoutes';

const startedAt = Date.now();

/** The API roots: a liveness check that needs no token. */
function heartbeat(ctx: Context, rt: Runtime): void {
	sendJson(ctx, 200, {
		uptime: Math.round((Date.now() - startedAt) / 10) / 100,
		time: new Date(rt.clock.now()).toISOString().replace('T', ' ').slice(0, 19),
		version: '1.0.0',
	});
}

const heartbeatRoutes: ApiTable = [
	...apiRoutes('none', {
		'GET /cura/v1': heartbeat,
		'GET /connect/v1': heartbeat,
	}),
];

export const API_TABLES: readonly ApiTable[] = [
	controlRoutes,
	controlFarmRoutes,
	accountRoutes,
	heartbeatRoutes,
	jobRoutes,
	fileRoutes,
	projectRoutes,
	clusterRoutes,
	printJobRoutes,
	historyRoutes,
];

export const API_GUARDS: Record<ApiAuth, Guard<Runtime>> = {
	none: () => undefined,
	// 401 without a known token, 403 for an expired one.
	bearer: (ctx, rt) => void requireToken(rt, ctx),
};

export function apiRouter(rt: Runtime): Router {
	return mountRoutes(new Router(), rt, API_GUARDS, API_TABLES);
}
