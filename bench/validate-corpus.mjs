// `node bench/validate-corpus.mjs` (after `npm run build`): files per second of the BUILT
// `agent-install validate` over tests/fixtures/corpus in one process, start-up excluded.
//
// Each round times `validate <corpus> --json` and, right after, the same command on an empty
// folder (start-up, module loading, output); the difference is the work on the files. Median of
// RUNS rounds (default 7) after one warm-up. Prints one line; exits 1 below MIN_RATE files/s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'agent-install.cjs');
const CORPUS = path.join(ROOT, 'tests', 'fixtures', 'corpus');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const MIN_RATE = Number(process.env.BENCH_MIN_RATE ?? 3000);

if (!existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}
if (!existsSync(CORPUS)) {
  console.error(`No corpus at ${CORPUS}.`);
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'agent-install-bench-'));
const empty = path.join(work, 'empty');
mkdirSync(empty);
const env = { PATH: process.env.PATH, HOME: work, NO_COLOR: '1', CI: 'true' };

/** Wall time in ms of one run, and its --json output. */
function run(target) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, 'validate', target, '--json'], { cwd: work, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // Exit 1 is expected: the corpus holds files Claude Code skips.
  if ((result.status !== 0 && result.status !== 1) || !result.stdout.startsWith('{')) {
    throw new Error(`validate ${target} exited ${result.status}: ${result.stderr || result.stdout.slice(0, 500)}`);
  }
  return { ms, stdout: result.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

try {
  const doc = JSON.parse(run(CORPUS).stdout); // warm-up (file cache), and the counts
  run(empty);
  const files = doc.files;
  const rates = [];
  const totals = [];
  const startups = [];
  for (let i = 0; i < RUNS; i++) {
    const corpus = run(CORPUS).ms;
    const startup = run(empty).ms;
    totals.push(corpus);
    startups.push(startup);
    rates.push(files / (Math.max(corpus - startup, 0.001) / 1000));
  }
  const rate = median(rates);
  const ok = rate >= MIN_RATE;
  console.log(
    `validate: ${Math.round(rate).toLocaleString('en-US')} files/s after start-up (median of ${RUNS}; ${files} corpus files, ` +
      `${median(totals).toFixed(0)} ms per run incl. ${median(startups).toFixed(0)} ms start-up; ` +
      `${doc.errors} errors, ${doc.warnings} warnings, ${doc.skipped} files Claude Code skips) — ${ok ? 'ok' : `BELOW ${MIN_RATE} files/s`}`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
