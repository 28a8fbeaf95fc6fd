export { diffSnapshots, emptyState, isTriggerState, jobTransitionNames } from './diff';
export { hasStarted, jobPhase, terminalOutcome } from './jobStatus';
export { terminalKey } from './items';
export type { JobPhase, TerminalOutcome } from './jobStatus';
export * from './types';
export { filterEvents, sampleEvents } from './sample';
