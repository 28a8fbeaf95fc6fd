/**
 * Projects: unit (pure logic), integration (real sockets against the emulator), package (what would be
 * published, checked with n8n's own scanner and CLI), node-red (the Node-RED package in real Node-RED), and the end-to-end tests in real n8n — once on the
 * newest and once on the oldest n8n we support (scripts/versions.json). `N8N_VERSION=<x>` (a version, or
 * `latest`/`oldest`) replaces those two with a single project `e2e` on n8n <x>.
 */
const versions = require('./scripts/versions.json').n8n;

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }];
// secretScan.setup: fails a test file whose logs, node outputs or node errors contain a test token (test/helpers/secrets.ts).
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'json'],
	setupFilesAfterEnv: ['<rootDir>/test/helpers/secretScan.setup.ts'],
	// Scratch folders of the demo, the screenshots and the e2e runs (Node-RED user folders with package.json files).
	modulePathIgnorePatterns: ['<rootDir>/.demo/', '<rootDir>/.e2e/', '<rootDir>/.bench/'],
};

/** The e2e harness reads the n8n version under test from this global (test/e2e/harness.ts). */
const e2e = (displayName, n8nVersion) => ({
	...common,
	displayName,
	testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
	globals: { __N8N_VERSION__: n8nVersion },
});

const wanted = process.env.N8N_VERSION;
const e2eProjects = wanted
	? [e2e('e2e', versions[wanted] ?? wanted)]
	: [e2e('e2e-latest', versions.latest), e2e('e2e-oldest', versions.oldest)];

module.exports = {
	// The end-to-end suites spend much of their time waiting for n8n (one-minute polls, a killed main's outage), so
	// four workers on a 2-core machine keep both cores busy (docs/compatibility.md: 3 → 4 workers, 2026-12-04).
	maxWorkers: 4,
	// Longest files first also on a fresh clone, where jest has no timings yet (test/slowestFirstSequencer.js).
	testSequencer: '<rootDir>/test/slowestFirstSequencer.js',
	// test.concurrent rows (the fault table) that mostly wait on backoffs and recovery windows: ten at a time.
	maxConcurrency: 10,
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
		{ ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'] },
		// The Node-RED package: its nodes in node-red-node-test-helper and a real Node-RED runtime (Node 24).
		{ ...common, displayName: 'node-red', testMatch: ['<rootDir>/test/node-red/**/*.test.ts'], globalSetup: '<rootDir>/test/node-red/globalSetup.js' },
		...e2eProjects,
	],
};
