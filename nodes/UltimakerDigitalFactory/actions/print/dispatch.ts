/**
 * Find printer for one item: the job's needs (from the toolpath in a binary field, or typed in), the farm it is
 * matched against (every active cluster, or the selected ones, each with its live status), and the match. Shared by
 * Find printer and the best-match target of Send print / Upload and print, so both decide the same way.
 */
import type { IDisplayOptions, IExecuteFunctions, INodeProperties, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { findPrinter } from '../../core/farm/match';
import { isRequirementsProblem } from '../../core/farm/problems';
import { parseRequirements, requirementsFromInspection } from '../../core/farm/requirements';
import type { ClusterSnapshot, JobRequirements, PrinterMatch } from '../../core/farm/types';
import { clusterLabel, parseClusterIds } from '../../core/status/clusters';
import { clusterByHost } from '../../core/status/identity';
import type { ApiCluster, ApiClusterStatus, ApiPrinterStatus, ApiPrintJobStatus } from '../../core/status/model';
import { asNodeError } from '../../connections/failure';
import type { PrinterConnection } from '../../connections/printerConnection';
import { isReadable } from '../../connections/printerConnection';
import type { InspectResult } from '../../core/toolpath/types';
import { choices, clusterScopeProperties } from '../descriptions';
import { inspectItemBinary, readBinaryPropertyName } from '../toolpath/read';

/** Where Find printer and best-match sends look for a printer. */
export const searchScopeProperties = clusterScopeProperties('Search In', 'Every active cluster of the workspace');

/** The typed-in needs (Source = Requirements), shown where `show` says. */
export function requirementsProperties(show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	const displayOptions = { show: { ...show, source: ['requirements'] } };
	return [
		{
			displayName: 'Machine',
			name: 'machine',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Ultimaker S5',
			description: 'The printer model the job was sliced for, as Digital Factory names it',
			displayOptions,
		},
		{
			displayName: 'Materials',
			name: 'materials',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9',
			description:
				'Material GUIDs by extruder, separated by commas; leave an entry empty for an unused extruder (a leading comma uses only extruder 2)',
			displayOptions,
		},
		{
			displayName: 'Print Cores',
			name: 'printCores',
			type: 'string',
			default: '',
			placeholder: 'e.g. AA 0.4,BB 0.4',
			description: "Print core names by extruder, separated by commas. Empty (or an empty entry): any core the material database marks compatible.",
			displayOptions,
		},
		{
			displayName: 'Build Plate',
			name: 'buildPlate',
			type: 'options',
			default: '',
			options: choices([
				['Any', ''],
				['Aluminium', 'aluminium'],
				['Glass', 'glass'],
			]),
			displayOptions,
		},
	];
}

/** The binary field of the toolpath whose header says what the job needs (shown when the needs come from a toolpath). */
export function toolpathBinaryProperty(hint: string): INodeProperties {
	return {
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { source: ['toolpath'] } },
		hint,
		description: 'Binary field with the sliced file (.gcode, .gcode.gz or .ufp); only its header is read',
	};
}

export function sourceProperty(show: NonNullable<IDisplayOptions['show']>): INodeProperties {
	return {
		displayName: 'Job Needs From',
		name: 'source',
		type: 'options',
		default: 'toolpath',
		displayOptions: { show },
		options: choices([
			['Toolpath', 'toolpath', 'Read the header of the sliced file in a binary field'],
			['Requirements', 'requirements', 'Enter the machine, materials and print cores'],
		]),
	};
}

export interface JobNeeds {
	requirements: JobRequirements;
	/** The inspected toolpath, when the needs came from one. */
	inspection: InspectResult | null;
}

function requirementsError(this: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError | NodeApiError {
	if (!isRequirementsProblem(error)) return asNodeError(this.getNode(), error, itemIndex);
	const problem = new NodeOperationError(this.getNode(), error.message, { description: error.hint, itemIndex });
	problem.context.code = error.code;
	return problem;
}

/** The job's needs from the toolpath in the item's binary field, or from the typed-in parameters. */
export async function readJobNeeds(this: IExecuteFunctions, itemIndex: number, source: string): Promise<JobNeeds> {
	try {
		if (source === 'requirements') {
			const text = (name: string) => String(this.getNodeParameter(name, itemIndex, '') ?? '');
			const requirements = parseRequirements({ machine: text('machine'), materials: text('materials'), printCores: text('printCores'), buildPlate: text('buildPlate') });
			return { requirements, inspection: null };
		}
		const inspection = await inspectItemBinary.call(this, itemIndex, readBinaryPropertyName.call(this, itemIndex));
		return { requirements: requirementsFromInspection(inspection.json), inspection };
	} catch (error) {
		throw requirementsError.call(this, error, itemIndex);
	}
}

/** The clusters searched: every active one, or the selected ones (each must exist and be active). */
async function clustersToSearch(this: IExecuteFunctions, connection: PrinterConnection, itemIndex: number): Promise<ApiCluster[]> {
	const scope = this.getNodeParameter('clusterScope', itemIndex, 'all');
	const listed = await connection.listClusters({ retry: 'idempotent', itemIndex });
	if (scope !== 'selected') return listed;
	const wanted = parseClusterIds(this.getNodeParameter('clusterIds', itemIndex, []));
	if (wanted.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No cluster selected', {
			description: 'Pick at least one cluster in "Cluster Names or IDs", or set "Search In" to all clusters.',
			itemIndex,
		});
	}
	const byId = new Map(listed.map((cluster) => [cluster.cluster_id, cluster]));
	// Each entry is a cluster_id or a host_guid (a host_guid survives a reconnect: DESIGN §13).
	const find = (id: string) => byId.get(id) ?? clusterByHost(listed, id);
	const missing = wanted.find((clusterId) => !find(clusterId));
	if (missing !== undefined) {
		throw new NodeOperationError(this.getNode(), `Cluster "${missing}" is not among the active clusters of this workspace`, {
			description: 'It may have been removed, or its registration is inactive (it cannot print). Check the cluster IDs, or search all clusters.',
			itemIndex,
		});
	}
	return [...new Set(wanted.map((clusterId) => find(clusterId)!))];
}

/** A searched cluster whose status could not be read: reported beside the ranking, never silently left out. */
export interface UnreadableFarmCluster {
	cluster_id: string;
	cluster_name: string;
	/** `not found` (removed since it was listed) or the error, in words. */
	reason: string;
}

export interface Farm {
	clusters: ClusterSnapshot[];
	unreadable: UnreadableFarmCluster[];
}

export type FarmMatch = PrinterMatch & { unreadable: UnreadableFarmCluster[] };

function snapshotOf(cluster: ApiCluster, status: ApiClusterStatus): ClusterSnapshot {
	return {
		cluster_id: cluster.cluster_id,
		cluster_name: clusterLabel(cluster),
		is_online: typeof cluster.is_online === 'boolean' ? cluster.is_online : null,
		printers: (status.printers ?? []) as ApiPrinterStatus[],
		print_jobs: (status.print_jobs ?? []) as ApiPrintJobStatus[],
	};
}

/**
 * Every searched cluster with its live status (a few status requests at a time). A cluster that cannot be read is
 * listed in `unreadable` and the others are still ranked; only when none of them can be read is it an error.
 */
export async function readFarm(this: IExecuteFunctions, connection: PrinterConnection, itemIndex: number): Promise<Farm> {
	const searched = await clustersToSearch.call(this, connection, itemIndex);
	const farm: Farm = { clusters: [], unreadable: [] };
	let firstError: Error | undefined;
	for (const reading of await connection.readEachStatus(searched, { retry: 'idempotent', itemIndex })) {
		if (isReadable(reading)) {
			farm.clusters.push(snapshotOf(reading.cluster, reading.status));
			continue;
		}
		const { error, reason } = reading.unreadable;
		firstError ??= error;
		farm.unreadable.push({ cluster_id: reading.cluster.cluster_id, cluster_name: clusterLabel(reading.cluster), reason: reason === 'notFound' ? 'not found' : error.message });
	}
	if (searched.length > 0 && farm.clusters.length === 0 && firstError) {
		const problem = asNodeError(this.getNode(), firstError, itemIndex);
		problem.description = [`No searched cluster could be read: ${farm.unreadable.map((cluster) => `${cluster.cluster_name} (${cluster.reason})`).join('; ')}.`, problem.description].filter(Boolean).join(' ');
		throw problem;
	}
	return farm;
}

/** The needs and the live farm, matched; the clusters that could not be read beside the ranking. */
export async function matchFarm(this: IExecuteFunctions, connection: PrinterConnection, itemIndex: number, requirements: JobRequirements): Promise<FarmMatch> {
	const farm = await readFarm.call(this, connection, itemIndex);
	return { ...findPrinter(farm.clusters, requirements), unreadable: farm.unreadable };
}
