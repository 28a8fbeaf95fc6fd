/**
 * n8n's verification scanner (@n8n/scan-community-package, its own `analyzePackage`, run by ./scan.mjs) on
 * the source — package.json, nodes/, credentials/, as the provenance-attested checkout would hold them — and
 * on the packed tarball. The scanner lints with inline config off, so an eslint-disable comment does not
 * hide anything from it; the negative control proves the gate is live.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packRepo, type Packed } from './pack';
import { REPO_ROOT, toolDir, toolEnv } from './tools';

jest.setTimeout(20 * 60_000);

interface Leg {
	passed: boolean;
	message?: string;
	details?: string;
	files: number;
}

const PINNED = JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'versions.json'), 'utf8')).tools['@n8n/scan-community-package'];

describe(`n8n's scanner (@n8n/scan-community-package ${PINNED})`, () => {
	let tool: string;
	let packed: Packed;
	const temporary: string[] = [];

	beforeAll(() => {
		tool = toolDir('@n8n/scan-community-package');
		packed = packRepo();
		temporary.push(dirname(packed.dir));
	});

	afterAll(() => {
		for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
	});

	function scan(sourceDir: string, tarballDir = ''): { version: string; source?: Leg; tarball?: Leg } {
		const result = spawnSync(process.execPath, [join(__dirname, 'scan.mjs'), tool, sourceDir, tarballDir], {
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
			timeout: 10 * 60_000,
			env: toolEnv(),
		});
		const line = (result.stdout ?? '').trim().split('\n').pop() ?? '';
		if (result.status !== 0 || !line.startsWith('{')) {
			throw new Error(`scan.mjs failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
		}
		return JSON.parse(line);
	}

	function sourceCopy(): string {
		const dir = mkdtempSync(join(tmpdir(), 'udf-scan-src-'));
		temporary.push(dir);
		for (const entry of ['package.json', 'nodes', 'credentials']) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
		return dir;
	}

	test('passes on the source and on the packed tarball', () => {
		const result = scan(sourceCopy(), packed.dir);
		expect(result.version).toBe(PINNED);
		const report = (leg?: Leg) => `${leg?.message ?? ''}\n${leg?.details ?? ''}`;
		expect({ passed: result.source?.passed, report: report(result.source) }).toEqual({ passed: true, report: '\n' });
		expect({ passed: result.tarball?.passed, report: report(result.tarball) }).toEqual({ passed: true, report: '\n' });
		// The legs really looked at the package (an empty match passes with "No files found").
		expect(result.source!.files).toBeGreaterThan(20);
		expect(result.tarball!.files).toBeGreaterThan(20);
	});

	test('negative control: a violation behind an eslint-disable comment still fails the source leg', () => {
		const dir = sourceCopy();
		const file = join(dir, 'credentials', 'UltimakerDigitalFactoryApi.credentials.ts');
		const text = readFileSync(file, 'utf8');
		const disabled = text.replace(
			/\n(\s*)displayName = 'Ultimaker Digital Factory API';/,
			"\n$1// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api\n$1displayName = 'Ultimaker Digital Factory API Token';",
		);
		expect(disabled).not.toBe(text);
		writeFileSync(file, disabled);
		const result = scan(dir);
		expect(result.source?.passed).toBe(false);
		expect(result.source?.details).toContain('n8n-nodes-base/cred-class-field-display-name-missing-api');
	});
});
