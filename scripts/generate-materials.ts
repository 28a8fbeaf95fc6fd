/**
 * Regenerates nodes/UltimakerDigitalFactory/core/materials.generated.ts from UltiMaker's material
 * database (repository Ultimaker/fdm_materials, CC0): every `*.xml.fdm_material` gives its GUID and name,
 * and for each UltiMaker machine which print cores ("hotends") are hardware compatible.
 *
 *   npx tsx scripts/generate-materials.ts <fdm_materials checkout or bare git dir> [--out <file>]
 *
 * A bare git dir is read at HEAD with `git show`, so nothing is checked out. The source commit goes into the
 * generated file's header. The XML files themselves are never copied into this repository.
 *
 * Compatibility follows Cura's XmlMaterialProfile: the material-wide `hardware compatible` setting (default
 * yes) is inherited by each <machine>, whose own setting is inherited by each <hotend> listed in it; "yes" and
 * "unknown" mean compatible. A hotend that is not listed for a machine has no verdict here ("unlisted").
 *
 * Densities: `<properties><density>` (g/cm³) of each material file, for material weights from volumes; a file
 * without one, or with a value no solid has in g/cm³ (Eazao Clay writes 1600, kg/m³ by the look of it — but a
 * unit is not guessed), has no density in the table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..');
const DEFAULT_OUT = join(REPO_ROOT, 'nodes/UltimakerDigitalFactory/core/materials.generated.ts');
const MATERIAL_SUFFIX = '.xml.fdm_material';
/** Machines Digital Factory can hold: the database's UltiMaker products (third-party printers are left out). */
const MANUFACTURER = 'Ultimaker B.V.';

// ---------- a small XML reader: elements, attributes, text; enough for fdm_material files ----------

interface XmlElement {
	name: string;
	attributes: Record<string, string>;
	children: XmlElement[];
	text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
		if (entity.startsWith('#x') || entity.startsWith('#X'))
			return String.fromCodePoint(parseInt(entity.slice(2), 16));
		if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
		return ENTITIES[entity] ?? whole;
	});
}

function parseAttributes(source: string): Record<string, string> {
	const attributes: Record<string, string> = {};
	for (const match of source.matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
		attributes[match[1]!] = decodeEntities(match[3] ?? match[4] ?? '');
	}
	return attributes;
}

function parseXml(xml: string, file: string): XmlElement {
	const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
	const stack = [root];
	const token =
		/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<(\/?)([^\s/>]+)([^>]*?)(\/?)>|([^<]+)/g;
	for (const match of xml.matchAll(token)) {
		const [, cdata, closing, name, attributes, selfClosing, text] = match;
		const top = stack[stack.length - 1]!;
		if (text !== undefined) top.text += decodeEntities(text);
		else if (cdata !== undefined) top.text += cdata;
		else if (name === undefined) continue;
		else if (closing) {
			if (stack.pop()?.name !== name) throw new Error(`${file}: unbalanced </${name}>`);
		} else {
			const element: XmlElement = {
				name,
				attributes: parseAttributes(attributes ?? ''),
				children: [],
				text: '',
			};
			top.children.push(element);
			if (!selfClosing) stack.push(element);
		}
	}
	if (stack.length !== 1) throw new Error(`${file}: unclosed <${stack[stack.length - 1]!.name}>`);
	const document = root.children.find((child) => child.name === 'fdmmaterial');
	if (!document) throw new Error(`${file}: no <fdmmaterial> root`);
	return document;
}

const child = (element: XmlElement | undefined, name: string) =>
	element?.children.find((candidate) => candidate.name === name);
const childrenNamed = (element: XmlElement | undefined, name: string) =>
	element?.children.filter((candidate) => candidate.name === name) ?? [];
const textOf = (element: XmlElement | undefined) => element?.text.trim() ?? '';

// ---------- what a material file says ----------

export interface MaterialFile {
	file: string;
	guid: string;
	brand: string;
	material: string;
	color: string;
	label: string;
	/** g/cm³ from `<properties><density>`; null when the file gives none (or no positive number). */
	density: number | null;
	/** product name → { machine verdict, hotend id → verdict } */
	machines: Map<string, { compatible: boolean; hotends: Map<string, boolean> }>;
}

/** Cura's _parseCompatibleValue. */
const isCompatible = (value: string) => value === 'yes' || value === 'unknown';

/** The last direct `<setting key="hardware compatible">` child, as Cura's loop leaves it. */
function compatibilityOf(element: XmlElement, inherited: boolean): boolean {
	let verdict = inherited;
	for (const setting of childrenNamed(element, 'setting')) {
		if (setting.attributes.key === 'hardware compatible' && textOf(setting) !== '')
			verdict = isCompatible(textOf(setting));
	}
	return verdict;
}

/** The densest element (osmium) is 22.6 g/cm³: a larger number is not a density in g/cm³. */
const MAX_DENSITY = 25;

/** A density as written (`1.24`); null for an empty, non-numeric, non-positive or impossible value. */
export function densityOf(text: string): number | null {
	if (!/^\d+(\.\d+)?$/.test(text)) return null;
	const value = Number(text);
	return value > 0 && value <= MAX_DENSITY ? value : null;
}

export function readMaterial(file: string, xml: string): MaterialFile {
	const root = parseXml(xml, file);
	const metadata = child(root, 'metadata');
	const name = child(metadata, 'name');
	const settings = child(root, 'settings');
	// Cura takes the first material-wide setting (`next(iterfind(...))`), default compatible.
	const commonSetting = childrenNamed(settings, 'setting').find(
		(setting) => setting.attributes.key === 'hardware compatible',
	);
	const common = commonSetting ? isCompatible(textOf(commonSetting)) : true;
	const material: MaterialFile = {
		file,
		guid: textOf(child(metadata, 'GUID')).toLowerCase(),
		brand: textOf(child(name, 'brand')),
		material: textOf(child(name, 'material')),
		color: textOf(child(name, 'color')),
		label: textOf(child(name, 'label')),
		density: densityOf(textOf(child(child(root, 'properties'), 'density'))),
		machines: new Map(),
	};
	for (const machine of childrenNamed(settings, 'machine')) {
		const compatible = compatibilityOf(machine, common);
		const hotends = new Map<string, boolean>();
		for (const hotend of childrenNamed(machine, 'hotend')) {
			if (hotend.attributes.id) hotends.set(hotend.attributes.id, compatibilityOf(hotend, compatible));
		}
		for (const identifier of childrenNamed(machine, 'machine_identifier')) {
			if (identifier.attributes.manufacturer !== MANUFACTURER || !identifier.attributes.product) continue;
			const previous = material.machines.get(identifier.attributes.product);
			// A product listed in two blocks: the later block's verdicts win, as in Cura's registry.
			material.machines.set(identifier.attributes.product, {
				compatible,
				hotends: new Map([...(previous?.hotends ?? []), ...hotends]),
			});
		}
	}
	return material;
}

// ---------- reading the source: a checkout or a bare git dir ----------

export interface Source {
	commit: string;
	committedAt: string;
	files: Array<{ path: string; read: () => string }>;
}

function git(args: string[]): string {
	const result = spawnSync('git', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
	if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
	return result.stdout;
}

function openSource(path: string): Source {
	const bare = existsSync(join(path, 'HEAD')) && existsSync(join(path, 'objects'));
	const gitArgs = bare ? [`--git-dir=${path}`] : ['-C', path];
	const commit = git([...gitArgs, 'rev-parse', 'HEAD']).trim();
	const committedAt = git([...gitArgs, 'log', '-1', '--format=%cI', 'HEAD']).trim();
	if (bare) {
		const names = git([...gitArgs, 'ls-tree', '--name-only', 'HEAD'])
			.split('\n')
			.filter((name) => name.endsWith(MATERIAL_SUFFIX));
		return {
			commit,
			committedAt,
			files: names.map((name) => ({ path: name, read: () => git([...gitArgs, 'show', `HEAD:${name}`]) })),
		};
	}
	const names = readdirSync(path).filter(
		(name) => name.endsWith(MATERIAL_SUFFIX) && statSync(join(path, name)).isFile(),
	);
	return {
		commit,
		committedAt,
		files: names.map((name) => ({ path: name, read: () => readFileSync(join(path, name), 'utf8') })),
	};
}

// ---------- writing the table ----------

const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Interns values so repeated machine groups and hotend verdict lists are written once. */
class Interner {
	readonly values: string[] = [];
	private readonly index = new Map<string, number>();
	of(value: string): number {
		let at = this.index.get(value);
		if (at === undefined) {
			at = this.values.length;
			this.values.push(value);
			this.index.set(value, at);
		}
		return at;
	}
}

/** `1|AA 0.25=1,AA 0.4=1,BB 0.4=0`: the machine's own verdict, then each listed hotend's. */
function profileOf(verdicts: { compatible: boolean; hotends: Map<string, boolean> }): string {
	const hotends = [...verdicts.hotends]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([id, ok]) => `${id}=${ok ? 1 : 0}`);
	return `${verdicts.compatible ? 1 : 0}|${hotends.join(',')}`;
}

export function render(source: Source, materials: MaterialFile[]): string {
	const products = new Interner();
	const profiles = new Interner();
	const rows: string[] = [];
	const compatibility: string[] = [];
	const densities: string[] = [];
	for (const material of materials) {
		if (material.density !== null) densities.push(`\t${quote(material.guid)}: ${material.density},`);
		rows.push(
			`\t${quote(material.guid)}: [${[material.brand, material.material, material.color, material.label].map(quote).join(', ')}],`,
		);
		const pairs = [...material.machines]
			.sort(([a], [b]) => a.localeCompare(b))
			.flatMap(([product, verdicts]) => [products.of(product), profiles.of(profileOf(verdicts))]);
		if (pairs.length > 0) compatibility.push(`\t${quote(material.guid)}: [${pairs.join(', ')}],`);
	}
	return [
		'// Generated by scripts/generate-materials.ts: do not edit by hand, run the script again.',
		`// Source: UltiMaker's material database, repository Ultimaker/fdm_materials (CC0 1.0), commit ${source.commit}`,
		`// (${source.committedAt}), ${materials.length} materials; machines of ${MANUFACTURER} only.`,
		'',
		'export const MATERIAL_SOURCE = {',
		"\trepository: 'Ultimaker/fdm_materials',",
		`\tcommit: ${quote(source.commit)},`,
		`\tcommittedAt: ${quote(source.committedAt)},`,
		"\tlicense: 'CC0-1.0',",
		'} as const;',
		'',
		'/** GUID → [brand, material, color, label] as the material file names them (label is usually empty). */',
		'export const MATERIAL_ROWS: Readonly<Record<string, readonly [string, string, string, string]>> = {',
		...rows,
		'};',
		'',
		'/** GUID → density in g/cm³ (`<properties><density>`); materials without one are absent. */',
		'export const MATERIAL_DENSITIES: Readonly<Record<string, number>> = {',
		...densities,
		'};',
		'',
		'/** Product names, as `<machine_identifier product>` writes them; referenced by index below. */',
		`export const MACHINE_PRODUCTS: readonly string[] = [${products.values.map(quote).join(', ')}];`,
		'',
		'/** Verdict profiles `<machine 1|0>|<hotend id>=<1|0>,…`; referenced by index below. */',
		'export const COMPATIBILITY_PROFILES: readonly string[] = [',
		...profiles.values.map((profile) => `\t${quote(profile)},`),
		'];',
		'',
		'/** GUID → [product index, profile index, product index, profile index, …]. */',
		'export const MATERIAL_COMPATIBILITY: Readonly<Record<string, readonly number[]>> = {',
		...compatibility,
		'};',
		'',
	].join('\n');
}

function main(): void {
	const args = process.argv.slice(2);
	const outFlag = args.indexOf('--out');
	const out = outFlag >= 0 ? resolve(args[outFlag + 1] ?? '') : DEFAULT_OUT;
	const input = args.find((arg, index) => !arg.startsWith('--') && (outFlag < 0 || index !== outFlag + 1));
	if (!input) {
		console.error(
			'usage: npx tsx scripts/generate-materials.ts <fdm_materials checkout or bare git dir> [--out <file>]',
		);
		process.exit(2);
	}
	const source = openSource(resolve(input));
	const byGuid = new Map<string, MaterialFile>();
	for (const file of source.files.sort((a, b) => a.path.localeCompare(b.path))) {
		const material = readMaterial(file.path, file.read());
		if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(material.guid)) {
			// Kept as written: a printer loading this material reports the same string.
			console.warn(`${file.path}: GUID "${material.guid}" is not a UUID (kept)`);
		}
		if (material.guid === '') {
			console.warn(`skipped ${file.path}: no GUID`);
		} else if (byGuid.has(material.guid)) {
			console.warn(
				`skipped ${file.path}: GUID ${material.guid} already used by ${byGuid.get(material.guid)!.file}`,
			);
		} else {
			byGuid.set(material.guid, material);
		}
	}
	const text = render(
		source,
		[...byGuid.values()].sort((a, b) => a.guid.localeCompare(b.guid)),
	);
	writeFileSync(out, text);
	console.log(
		`${out}: ${byGuid.size} materials from ${source.files.length} files at ${source.commit}, ${Buffer.byteLength(text)} bytes`,
	);
}

if (require.main === module) main();
