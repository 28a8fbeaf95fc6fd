/**
 * Jest's order of test files, with one fix for a fresh clone (CI): jest runs the files it has timings for from
 * the longest down, and without timings — nothing cached yet — by file size. By size, the short but slow
 * test/e2e/identity.test.ts (~190 s, most of it waiting for n8n's one-minute polls) started last, and the run
 * ended minutes after everything else. So, when jest has no timings, the files below go first, longest first, in
 * the durations measured in a fresh clone (2026-12-05, docs/compatibility.md); the rest keep jest's order.
 */
const Sequencer = require('@jest/test-sequencer').default;
const { relative } = require('node:path');

/** Seconds per file (each e2e file runs once per n8n version), from `jest --json` of a fresh clone's run. */
const MEASURED_SECONDS = {
	'test/e2e/queue.test.ts': 304,
	'test/e2e/server.test.ts': 290,
	'test/e2e/identity.test.ts': 197,
	'test/integration/node/actionNode.test.ts': 90,
	'test/e2e/cli.test.ts': 78,
	'test/integration/reliability/limits.test.ts': 77,
	'test/integration/node/uploadUnconfirmed.test.ts': 57,
	'test/e2e/farmHistory.test.ts': 53,
	'test/integration/reliability/faults.test.ts': 48,
	'test/node-red/runtime.test.ts': 39,
	'test/e2e/agent.test.ts': 37,
	'test/integration/node/bestMatch.test.ts': 36,
	'test/e2e/localNetwork.test.ts': 34,
	'test/integration/node/farmHistory.test.ts': 25,
	'test/e2e/dispatch.test.ts': 24,
};

class SlowestFirstSequencer extends Sequencer {
	sort(tests) {
		const sorted = super.sort(tests);
		if (sorted.some((test) => test.duration !== undefined && test.duration !== null)) return sorted;
		const seconds = (test) => MEASURED_SECONDS[relative(test.context.config.rootDir, test.path).split('\\').join('/')] ?? 0;
		const jestOrder = new Map(sorted.map((test, index) => [test, index]));
		return [...sorted].sort((a, b) => seconds(b) - seconds(a) || jestOrder.get(a) - jestOrder.get(b));
	}
}

module.exports = SlowestFirstSequencer;
