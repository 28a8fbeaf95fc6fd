/**
 * n8n's own package tools (@n8n/scan-community-package, @n8n/node-cli) for the package checks. They are big,
 * so they live in cache folders outside the repo (scripts/install-tools.sh, versions pinned in
 * scripts/versions.json), installed here on first use, never by the repo's or the demo's npm install.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export type ToolName = '@n8n/node-cli' | '@n8n/scan-community-package';

/** The cache folder holding the pinned version of a tool (installing it when missing, ~1-2 min). */
export function toolDir(name: ToolName): string {
	const result = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'install-tools.sh')], {
		env: toolEnv({ TOOL: name }),
		encoding: 'utf8',
		maxBuffer: 16 * 1024 * 1024,
		timeout: 15 * 60_000,
	});
	const line = (result.stdout ?? '').split('\n').find((candidate) => candidate.startsWith(`${name} `));
	if (result.status !== 0 || !line) {
		throw new Error(`Installing ${name} failed (exit ${result.status}).\n${String(result.stderr ?? '').slice(-4000)}`);
	}
	return line.slice(name.length + 1).trim();
}

/**
 * What the published package is made of, at the repo's top level: the shipped entry point and package
 * metadata, and the node and credential sources. Build and test tooling (gulpfile, jest and eslint configs,
 * emulator/, test/, scripts/, bench/) is not part of it.
 */
export const PACKAGE_SOURCES = ['package.json', 'tsconfig.json', 'index.js', 'README.md', 'LICENSE.md', 'nodes', 'credentials'];

/** n8n's default lint config, byte for byte what `n8n-node new` writes and strict mode insists on. */
export const DEFAULT_ESLINT_CONFIG = "import { config } from '@n8n/node-cli/eslint';\n\nexport default config;\n";

/**
 * A copy of the package's own files in a temporary folder, with n8n's default eslint.config.mjs and the
 * node-cli tool folder's node_modules (the config imports `@n8n/node-cli/eslint`; `n8n-node lint` runs the
 * eslint found there). `edit` may change the copy (negative controls).
 */
export function stagePackage(nodeCliDir: string, edit?: (stageDir: string) => void): string {
	const stage = mkdtempSync(join(tmpdir(), 'udf-stage-'));
	for (const entry of PACKAGE_SOURCES) cpSync(join(REPO_ROOT, entry), join(stage, entry), { recursive: true });
	writeFileSync(join(stage, 'eslint.config.mjs'), DEFAULT_ESLINT_CONFIG);
	symlinkSync(join(nodeCliDir, 'node_modules'), join(stage, 'node_modules'), 'dir');
	edit?.(stage);
	return stage;
}

/**
 * The environment n8n's tools run in, without what jest adds: eslint-plugin-n8n-nodes-base switches its
 * filename checks to a test mode when NODE_ENV is "test" (every node file is then "Test.node.ts").
 */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
	delete env.NODE_ENV;
	for (const key of Object.keys(env)) if (key.startsWith('JEST_')) delete env[key];
	return env;
}

export interface ToolRun {
	status: number | null;
	/** stdout + stderr, colours removed. */
	output: string;
}

export function runTool(command: string, args: string[], cwd: string, timeoutMs = 5 * 60_000): ToolRun {
	const result = spawnSync(command, args, {
		cwd,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
		timeout: timeoutMs,
		env: toolEnv({ FORCE_COLOR: '0', CI: '1' }),
	});
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
	// eslint-disable-next-line no-control-regex
	return { status: result.status, output: output.replace(/\u001b\[[0-9;]*m/g, '') };
}
