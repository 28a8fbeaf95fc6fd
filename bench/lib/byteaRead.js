/**
 * One read of a `bytea` value the way n8n's `database` binary data mode reads it (DatabaseManager.getAsBuffer:
 * `SELECT data FROM binary_data` through TypeORM and the `pg` driver), with n8n's own copy of `pg`, run on the Node
 * that n8n runs on. Plain CommonJS on purpose: it runs outside tsx, under that Node, and loads nothing of this
 * repository. Started by bench/queue.bench.ts (part `read`) in a fresh process per read.
 *
 * Counts every Buffer of 1 MiB or more allocated during the query (Buffer.allocUnsafe/alloc/from and
 * Buffer.concat) with the module that asked for it, and the process's peak RSS growth (VmHWM after the read −
 * VmRSS before, the peak reset through /proc/self/clear_refs). Prints one JSON line.
 *
 * Environment: BYTEA_PG_FROM (a folder `pg` resolves from: @n8n/typeorm inside the n8n install), PGHOST, PGPORT,
 * PGUSER, PGDATABASE, BYTEA_SQL (the query returning one row with one bytea column `data`).
 */
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');

const { Client } = require(require.resolve('pg', { paths: [process.env.BYTEA_PG_FROM] }));
const MiB = 1024 * 1024;

function vm(field) {
	const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
	return Number(match ? match[1] : NaN) * 1024;
}

/** The first stack frame outside this file and Node's own buffer module: who asked for the bytes. */
function caller() {
	const lines = String(new Error().stack).split('\n').slice(2);
	const frame = lines.find((line) => !line.includes('byteaRead.js') && !line.includes('node:buffer')) || '';
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*?):\d+:\d+\)?$/.exec(frame);
	if (match) return `${match[1]}/${match[2]}`;
	return frame.trim().replace(/^at /, '');
}

const allocations = [];
function watch(name) {
	const original = Buffer[name];
	Buffer[name] = function watched(...args) {
		const result = original.apply(this, args);
		if (result && result.length >= MiB) allocations.push({ via: `Buffer.${name}`, by: caller(), mib: result.length / MiB });
		return result;
	};
	return () => (Buffer[name] = original);
}

async function main() {
	const client = new Client();
	await client.connect();
	await client.query('SELECT 1');
	if (global.gc) global.gc();
	writeFileSync('/proc/self/clear_refs', '5');
	const before = vm('VmRSS');
	const restore = ['allocUnsafe', 'alloc', 'from', 'concat', 'allocUnsafeSlow'].map(watch);
	const started = process.hrtime.bigint();
	const result = await client.query(process.env.BYTEA_SQL);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	restore.forEach((undo) => undo());
	const peak = vm('VmHWM');
	const data = result.rows[0].data;
	const out = {
		node: process.version,
		pg: require(require.resolve('pg/package.json', { paths: [process.env.BYTEA_PG_FROM] })).version,
		bytes: data.length,
		isBuffer: Buffer.isBuffer(data),
		ms,
		rssBefore: before,
		peakGrowth: peak - before,
		rssAfter: vm('VmRSS') - before,
		allocations,
	};
	await client.end();
	process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error) => {
	process.stdout.write(`${JSON.stringify({ error: String(error && error.message) })}\n`);
	process.exit(1);
});
