/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after another (each measures its own
 * memory, and they must not compete for the two cores), and prints what each reported.
 * A bench prints its own Markdown table to stdout and writes its raw figures to .bench/<name>.json.
 * `npm run bench -- upload trigger` runs only the benches whose names contain one of the words.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const benchDir = __dirname;
const filters = process.argv.slice(2);
const benches = readdirSync(benchDir)
	.filter((file) => file.endsWith('.bench.ts'))
	.filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
	.sort();

mkdirSync(join(benchDir, '..', '.bench'), { recursive: true });
console.log(
	`# Benchmarks — ${new Date().toISOString()} — node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB\n`,
);

let failed = 0;
for (const file of benches) {
	console.log(`## ${file.replace('.bench.ts', '')}\n`);
	const tsx = require.resolve('tsx/cli');
	const result = spawnSync(process.execPath, ['--expose-gc', tsx, join(benchDir, file)], { stdio: 'inherit' });
	if (result.status !== 0) {
		failed++;
		console.log(`\n**${file} failed (exit ${result.status ?? result.signal}).**\n`);
	}
}
process.exit(failed === 0 ? 0 : 1);
