export { diffSnapshots } from './diff';
export { emptyState, isTriggerState, knownClusters } from './memory';
export { terminalKey } from './items';
export * from './types';
export { filterEvents, sampleEvents } from './sample';
