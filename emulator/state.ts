/** The emulator's whole state: farm, uploads, library, tokens. Time-dependent parts advance lazily on read. */
import type { ClusterState, PrinterState, Project, StoredObject, Timings, UploadSlot } from './stateModel';
import { DEFAULT_TIMINGS } from './stateModel';
import { IdSource } from './idSource';
import type { Clock } from './clock';
import { EMPTY_MATERIAL_NAME, PRINTER_TYPES, resolveMaterial } from './catalog';
import { advanceCluster } from './simulation';
import { validation } from './http';
import { EMULATOR_USER } from './view';

export interface PrinterSpec {
	type: string;
	friendly_name?: string;
	/** Per extruder: a short name (`PLA`, `ULTIMAKER_TOUGH_PLA_BLACK`), a GUID, or `empty`. */
	materials?: string[];
	/** Per extruder: the print core (`AA 0.4`, `BB 0.4`, `AA 0.8`, `CC 0.6`…); default the type's. */
	print_cores?: string[];
	/** false: a disabled printer (Digital Factory shows it as disabled; it takes no jobs). Default true. */
	enabled?: boolean;
	build_plate?: 'glass' | 'aluminium';
}

export interface ClusterSpec {
	/** null: the cluster object has no `friendly_name` (as in Ultimaker's recorded cluster lists). */
	friendly_name?: string | null;
	is_online?: boolean;
	status?: 'active' | 'inactive';
	requires_approval?: boolean;
	queue_limit?: number;
	printers: PrinterSpec[];
}

/**
 * Four clusters, online and idle, as a real farm mixes them: an S5 with Generic PLA + PVA on AA 0.4 + BB 0.4;
 * an S5 with Ultimaker Tough PLA Black loaded (a Generic PLA toolpath waits for a material change); an S7 with a
 * BB 0.4 core in extruder 1 (an AA 0.4 toolpath waits for a print-core change); a Method XL (its own cores).
 */
export const DEFAULT_FARM: ClusterSpec[] = [
	{ printers: [{ type: 'ultimaker_s5' }] },
	{ printers: [{ type: 'ultimaker_s5', materials: ['ULTIMAKER_TOUGH_PLA_BLACK', 'PVA'] }] },
	{ printers: [{ type: 'ultimaker_s7', materials: ['PVA', 'PLA'], print_cores: ['BB 0.4', 'AA 0.4'] }] },
	{ printers: [{ type: 'ultimaker_methodxl' }] },
];

export interface TokenRecord {
	token: string;
	kind: 'static' | 'oauth';
	/** Virtual ms; null = never expires. */
	expiresAt: number | null;
	expired: boolean;
	scope: string;
	clientId: string | null;
}

export interface OAuthClient {
	clientId: string;
	/** null: a public client, which must use PKCE. */
	clientSecret: string | null;
}

export interface AuthorizationCode {
	code: string;
	clientId: string;
	redirectUri: string;
	scope: string;
	codeChallenge: string | null;
	codeChallengeMethod: string | null;
	expiresAt: number;
	used: boolean;
	organizationId: string | null;
}

export interface RefreshTokenRecord {
	token: string;
	clientId: string;
	scope: string;
	used: boolean;
}

export function validateFarm(farm: unknown): ClusterSpec[] {
	if (!Array.isArray(farm)) throw validation('farm must be an array of clusters');
	farm.forEach((cluster, i) => validateClusterSpec(cluster, `farm[${i}]`));
	return farm as ClusterSpec[];
}

export function validateClusterSpec(cluster: unknown, where = 'cluster'): ClusterSpec {
	if (typeof cluster !== 'object' || cluster === null) throw validation(`${where} must be an object`);
	const c = cluster as Record<string, unknown>;
	if (!Array.isArray(c.printers) || c.printers.length === 0) throw validation(`${where}.printers must be a non-empty array`);
	c.printers.forEach((p, j) => {
		const type = (p as Record<string, unknown>)?.type;
		if (typeof type !== 'string' || !PRINTER_TYPES[type]) {
			throw validation(`${where}.printers[${j}].type must be one of ${Object.keys(PRINTER_TYPES).join(', ')}`);
		}
		const spec = p as Record<string, unknown>;
		const cores = spec.print_cores;
		if (cores !== undefined && (!Array.isArray(cores) || cores.some((core) => typeof core !== 'string' || core.trim() === ''))) {
			throw validation(`${where}.printers[${j}].print_cores must be an array of print core names like "AA 0.4"`);
		}
		if (spec.enabled !== undefined && typeof spec.enabled !== 'boolean') throw validation(`${where}.printers[${j}].enabled must be a boolean`);
		if (spec.build_plate !== undefined && spec.build_plate !== 'glass' && spec.build_plate !== 'aluminium') {
			throw validation(`${where}.printers[${j}].build_plate must be glass or aluminium`);
		}
		const materials = spec.materials;
		if (materials !== undefined && (!Array.isArray(materials) || materials.some((m) => typeof m !== 'string'))) {
			throw validation(`${where}.printers[${j}].materials must be an array of strings`);
		}
		for (const m of (materials as string[] | undefined) ?? []) {
			if (m !== EMPTY_MATERIAL_NAME && !resolveMaterial(m)) throw validation(`${where}.printers[${j}].materials: unknown material ${JSON.stringify(m)}`);
		}
	});
	if (c.friendly_name !== undefined && c.friendly_name !== null && typeof c.friendly_name !== 'string') throw validation(`${where}.friendly_name must be a string or null`);
	if (c.status !== undefined && c.status !== 'active' && c.status !== 'inactive') throw validation(`${where}.status must be active or inactive`);
	if (c.queue_limit !== undefined && (typeof c.queue_limit !== 'number' || !Number.isInteger(c.queue_limit) || c.queue_limit < 0)) {
		throw validation(`${where}.queue_limit must be an integer >= 0`);
	}
	return c as unknown as ClusterSpec;
}

export class EmulatorState {
	readonly ids: IdSource;
	clusters = new Map<string, ClusterState>();
	objects = new Map<string, StoredObject>();
	uploads = new Map<string, UploadSlot>();
	projects = new Map<string, Project>();
	tokens = new Map<string, TokenRecord>();
	codes = new Map<string, AuthorizationCode>();
	refreshTokens = new Map<string, RefreshTokenRecord>();
	/** Order of creation, for listing. */
	objectOrder: string[] = [];
	private printerCounter = 0;

	constructor(
		readonly clock: Clock,
		seed: string | undefined,
		readonly timings: Timings = DEFAULT_TIMINGS,
	) {
		this.ids = new IdSource(seed);
	}

	addCluster(spec: ClusterSpec): ClusterState {
		const ids = this.ids;
		const now = this.clock.now();
		const index = this.clusters.size + 1;
		const printers = this.buildPrinters(spec.printers);
		const host = printers[0]!;
		const cluster: ClusterState = {
			cluster_id: ids.clusterId(),
			host_guid: host.uuid,
			host_name: host.unique_name,
			// The full firmware version, as in Ultimaker's recorded cluster lists (`5.1.2.20180807`).
			host_version: host.firmware_version,
			host_internal_ip: host.ip_address,
			friendly_name: spec.friendly_name ?? (printers.length === 1 ? host.friendly_name : `Cluster ${index}`),
			hasFriendlyName: spec.friendly_name !== null,
			// Hosts started some hours before the farm (not on a whole millisecond, so last_seen is never whole).
			hostStartedAt: now - (20 + index) * 3_600_000 - 0.372519,
			is_online: spec.is_online ?? true,
			status: spec.status ?? 'active',
			requires_approval: spec.requires_approval ?? false,
			queue_limit: spec.queue_limit ?? 20,
			printers,
			queue: [],
			history: [],
			archive: [],
			pendingApproval: [],
			syncedAt: now,
		};
		this.clusters.set(cluster.cluster_id, cluster);
		return cluster;
	}

	buildPrinters(specs: PrinterSpec[]): PrinterState[] {
		const ids = this.ids;
		return specs.map((p) => {
			const info = PRINTER_TYPES[p.type]!;
			const n = ++this.printerCounter;
			const extruders = info.printCores.length;
			const materials = p.materials ?? (extruders > 1 ? ['PLA', 'PVA'] : ['PLA']);
			return {
				uuid: ids.uuid(),
				unique_name: `ultimakersystem-${ids.hex(12)}`,
				friendly_name: p.friendly_name ?? `${info.machineVariant.replace(/^(Ultimaker|MakerBot) /, '')} #${n}`,
				type: p.type,
				machine_variant: info.machineVariant,
				enabled: p.enabled ?? true,
				statusOverride: null,
				firmware_version: info.firmwareVersion,
				ip_address: `192.168.1.${100 + n}`,
				configuration: Array.from({ length: extruders }, (_, i) => ({
					extruder_index: i,
					print_core_id: p.print_cores?.[i] ?? info.printCores[i]!,
					material: resolveMaterial(materials[i] ?? EMPTY_MATERIAL_NAME) ?? { material: EMPTY_MATERIAL_NAME },
				})),
				maintenance_required: false,
				firmware_update_status: 'up_to_date',
				latest_available_firmware: info.firmwareVersion,
				build_plate: { type: p.build_plate ?? info.buildPlate },
				activeJobUuid: null,
			};
		});
	}

	/** Runs every cluster's simulation up to the clock's now. */
	sync(): number {
		const now = this.clock.now();
		for (const [id, cluster] of this.clusters) {
			if (cluster.syncedAt !== now) this.clusters.set(id, advanceCluster(cluster, now, this.timings));
		}
		return now;
	}

	/** Stores a changed cluster, letting the simulation react at once (e.g. start a job on a freed printer). */
	putCluster(cluster: ClusterState): ClusterState {
		const next = advanceCluster(cluster, this.clock.now(), this.timings);
		this.clusters.set(next.cluster_id, next);
		return next;
	}

	findPrinter(uuid: string): { cluster: ClusterState; printer: PrinterState } | null {
		for (const cluster of this.clusters.values()) {
			const printer = cluster.printers.find((p) => p.uuid === uuid);
			if (printer) return { cluster, printer };
		}
		return null;
	}

	findPrintJobCluster(uuid: string): ClusterState | null {
		for (const cluster of this.clusters.values()) {
			if (cluster.queue.some((j) => j.uuid === uuid) || cluster.history.some((j) => j.uuid === uuid)) return cluster;
		}
		return null;
	}

	addStaticToken(token: string, expired = false): void {
		this.tokens.set(token, { token, kind: 'static', expiresAt: null, expired, scope: '*', clientId: null });
	}

	createProject(displayName: string, now: number): Project {
		const project: Project = {
			library_project_id: this.ids.objectId(),
			display_name: displayName,
			description: '',
			username: EMULATOR_USER.username,
			organization_shared: false,
			organization_id: EMULATOR_USER.organization_id,
			created_by_user_id: EMULATOR_USER.user_id,
			thumbnail_url: null,
			tags: [],
			team_ids: [],
			createdAt: now,
			updatedAt: now,
			status: null,
			technical_requirements: null,
			is_inactive: false,
		};
		this.projects.set(project.library_project_id, project);
		return project;
	}
}
