/**
 * Projects: unit (pure logic), integration (real sockets against the emulator), package (what would be
 * published, checked with n8n's own scanner and CLI), e2e (real n8n).
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }];
// secretScan.setup: fails a test file whose logs, node outputs or node errors contain a test token (test/helpers/secrets.ts).
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'json'],
	setupFilesAfterEnv: ['<rootDir>/test/helpers/secretScan.setup.ts'],
};

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
		{ ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
	],
};
