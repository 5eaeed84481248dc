// `node bench/validate-scale.mjs` (after `npm run build`): the BUILT `agent-install validate` over
// 20,000 files in one folder — tests/fixtures/corpus replicated, each copy's `name` made unique —
// with the default text output and with --json: files per second after start-up, and the peak
// resident memory of the process.
//
// Each round times the run over the tree and, right after, the same command on an empty folder
// (start-up, module loading, output); the difference is the work on the files. Median of RUNS
// rounds (default 5) after one warm-up. The peak RSS is the process's own (`maxRSS` of
// process.resourceUsage(), written by a preloaded module when it exits), the largest of the runs.
// Prints one line per mode; exits 1 below MIN_RATE files/s or above MAX_RSS_MB.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'agent-install.cjs');
const CORPUS = path.join(ROOT, 'tests', 'fixtures', 'corpus');
const FILES = Number(process.env.BENCH_FILES ?? 20_000);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 5));
const MIN_RATE = Number(process.env.BENCH_MIN_RATE ?? 5000);
const MAX_RSS_MB = Number(process.env.BENCH_MAX_RSS_MB ?? 150);

if (!existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'agent-install-bench-scale-'));
const env = { PATH: process.env.PATH, HOME: work, NO_COLOR: '1', CI: 'true' };
const rssProbe = path.join(work, 'max-rss.cjs');
// The child's peak resident memory, written to stderr when it exits.
writeFileSync(
  rssProbe,
  ["process.on('exit', () => {", "  require('node:fs').writeSync(2, '\\nmax-rss-kb ' + process.resourceUsage().maxRSS + '\\n');", '});', ''].join('\n'),
);

function corpusFiles(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...corpusFiles(path.join(dir, entry.name), relative));
    else if (entry.name.endsWith('.md') && relative !== 'README.md') out.push(relative);
  }
  return out.sort();
}

/** The copy's own name: the first `name:` line gets `-c<copy>` (inside its quotes, before a comment). */
function renamed(bytes, copy) {
  const text = bytes.toString('latin1'); // byte for byte, whatever the encoding
  return Buffer.from(
    text.replace(/^(name:[ \t]*)(?:"([^"\r\n]*)"|'([^'\r\n]*)'|([^\r\n#]*?))([ \t]*(?:#[^\r\n]*)?)(\r?)$/m, (_, key, dq, sq, plain, rest, cr) => {
      if (dq !== undefined) return `${key}"${dq}-c${copy}"${rest}${cr}`;
      if (sq !== undefined) return `${key}'${sq}-c${copy}'${rest}${cr}`;
      return `${key}${plain}-c${copy}${rest}${cr}`;
    }),
    'latin1',
  );
}

const tree = path.join(work, 'agents');
const sources = corpusFiles(CORPUS).map((relative) => ({ relative, bytes: readFileSync(path.join(CORPUS, relative)) }));
for (let i = 0; i < FILES; i++) {
  const source = sources[i % sources.length];
  const copy = Math.floor(i / sources.length);
  const target = path.join(tree, `c${copy}`, source.relative);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, copy === 0 ? source.bytes : renamed(source.bytes, copy));
}
const empty = path.join(work, 'empty');
mkdirSync(empty);

/** Wall time in ms, peak RSS in MB and output of one run. */
function run(target, json) {
  const started = process.hrtime.bigint();
  const args = ['--require', rssProbe, BIN, 'validate', target, ...(json ? ['--json'] : [])];
  const result = spawnSync(process.execPath, args, { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // Exit 1 is expected: the corpus holds files Claude Code skips.
  if (result.status !== 0 && result.status !== 1) throw new Error(`validate ${target} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
  const rss = Number(/max-rss-kb (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN) / 1024;
  return { ms, rss, stdout: result.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

let failed = false;
try {
  for (const json of [false, true]) {
    const first = run(tree, json); // warm-up (file cache)
    const files = json ? JSON.parse(first.stdout).files : Number(/(\d[\d,]*) files checked/.exec(first.stdout)?.[1].replaceAll(',', ''));
    const rates = [];
    const totals = [];
    const startups = [];
    let rss = first.rss;
    for (let i = 0; i < RUNS; i++) {
      const full = run(tree, json);
      const startup = run(empty, json).ms;
      totals.push(full.ms);
      startups.push(startup);
      rss = Math.max(rss, full.rss);
      rates.push(files / (Math.max(full.ms - startup, 0.001) / 1000));
    }
    const rate = median(rates);
    const ok = rate >= MIN_RATE && rss <= MAX_RSS_MB;
    failed ||= !ok;
    console.log(
      `validate${json ? ' --json' : ''}: ${files.toLocaleString('en-US')} files, ${Math.round(rate).toLocaleString('en-US')} files/s after start-up ` +
        `(median of ${RUNS}; ${median(totals).toFixed(0)} ms per run incl. ${median(startups).toFixed(0)} ms start-up), peak RSS ${rss.toFixed(0)} MB — ` +
        `${ok ? 'ok' : `NOT OK (need ≥ ${MIN_RATE} files/s and ≤ ${MAX_RSS_MB} MB)`}`,
    );
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
