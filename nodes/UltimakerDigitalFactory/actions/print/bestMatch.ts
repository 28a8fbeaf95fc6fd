/**
 * The best-match target of Send print and Upload and print: the job goes to the printers Find printer ranks best,
 * one print on each of the best `copies` printers. The choice is made before anything is uploaded (nothing fits →
 * an error listing every printer and why, nothing uploaded or sent), checked again just before sending, and each
 * print is sent by printOnce.ts's rules (never twice). Digital Factory queues a print on a cluster, not a printer:
 * the print goes to the chosen printer's cluster, which in a one-printer cluster is that printer. On the local
 * network each print goes to its chosen printer itself (`require_printer_name`).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { bestCandidates, describeRejections } from '../../core/farm/match';
import type { Candidate, JobRequirements } from '../../core/farm/types';
import type { CloudConnection } from '../../connections/cloud/connection';
import { asNodeError, failureError, failureOf } from '../../connections/failure';
import type { FarmMatch } from './dispatch';
import { matchFarm } from './dispatch';
import { sendPrint } from './printOnce';

export type Target = 'cluster' | 'bestMatch';

export const targetProperty: INodeProperties = {
	displayName: 'Send To',
	name: 'target',
	type: 'options',
	default: 'cluster',
	options: [
		{ name: 'A Cluster', value: 'cluster', description: 'The cluster picked below' },
		{
			name: 'Best Matching Printer',
			value: 'bestMatch',
			description: 'The printer Find Printer ranks first for this job (material, print core, machine, build plate, queue)',
		},
	],
};

export const copiesProperty: INodeProperties = {
	displayName: 'Copies',
	name: 'copies',
	type: 'number',
	default: 1,
	typeOptions: { minValue: 1, numberPrecision: 0 },
	displayOptions: { show: { target: ['bestMatch'] } },
	description: 'How many printers print the job: one print on each of the best matching printers (the file is uploaded once)',
};

export function readTarget(this: IExecuteFunctions, itemIndex: number): Target {
	return this.getNodeParameter('target', itemIndex, 'cluster') === 'bestMatch' ? 'bestMatch' : 'cluster';
}

export function readCopies(this: IExecuteFunctions, itemIndex: number): number {
	const copies = Number(this.getNodeParameter('copies', itemIndex, 1));
	if (!Number.isInteger(copies) || copies < 1) {
		throw new NodeOperationError(this.getNode(), `Copies must be a whole number of at least 1 (got ${String(this.getNodeParameter('copies', itemIndex, 1))})`, {
			description: 'It is how many of the best matching printers print the job, one print each.',
			itemIndex,
		});
	}
	return copies;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function candidateLine(candidate: Candidate): string {
	const wait = candidate.seconds_until_free === null ? 'free: unknown' : `free in ${Math.ceil(candidate.seconds_until_free / 60)} min`;
	return `${candidate.printer_name} (${candidate.cluster_name}): ${candidate.status}, ${wait}`;
}

/** The printers to print on: the best `copies` candidates (idle ones only with onlyIfIdle), or an error saying why not. */
export function chooseFrom(this: IExecuteFunctions, match: FarmMatch, copies: number, onlyIfIdle: boolean, nothing: string, itemIndex: number): Candidate[] {
	const usable = onlyIfIdle ? match.candidates.filter((candidate) => candidate.status === 'idle') : match.candidates;
	if (usable.length >= copies) return bestCandidates({ ...match, candidates: usable }, copies);
	const busy = match.candidates.filter((candidate) => !usable.includes(candidate));
	const lines = [
		...(busy.length > 0 ? ['Can take it but are not idle ("Only if a Printer Is Idle" is on):', ...busy.map(candidateLine)] : []),
		...(match.rejected.length > 0 || usable.length === 0 ? ['Cannot take it:', describeRejections(match)] : []),
		...(match.unreadable.length > 0 ? ['Could not be read (not searched):', ...match.unreadable.map((cluster) => `${cluster.cluster_name}: ${cluster.reason}`)] : []),
	];
	const fit = usable.length === 0 ? `No${onlyIfIdle ? ' idle' : ''} printer can take this job` : `Only ${plural(usable.length, onlyIfIdle ? 'idle printer' : 'printer')} can take this job, ${plural(copies, 'copy', 'copies')} asked for`;
	throw new NodeOperationError(this.getNode(), `${fit}; ${nothing}`, { description: lines.join('\n'), itemIndex });
}

export async function choosePrinters(
	this: IExecuteFunctions,
	connection: CloudConnection,
	itemIndex: number,
	request: { requirements: JobRequirements; copies: number; onlyIfIdle: boolean; nothing: string },
): Promise<Candidate[]> {
	const match = await matchFarm.call(this, connection, itemIndex, request.requirements);
	return chooseFrom.call(this, match, request.copies, request.onlyIfIdle, request.nothing, itemIndex);
}

function sentLine(sent: IDataObject): string {
	const printer = sent.printer as Candidate;
	return `${printer.printer_name} (${printer.cluster_name}): ${String(sent.job_instance_uuid ?? sent.cluster_job_id ?? 'print id unknown')}`;
}

/**
 * A copy failed after others were queued: the error names the queued ones, and keeps the failed copy's outcome
 * (`unknown` when it may have been queued after all: then its cluster's queue must be checked first).
 */
function copyFailed(this: IExecuteFunctions, error: unknown, sent: IDataObject[], copy: { printer: Candidate; index: number; of: number; jobId: string }, itemIndex: number): Error {
	const cause = asNodeError(this.getNode(), error, itemIndex);
	const failure = failureOf(error);
	const unknown = failure?.outcome === 'unknown';
	const which = `Copy ${copy.index} of ${copy.of} (${copy.printer.printer_name})`;
	const message = unknown ? `${which} may have been queued: ${cause.message}` : `${which} was not sent: ${cause.message}`;
	const next = unknown
		? `Check the queue of ${copy.printer.cluster_name} for copy ${copy.index} before sending it or the remaining copies with Send Print, job ID ${copy.jobId}.`
		: `Send the remaining copies with Send Print, job ID ${copy.jobId}.`;
	const description = `${plural(sent.length, 'copy', 'copies')} already queued — running the node again would print them again:\n${sent.map(sentLine).join('\n')}\n${next} ${cause.description ?? ''}`.trim();
	if (failure) return failureError(this.getNode(), failure, { message, description, itemIndex });
	return new NodeApiError(this.getNode(), { message: cause.message } as never, { message, description, itemIndex });
}

/** One print on each chosen printer, in rank order; a failure says which copies are already queued. */
export async function sendToEach(
	this: IExecuteFunctions,
	connection: CloudConnection,
	itemIndex: number,
	job: { jobId: string; onlyIfIdle: boolean },
	chosen: Candidate[],
): Promise<IDataObject[]> {
	const sent: IDataObject[] = [];
	for (const [index, printer] of chosen.entries()) {
		try {
			// Each copy to its chosen printer where the connection can pin one (the local network), else to its cluster.
			const print = { clusterId: printer.cluster_id, jobId: job.jobId, onlyIfIdle: job.onlyIfIdle, printerUuid: printer.printer_uuid };
			const printed = await sendPrint.call(this, itemIndex, connection, print);
			sent.push({ ...printed, printer: printer as unknown as IDataObject, copy: index + 1, copies: chosen.length });
		} catch (error) {
			if (sent.length === 0) throw asNodeError(this.getNode(), error, itemIndex);
			throw copyFailed.call(this, error, sent, { printer, index: index + 1, of: chosen.length, jobId: job.jobId }, itemIndex);
		}
	}
	return sent;
}
