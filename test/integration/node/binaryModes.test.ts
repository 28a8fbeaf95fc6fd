/**
 * The upload path for each place n8n keeps binary data: `database` (queue mode's default; stood in for by a manager
 * that behaves like n8n 2.8.4's DatabaseManager: whole-buffer reads, a stream that wraps one), `filesystem` (n8n-core's
 * real manager) and in-memory items. Against the emulator over real sockets, through n8n-core's ExecuteContext.
 */
import { randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import type { Emulator } from '../../../emulator';
import { startEmulator } from '../../../emulator';
import { UltimakerDigitalFactory } from '../../../nodes/UltimakerDigitalFactory/UltimakerDigitalFactory.node';
import { DATABASE_MODE_MAX_READ_BYTES } from '../../../nodes/UltimakerDigitalFactory/core/upload/plan';
import { inspectToolpath } from '../../../nodes/UltimakerDigitalFactory/core/toolpath';
import { withMaterialFigures } from '../../../nodes/UltimakerDigitalFactory/actions/toolpath/read';
import { buildUfp, GUID, griffinGcode, tinyPng } from '../../fixtures/toolpaths';
import type { BinaryDataManagerStandIn } from '../../helpers/n8nContext';
import { binaryDataStoragePath, inMemoryBinary, runNode, setBinaryDataManager, storeBinary } from '../../helpers/n8nContext';

jest.setTimeout(60_000);

/** What n8n 2.8.4's DatabaseManager does with the calls a node can reach, counting full reads. */
class DatabaseStandIn implements BinaryDataManagerStandIn {
	readonly files = new Map<string, { data?: Buffer; fileSize: number; fileName?: string; mimeType?: string }>();
	fullReads = 0;

	add(data: Buffer, fileName: string): IBinaryData {
		const fileId = randomUUID();
		this.files.set(fileId, { data, fileSize: data.length, fileName, mimeType: 'text/plain' });
		return { id: `database:${fileId}`, data: 'database', fileName, mimeType: 'text/plain', bytes: data.length };
	}

	/** A row whose metadata says `fileSize` without holding the bytes (reading it fails the test). */
	addSizeOnly(fileSize: number, fileName: string): IBinaryData {
		const fileId = randomUUID();
		this.files.set(fileId, { fileSize, fileName, mimeType: 'text/plain' });
		return { id: `database:${fileId}`, data: 'database', fileName, mimeType: 'text/plain', bytes: fileSize };
	}

	async init(): Promise<void> {}
	async store(): Promise<{ fileId: string; fileSize: number }> {
		throw new Error('not used');
	}
	getPath(fileId: string): string {
		return `database://${fileId}`;
	}
	async getAsBuffer(fileId: string): Promise<Buffer> {
		this.fullReads++;
		const file = this.files.get(fileId);
		if (!file?.data) throw new Error(`binary ${fileId} must not be read`);
		return file.data;
	}
	async getAsStream(fileId: string): Promise<Readable> {
		// n8n: `Readable.from(await this.getAsBuffer(fileId))`, chunk size ignored.
		return Readable.from(await this.getAsBuffer(fileId));
	}
	async getMetadata(fileId: string): Promise<{ fileName?: string; mimeType?: string; fileSize: number }> {
		const file = this.files.get(fileId);
		if (!file) throw new Error(`No binary data row for ${fileId}`);
		return { fileName: file.fileName, mimeType: file.mimeType, fileSize: file.fileSize };
	}
	async deleteMany(): Promise<void> {}
	async copyByFileId(): Promise<string> {
		throw new Error('not used');
	}
	async copyByFilePath(): Promise<{ fileId: string; fileSize: number }> {
		throw new Error('not used');
	}
	async rename(): Promise<void> {}
}

const nodeType = new UltimakerDigitalFactory();
const database = new DatabaseStandIn();
let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ port: 0, storagePort: 0, seed: 'binary-modes', speed: 0 });
	await setBinaryDataManager('database', database);
});
afterAll(async () => {
	await emu.close();
});
beforeEach(async () => {
	await emu.client.reset({ seed: 'binary-modes' });
	await emu.client.clearFaults();
	await emu.client.clearRequests();
	database.fullReads = 0;
});

function gcode(bytes: number): Buffer {
	const header = ';FLAVOR:Griffin\n;TARGET_MACHINE.NAME:Ultimaker S5\n;PRINT.TIME:600\n;END_OF_HEADER\n';
	return Buffer.concat([Buffer.from(header), Buffer.alloc(bytes - header.length, 'G1 X1 Y1\n')]);
}

async function upload(binary: IBinaryData): Promise<INodeExecutionData> {
	const output = await runNode({
		nodeType,
		parameters: { resource: 'job', operation: 'upload' },
		items: [{ json: {}, binary: { data: binary } }],
		credentials: { ultimakerDigitalFactoryApi: { apiToken: emu.apiToken, baseUrl: emu.url } },
	});
	return output[0][0];
}

async function uploadError(binary: IBinaryData): Promise<Error & { description?: string }> {
	try {
		await upload(binary);
	} catch (error) {
		return error as Error & { description?: string };
	}
	throw new Error('expected the upload to fail');
}

async function registrations(): Promise<unknown[]> {
	return await emu.client.requests({ server: 'api', path: '/cura/v1/jobs/upload' });
}

describe('database mode (queue mode default)', () => {
	test('uploads the exact bytes, reading the binary from n8n once', async () => {
		const data = gcode(300_000);
		const item = await upload(database.add(data, 'db.gcode'));
		expect(item.json).toMatchObject({ job_name: 'db.gcode', status: 'uploaded', file_size: data.length });
		expect(database.fullReads).toBe(1);
		const [put] = await emu.client.requests({ server: 'storage' });
		expect(put).toMatchObject({ method: 'PUT', status: 200, bodyBytes: data.length });
	});

	test('one-time URL: storage retries send the same buffer again: still one read from n8n for three attempts', async () => {
		await emu.client.setUploadUrlStyle('signed');
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'status', status: 503, count: 2 });
		const data = gcode(200_000);
		const item = await upload(database.add(data, 'retried.gcode'));
		expect(item.json.status).toBe('uploaded');
		const storage = await emu.client.requests({ server: 'storage' });
		expect(storage.map((entry) => entry.status)).toEqual([503, 503, 200]);
		expect(storage[2]!.bodyBytes).toBe(data.length);
		expect(database.fullReads).toBe(1);
	});

	test('a binary n8n cannot read back from Postgres fails before anything is registered, naming the mode and the fix', async () => {
		const error = await uploadError(database.addSizeOnly(DATABASE_MODE_MAX_READ_BYTES + 1, 'huge.gcode'));
		expect(error.message).toBe('"huge.gcode" (256.0 MiB) is too large for n8n\'s "database" binary data mode');
		expect(error.description).toContain('N8N_DEFAULT_BINARY_DATA_MODE=filesystem');
		expect(error.description).toContain('N8N_STORAGE_PATH');
		expect(error.description).toContain('shared');
		expect(error.description).toContain('N8N_DEFAULT_BINARY_DATA_MODE=s3');
		expect(error.description).toContain('Nothing was registered');
		expect(database.fullReads).toBe(0);
		expect(await registrations()).toHaveLength(0);
		expect(await emu.client.requests()).toHaveLength(0);
	});

	test('a binary whose row is gone fails before registration and says which mode', async () => {
		const error = await uploadError({ id: `database:${randomUUID()}`, data: 'database', fileName: 'gone.gcode', mimeType: 'text/plain' });
		expect(error.message).toBe('The binary data of "gone.gcode" is not available to this n8n process');
		expect(error.description).toContain('binary data mode "database"');
		expect(error.description).toContain('No binary data row');
		expect(await registrations()).toHaveLength(0);
	});
});

describe('Inspect toolpath in database mode', () => {
	const inspect = async (binary: IBinaryData) =>
		await runNode({ nodeType, parameters: { resource: 'toolpath', operation: 'inspect' }, items: [{ json: {}, binary: { data: binary } }], credentials: {} });

	test('a UFP (several regions of the zip) costs one read of the binary, not one per region', async () => {
		const ufp = buildUfp({ gcode: griffinGcode({ extruders: [{ guid: GUID.genericPla }] }), thumbnail: tinyPng(8) });
		const output = await inspect(database.add(ufp, 'bracket.ufp'));
		// What the core reads, plus the material figures Inspect toolpath adds.
		expect(output[0][0].json).toEqual(withMaterialFigures((await inspectToolpath(ufp, { fileName: 'bracket.ufp', mimeType: 'text/plain' })).json));
		expect(output[0][0].json).toMatchObject({ has_thumbnail: true, machine: 'Ultimaker S5' });
		expect(database.fullReads).toBe(1);
	});

	test('a binary n8n cannot read back from Postgres is refused without reading it (the Postgres driver under n8n would fail on it)', async () => {
		const failure = await inspect(database.addSizeOnly(DATABASE_MODE_MAX_READ_BYTES + 1, 'huge.ufp')).then(
			() => undefined,
			(error: Error & { description?: string }) => error,
		);
		expect(failure?.message).toBe('"huge.ufp" (256.0 MiB) is too large for n8n\'s "database" binary data mode');
		expect(failure?.description).toContain('N8N_DEFAULT_BINARY_DATA_MODE=filesystem');
		expect(database.fullReads).toBe(0);
	});
});

describe('filesystem mode', () => {
	test('a file missing on this n8n process (storage folder not shared with the main) fails before registration', async () => {
		const binary = await storeBinary(gcode(10_000), { fileName: 'elsewhere.gcode', mimeType: 'text/plain' });
		// What a worker sees when the main wrote the file into a folder only the main has.
		const fileId = binary.id!.split(':')[1]!;
		const path = join(binaryDataStoragePath(), fileId);
		for (const suffix of ['', '.metadata']) rmSync(path + suffix);
		const error = await uploadError(binary);
		expect(error.message).toBe('The binary data of "elsewhere.gcode" is not available to this n8n process');
		expect(error.description).toContain('"filesystem" binary data mode');
		expect(error.description).toContain('same N8N_STORAGE_PATH on a shared volume');
		expect(await registrations()).toHaveLength(0);
	});

	test('one-time URL: is streamed from disk on every attempt, with the declared length', async () => {
		await emu.client.setUploadUrlStyle('signed');
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'status', status: 503, count: 1 });
		const data = gcode(3 * 1024 * 1024);
		const binary = await storeBinary(data, { fileName: 'streamed.gcode', mimeType: 'text/plain' });
		expect(statSync(join(binaryDataStoragePath(), binary.id!.split(':')[1]!)).size).toBe(data.length);
		const item = await upload(binary);
		expect(item.json).toMatchObject({ status: 'uploaded', file_size: data.length });
		const storage = await emu.client.requests({ server: 'storage' });
		expect(storage.map((entry) => [entry.status, entry.bodyBytes])).toEqual([
			[503, expect.any(Number)],
			[200, data.length],
		]);
		expect(storage[1]!.headers['content-length']).toBe(String(data.length));
	});
});

test('one-time URL: in-memory binary data (no id): one decoded buffer, sent whole on every attempt', async () => {
	await emu.client.setUploadUrlStyle('signed');
	await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'status', status: 503, count: 1 });
	const data = gcode(50_000);
	const item = await upload(inMemoryBinary(data, { fileName: 'memory.gcode', mimeType: 'text/plain' }));
	expect(item.json).toMatchObject({ status: 'uploaded', file_size: data.length });
	const storage = await emu.client.requests({ server: 'storage' });
	expect(storage.map((entry) => entry.status)).toEqual([503, 200]);
	expect(storage[1]!.bodyBytes).toBe(data.length);
});

describe('a resumable session dropped at 60 %: the upload continues from the bytes storage kept, in every mode', () => {
	const data = gcode(3 * 1024 * 1024 + 777);
	test.each([
		['database (the one buffer, sliced)', () => database.add(data, 'db-resumed.gcode')],
		['filesystem (a fresh stream, the kept bytes skipped)', () => storeBinary(data, { fileName: 'fs-resumed.gcode', mimeType: 'text/plain' })],
		['in-memory (the one decoded buffer, sliced)', () => inMemoryBinary(data, { fileName: 'memory-resumed.gcode', mimeType: 'text/plain' })],
	])('%s', async (_mode, binaryOf) => {
		await emu.client.addFault({ method: 'PUT', path: '/upload/*', kind: 'dropMidBody', fraction: 0.6 });
		const item = await upload(await binaryOf());
		expect(item.json).toMatchObject({ status: 'uploaded', file_size: data.length });
		const [dropped, query, rest, ...more] = await emu.client.requests({ server: 'storage' });
		expect(more).toEqual([]);
		expect(dropped).toMatchObject({ status: 0, fault: 'dropMidBody', headers: expect.not.objectContaining({ 'content-range': expect.anything() }) });
		expect(query).toMatchObject({ status: 308, bodyBytes: 0, headers: expect.objectContaining({ 'content-range': `bytes */${data.length}` }) });
		const offset = Number(/^bytes (\d+)-/.exec(rest!.headers['content-range'] ?? '')?.[1]);
		expect(offset % (256 * 1024)).toBe(0);
		// Storage keeps what arrived before the drop (at 60 % of the body), in whole 256 KiB units.
		expect(offset).toBeGreaterThan(data.length * 0.6 - 1024 * 1024);
		expect(offset).toBeLessThanOrEqual(data.length * 0.6);
		expect(rest).toMatchObject({ status: 200, bodyBytes: data.length - offset });
		expect(rest!.headers['content-length']).toBe(String(data.length - offset));
		expect(rest!.headers['content-range']).toBe(`bytes ${offset}-${data.length - 1}/${data.length}`);
		if (_mode.startsWith('database')) expect(database.fullReads).toBe(1);
	});
});
