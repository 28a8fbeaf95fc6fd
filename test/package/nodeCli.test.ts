/**
 * `n8n-node lint` (@n8n/node-cli) in strict mode — `"strict": true` in package.json, which makes it insist
 * on n8n's default eslint.config.mjs — on exactly the package's files, staged into a temporary folder
 * (the repo's own eslint config also lints the emulator, tests and scripts, which are not node code), and
 * `n8n-node cloud-support` on the same folder.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runTool, stagePackage, toolDir } from './tools';

jest.setTimeout(20 * 60_000);

const PINNED = JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'versions.json'), 'utf8')).tools['@n8n/node-cli'];

describe(`n8n-node (@n8n/node-cli ${PINNED}) on the staged package`, () => {
	let tool: string;
	let cli: string;
	const stages: string[] = [];

	beforeAll(() => {
		tool = toolDir('@n8n/node-cli');
		cli = join(tool, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs');
		expect(JSON.parse(readFileSync(join(tool, 'node_modules', '@n8n', 'node-cli', 'package.json'), 'utf8')).version).toBe(PINNED);
	});

	afterAll(() => {
		for (const dir of stages) rmSync(dir, { recursive: true, force: true });
	});

	const stage = (edit?: (dir: string) => void) => {
		const dir = stagePackage(tool, edit);
		stages.push(dir);
		return dir;
	};

	test('lint passes in strict mode with the default config, without an error', () => {
		const run = runTool(process.execPath, [cli, 'lint'], stage());
		expect({ status: run.status, output: run.output }).toMatchObject({ status: 0 });
		expect(run.output).toContain('n8n-node lint');
		expect(run.output).not.toContain('Strict mode violation');
		// ESLint's summary ("✖ 2 problems (0 errors, 2 warnings)") only appears when something was reported;
		// warnings do not fail n8n's lint (they are printed for the maintainers), errors do.
		const errors = /\((\d+) errors?,/.exec(run.output)?.[1] ?? '0';
		expect({ errors, output: run.output }).toMatchObject({ errors: '0' });
	});

	test('cloud-support reports the package eligible for n8n Cloud verification', () => {
		const run = runTool(process.execPath, [cli, 'cloud-support'], stage());
		expect(run.status).toBe(0);
		expect(run.output).toContain('Cloud support is ENABLED');
		expect(run.output).toMatch(/Status: eligible for n8n Cloud verification/);
	});

	test('negative control: a console call and a process read in a node file fail the strict lint', () => {
		const dir = stage((staged) => {
			const file = join(staged, 'nodes', 'UltimakerDigitalFactory', 'UltimakerDigitalFactory.node.ts');
			writeFileSync(file, `${readFileSync(file, 'utf8')}\nconsole.log(process.env.HOME);\n`);
		});
		const run = runTool(process.execPath, [cli, 'lint'], dir);
		expect(run.status).not.toBe(0);
		expect(run.output).toContain('no-console');
		expect(run.output).toContain('@n8n/community-nodes/no-restricted-globals');
	});
});
