/**
 * `tsx scripts/long-functions.ts [dir…] [--max N]`: lists every function, arrow function, method and accessor in
 * the `.ts` files below each dir (default `emulator`) whose span is longer than N lines (default 60), longest first.
 * A function's span covers everything in it, nested arrow functions included. Exits 1 when it lists any.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

interface LongFunction {
	file: string;
	line: number;
	lines: number;
	name: string;
}

function tsFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : tsFiles(path);
		return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
	});
}

/** A readable name: the declaration's own, or the variable, property or call the function is handed to. */
function nameOf(node: ts.FunctionLikeDeclaration, source: ts.SourceFile): string {
	if (node.name) return node.name.getText(source);
	const parent = node.parent;
	if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
	if (ts.isCallExpression(parent)) return `<arrow passed to ${parent.expression.getText(source)}>`;
	return '<anonymous>';
}

function longFunctions(file: string, max: number): LongFunction[] {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const found: LongFunction[] = [];
	const visit = (node: ts.Node): void => {
		if (ts.isFunctionLike(node) && 'body' in node && node.body) {
			const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
			const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
			const lines = last - first + 1;
			if (lines > max) found.push({ file: relative(process.cwd(), file), line: first + 1, lines, name: nameOf(node as ts.FunctionLikeDeclaration, source) });
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

function main(): void {
	const args = process.argv.slice(2);
	const maxAt = args.indexOf('--max');
	const max = maxAt >= 0 ? Number(args.splice(maxAt, 2)[1]) : 60;
	if (!Number.isInteger(max) || max < 1) throw new Error('--max takes a positive integer');
	const dirs = args.length > 0 ? args : ['emulator'];
	const found = dirs.flatMap(tsFiles).flatMap((file) => longFunctions(file, max));
	found.sort((a, b) => b.lines - a.lines);
	for (const f of found) console.log(`${String(f.lines).padStart(4)} lines  ${f.file}:${f.line}  ${f.name}`);
	console.log(found.length === 0 ? `no function over ${max} lines` : `${found.length} function(s) over ${max} lines`);
	process.exitCode = found.length === 0 ? 0 : 1;
}

main();
