// `node bench/hostile.mjs` (after `npm run build`): how long the BUILT `agent-install validate`
// takes on hostile files — the ones tests/cli/hostile.test.ts and tests/unit/agent-file.test.ts
// check with deterministic counts (bytes read, tokens handed to the YAML parser) instead of a
// clock. Each figure is the median of RUNS runs after a warm-up, minus the median start-up (the
// same command on an empty folder). Prints one line per group; exits 1 when a group takes longer
// than its budget (the bounds the tests once asserted as wall time).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'agent-install.cjs');
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
const MIB = 1_048_576;

if (!existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'agent-install-bench-hostile-'));
const env = { PATH: process.env.PATH, HOME: work, NO_COLOR: '1', CI: 'true' };
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
  // Dense frontmatter of just under 1 MiB.
  dense: {
    budgetMs: 2000,
    files: {
      'commas.md': fill(`${head}x: [`, ','),
      'tags.md': fill(`${head}x: `, '! '),
      'anchors.md': fill(`${head}x: `, '& '),
      'brackets.md': fill(`${head}x: `, '[]'),
      'doc-ends.md': fill(head, '...\n', ''),
      'dashes.md': fill('', '- 1\n', ''),
      'flow.md': fill('[', '1,', '1]\n'),
      'words.md': fill('', 'word [x] - ', '\n'),
      'over-bound.md': fill(`${head}x:\n`, '- 1\n'),
      'flow-value.md': fill(`${head}x: [`, '1,', '1]\n'),
      'keys.md': fill(head, 'a\n', ''),
      'list-checks.md': `---\n${head}${Array.from({ length: 50_000 }, (_, i) => `k${i}: [{a: ${i}}]`).join('\n')}\n---\n`.slice(0, MIB - 8),
    },
  },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function run(target) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, 'validate', ...target, '--json'], { cwd: work, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if ((result.status !== 0 && result.status !== 1) || !result.stdout.startsWith('{')) {
    throw new Error(`validate ${target.join(' ')} exited ${result.status}: ${result.stderr || result.stdout.slice(0, 500)}`);
  }
  return ms;
}

function timeOf(target) {
  run(target); // warm-up
  return median(Array.from({ length: RUNS }, () => run(target)));
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
