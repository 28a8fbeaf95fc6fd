/**
 * What `npm publish` would upload: `npm pack` of the built repo (npm test builds first). Only the shipped
 * files, within a size bound, no sources, tests or tooling, no source map pointing at a file that is not
 * shipped, and every node and credential n8n loads is there and loads from the unpacked tarball.
 */
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { packRepo, type Packed } from './pack';
import { REPO_ROOT } from './tools';

/** Raise deliberately when the package really grows (the figures are printed by the size test). */
const MAX_PACKED_BYTES = 256 * 1024;
const MAX_UNPACKED_BYTES = 1536 * 1024;

const SHIPPED = [
	/^(package\.json|README\.md|LICENSE\.md|index\.js|index\.d\.ts)$/,
	// Compiled nodes and credentials, their type declarations, icons and codex/schema JSON.
	/^dist\/(nodes|credentials)\/.+\.(js|d\.ts|svg|png|json)$/,
];

interface N8nSection {
	nodes: string[];
	credentials: string[];
}

describe('the packed tarball (npm pack)', () => {
	let packed: Packed;
	let paths: Set<string>;
	const repoPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

	beforeAll(() => {
		if (!existsSync(join(REPO_ROOT, 'dist', 'nodes'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
		packed = packRepo();
		paths = new Set(packed.files.map((file) => file.path));
	});

	afterAll(() => {
		if (packed) rmSync(dirname(packed.dir), { recursive: true, force: true });
	});

	test('holds only the shipped files: no TypeScript sources, tests, fixtures or tooling', () => {
		const unexpected = [...paths].filter((path) => !SHIPPED.some((pattern) => pattern.test(path)));
		expect(unexpected).toEqual([]);
		const sources = [...paths].filter((path) => /\.(ts|mts|cts)$/.test(path) && !path.endsWith('.d.ts'));
		expect(sources).toEqual([]);
		const tooling = [...paths].filter((path) => /(^|\/)(test|tests|emulator|scripts|bench|examples|docs|fixtures|node_modules)\//.test(path));
		expect(tooling).toEqual([]);
		expect(paths.has('package.json')).toBe(true);
		expect(paths.has('README.md')).toBe(true);
		expect(paths.has('LICENSE.md')).toBe(true);
	});

	test('every node and credential listed under package.json "n8n" is shipped', () => {
		const n8n = repoPackage.n8n as N8nSection;
		const listed = [...n8n.nodes, ...n8n.credentials];
		expect(listed.length).toBeGreaterThanOrEqual(4);
		expect(listed.filter((file) => !paths.has(file))).toEqual([]);
	});

	test('no source map, and no sourceMappingURL comment, points at a file that is not shipped', () => {
		const broken: string[] = [];
		for (const path of paths) {
			if (path.endsWith('.js')) {
				const text = readFileSync(join(packed.dir, path), 'utf8');
				for (const match of text.matchAll(/\/\/# sourceMappingURL=(\S+)/g)) {
					if (match[1].startsWith('data:')) continue;
					const target = posix.join(posix.dirname(path), match[1]);
					if (!paths.has(target)) broken.push(`${path} → ${target}`);
				}
			}
			if (path.endsWith('.map')) {
				const map = JSON.parse(readFileSync(join(packed.dir, path), 'utf8')) as { sources?: string[]; sourcesContent?: unknown[] };
				(map.sources ?? []).forEach((source, index) => {
					const target = posix.join(posix.dirname(path), source);
					if (!paths.has(target) && typeof map.sourcesContent?.[index] !== 'string') broken.push(`${path} → ${target}`);
				});
			}
		}
		expect(broken).toEqual([]);
	});

	test(`stays under ${MAX_PACKED_BYTES / 1024} KiB packed and ${MAX_UNPACKED_BYTES / 1024} KiB unpacked`, () => {
		process.stdout.write(
			`npm pack: ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} KiB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked\n`,
		);
		expect(packed.size).toBeLessThan(MAX_PACKED_BYTES);
		expect(packed.unpackedSize).toBeLessThan(MAX_UNPACKED_BYTES);
	});

	test('the published package.json: no runtime dependencies, n8n-workflow as the only peer, MIT, strict', () => {
		const published = JSON.parse(readFileSync(join(packed.dir, 'package.json'), 'utf8'));
		expect(published.name).toBe('n8n-nodes-ultimaker');
		expect(published.dependencies ?? {}).toEqual({});
		expect(published.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(published.license).toBe('MIT');
		expect(published.keywords).toContain('n8n-community-node-package');
		expect(published.n8n.strict).toBe(true);
		expect(published.overrides).toBeUndefined();
	});

	test('loads from the unpacked tarball: every listed class instantiates, icons are shipped, index.js exports the classes', () => {
		// n8n provides n8n-workflow (the peer dependency) to the packages it loads; the repo's copy stands in.
		symlinkSync(join(REPO_ROOT, 'node_modules'), join(packed.dir, 'node_modules'), 'dir');
		const n8n = repoPackage.n8n as N8nSection;
		// Node's own loader, as n8n uses it (not jest's module registry).
		const load = createRequire(join(packed.dir, 'package.json'));
		const loaded: string[] = [];
		for (const file of [...n8n.nodes, ...n8n.credentials]) {
			const exports = load(join(packed.dir, file)) as Record<string, new () => any>;
			const classes = Object.values(exports).filter((value) => typeof value === 'function');
			expect(classes).toHaveLength(1);
			const instance = new classes[0]();
			const icon = (instance.description ?? instance).icon as { light: string; dark: string };
			for (const variant of [icon.light, icon.dark]) {
				expect(variant).toMatch(/^file:/);
				const iconPath = posix.normalize(posix.join(posix.dirname(file), variant.slice('file:'.length)));
				expect(paths.has(iconPath)).toBe(true);
			}
			loaded.push(instance.description?.name ?? instance.name);
		}
		expect(loaded.sort()).toEqual([
			'ultimakerDigitalFactory',
			'ultimakerDigitalFactoryApi',
			'ultimakerDigitalFactoryOAuth2Api',
			'ultimakerDigitalFactoryTrigger',
			'ultimakerLocalNetworkApi',
		]);
		// index.js: the classes (and the pure core) for programmatic use.
		const entry = load(join(packed.dir, 'index.js')) as Record<string, unknown>;
		for (const name of ['UltimakerDigitalFactory', 'UltimakerDigitalFactoryApi', 'UltimakerDigitalFactoryOAuth2Api', 'UltimakerDigitalFactoryTrigger']) {
			expect({ name, type: typeof entry[name] }).toEqual({ name, type: 'function' });
		}
	});
});
