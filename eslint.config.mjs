// n8n's community-node lint, as `@n8n/node-cli/eslint` assembles it (same plugins and rule sets),
// wired here directly so the lint does not pull the CLI's AI SDK. Node code gets every rule;
// the emulator, tests, scripts and benchmarks are tools that legitimately use process and console.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodes = n8nCommunityNodesPlugin.configs.recommended;

export default tseslint.config(
	globalIgnores(['dist', 'node_modules', 'coverage', '**/*.js', '**/*.mjs', 'index.d.ts', 'node-red/lib', 'node-red/shared']),
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, communityNodes, importX.configs['flat/recommended'], importX.flatConfigs.typescript],
		rules: { 'prefer-spread': 'off', 'no-console': 'error', 'import-x/no-named-as-default-member': 'off' },
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
	},
	{
		files: ['package.json'],
		extends: [communityNodes],
		rules: { ...n8nNodesBase.configs.community.rules },
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		files: ['./credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['./nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// The package's boundaries, checked on every import: the pure core (nodes/…/core) imports only the core
		// and types from n8n-workflow, so it runs without n8n or HTTP (index.js exports it; Node-RED reuses it);
		// the emulator imports nothing from the nodes; and no two files import each other, directly or round about.
		files: ['**/*.ts'],
		rules: {
			'import-x/no-cycle': 'error',
			'import-x/no-restricted-paths': [
				'error',
				{
					zones: [
						{
							target: './nodes/UltimakerDigitalFactory/core',
							from: './nodes/UltimakerDigitalFactory',
							except: ['./core'],
							message: 'core/ is pure: it imports only core/. Move the I/O to connections/ or the wiring to actions/.',
						},
						{
							target: './nodes/UltimakerDigitalFactory/core',
							from: ['./credentials', './emulator', './test', './scripts', './bench'],
							message: 'core/ is pure: it imports only core/.',
						},
						{ target: './emulator', from: ['./nodes', './credentials'], message: 'The emulator imports nothing from the nodes.' },
					],
				},
			],
		},
	},
	{
		files: ['nodes/UltimakerDigitalFactory/core/**/*.ts'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					paths: [{ name: 'n8n-workflow', allowTypeImports: true, message: 'core/ takes only types from n8n-workflow.' }],
					patterns: [{ regex: '^(?!\\.|n8n-workflow$)', message: 'core/ imports only core/ (relative paths) and types from n8n-workflow.' }],
				},
			],
		},
	},
	{
		// Tools, not node code: they run as their own processes. The Node-RED host (node-red/src) is not n8n node code
		// either: Node-RED's nodes use timers and Node's http, and n8n's community-node rules do not apply to them.
		files: ['emulator/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'node-red/src/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/no-http-request-with-manual-auth': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
);
