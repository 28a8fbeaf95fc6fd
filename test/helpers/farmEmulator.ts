/**
 * One emulator per test file, serving the file's farm: started before all its tests, closed after them, and before
 * each test reset to the farm (same seed) with no faults and an empty request log, so every test starts alike.
 *
 *   let emu: Emulator;
 *   useFarmEmulator('dispatch-tests', FARM, (started) => (emu = started));
 */
import { startEmulator } from '../../emulator';
import type { Emulator } from '../../emulator';
import type { ClusterSpec } from '../../emulator/state';

export interface FarmEmulatorOptions {
	/** Runs after the reset and before the request log is cleared (e.g. to look up a cluster id). */
	afterReset?: (emu: Emulator) => Promise<void>;
}

export function useFarmEmulator(seed: string, farm: ClusterSpec[], started: (emu: Emulator) => void, options: FarmEmulatorOptions = {}): void {
	let emu: Emulator | undefined;
	beforeAll(async () => {
		emu = await startEmulator({ port: 0, storagePort: 0, seed, speed: 0, farm });
		started(emu);
	});
	afterAll(async () => {
		await emu?.close();
	});
	beforeEach(async () => {
		await emu!.client.reset({ seed, farm });
		await options.afterReset?.(emu!);
		await emu!.client.clearFaults();
		await emu!.client.clearRequests();
	});
}
