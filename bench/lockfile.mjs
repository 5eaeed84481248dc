// `node bench/lockfile.mjs` (after `npm run build`; `npm run bench` runs it): how `verify`,
// `install --frozen` and `install` cost grows with the number of locked agents, on projects whose
// agents are all present and unchanged, and restoring every agent of a clone from the cache (a
// fresh clone of a repository that commits only its lockfile). Medians of RUNS runs after a
// warm-up, each beside a run of `node -e 0` (the floor). Prints a Markdown table.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'agent-install.cjs');
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 7));
const SIZES = (process.env.BENCH_SIZES ?? '500,5000,20000').split(',').map(Number);
if (!existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
const work = mkdtempSync(path.join(tmpdir(), 'agent-install-bench-lock-'));
const home = path.join(work, 'home');
mkdirSync(home);
const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', CI: 'true' };
const cache = path.join(home, '.cache', 'agent-install');

function time(args, cwd, okCodes = [0]) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!okCodes.includes(result.status)) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median time and the median floor of runs interleaved with it; `before` resets state untimed. */
function measure(args, cwd, before = () => {}) {
  before();
  time(args, cwd);
  const times = [];
  const floors = [];
  for (let i = 0; i < RUNS; i++) {
    floors.push(time(['-e', '0'], cwd));
    before();
    times.push(time(args, cwd));
  }
  return { ms: median(times), floor: median(floors) };
}

/** A project with `count` locked agents, their bytes also in the user cache (as after any install). */
function makeProject(count) {
  const project = path.join(work, `p-${count}`);
  const agents = path.join(project, '.claude', 'agents');
  mkdirSync(agents, { recursive: true });
  mkdirSync(path.join(project, '.git'));
  const body = `${'You review code for correctness, security and clarity. '.repeat(8)}\n`.repeat(6);
  const entries = {};
  const files = [];
  for (let i = 0; i < count; i++) {
    const name = `bench-agent-${String(i).padStart(5, '0')}`;
    const text = `---\nname: ${name}\ndescription: "Generated agent ${i} for the benchmark. Use it when benchmarking."\ntools: Read, Grep, Glob\nmodel: sonnet\n---\n\n${body}`;
    const digest = createHash('sha256').update(text).digest();
    const hex = digest.toString('hex');
    const stored = path.join(cache, 'content-v1', 'sha256', hex.slice(0, 2), hex.slice(2));
    mkdirSync(path.dirname(stored), { recursive: true });
    writeFileSync(stored, text);
    files.push([`${name}.md`, text]);
    entries[name] = { integrity: `sha256-${digest.toString('base64')}`, path: `${name}.md`, requested: `./team/${name}.md`, source: `./team/${name}.md` };
  }
  const write = () => {
    mkdirSync(agents, { recursive: true });
    for (const [file, text] of files) writeFileSync(path.join(agents, file), text);
  };
  write();
  writeFileSync(path.join(project, '.claude', 'agents.lock.json'), `${JSON.stringify({ agents: entries, lockfileVersion: 2 }, null, 2)}\n`);
  return { project, agents, write };
}

// `node -e DURABLE_WRITES <dir> <count>`: what restoring `count` files costs the disk at least.
const DURABLE_WRITES = `
const fs = require('node:fs');
const [dir, count] = [process.argv[1], Number(process.argv[2])];
fs.mkdirSync(dir, { recursive: true });
const body = Buffer.alloc(2900, 97); // the size of the generated agents
for (let i = 0; i < count; i++) {
  const temp = dir + '/.f' + i + '.tmp';
  const fd = fs.openSync(temp, 'wx');
  fs.writeSync(fd, body);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(temp, dir + '/f' + i + '.md');
}
const folder = fs.openSync(dir, 'r');
fs.fsyncSync(folder);
fs.closeSync(folder);
`;

const rows = [];
const row = (what, { ms, floor }, note = '') => rows.push(`| ${what} | ${ms.toFixed(0)} ms | ${(ms / floor).toFixed(1)}× | ${note} |`);
const perAgent = (ms, count) => `${((ms * 1000) / count).toFixed(0)} µs per agent`;

for (const count of SIZES) {
  const { project, agents, write } = makeProject(count);
  spawnSync('sync');
  const verify = measure([BIN, 'verify'], project);
  const frozen = measure([BIN, 'install', '--frozen'], project);
  const install = measure([BIN, 'install'], project);
  const n = count.toLocaleString('en');
  row(`\`verify\`, ${n} agents present`, verify, perAgent(verify.ms, count));
  row(`\`install --frozen\`, ${n} agents present`, frozen, `${(frozen.ms / verify.ms).toFixed(2)}× verify`);
  row(`\`install\`, ${n} agents present`, install, `${(install.ms / verify.ms).toFixed(2)}× verify`);
  if (count <= 5000) {
    const restore = measure([BIN, 'install', '--frozen', '--offline'], project, () => rmSync(agents, { recursive: true, force: true }));
    // The disk's floor for the same durable writes: a bare Node loop that writes `count` files of
    // the same size as agent-install does (temporary file, write, fsync, rename; one folder sync),
    // with nothing else, in the same project and in the same run.
    const floorDir = path.join(project, 'floor');
    const floor = measure(['-e', DURABLE_WRITES, floorDir, String(count)], project, () => rmSync(floorDir, { recursive: true, force: true }));
    row(
      `\`install --frozen\`, ${n} agents restored from the cache`,
      restore,
      `${perAgent(restore.ms, count)}; ${(restore.ms / floor.ms).toFixed(2)}× the floor below`,
    );
    row(`floor: ${n} durable writes of the same files by a bare \`node\` loop`, floor, perAgent(floor.ms, count));
    write();
  }
}

console.log(`Machine: Node ${process.version}, ${RUNS} runs per figure (medians, after a warm-up, each beside a run of \`node -e 0\`).\n`);
console.log('| what | median | × `node -e 0` | notes |');
console.log('|---|---:|---:|---|');
for (const line of rows) console.log(line);
rmSync(work, { recursive: true, force: true });
