/** index.js, the programmatic entry: the node and credential classes, and a pure core that loads without n8n. */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const run = (script: string) => execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }).trim();

it('exports the classes and the pure core', () => {
	const names = JSON.parse(run("console.log(JSON.stringify(Object.keys(require('./index.js'))))")) as string[];
	for (const name of [
		'UltimakerDigitalFactory',
		'UltimakerDigitalFactoryTrigger',
		'UltimakerDigitalFactoryApi',
		'UltimakerDigitalFactoryOAuth2Api',
		'diffSnapshots',
		'TRIGGER_EVENTS',
		'registrationBody',
		'storageHeaders',
		'decideContentType',
		'inspectToolpath',
		'findPrinter',
		'nameWithReference',
		'splitReference',
		'blockedReason',
	]) {
		expect(names).toContain(name);
	}
	expect(run("const m = require('./index.js'); console.log(new m.UltimakerDigitalFactory().description.name)")).toBe('ultimakerDigitalFactory');
});

it('the core runs without loading n8n-workflow (a Node-RED package can use it)', () => {
	const script = `
		const core = require('./index.js');
		const result = core.diffSnapshots(undefined, [{ cluster_id: 'c', status: { printers: [], print_jobs: [] } }], { offlineAfterMissedPolls: 3 }, new Date());
		const decision = core.decideContentType('part.gcode', 'job');
		core.blockedReason({ configuration_changes_required: [{ type_of_change: 'material', index: 0, target_id: '506c9f0d-e3aa-4bd4-b2d2-23e2425b1aa9' }] });
		core.splitReference(core.nameWithReference('part.gcode', 'SO-1'));
		const loaded = Object.keys(require.cache).some((file) => file.includes('n8n-workflow'));
		console.log(JSON.stringify({ clusters: Object.keys(result.state.c), contentType: decision.contentType, loaded }));`;
	expect(JSON.parse(run(script))).toEqual({ clusters: ['c'], contentType: 'text/plain', loaded: false });
});

it('index.d.ts types the entry (a TypeScript consumer compiles against it)', () => {
	const consumer = join(ROOT, '.entry-types-check.ts');
	writeFileSync(
		consumer,
		"import { diffSnapshots, inspectToolpath, findPrinter, UltimakerDigitalFactory, type TriggerEvent } from './index';\n" +
			'const events: TriggerEvent[] = diffSnapshots(undefined, [], { offlineAfterMissedPolls: 1 }, new Date()).events;\n' +
			'void [events, inspectToolpath, findPrinter, UltimakerDigitalFactory];\n',
	);
	try {
		execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', consumer], { cwd: ROOT, encoding: 'utf8' });
	} finally {
		rmSync(consumer, { force: true });
	}
});
