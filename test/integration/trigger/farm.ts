/**
 * What the trigger's tests and the snapshot recorder (test/fixtures/snapshots/record.ts) do to an emulated farm
 * beyond single calls of the emulator client: print a small G-code of a given length, and read `/clusters` +
 * `/status` the way the trigger does.
 */
import type { EmulatorClient } from '../../../emulator';
import type { ApiClusterStatus, ClusterObservation } from '../../../nodes/UltimakerDigitalFactory/core/events';
import { clusterLabel } from '../../../nodes/UltimakerDigitalFactory/core/status/clusters';

/** A small G-code file whose header says it prints for `printSeconds` (with these materials, on AA 0.4 cores). */
export function timedGcode(printSeconds: number, materialGuids: string[] = []): string {
	const extruders = materialGuids.map((guid, i) => `;EXTRUDER_TRAIN.${i}.MATERIAL.GUID:${guid}\n;EXTRUDER_TRAIN.${i}.NOZZLE.NAME:AA 0.4\n`).join('');
	return `;FLAVOR:Griffin\n;PRINT.TIME:${printSeconds}\n;TARGET_MACHINE.NAME:Ultimaker S5\n${extruders}G28\nG1 X10 Y10\n`;
}

/** Uploads a G-code that prints for `printSeconds` and sends it to a cluster; the print job's uuid. */
export async function uploadAndPrint(emulator: EmulatorClient, clusterId: string, name: string, printSeconds: number, materialGuids: string[] = []): Promise<string> {
	const jobId = await emulator.uploadJob(name, timedGcode(printSeconds, materialGuids));
	return (await emulator.sendPrint(clusterId, jobId)).cluster_job_id as string;
}

/** What the trigger sees for every cluster (list + status) as diff observations; a failed status read is unreachable. */
export async function observe(emulator: EmulatorClient): Promise<ClusterObservation[]> {
	const clusters = await emulator.clusters();
	return Promise.all(
		clusters.map(async (cluster): Promise<ClusterObservation> => {
			// The trigger labels a cluster by friendly_name, else host_name, else its id.
			const base = { cluster_id: cluster.cluster_id as string, friendly_name: clusterLabel({ cluster_id: cluster.cluster_id, friendly_name: cluster.friendly_name, host_name: cluster.host_name }), is_online: cluster.is_online as boolean };
			try {
				return { ...base, status: (await emulator.clusterStatus(cluster.cluster_id)) as ApiClusterStatus };
			} catch {
				return { ...base, unreachable: true };
			}
		}),
	);
}
