/**
 * The printer steps of a poll: what each listed printer did since the last poll (online again, status,
 * maintenance, material and print core per extruder), offline after enough missed polls, and a whole cluster
 * that could not be read.
 */
import type { ApiPrinterStatus } from '../status/model';
import type { ClusterEvents, PollContext } from './context';
import { extrudersFrom, printerFromApi, printerFromMemory, printerStatusOf, sameMaterial } from './items';
import type { Extruder, PrinterMemory, RememberedCluster } from './memory';
import { NextCluster } from './memory';
import type { Snapshot } from './snapshot';
import { currentJob } from './snapshot';

/** One more missed poll; printer.offline once the threshold is reached. */
function countMiss(printer: PrinterMemory, context: PollContext, reportOffline: () => void): PrinterMemory {
	const next: PrinterMemory = { ...printer, missedPolls: printer.missedPolls + 1 };
	if (next.missedPolls >= context.threshold && !printer.offlineReported) {
		next.offlineReported = true;
		reportOffline();
	}
	return next;
}

/** The cluster could not be read this poll: everything is kept, and each of its printers missed a poll. */
export function missedPoll(before: RememberedCluster, name: string | null, events: ClusterEvents, context: PollContext): NextCluster {
	const next = new NextCluster(name, before.generatedTime, before);
	next.keep(before, 'jobs');
	const singlePrinter = before.printers.size === 1 ? before.printers.keys().next().value : undefined;
	for (const [uuid, printer] of before.printers.entries()) {
		next.printers.set(
			uuid,
			countMiss(printer, context, () => {
				const job = [...before.jobs.entries()].find(([, candidate]) => (candidate.printerUuid ?? singlePrinter) === uuid && context.isBusy(candidate.status));
				events.offline.push(
					context.make('printer.offline', printerFromMemory(uuid, printer, 'unreachable'), job ? context.jobFromMemory(job[0], job[1]) : null, {
						status: printer.status,
						online: true,
					}),
				);
			}),
		);
	}
	return next;
}

/** What to remember of a reachable printer (an unreachable one keeps what was seen while it was reachable). */
function freshPrinter(printer: ApiPrinterStatus, remembered: PrinterMemory | undefined, unreachable: boolean): PrinterMemory {
	const reported = printer.status && printer.status !== 'unreachable' ? printerStatusOf(printer) : null;
	const maintenance = unreachable || typeof printer.maintenance_required !== 'boolean' ? remembered?.maintenanceRequired === true : printer.maintenance_required;
	return {
		name: printer.friendly_name ?? remembered?.name ?? null,
		variant: printer.machine_variant ?? remembered?.variant ?? null,
		status: unreachable ? (remembered?.status ?? null) : (reported ?? remembered?.status ?? null),
		maintenanceRequired: maintenance,
		// The remembered list itself when the configuration did not change, so it is saved as it was read.
		extruders: (unreachable || (remembered && sameConfiguration(remembered.extruders, printer)) ? null : extrudersFrom(printer.configuration)) ?? remembered?.extruders ?? [],
		missedPolls: unreachable ? (remembered?.missedPolls ?? 0) : 0,
		offlineReported: unreachable && remembered?.offlineReported === true,
	};
}

/** Does the reported configuration say exactly what is remembered? (Checked without building anything.) */
function sameConfiguration(remembered: Extruder[], printer: ApiPrinterStatus): boolean {
	const configuration = printer.configuration;
	if (!Array.isArray(configuration)) return true;
	let position = 0;
	for (const core of configuration) {
		if (!core || typeof core.extruder_index !== 'number') continue;
		const kept = remembered[position++];
		if (!kept || kept.index !== core.extruder_index || kept.printCore !== (core.print_core_id ?? null)) return false;
		const material = core.material;
		if (!material || !kept.material) {
			if (material || kept.material) return false;
			continue;
		}
		const { guid, brand, color } = kept.material;
		if (guid !== (material.guid ?? null) || brand !== (material.brand ?? null) || color !== (material.color ?? null) || kept.material.material !== (material.material ?? null)) return false;
	}
	return position === remembered.length;
}

/** Would a reachable printer be remembered exactly as it is? Then the remembered object is kept (the usual case). */
function unchanged(remembered: PrinterMemory, printer: ApiPrinterStatus): boolean {
	if (remembered.missedPolls > 0 || remembered.offlineReported) return false;
	if (printer.friendly_name != null && printer.friendly_name !== remembered.name) return false;
	if (printer.machine_variant != null && printer.machine_variant !== remembered.variant) return false;
	if (printer.status && printer.status !== 'unreachable' && printerStatusOf(printer) !== remembered.status) return false;
	if (typeof printer.maintenance_required === 'boolean' && printer.maintenance_required !== remembered.maintenanceRequired) return false;
	return sameConfiguration(remembered.extruders, printer);
}

/** printer.printCoreChanged / printer.materialChanged for each extruder that changed. */
function extruderEvents(uuid: string, printer: ApiPrinterStatus, remembered: PrinterMemory, fresh: PrinterMemory, snapshot: Snapshot, events: ClusterEvents, context: PollContext): void {
	for (const extruder of fresh.extruders) {
		const old = remembered.extruders.find((candidate) => candidate.index === extruder.index);
		if (!old) continue;
		const detail = { extruder_index: extruder.index, print_core_id: extruder.printCore, material: extruder.material };
		if (old.printCore !== extruder.printCore) {
			const event = context.make('printer.printCoreChanged', printerFromApi(printer), currentJob(snapshot, uuid), { extruder_index: old.index, print_core_id: old.printCore });
			events.printers.push({ ...event, extruder: detail });
		}
		if (!sameMaterial(old.material, extruder.material)) {
			const event = context.make('printer.materialChanged', printerFromApi(printer), currentJob(snapshot, uuid), { extruder_index: old.index, material: old.material });
			events.printers.push({ ...event, extruder: detail });
		}
	}
}

/** A printer seen for the first time is a baseline; with "Emit on First Poll" it is announced. */
function firstSight(printer: ApiPrinterStatus, fresh: PrinterMemory, unreachable: boolean, snapshot: Snapshot, events: ClusterEvents, context: PollContext): PrinterMemory {
	if (unreachable) return { ...fresh, missedPolls: 1 };
	if (context.mode === 'emitCurrent') {
		const item = printerFromApi(printer);
		events.online.push(context.make('printer.online', item, currentJob(snapshot, printer.uuid), null));
		if (fresh.maintenanceRequired) {
			events.printers.push(context.make('printer.maintenanceRequired', item, currentJob(snapshot, printer.uuid), { maintenance_required: false }));
		}
	}
	return fresh;
}

/** One listed printer against what was remembered of it: its events, and what to remember now. */
function diffPrinter(printer: ApiPrinterStatus, remembered: PrinterMemory | undefined, clusterOffline: boolean, snapshot: Snapshot, events: ClusterEvents, context: PollContext): PrinterMemory {
	const unreachable = clusterOffline || printer.status === 'unreachable';
	if (remembered && !unreachable && unchanged(remembered, printer)) return remembered;
	const fresh = freshPrinter(printer, remembered, unreachable);
	if (!remembered) return firstSight(printer, fresh, unreachable, snapshot, events, context);
	if (unreachable) {
		const job = currentJob(snapshot, printer.uuid);
		return countMiss(fresh, context, () =>
			events.offline.push(context.make('printer.offline', printerFromApi(printer), job, { status: remembered.status, online: true })),
		);
	}
	const item = printerFromApi(printer);
	const job = () => currentJob(snapshot, printer.uuid);
	if (remembered.offlineReported) events.online.push(context.make('printer.online', item, job(), { status: remembered.status, online: false }));
	if (fresh.status !== remembered.status && fresh.status !== null) {
		events.printers.push(context.make('printer.statusChanged', item, job(), { status: remembered.status }));
	}
	if (fresh.maintenanceRequired && !remembered.maintenanceRequired) {
		events.printers.push(context.make('printer.maintenanceRequired', item, job(), { maintenance_required: false }));
	}
	extruderEvents(printer.uuid, printer, remembered, fresh, snapshot, events, context);
	return fresh;
}

/** Every printer of the snapshot; printers no longer listed while the cluster is offline may just be hidden. */
export function diffPrinters(before: RememberedCluster | undefined, isOnline: boolean | null | undefined, snapshot: Snapshot, next: NextCluster, events: ClusterEvents, context: PollContext): void {
	const clusterOffline = isOnline === false;
	for (const printer of snapshot.printers) {
		next.printers.set(printer.uuid, diffPrinter(printer, before?.printers.get(printer.uuid), clusterOffline, snapshot, events, context));
	}
	if (!before || !clusterOffline) return;
	for (const [uuid, remembered] of before.printers.entries()) {
		if (next.printers.has(uuid)) continue;
		next.printers.set(
			uuid,
			countMiss(remembered, context, () =>
				events.offline.push(context.make('printer.offline', printerFromMemory(uuid, remembered, 'unreachable'), null, { status: remembered.status, online: true })),
			),
		);
	}
}
