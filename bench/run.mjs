// `npm run bench`: start-up, list, add and validate timings of the built CLI, each as a ratio to
// `node -e 0` measured in the same run (machines are noisy), plus package size. Medians of
// RUNS runs after a warm-up. Prints a Markdown report (pasted into the README).
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'agent-install.cjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const work = mkdtempSync(path.join(tmpdir(), 'agent-install-bench-'));
const home = path.join(work, 'home');
mkdirSync(home);
const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', CI: 'true' };

function once(command, args, cwd = work, okCodes = [0]) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!okCodes.includes(result.status)) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time in ms; `before` runs untimed before each run (e.g. to reset a folder). */
function measure(command, args, { cwd, before, runs = RUNS, okCodes } = {}) {
  before?.();
  once(command, args, cwd, okCodes); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    times.push(once(command, args, cwd, okCodes));
  }
  return median(times);
}

/** Peak resident memory in MB of one run, via /usr/bin/time. */
function peakMemoryMb(args, cwd) {
  if (!TIME) return null;
  const result = spawnSync(TIME, ['-f', '%M', process.execPath, BIN, ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const kb = Number(result.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : null;
}

const integrity = (text) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

/** A project with `count` generated agents (~3 KB bodies); `locked` writes a lockfile for them. */
function makeProject(name, count, { locked }) {
  const project = path.join(work, name);
  const agents = path.join(project, '.claude', 'agents');
  mkdirSync(agents, { recursive: true });
  mkdirSync(path.join(project, '.git'));
  const body = `${'You review code for correctness, security and clarity. '.repeat(8)}\n`.repeat(6);
  const entries = {};
  for (let i = 0; i < count; i++) {
    const agentName = `bench-agent-${String(i).padStart(5, '0')}`;
    const text = `---\nname: ${agentName}\ndescription: "Generated agent ${i} for the benchmark. Use it when benchmarking."\ntools: Read, Grep, Glob\nmodel: sonnet\n---\n\n${body}`;
    const file = `${agentName}.md`;
    writeFileSync(path.join(agents, file), text);
    entries[agentName] = { integrity: integrity(text), path: file, registry: 'bundled', requested: '^1.0.0', source: `${agentName}@1.0.0`, version: '1.0.0' };
  }
  if (locked) writeFileSync(path.join(project, '.claude', 'agents.lock.json'), `${JSON.stringify({ agents: entries, lockfileVersion: 2 }, null, 2)}\n`);
  return project;
}

const node = process.execPath;
const rows = [];
const add = (what, ms, base, target, extra = '') => rows.push({ what, ms, ratio: base ? ms / base : null, target, extra });

console.error(`agent-install bench: ${RUNS} runs per figure, medians, in ${work}`);
const floor = measure(node, ['-e', '0']);
add('`node -e 0` (the floor)', floor, floor, '');
add('`agent-install --version`', measure(node, [BIN, '--version']), floor, '≤ 1.2×');
add('`agent-install --help`', measure(node, [BIN, '--help']), floor, '≤ 1.2×');

const fifty = makeProject('fifty', 50, { locked: true });
add('`agent-install list`, 50 installed agents', measure(node, [BIN, 'list'], { cwd: fifty }), floor, '≤ 1.5×');

const empty = path.join(work, 'empty');
const resetEmpty = () => {
  rmSync(empty, { recursive: true, force: true });
  mkdirSync(path.join(empty, '.git'), { recursive: true });
};
add('`agent-install fastapi-backend-builder`, empty project', measure(node, [BIN, 'fastapi-backend-builder'], { cwd: empty, before: resetEmpty }), floor, '≤ 1.8×');

for (const count of [500, 5000, 20000]) {
  const project = makeProject(`locked-${count}`, count, { locked: true });
  const runs = count > 5000 ? Math.max(5, Math.floor(RUNS / 3)) : RUNS;
  const ms = measure(node, [BIN, 'list'], { cwd: project, runs });
  const mb = peakMemoryMb(['list'], project);
  add(`\`list\`, ${count.toLocaleString('en')} locked agents`, ms, floor, count === 5000 ? '≤ 350 ms, ≤ 100 MB' : 'linear', mb === null ? '' : `${mb.toFixed(0)} MB peak`);
}
for (const count of [500, 5000]) {
  const project = makeProject(`unmanaged-${count}`, count, { locked: false });
  const ms = measure(node, [BIN, 'list'], { cwd: project, runs: Math.max(5, Math.floor(RUNS / 2)) });
  const mb = peakMemoryMb(['list'], project);
  add(`\`list\`, ${count.toLocaleString('en')} unmanaged agents`, ms, floor, count === 5000 ? '≤ 1 s' : 'linear', mb === null ? '' : `${mb.toFixed(0)} MB peak`);
}

// `validate` over the corpus is measured by bench/validate-corpus.mjs (npm run bench runs both).

const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }))[0];
const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' }));

const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}; ${RUNS} runs per figure (medians, after a warm-up).`,
  '',
  '| what | median | × `node -e 0` | target | notes |',
  '|---|---:|---:|---|---|',
  ...rows.map((r) => `| ${r.what} | ${fmt(r.ms)} ms | ${r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.extra} |`),
  '',
  `Package: tarball ${(pack.size / 1024).toFixed(1)} KB (${pack.entryCount} files, unpacked ${(pack.unpackedSize / 1024).toFixed(0)} KB); runtime dependencies: ${Object.keys(pkg.dependencies ?? {}).length}.`,
];
console.log(lines.join('\n'));
rmSync(work, { recursive: true, force: true });
