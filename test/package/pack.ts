/** `npm pack` of the repo into a temporary folder: npm's file list and the unpacked tarball. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './tools';

export interface PackedFile {
	path: string;
	size: number;
}

export interface Packed {
	/** npm's own report (`npm pack --json`). */
	name: string;
	version: string;
	size: number;
	unpackedSize: number;
	files: PackedFile[];
	/** The .tgz and the folder it was unpacked into (the `package/` prefix stripped, as the scanner does). */
	tarball: string;
	dir: string;
}

export function packRepo(): Packed {
	const work = mkdtempSync(join(tmpdir(), 'udf-pack-'));
	const result = spawnSync('npm', ['pack', '--json', '--pack-destination', work], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		// The repo's .npmrc already sets ignore-scripts; said again so no prepack hook can build into the tarball.
		env: { ...process.env, npm_config_ignore_scripts: 'true' },
	});
	if (result.status !== 0) throw new Error(`npm pack failed (exit ${result.status}):\n${result.stderr}`);
	const [report] = JSON.parse(result.stdout) as Array<Omit<Packed, 'tarball' | 'dir'> & { filename: string }>;
	const tarball = join(work, report.filename);
	const dir = join(work, 'package');
	mkdirSync(dir);
	const untar = spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], { encoding: 'utf8' });
	if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
	return { ...report, tarball, dir };
}
