/**
 * The pure core of the package, without n8n: what index.js exports next to the node and credential classes, so
 * other tooling (a Node-RED package, a CLI) can reuse it. Everything here takes plain data and returns plain data.
 */
// Trigger: status snapshots → events, and the state kept between polls.
export { diffSnapshots, emptyState, isTriggerState, filterEvents, sampleEvents, TRIGGER_EVENT_NAMES } from './events';
export type {
	ClusterObservation,
	DiffOptions,
	DiffResult,
	EventJob,
	EventPrinter,
	TriggerEvent,
	TriggerEventName,
	TriggerState,
} from './events';
export { TRIGGER_EVENTS } from './events/names';

// Uploads: what to register, which headers storage must get, when to retry, how long to wait.
export {
	registrationBody,
	registrationPath,
	resolveUploadName,
	storageHeaders,
	storageOutcome,
	storageRetryDelayMs,
	storageDeadlineMs,
	uploadPollDelaysMs,
	STORAGE_MAX_ATTEMPTS,
} from './upload/plan';
export type { UploadPlan } from './upload/plan';
export { CONTENT_TYPE_RULES, decideContentType, ruleForFileName, supportedExtensions } from './upload/contentTypes';
export type { ContentTypeDecision, ContentTypeRule, UploadTarget } from './upload/contentTypes';

// Toolpaths and farm dispatch: what a print needs, and which printer fits.
export * from './toolpath';
export * from './farm';

// The order reference carried in a job name, and what blocks a queued print, in words.
export { nameWithReference, referenceOf, splitReference, REFERENCE_MARKER } from './reference';
export type { NameAndReference } from './reference';
export { blockedReason, printJobItem } from './status/printJobs';

// A cluster's status as the nodes read and show it: the one phase table, the output items, cluster labels.
export { jobPhase, terminalOutcome, explainPrintStatus, PHASE_BY_STATUS } from './status/phases';
export type { JobPhase, TerminalOutcome } from './status/phases';
export { statusRows, splitStatus } from './status/statusItems';
export type { StatusSplit } from './status/statusItems';
export { clusterLabel, filterClusters, parseClusterIds } from './status/clusters';

// Print-once: the queue read around a send, and which print-job actions are safe to repeat and show as done.
export { baselineOf, instanceIdOf, sightPrint } from './send/sighting';
export type { Sighting } from './send/sighting';
export { ACTION_DONE, REPEATABLE_ACTIONS, isPrintJobAction } from './send/jobActions';
export type { PrintJobAction } from './send/jobActions';
export { retryDelayMs } from './retry';
export { knownClusters } from './events';

// The base of the core's errors (ToolpathProblem, RequirementsProblem): a `code` and a `hint`.
export { CoreProblem } from './problem';

// What Digital Factory returns, as this package reads it.
export type { ApiCluster, ApiClusterStatus, ApiMaterial, ApiPrintCore, ApiPrinterStatus, ApiPrintJobStatus } from './status/model';
// Find printer's former names for the same types, kept for callers of the public API.
export type {
	ApiMaterial as LoadedMaterial,
	ApiPrintCore as ExtruderConfiguration,
	ApiPrinterStatus as PrinterStatus,
	ApiPrintJobStatus as PrintJobStatus,
} from './status/model';
