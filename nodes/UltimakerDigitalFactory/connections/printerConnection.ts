/**
 * What the operations and the trigger ask of a way to reach printers, in their own words: list the clusters, read a
 * cluster's status (one or many), upload a toolpath, send a print, act on a print job. Digital Factory's cloud API
 * is one implementation (cloud/); the printers' own local API can be another beside it, without the operations'
 * logic changing. Every failure a connection throws carries the one failure contract (failure.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import type { PrintJobAction } from '../core/send/jobActions';
import type { ApiCluster, ApiClusterStatus } from '../core/status/model';
import type { UploadPlan } from '../core/upload/plan';
import type { BinarySource, UploadResult } from './cloud/twoStageUpload';

export type RetryPolicy =
	/** Reads and registrations: a repeat does no harm, so 429, 5xx and dropped connections are retried. */
	| 'idempotent'
	/** Requests that must not run twice (print, create), and the trigger's reads (a failed read is a missed poll): only a 429, refused before acting. */
	| 'rateLimitOnly';

export interface RequestOptions {
	retry: RetryPolicy;
	itemIndex?: number;
}

/** Why a cluster's status could not be read, in the failure contract's terms. */
export interface UnreadableCluster {
	/** `notFound`: the cluster is gone (404); `failed`: an error or an answer that cannot be read. */
	reason: 'notFound' | 'failed';
	/** Trying again later can help (a 5xx, a dropped connection, a 429). */
	transient: boolean;
	/** The error the read threw, with its words (already an n8n error, free of secrets). */
	error: Error;
}

/** One cluster's status, or why it could not be read: a cluster is never silently left out. */
export type ClusterReading<C> = { cluster: C; status: ApiClusterStatus } | { cluster: C; unreadable: UnreadableCluster };

export function isReadable<C>(reading: ClusterReading<C>): reading is { cluster: C; status: ApiClusterStatus } {
	return 'status' in reading;
}

/** The ways to reach printers: Digital Factory's cloud API, or the printers' own API on the local network. */
export type ConnectionKind = 'cloud' | 'localNetwork';

/** A camera image of one printer, and the printer (its status entry) it is of. */
export interface PrinterSnapshot {
	data: Buffer;
	contentType: string;
	printer: IDataObject;
}

export interface SendPrintOptions {
	/** The printer of the cluster to print on (see `sendPrint`). */
	printerUuid?: string;
	/**
	 * The cluster's status as the caller read it just before sending (print once: its baseline). A connection that
	 * needs the queue before the send uses this reading instead of reading it again.
	 */
	before?: ApiClusterStatus;
}

export interface PrinterConnection {
	readonly kind: ConnectionKind;
	/**
	 * `sendPrint` itself reads the queue after a failure that may have taken effect and says the outcome (the
	 * local connection, whose upload and print are one request and whose jobs carry no file id to match): the
	 * caller does not read it again.
	 */
	readonly sendPrintSettlesOutcome?: boolean;
	/** Values to clean out of every output and error (tokens, keys); may grow while the connection is used. */
	secrets: string[];
	/** Every cluster the connection reaches (active ones unless `includeInactive`), each once. */
	listClusters(options: RequestOptions & { includeInactive?: boolean }): Promise<ApiCluster[]>;
	/** One cluster's printers, print jobs and `generated_time`. */
	readStatus(clusterId: string, options: RequestOptions): Promise<ApiClusterStatus>;
	/** Every given cluster's status, a few at a time, in the given order; one that cannot be read is an `unreadable` entry. */
	readEachStatus<C extends { cluster_id: string }>(clusters: C[], options: RequestOptions): Promise<Array<ClusterReading<C>>>;
	/** The toolpath's bytes to where a print can be started from; the connection's id for it. */
	uploadToolpath(plan: UploadPlan, source: BinarySource, options: { waitForUpload: boolean }): Promise<UploadResult>;
	/**
	 * One request to print an uploaded toolpath on a cluster — never repeated by the connection itself.
	 * `printerUuid`: the printer of the cluster that is to print it (best match's chosen printer), where the
	 * connection can say so — the local network can (`require_printer_name`); Digital Factory queues on the cluster.
	 */
	sendPrint(clusterId: string, jobId: string, itemIndex: number, options?: SendPrintOptions): Promise<IDataObject>;
	/** One action on a print job; repeated only where REPEATABLE_ACTIONS allows. The answer's fields, if any. */
	actOnPrintJob(clusterId: string, printJobUuid: string, action: PrintJobAction, itemIndex: number): Promise<IDataObject>;
	/**
	 * A JPEG of a printer's camera (`printerName`: a `unique_name` or `friendly_name`; empty = the connection's
	 * default printer). Optional: a connection without it cannot take snapshots (the operation says so).
	 */
	cameraSnapshot?(printerName: string, itemIndex: number): Promise<PrinterSnapshot>;
	/** The printer's own record of finished, failed and aborted prints, newest first, up to `limit`. Optional like the camera. */
	printHistory?(printerName: string, options: { limit: number; itemIndex: number }): Promise<IDataObject[]>;
}
