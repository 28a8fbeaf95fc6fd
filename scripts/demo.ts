/**
 * `npm start`: the Digital Factory emulator + real n8n with this package, sample credential, the example
 * workflows and an owner account. Ctrl-C stops both.
 *   N8N_PORT (or PORT)  n8n editor port, default 5678
 *   EMULATOR_PORT       emulator API port (storage uses the next one), default 8787
 *   DEMO_SPEED          emulator clock multiplier, default 30 (a 20-minute print takes 40 s)
 *   N8N_VERSION         n8n to run: a version or latest|oldest (scripts/versions.json), default oldest
 *   --fresh             forget the n8n data of earlier runs (.demo/n8n-user)
 *   --queue             n8n's queue mode (`npm run start:queue`): Postgres + Redis (Debian packages, installed with
 *                       apt-get when missing) + main + 2 workers, every process loading this package; binary data in
 *                       Postgres (queue mode's default). Its data lives for the run only.
 */
import { relative } from 'node:path';
import { demoOptionsFromEnv, SAMPLE_GCODE, startDemoStack, type DemoStack } from './lib/demoStack';

async function main(): Promise<void> {
	const options = demoOptionsFromEnv();
	console.log('Ultimaker Digital Factory × n8n demo — starting (Ctrl-C stops it)');
	const running: { stack?: DemoStack } = {};
	let stopping = false;
	const shutdown = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping n8n and the emulator...`);
		await running.stack?.stop();
		console.log('Stopped.');
		process.exit(0);
	};
	process.on('SIGINT', () => void shutdown('SIGINT'));
	process.on('SIGTERM', () => void shutdown('SIGTERM'));

	const stack = await startDemoStack(options);
	running.stack = stack;
	if (stopping) return;
	const emulatorUrl = stack.emulator.url;
	const sample = shortPath(SAMPLE_GCODE);
	const drop = shortPath(stack.dropDir);
	console.log(`
────────────────────────────────────────────────────────────────────────────
 The demo is running.

 n8n editor      ${stack.editorUrl}
   email         ${stack.owner.email}
   password      ${stack.owner.password}
 Emulator API    ${emulatorUrl}   (Digital Factory stand-in, clock ${options.speed}×)
   API token     ${stack.emulator.apiToken}
   farm state    ${emulatorUrl}/_emulator/state

 In n8n: credential "Ultimaker emulator" and ${stack.workflows.length} example workflows (those with a trigger active):
${stack.workflows.map((workflow) => `   • ${workflow.name}`).join('\n')}

 Try:
   curl -F orderId=SO-1001 -F file=@${sample} ${stack.editorUrl}/webhook/erp-order
   cp ${sample} ${drop}/          # the file-drop workflow uploads and queues it
   curl ${emulatorUrl}/_emulator/recorder/notifications   # messages sent when prints end

 n8n log: ${shortPath(stack.logFile)}      Ctrl-C stops n8n and the emulator.${queueLines(stack)}
────────────────────────────────────────────────────────────────────────────`);
	for (const [name, proc] of [['n8n', stack.n8n] as const, ...stack.workers.map((worker, i) => [`n8n worker ${i + 1}`, worker] as const)]) {
		proc.child.on('close', (code) => {
			if (stopping) return;
			console.error(`${name} exited unexpectedly (code ${code}); see the logs in ${shortPath(options.demoDir)}. Stopping the demo.`);
			void stack.stop().then(() => process.exit(1));
		});
	}
}

function queueLines(stack: DemoStack): string {
	if (!stack.queue) return '';
	const { postgres, redis } = stack.queue;
	return `

 Queue mode: the main (editor, webhooks, triggers) enqueues executions; 2 workers run them.
   Postgres      127.0.0.1:${postgres.port}  database ${postgres.database}, user ${postgres.user}   (psql -h 127.0.0.1 -p ${postgres.port} -U ${postgres.user} ${postgres.database})
   Redis         127.0.0.1:${redis.port}
   binary data   ${stack.queue.sharedVariables().N8N_DEFAULT_BINARY_DATA_MODE} mode; workers' logs: ${shortPath(stack.logFile).replace(/n8n\.log$/, 'n8n-worker-*.log')}`;
}

/** Relative to the current directory when inside it, else absolute. */
function shortPath(path: string): string {
	const short = relative(process.cwd(), path);
	return short && !short.startsWith('..') ? short : path;
}

main().catch((error: unknown) => {
	console.error(`\nThe demo could not start: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
