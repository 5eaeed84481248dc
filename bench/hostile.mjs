// `node bench/hostile.mjs` (after `npm run build`): how long the BUILT `agent-install validate`
// takes on hostile files, and how much memory — the files tests/cli/hostile.test.ts checks with
// deterministic counts (bytes read, tokens the YAML parser scans) and tests/e2e/memory.test.ts
// with the memory of one process per file. Each time is the median of RUNS runs after a warm-up,
// minus the median start-up (the same command on an empty folder).
//
// 1. Nesting, aliases, poison: one run per group, against its budget.
// 2. Every dense file of just under 1 MiB (tests/helpers/dense-files.mjs), one process each:
//    under 1 s of work and under 100 MB of resident memory beyond start-up's (peak RSS,
//    `process.resourceUsage().maxRSS` written by a preloaded module when the process exits).
// Exits 1 when anything is over its bound.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { denseFiles, MIB } from '../tests/helpers/dense-files.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'agent-install.cjs');
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));

if (!existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'agent-install-bench-hostile-'));
const env = { PATH: process.env.PATH, HOME: work, NO_COLOR: '1', CI: 'true' };
const rssProbe = path.join(work, 'max-rss.cjs');
writeFileSync(rssProbe, "process.on('exit', () => require('node:fs').writeSync(2, '\\nmax-rss-kb ' + process.resourceUsage().maxRSS + '\\n'));\n");
const head = 'name: a\ndescription: b\n';

/** `---`, `prefix`, then `unit` repeated, then `suffix` and `---`: one file of just under 1 MiB. */
const fill = (prefix, unit, suffix = '\n') => {
  const start = `---\n${prefix}`;
  return `${start}${unit.repeat(Math.floor((MIB - start.length - suffix.length - 8) / unit.length))}${suffix}---\n`;
};

const laughs = ['name: bomb', 'description: laughs', 'a: &a [x, x, x, x, x, x, x, x, x]'];
for (let i = 1; i < 9; i++)
  laughs.push(
    `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
      .fill(`*${String.fromCharCode(96 + i)}`)
      .join(', ')}]`,
  );

/** Groups of files, each validated by one run, with the wall time budget of that run's work. */
const groups = {
  // Nesting and aliases, as in the unit tests.
  nesting: {
    budgetMs: 1000,
    files: {
      'laughs.md': `---\n${laughs.join('\n')}\n---\n`,
      'deep-flow.md': `---\nname: ${'['.repeat(200_000)}\n---\n`,
      'deep-dashes.md': fill(`${head}x:\n`, '- '),
      'deep-questions.md': fill(`${head}x:\n`, '? '),
      'deep-keys.md': fill(`${head}x:\n`, '- a: '),
      'deep-indent.md': `---\n${head}${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')}\n---\n`,
    },
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall time in ms of one run; with `rss`, its peak RSS in MB too. */
function run(target, rss = false) {
  const started = process.hrtime.bigint();
  const args = [...(rss ? ['--require', rssProbe] : []), BIN, 'validate', ...target, '--json'];
  const result = spawnSync(process.execPath, args, { cwd: work, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if ((result.status !== 0 && result.status !== 1) || !result.stdout.startsWith('{')) {
    throw new Error(`validate ${target.join(' ')} exited ${result.status}: ${result.stderr || result.stdout.slice(0, 500)}`);
  }
  return rss ? { ms, mb: Number(/max-rss-kb (\d+)/.exec(result.stderr)?.[1]) / 1024 } : ms;
}

function timeOf(target) {
  run(target); // warm-up
  return median(Array.from({ length: RUNS }, () => run(target)));
}

/** Peak RSS in MB of one run (the largest of three). */
function memoryOf(target) {
  return Math.max(...Array.from({ length: 3 }, () => run(target, true).mb));
}

let over = 0;
try {
  const empty = path.join(work, 'empty');
  mkdirSync(empty);
  const startup = timeOf([empty]);
  const lines = [];
  for (const [name, group] of Object.entries(groups)) {
    const dir = path.join(work, name);
    mkdirSync(dir);
    for (const [file, text] of Object.entries(group.files)) writeFileSync(path.join(dir, file), text);
    const ms = Math.max(0, timeOf([dir]) - startup);
    const ok = ms <= group.budgetMs;
    if (!ok) over++;
    lines.push(`${name}: ${ms.toFixed(0)} ms for ${Object.keys(group.files).length} files (budget ${group.budgetMs} ms) — ${ok ? 'ok' : 'OVER BUDGET'}`);
  }

  // Every dense file of just under 1 MiB, in a process of its own.
  const dense = path.join(work, 'dense');
  mkdirSync(dense);
  const baseMb = memoryOf([empty]);
  let worst = { ms: 0, mb: 0, msFile: '', mbFile: '' };
  const overDense = [];
  for (const [file, text] of Object.entries(denseFiles())) {
    if (Buffer.byteLength(text) > MIB) throw new Error(`${file} is over 1 MiB`);
    writeFileSync(path.join(dense, file), text);
    const target = [path.join(dense, file)];
    const ms = Math.max(0, timeOf(target) - startup);
    const mb = memoryOf(target) - baseMb;
    if (ms > worst.ms) worst = { ...worst, ms, msFile: file };
    if (mb > worst.mb) worst = { ...worst, mb, mbFile: file };
    if (ms > 1000 || mb > 100) overDense.push(`${file} (${ms.toFixed(0)} ms, ${mb.toFixed(0)} MB)`);
  }
  if (overDense.length > 0) over++;
  lines.push(
    `dense files of just under 1 MiB, each on its own (${Object.keys(denseFiles()).length}): slowest ${worst.ms.toFixed(0)} ms (${worst.msFile}), ` +
      `most memory ${worst.mb.toFixed(0)} MB beyond start-up's ${baseMb.toFixed(0)} MB (${worst.mbFile}) (bounds 1000 ms, 100 MB) — ` +
      `${overDense.length === 0 ? 'ok' : `OVER: ${overDense.join(', ')}`}`,
  );

  // A 1 GiB sparse file, a FIFO, a device and a link loop beside small poison: never read.
  const poison = path.join(work, 'poison');
  mkdirSync(poison);
  writeFileSync(path.join(poison, 'js.md'), '---js\n{ name: "x" }\n---\nBody\n');
  writeFileSync(path.join(poison, 'binary.md'), Buffer.alloc(64 * 1024, 0));
  const fd = openSync(path.join(poison, 'huge.md'), 'w');
  writeFileSync(fd, '---\nname: huge\ndescription: big\n---\n');
  ftruncateSync(fd, 1024 ** 3);
  closeSync(fd);
  symlinkSync(poison, path.join(poison, 'loop'));
  const named = [path.join(poison, 'huge.md')];
  if (process.platform !== 'win32') {
    execFileSync('mkfifo', [path.join(poison, 'fifo.md')]);
    named.push(path.join(poison, 'fifo.md'));
  }
  if (existsSync('/dev/zero')) named.push('/dev/zero');
  const poisonMs = Math.max(0, timeOf([poison]) + timeOf(named) - 2 * startup);
  const poisonOk = poisonMs <= 5000;
  if (!poisonOk) over++;
  lines.push(`poison, 1 GiB, FIFO, device, link loop: ${poisonMs.toFixed(0)} ms (budget 5000 ms) — ${poisonOk ? 'ok' : 'OVER BUDGET'}`);

  console.log(`hostile files, validate of the built CLI, median of ${RUNS} runs after start-up (${startup.toFixed(0)} ms):\n${lines.join('\n')}`);
  process.exitCode = over ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
