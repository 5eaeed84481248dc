// Builds dist/ for publishing: no runtime dependencies, and a start-up that needs no ES module
// loader. dist/cli.cjs is all of agent-install's own code in one CommonJS file (modules that
// commands import on demand are initialised on demand); each third-party library is its own file
// under dist/vendor/, required only by the code that uses it, so `list` never reads the YAML
// parser, zod or commander. Then: the libraries' licences, the bundled registry checked with the
// real rules (dist/bundled-index.json), and the top-level help (dist/help.txt) for the bin shim.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const VENDOR = { yaml: 'yaml', 'zod/mini': 'zod-mini', commander: 'commander', semver: 'semver', diff: 'diff', 'node-diff3': 'node-diff3', chalk: 'chalk' };
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, legalComments: 'none', logLevel: 'warning' };
// CommonJS all the way down: `import()` becomes `require()`, so no ES module loader starts.
const noEsm = { supported: { 'dynamic-import': false } };

rmSync(dist, { recursive: true, force: true });
mkdirSync(path.join(dist, 'vendor'), { recursive: true });

/**
 * What a vendor file exports. zod's CommonJS build cannot be tree-shaken (it would ship all its
 * locales), so its file re-exports, from its ES build, exactly the `z.<name>` values our sources
 * use; a name that does not exist fails the build.
 */
function vendorEntry(pkg) {
  if (pkg !== 'zod/mini') return `module.exports = require(${JSON.stringify(pkg)});`;
  const names = new Set();
  const walk = (dir) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, d.name);
      if (d.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) {
        const text = readFileSync(file, 'utf8');
        if (!text.includes("from 'zod/mini'")) continue;
        for (const m of text.matchAll(/\bz\.([a-z][A-Za-z]*)\b/g)) if (!['infer', 'input', 'output'].includes(m[1])) names.add(m[1]);
      }
    }
  };
  walk(path.join(root, 'src'));
  return `export { ${[...names].sort().join(', ')} } from 'zod/mini';`;
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

const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(VENDOR).map((k) => k.replace('/', '\\/')).join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: `./vendor/${VENDOR[args.path]}.cjs`, external: true }));
  },
};

await build({
  ...common,
  ...noEsm,
  entryPoints: [path.join(root, 'src', 'cli.ts')],
  outfile: path.join(dist, 'cli.cjs'),
  plugins: [vendorPlugin],
  define: { __VERSION__: JSON.stringify(version), 'import.meta.url': '__agentInstallFileUrl' },
  banner: { js: 'var __agentInstallFileUrl=require("url").pathToFileURL(__filename).href;' },
});

// Licences of every package bundled into dist/vendor/.
const sections = [...bundled].sort().map((name) => {
  const dir = path.join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenseFile ? readFileSync(path.join(dir, licenseFile), 'utf8').trim() : `License: ${pkg.license}`;
  return `## ${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
});
writeFileSync(path.join(dist, 'THIRD-PARTY-LICENSES.md'), `# Third-party licences\n\nagent-install bundles these packages into dist/vendor/ at build time.\n\n${sections.join('\n')}`);

// The bundled registry, checked with the built rules. The build fails if any bundled agent has an
// error or a warning or is not named after its folder; at run time `add` trusts exactly these bytes.
const checker = path.join(tmpdir(), `agent-install-build-${process.pid}.cjs`);
await build({ ...common, entryPoints: [path.join(root, 'src', 'core', 'validate.ts')], outfile: checker });
const { checkAgentBytes } = require(checker);
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
    (index[name] ??= {})[file.slice(0, -3)] = `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
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

const size = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((n, d) => n + (d.isDirectory() ? size(path.join(dir, d.name)) : readFileSync(path.join(dir, d.name)).length), 0);
console.log(`built dist/ (${Math.round(size(dist) / 1024)} KB): cli.cjs, vendor/ (${[...bundled].sort().join(', ')}), ${Object.keys(index).length} bundled agent(s) checked`);
