/**
 * Storage says the bytes are complete, but Digital Factory never confirms the upload (its processing does not end
 * within the node's one-minute wait): the error says what is known and advises nothing that would hide an
 * incomplete file. The emulator's processing takes ten minutes, far past the node's wait.
 */
import type { Emulator } from '../../../emulator';
import { startEmulator } from '../../../emulator';
import { actionError, apiTokenCredentials } from '../../helpers/actionNode';
import { inMemoryBinary } from '../../helpers/n8nContext';

// The node polls Digital Factory for a minute (core/upload/plan.ts uploadPollDelaysMs) before it gives up.
const WAIT_BUDGET_MS = 60_000 + 60_000;

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator({ port: 0, storagePort: 0, speed: 0, uploadProcessingMs: 10 * 60_000 });
});
afterAll(async () => {
	await emu.close();
});

test(
	'storage complete, Digital Factory still "uploading" after a minute → says both, suggests no shortcut, nothing printed',
	async () => {
		const error = await actionError({
			parameters: { resource: 'job', operation: 'upload' },
			items: [{ json: {}, binary: { data: inMemoryBinary(Buffer.from(';FLAVOR:Griffin\nG28\n'), { fileName: 'part.gcode', mimeType: 'text/x.gcode' }) } }],
			credentials: apiTokenCredentials(emu, { origin: '' }),
		});
		expect(error.message).toBe('Storage reports "part.gcode" complete, but Digital Factory has not confirmed the upload');
		expect(error.description).toMatch(/still reports "uploading" after a minute/);
		expect(error.description).toMatch(/nothing was sent to a printer/);
		expect(error.description).not.toMatch(/Wait for Upload/);
		expect(error.description).not.toMatch(/\bis stored\b/);
		expect((await emu.client.requests({ server: 'api' })).some((entry) => entry.method === 'POST')).toBe(false);
	},
	WAIT_BUDGET_MS,
);
