// Builds dist/ for publishing: no runtime dependencies, and a start-up that needs no ES module
// loader. agent-install's own modules are bundled into a few CommonJS files under dist/ (see the
// groups below: a command loads only the groups it needs); each third-party library is its own
// file under dist/vendor/, required only by the code that uses it, so `list` never reads the YAML
// parser or zod. Then: the libraries' licences, the bundled registry checked with the
// real rules (dist/bundled-index.json), and the top-level help (dist/help.txt) for the bin shim.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Package import → file under dist/vendor/. */
const VENDOR = { 'zod/mini': 'zod-mini', semver: 'semver', diff: 'diff', 'node-diff3': 'node-diff3' };
// NOMINIFY=1 keeps names readable (stack traces, `node --cpu-prof`).
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: !process.env.NOMINIFY, legalComments: 'none', logLevel: 'warning' };
// CommonJS all the way down: `import()` becomes `require()`, so no ES module loader starts.
const noEsm = { supported: { 'dynamic-import': false } };

// dist/ is rebuilt only when an input changed (`npm ci` builds through `prepare`, then `npm test`
// would build the same files again): the stamp is a hash of every input's path and bytes.
const inputsOf = (dir) =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? inputsOf(path.join(dir, d.name)) : [path.join(dir, d.name)]));
const stampHash = createHash('sha256');
for (const file of ['package.json', 'package-lock.json', ...['scripts', 'src', 'agents', 'templates'].flatMap(inputsOf)].sort()) {
  stampHash
    .update(`${file}\0`)
    .update(readFileSync(path.join(root, file)))
    .update('\0');
}
stampHash.update(`${process.version}\0${process.env.NOMINIFY ?? ''}`);
const stamp = stampHash.digest('hex');
const stampFile = path.join(dist, '.build-stamp');
if (!process.argv.includes('--force') && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log('dist/ is up to date');
  process.exit(0);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(path.join(dist, 'vendor'), { recursive: true });

const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
const sourceTexts = sourceFiles(path.join(root, 'src')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/**
 * Every place our sources import `pkg`: the file, and the clause between `import` and `from`
 * (`semver`, `{ a, b as c }`, …), or null for `export … from` and `import()`.
 */
function importsOf(pkg) {
  const pattern = new RegExp(`\\b(import|export)\\b([^;]*?)\\bfrom\\s*['"]${pkg}['"]|\\bimport\\s*\\(\\s*['"]${pkg}['"]`, 'g');
  return sourceTexts.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((m) => ({ file, text, clause: m[1] === 'import' ? m[2].trim() : null })));
}

/**
 * What a vendor file exports. A library our sources import only by name (`import { a, b } from
 * 'x'`) gets a file that re-exports exactly those names from its ES build, so esbuild drops the
 * rest (the diff library, for instance, is mostly code we never call). zod's CommonJS build
 * cannot be tree-shaken either (it would ship all its locales), so its file re-exports exactly
 * the `z.<name>` values our sources use. A name that does not exist fails the build. Anything
 * imported whole (a default or namespace import) is bundled whole.
 */
function vendorEntry(pkg) {
  const imports = importsOf(pkg);
  const names = new Set();
  if (pkg === 'zod/mini') {
    for (const { text } of imports)
      for (const m of text.matchAll(/\bz\.([a-z][A-Za-z]*)\b/g)) if (!['infer', 'input', 'output'].includes(m[1])) names.add(m[1]);
    return `export { ${[...names].sort().join(', ')} } from 'zod/mini';`;
  }
  for (const { clause } of imports) {
    const named = clause === null ? null : /^\{([^}]*)\}$/.exec(clause);
    if (!named) return `module.exports = require(${JSON.stringify(pkg)});`;
    for (const part of named[1]
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean))
      if (!part.startsWith('type ')) names.add(part.split(/\s+as\s+/)[0]);
  }
  return names.size === 0 ? `module.exports = require(${JSON.stringify(pkg)});` : `export { ${[...names].sort().join(', ')} } from '${pkg}';`;
}

const bundled = new Set();
for (const [pkg, file] of Object.entries(VENDOR)) {
  const result = await build({
    ...common,
    ...noEsm,
    stdin: { contents: vendorEntry(pkg), resolveDir: root, loader: 'js' },
    outfile: path.join(dist, 'vendor', `${file}.cjs`),
    metafile: true,
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) bundled.add(match[1]);
  }
}

/**
 * Our own code, in a few CommonJS bundles ("groups"). Node 20 pays about 0.2 ms for every file it
 * loads and V8 pre-parses every byte of a file it compiles, so neither one big bundle nor one file
 * per module starts fast. Instead each module is placed in exactly one group: the first group
 * whose seeds reach it through static imports. Group 1 (dist/cli.cjs) is the CLI and `list`; then
 * `add`; then validation; then one group per remaining dynamically imported module. A group
 * imports another group's modules through `require` of that group's file, and only groups made
 * before it (a static import of a later group is impossible by construction), so there are no
 * cycles and every module is evaluated once: classes stay one class for `instanceof`.
 */
// Small helpers that several groups share sit in the first group, so that no group loads a
// heavier one just for them; text-diff gets its own (it loads the diff library).
const SEEDS = [
  ['src/cli/main.ts', 'src/commands/list.ts', 'src/core/did-you-mean.ts', 'src/core/scope/not-installed.ts'],
  // The guarded writer is shared by add and every other writing command, and by validate --fix.
  ['src/core/io/guarded-folder.ts'],
  ['src/commands/add.ts'],
  ['src/core/agent/validate.ts'],
  ['src/core/diff/text-diff.ts'],
];
const vendorExternal = {
  name: 'vendor-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.kind === 'entry-point' || !VENDOR[args.path] ? undefined : { path: args.path, external: true }));
  },
};
const graph = await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  absWorkingDir: root,
  write: false,
  outdir: dist,
  metafile: true,
  plugins: [vendorExternal],
  logLevel: 'error',
});
const inputs = graph.metafile.inputs;
const closure = (seeds) => {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !inputs[file]) return;
    seen.add(file);
    for (const i of inputs[file].imports) if (!i.external && i.kind !== 'dynamic-import') visit(i.path);
  };
  seeds.forEach(visit);
  return seen;
};
const dynamicTargets = [
  ...new Set(Object.values(inputs).flatMap((input) => input.imports.filter((i) => !i.external && i.kind === 'dynamic-import').map((i) => i.path))),
].sort();
const groups = [];
const ownerOf = new Map();
for (const seeds of [...SEEDS, ...dynamicTargets.map((t) => [t])]) {
  const modules = [...closure(seeds)].filter((m) => !ownerOf.has(m)).sort();
  if (modules.length === 0) continue;
  const name =
    groups.length === 0
      ? 'cli'
      : seeds[0]
          .replace(/^src\//, '')
          .replace(/\.ts$/, '')
          .replaceAll('/', '-');
  if (name === 'vendor' || groups.some((g) => g.name === name)) throw new Error(`two groups would be written to dist/${name}.cjs`);
  for (const m of modules) ownerOf.set(m, name);
  groups.push({ name, modules });
}
const unplaced = Object.keys(inputs).filter((m) => !ownerOf.has(m));
if (unplaced.length > 0) throw new Error(`modules in no group: ${unplaced.join(', ')}`);
/**
 * Libraries that load on first use rather than when the group that imports them loads: semver
 * costs about 4 ms to load and `add <name>` needs it only for ranges. Its module is a proxy that
 * requires the library the first time a property is read. That works for default imports only
 * (a named import would find nothing to call), which the build enforces.
 */
const LAZY_VENDOR = new Set(['semver']);
for (const pkg of LAZY_VENDOR) {
  for (const { file, clause } of importsOf(pkg)) {
    if (clause === null || !/^[A-Za-z_$][\w$]*$/.test(clause))
      throw new Error(`${file}: ${pkg} loads lazily, so import it only as a default import (import ${pkg} from '${pkg}')`);
  }
}
const lazyVendorModule = (pkg) =>
  `let lib; module.exports = new Proxy({}, { get: (_, key) => (key === '__esModule' ? undefined : (lib ??= require(${JSON.stringify(`./vendor/${VENDOR[pkg]}.cjs`)}))[key]) });`;

const namespaceOf = (module) =>
  `m_${module
    .replace(/^src\//, '')
    .replace(/\.ts$/, '')
    .replace(/[^A-Za-z0-9]/g, '_')}`;
const namespaces = new Map([...ownerOf.keys()].map((m) => [namespaceOf(m), m]));
if (namespaces.size !== ownerOf.size) throw new Error('two modules share a namespace name (e.g. a-b.ts and a_b.ts): rename one');

for (const group of groups) {
  const plugin = {
    name: 'groups',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return { path: group.name, namespace: 'group-entry' };
        if (args.namespace === 'other-group' || args.path.startsWith('node:')) return { path: args.path, external: true };
        if (args.namespace === 'lazy-vendor') return { path: args.path, external: true };
        if (LAZY_VENDOR.has(args.path)) return { path: args.path, namespace: 'lazy-vendor' };
        if (VENDOR[args.path]) return { path: `./vendor/${VENDOR[args.path]}.cjs`, external: true };
        const module = path.relative(root, path.resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts').split(path.sep).join('/');
        const owner = ownerOf.get(module);
        if (!owner) throw new Error(`${args.importer}: ${args.path} is neither our own module nor a vendored library`);
        return owner === group.name ? { path: path.join(root, module) } : { path: module, namespace: 'other-group' };
      });
      b.onLoad({ filter: /.*/, namespace: 'group-entry' }, () => ({
        contents: [
          ...group.modules.map((m) => `export * as ${namespaceOf(m)} from ${JSON.stringify(path.join(root, m))};`),
          ...(group.name === 'cli' ? [`export { main } from ${JSON.stringify(path.join(root, 'src', 'cli', 'main.ts'))};`] : []),
        ].join('\n'),
        resolveDir: root,
        loader: 'js',
      }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-vendor' }, (args) => ({ contents: lazyVendorModule(args.path), resolveDir: root, loader: 'js' }));
      b.onLoad({ filter: /.*/, namespace: 'other-group' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${ownerOf.get(args.path)}.cjs`)}).${namespaceOf(args.path)};`,
        resolveDir: root,
        loader: 'js',
      }));
    },
  };
  await build({
    ...common,
    ...noEsm,
    entryPoints: [`group:${group.name}`],
    outfile: path.join(dist, `${group.name}.cjs`),
    plugins: [plugin],
    define: { __VERSION__: JSON.stringify(version) },
    logOverride: { 'empty-import-meta': 'silent' },
  });
}
// CommonJS all the way down: an import() left in a group would start Node's ES module loader
// (about a third of `node -e 0` on Node 20), so every import() must have become require().
for (const group of groups) {
  if (readFileSync(path.join(dist, `${group.name}.cjs`), 'utf8').includes('import(')) throw new Error(`dist/${group.name}.cjs still contains import()`);
}
// import.meta is empty in CommonJS; only cli/main.ts and core/agent/yaml.ts (which finds itself
// for its worker thread) may read import.meta.url, and only where `__filename` is not defined (the
// ES module sources under test).
const IMPORT_META_ALLOWED = [path.join('src', 'cli', 'main.ts'), path.join('src', 'core', 'agent', 'yaml.ts')];
for (const { file, text } of sourceTexts) {
  if (text.includes('import.meta') && !IMPORT_META_ALLOWED.some((allowed) => file.endsWith(`${path.sep}${allowed}`)))
    throw new Error(`${file} reads import.meta, which is empty in the built CommonJS files`);
}

// Licences of every package bundled into dist/vendor/.
const sections = [...bundled].sort().map((name) => {
  const dir = path.join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenseFile ? readFileSync(path.join(dir, licenseFile), 'utf8').trim() : `License: ${pkg.license}`;
  return `## ${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
});
writeFileSync(
  path.join(dist, 'THIRD-PARTY-LICENSES.md'),
  `# Third-party licences\n\nagent-install bundles these packages into dist/vendor/ at build time.\n\n${sections.join('\n')}`,
);

// The bundled registry, checked with the built rules. The build fails if any bundled agent has an
// error or a warning or is not named after its folder. The index holds each file's text and
// integrity: at run time `add` writes exactly these validated bytes, with no parsing or hashing.
const checker = path.join(tmpdir(), `agent-install-build-${process.pid}.cjs`);
await build({
  ...common,
  entryPoints: [path.join(root, 'src', 'core', 'agent', 'validate.ts')],
  outfile: checker,
  logOverride: { 'empty-import-meta': 'silent' },
});
const { checkAgentBytes, grantsOf, allRiskyHashes } = require(checker);
rmSync(checker);
const semverFile = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\.md$/;
const index = {};
const problems = [];
for (const name of readdirSync(path.join(root, 'agents')).sort()) {
  for (const file of readdirSync(path.join(root, 'agents', name)).sort()) {
    if (!semverFile.test(file)) continue;
    const bytes = readFileSync(path.join(root, 'agents', name, file));
    const check = checkAgentBytes(bytes, { fileName: `${name}.md` });
    if (check.agent?.name !== name) problems.push(`agents/${name}/${file}: named ${JSON.stringify(check.agent?.name ?? check.name)}`);
    for (const issue of check.issues) problems.push(`agents/${name}/${file}:${issue.line}:${issue.column} ${issue.severity} ${issue.code} ${issue.message}`);
    const text = bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(bytes)) problems.push(`agents/${name}/${file}: not UTF-8`);
    index[name] ??= {};
    // The risky grants' hashes (docs/grants.md), policy kinds included: without a hook, server or
    // bypass `add` skips validation; with one it validates the file at run time, to show the
    // grants and ask for approval.
    const risky = allRiskyHashes(grantsOf(check.effective));
    index[name][file.slice(0, -3)] = { integrity: `sha256-${createHash('sha256').update(bytes).digest('base64')}`, text, risky };
  }
}
if (problems.length > 0) {
  console.error(`The bundled registry must load in Claude Code with no warnings:\n${problems.join('\n')}`);
  process.exit(1);
}
writeFileSync(path.join(dist, 'bundled-index.json'), `${JSON.stringify(index, null, 2)}\n`);

// The top-level help, rendered once, printed by the bin shim without loading the CLI.
let help = '';
const sink = { write: (chunk) => (help += chunk) };
const code = await require(path.join(dist, 'cli.cjs')).main(['--help'], { stdout: sink, stderr: sink, cwd: root, env: { NO_COLOR: '1' } });
if (code !== 0 || !help.includes('Usage: agent-install')) throw new Error(`could not render help (exit ${code}):\n${help}`);
writeFileSync(path.join(dist, 'help.txt'), help);

const size = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (n, d) => n + (d.isDirectory() ? size(path.join(dir, d.name)) : readFileSync(path.join(dir, d.name)).length),
    0,
  );
console.log(
  `built dist/ (${Math.round(size(dist) / 1024)} KB): cli.cjs, vendor/ (${[...bundled].sort().join(', ')}), ${Object.keys(index).length} bundled agent${Object.keys(index).length === 1 ? '' : 's'} checked`,
);
writeFileSync(stampFile, stamp);
