/**
 * Find printer: every printer of the given clusters, either a candidate (it can take the job, now or after
 * its queue) or rejected with its reasons. Candidates are ranked idle before busy, then by fewer seconds
 * until free (unknown last), then shorter queue, then cluster name (printer name and uuid break the last ties,
 * so the order never depends on the order the API listed things in).
 */
import { rejectionReasons } from './eligibility';
import { jobsOf, secondsUntilFree } from './workload';
import type { ApiPrinterStatus } from '../status/model';
import type { Candidate, ClusterSnapshot, JobRequirements, PrinterMatch, Rejected } from './types';

export function clusterName(cluster: ClusterSnapshot): string {
	return cluster.cluster_name || cluster.friendly_name || cluster.host_name || cluster.cluster_id;
}

export function printerName(printer: ApiPrinterStatus): string {
	return printer.friendly_name || printer.unique_name || printer.uuid || 'unnamed printer';
}

/**
 * 50–100 for idle printers, 0–50 for busy ones, falling with the hours until free (half at one hour);
 * unknown wait scores the bottom of its half. Higher never ranks below lower.
 */
export function scoreOf(idle: boolean, seconds: number | null): number {
	const waitPart = seconds === null ? 0 : 50 / (1 + seconds / 3600);
	return Math.round(((idle ? 50 : 0) + waitPart) * 100) / 100;
}

function describePrinter(cluster: ClusterSnapshot, printer: ApiPrinterStatus): Candidate {
	const jobs = jobsOf(cluster, printer);
	const status = printer.enabled === false ? 'disabled' : printer.status || 'unknown';
	const seconds = secondsUntilFree(printer, jobs);
	return {
		cluster_id: cluster.cluster_id,
		cluster_name: clusterName(cluster),
		printer_uuid: printer.uuid ?? '',
		printer_name: printerName(printer),
		machine_variant: printer.machine_variant ?? null,
		status,
		queue_length: jobs.length,
		seconds_until_free: seconds,
		score: scoreOf(status === 'idle', seconds),
	};
}

const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareCandidates(a: Candidate, b: Candidate): number {
	const idle = Number(b.status === 'idle') - Number(a.status === 'idle');
	if (idle !== 0) return idle;
	const wait =
		(a.seconds_until_free ?? Number.POSITIVE_INFINITY) - (b.seconds_until_free ?? Number.POSITIVE_INFINITY);
	if (wait !== 0 && !Number.isNaN(wait)) return wait;
	return (
		a.queue_length - b.queue_length ||
		text(a.cluster_name, b.cluster_name) ||
		text(a.printer_name, b.printer_name) ||
		text(a.printer_uuid, b.printer_uuid)
	);
}

export function findPrinter(clusters: ClusterSnapshot[], requirements: JobRequirements): PrinterMatch {
	const candidates: Candidate[] = [];
	const rejected: Rejected[] = [];
	for (const cluster of clusters) {
		for (const printer of cluster.printers) {
			const described = describePrinter(cluster, printer);
			const reasons = rejectionReasons(cluster, printer, requirements);
			if (reasons.length === 0) candidates.push(described);
			else rejected.push({ ...described, score: 0, reasons });
		}
	}
	candidates.sort(compareCandidates);
	rejected.sort(
		(a, b) =>
			text(a.cluster_name, b.cluster_name) ||
			text(a.printer_name, b.printer_name) ||
			text(a.printer_uuid, b.printer_uuid),
	);
	return { chosen: candidates[0] ?? null, candidates, rejected };
}

/** The best `copies` candidates, each printer once (fewer when fewer fit). */
export function bestCandidates(match: PrinterMatch, copies: number): Candidate[] {
	return match.candidates.slice(0, Math.max(0, Math.floor(copies)));
}

/** Every rejected printer with its reasons, one line each: for the error when nothing fits. */
export function describeRejections(match: PrinterMatch): string {
	if (match.rejected.length === 0) return 'There are no printers in the clusters searched.';
	return match.rejected
		.map((printer) => `${printer.printer_name} (${printer.cluster_name}): ${printer.reasons.join('; ')}`)
		.join('\n');
}
