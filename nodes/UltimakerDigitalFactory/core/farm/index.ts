/** Printer matching for farm dispatch (pure, no n8n): the public API of this folder. */
export {
	findPrinter,
	bestCandidates,
	describeRejections,
	compareCandidates,
	scoreOf,
	clusterName,
	printerName,
} from './match';
export { rejectionReasons, OFFLINE, DISABLED } from './eligibility';
export { jobsOf, secondsUntilFree } from './workload';
export { parseRequirements, requirementsFromInspection } from './requirements';
export type { RequirementsParameters } from './requirements';
export { RequirementsProblem, isRequirementsProblem } from './problems';
export type { RequirementsProblemCode } from './problems';
export {
	MATERIAL_SOURCE,
	coreCompatibility,
	compatiblePrintCores,
	findMaterial,
	materialName,
	readableMaterialName,
	machineKey,
	sameMachine,
} from '../materials';
export type { CoreCompatibility, MaterialRecord } from '../materials';
export type {
	Candidate,
	ClusterSnapshot,
	ExtruderRequirement,
	JobRequirements,
	PrinterMatch,
	Rejected,
} from './types';
