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
import { currentJob, printerIn } from './snapshot';

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
		uniqueName: typeof printer.unique_name === 'string' ? printer.unique_name : (remembered?.uniqueName ?? null),
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
	if (typeof printer.unique_name === 'string' && printer.unique_name !== remembered.uniqueName) return false;
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

/**
 * Printers that left the list paired with printers that appeared in it, when they are the same machine under a new
 * uuid (a factory reset): the same `unique_name` (its network host name, kept across a reset); or, when neither side
 * names one (states saved before unique names were kept), the only printer that left and the only one that
 * appeared, of the same machine variant. New uuid → old uuid.
 */
export function pairResetPrinters(left: Array<[string, PrinterMemory]>, appeared: ApiPrinterStatus[]): Map<string, string> {
	const pairs = new Map<string, string>();
	if (left.length === 0 || appeared.length === 0) return pairs;
	const unpaired = new Map(left);
	for (const printer of appeared) {
		if (typeof printer.unique_name !== 'string') continue;
		for (const [uuid, memory] of unpaired) {
			if (memory.uniqueName !== printer.unique_name) continue;
			pairs.set(printer.uuid, uuid);
			unpaired.delete(uuid);
			break;
		}
	}
	const rest = appeared.filter((printer) => !pairs.has(printer.uuid));
	if (unpaired.size !== 1 || rest.length !== 1) return pairs;
	const [[uuid, memory]] = [...unpaired];
	const printer = rest[0];
	const namesAgree = memory.uniqueName === null || typeof printer.unique_name !== 'string';
	const variantsAgree = memory.variant === null || printer.machine_variant == null || memory.variant === printer.machine_variant;
	if (namesAgree && variantsAgree) pairs.set(printer.uuid, uuid);
	return pairs;
}

/**
 * A printer seen under a new uuid (factory reset), diffed against what was remembered under its old one: its
 * transitions as usual, and the new uuid reported once, as `printer.statusChanged` with `previous.uuid` (the
 * status change, if any, is the same event).
 */
function diffResetPrinter(printer: ApiPrinterStatus, oldUuid: string, remembered: PrinterMemory, snapshot: Snapshot, events: ClusterEvents, context: PollContext): PrinterMemory {
	const from = events.printers.length;
	const memory = diffPrinter(printer, remembered, false, snapshot, events, context);
	const changed = events.printers.findIndex((event, index) => index >= from && event.event === 'printer.statusChanged');
	if (changed >= 0) events.printers[changed].previous = { ...events.printers[changed].previous, uuid: oldUuid };
	else events.printers.push(context.make('printer.statusChanged', printerFromApi(printer), currentJob(snapshot, printer.uuid), { status: remembered.status, uuid: oldUuid }));
	return memory;
}

/** Every printer of the snapshot; printers no longer listed while the cluster is offline may just be hidden. */
export function diffPrinters(before: RememberedCluster | undefined, isOnline: boolean | null | undefined, snapshot: Snapshot, next: NextCluster, events: ClusterEvents, context: PollContext): void {
	const clusterOffline = isOnline === false;
	let appeared: ApiPrinterStatus[] | undefined;
	for (const printer of snapshot.printers) {
		const remembered = before?.printers.get(printer.uuid);
		// A printer new to a known cluster may be a known one under a new uuid: looked at once all are listed.
		if (!remembered && before && !clusterOffline && context.mode === 'diff') (appeared ??= []).push(printer);
		next.printers.set(printer.uuid, diffPrinter(printer, remembered, clusterOffline, snapshot, events, context));
	}
	if (appeared && before) {
		const left = [...before.printers.entries()].filter(([uuid]) => !next.printers.has(uuid));
		// A first sight in a known cluster emits nothing, so a paired printer's first-sight memory is simply replaced.
		for (const [uuid, oldUuid] of pairResetPrinters(left, appeared)) {
			next.printers.set(uuid, diffResetPrinter(printerIn(snapshot, uuid)!, oldUuid, before.printers.get(oldUuid)!, snapshot, events, context));
		}
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
