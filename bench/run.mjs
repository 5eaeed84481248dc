// `npm run bench`: start-up, list, add and validate timings of the built CLI, each as a ratio to
// `node -e 0` measured in the same run (machines are noisy), plus package size. Medians of
// RUNS runs after a warm-up. Prints a Markdown report (pasted into the README).
import { execFileSync, spawnSync } from 'node:child_process';
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

function once(command, args, cwd = work, okCodes = [0], extraEnv = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!okCodes.includes(result.status)) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const floors = [];

/**
 * Median wall time in ms, and the median of `node -e 0` runs interleaved with it (one before
 * each run), so that every ratio compares runs made under the same conditions. `before` runs
 * untimed before each run (e.g. to reset a folder) and may return extra environment variables.
 */
function measure(command, args, { cwd, before, runs = RUNS, okCodes } = {}) {
  once(command, args, cwd, okCodes, before?.() ?? {}); // warm-up
  const times = [];
  const floorTimes = [];
  for (let i = 0; i < runs; i++) {
    floorTimes.push(once(process.execPath, ['-e', '0']));
    const extraEnv = before?.() ?? {};
    times.push(once(command, args, cwd, okCodes, extraEnv));
  }
  floors.push(...floorTimes);
  return { ms: median(times), floor: median(floorTimes) };
}

/** A fresh, empty cache folder for each run: `list` as the first run after an install. */
let freshCaches = 0;
const noHashesRemembered = () => ({ AGENT_INSTALL_CACHE: path.join(work, 'fresh-caches', String(freshCaches++)) });

/** Peak resident memory in MB of one run, via /usr/bin/time. */
function peakMemoryMb(args, cwd, extraEnv = {}) {
  if (!TIME) return null;
  const result = spawnSync(TIME, ['-f', '%M', process.execPath, BIN, ...args], {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
const add = (what, { ms, floor }, target, extra = '') => rows.push({ what, ms, ratio: floor ? ms / floor : null, target, extra });

console.error(`agent-install bench: ${RUNS} runs per figure, medians, in ${work}`);
add('`agent-install --version`', measure(node, [BIN, '--version']), '≤ 1.2×');
add('`agent-install --help`', measure(node, [BIN, '--help']), '≤ 1.2×');

/**
 * After making projects: flush them to disk (so write-back does not disturb the timings) and wait
 * until they are settled — `list` remembers the hashes of files that match their lock entry only
 * once they have been unchanged for 3 s (src/core/scope/hash-cache.ts), as after any real install.
 */
function settle() {
  spawnSync('sync');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3100);
}

const fifty = makeProject('fifty', 50, { locked: true });
settle();

add('`agent-install list`, 50 installed agents', measure(node, [BIN, 'list'], { cwd: fifty }), '≤ 1.6×');
add('`agent-install list`, 50 agents, first run (no hashes remembered)', measure(node, [BIN, 'list'], { cwd: fifty, before: noHashesRemembered }), '');

const empty = path.join(work, 'empty');
const resetEmpty = () => {
  rmSync(empty, { recursive: true, force: true });
  mkdirSync(path.join(empty, '.git'), { recursive: true });
};
add('`agent-install fastapi-backend-builder`, empty project', measure(node, [BIN, 'fastapi-backend-builder'], { cwd: empty, before: resetEmpty }), '≤ 1.8×');

const lockedProjects = Object.fromEntries([500, 5000, 20000].map((count) => [count, makeProject(`locked-${count}`, count, { locked: true })]));
const unmanagedProjects = Object.fromEntries([500, 5000].map((count) => [count, makeProject(`unmanaged-${count}`, count, { locked: false })]));
settle();
for (const count of [500, 5000, 20000]) {
  const project = lockedProjects[count];
  const runs = count > 5000 ? Math.max(5, Math.floor(RUNS / 3)) : RUNS;
  const ms = measure(node, [BIN, 'list'], { cwd: project, runs });
  const mb = peakMemoryMb(['list'], project);
  add(
    `\`list\`, ${count.toLocaleString('en')} locked agents`,
    ms,
    count === 5000 ? '≤ 350 ms, ≤ 100 MB' : 'linear',
    mb === null ? '' : `${mb.toFixed(0)} MB peak`,
  );
  const first = measure(node, [BIN, 'list'], { cwd: project, runs, before: noHashesRemembered });
  const firstMb = peakMemoryMb(['list'], project, noHashesRemembered());
  add(
    `\`list\`, ${count.toLocaleString('en')} locked agents, first run`,
    first,
    count === 5000 ? '≤ 350 ms, ≤ 100 MB' : 'linear',
    firstMb === null ? '' : `${firstMb.toFixed(0)} MB peak`,
  );
}
for (const count of [500, 5000]) {
  const project = unmanagedProjects[count];
  const ms = measure(node, [BIN, 'list'], { cwd: project, runs: Math.max(5, Math.floor(RUNS / 2)) });
  const mb = peakMemoryMb(['list'], project);
  add(`\`list\`, ${count.toLocaleString('en')} unmanaged agents`, ms, count === 5000 ? '≤ 1 s' : 'linear', mb === null ? '' : `${mb.toFixed(0)} MB peak`);
}

// `validate` over the corpus is measured by bench/validate-corpus.mjs (npm run bench runs both).

const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }))[0];
const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' }));

const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const lines = [
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}; ${RUNS} runs per figure (medians, after a warm-up), each after a run of \`node -e 0\`.`,
  '',
  '| what | median | × `node -e 0` | target | notes |',
  '|---|---:|---:|---|---|',
  `| \`node -e 0\` (the floor; one run before each timed run) | ${fmt(median(floors))} ms | 1.00× |  | each ratio divides by the floor runs interleaved with that figure |`,
  ...rows.map((r) => `| ${r.what} | ${fmt(r.ms)} ms | ${r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.extra} |`),
  '',
  `Package: tarball ${(pack.size / 1000).toFixed(1)} KB = ${pack.size.toLocaleString('en')} bytes (${pack.entryCount} files, unpacked ${(pack.unpackedSize / 1024).toFixed(0)} KB); runtime dependencies: ${Object.keys(pkg.dependencies ?? {}).length}.`,
];
console.log(lines.join('\n'));
rmSync(work, { recursive: true, force: true });
