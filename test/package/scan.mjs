// Runs n8n's verification scanner logic — `analyzePackage` from @n8n/scan-community-package, imported from
// its cache folder — on a source folder and an unpacked tarball, with the file patterns its
// `analyzePackageByName` uses for the two legs. ESM because the scanner is; jest runs this in a child process.
//   node scan.mjs <tool folder> <source folder> <unpacked tarball folder>
// Prints {"source": result, "tarball": result}; each result carries the number of files the leg matched.
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [toolDir, sourceDir, tarballDir] = process.argv.slice(2);
const packageDir = join(toolDir, 'node_modules', '@n8n', 'scan-community-package');
const scanner = await import(pathToFileURL(join(packageDir, 'scanner', 'scanner.mjs')).href);
const glob = createRequire(join(packageDir, 'package.json'))('fast-glob');

async function leg(dir, patterns) {
	if (!dir) return undefined;
	const files = glob.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] });
	const { passed, message, details } = await scanner.analyzePackage(dir, patterns);
	return { passed, message, details, files: files.length };
}

const result = {
	version: createRequire(import.meta.url)(join(packageDir, 'package.json')).version,
	// The provenance-attested source checkout: package.json plus nodes/ and credentials/.
	source: await leg(sourceDir, scanner.SOURCE_FILE_PATTERNS),
	// The published tarball: compiled JavaScript and the published package.json.
	tarball: await leg(tarballDir, ['**/*.js', 'package.json']),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
