// `node bench/audit.mjs` (after `npm run build`): the BUILT `agent-install audit` over generated
// trees of N = 1,000, 5,000 and 20,000 agent files (tests/fixtures/corpus and
// tests/fixtures/malicious copied round-robin, each copy's `name` made unique), with the default
// text output and, at the largest N, with --json.
//
// Each round times `node -e 0` (the floor), audit of an empty folder (start-up), then audit of the
// tree, one after the other, so that each ratio compares runs made under the same conditions;
// files/s are counted after start-up (tree minus empty folder). Medians of RUNS rounds (default 3)
// after one warm-up; the peak RSS is the process's own (`maxRSS` of process.resourceUsage(),
// written by a preloaded module when it exits), the largest of the runs. The last column says how
// the cost grows: milliseconds of work per 1,000 files at each N (flat = linear).
// Exits 1 below MIN_RATE files/s or above MAX_RSS_MB at any N.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'agent-install.cjs');
const SOURCES = [path.join(ROOT, 'tests', 'fixtures', 'corpus'), path.join(ROOT, 'tests', 'fixtures', 'malicious')];
const SIZES = (process.env.BENCH_SIZES ?? '1000,5000,20000').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const MIN_RATE = Number(process.env.BENCH_MIN_RATE ?? 2000);
const MAX_RSS_MB = Number(process.env.BENCH_MAX_RSS_MB ?? 200);

if (!existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), 'agent-install-bench-audit-'));
const env = { PATH: process.env.PATH, HOME: work, NO_COLOR: '1', CI: 'true' };
const rssProbe = path.join(work, 'max-rss.cjs');
writeFileSync(
  rssProbe,
  ["process.on('exit', () => {", "  require('node:fs').writeSync(2, '\\nmax-rss-kb ' + process.resourceUsage().maxRSS + '\\n');", '});', ''].join('\n'),
);

function markdownFiles(root, dir = root) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(root, file));
    else if (entry.name.endsWith('.md') && file !== path.join(root, 'README.md')) out.push(file);
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

const sources = SOURCES.flatMap((dir) => markdownFiles(dir)).map((file) => ({ file, bytes: readFileSync(file) }));
function makeTree(count) {
  const tree = path.join(work, `tree-${count}`);
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    const copy = Math.floor(i / sources.length);
    const target = path.join(tree, `c${copy}`, `${i}-${path.basename(source.file)}`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, copy === 0 ? source.bytes : renamed(source.bytes, copy));
  }
  return tree;
}
const empty = path.join(work, 'empty');
mkdirSync(empty);

/** Wall time in ms, peak RSS in MB and output of one run. */
function run(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', rssProbe, ...args], { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
  const rss = Number(/max-rss-kb (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN) / 1024;
  return { ms, rss, stdout: result.stdout };
}
const audit = (target, json) => run([BIN, 'audit', target, '--fail-on', 'none', ...(json ? ['--json'] : [])]);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

let failed = false;
const rows = [];
try {
  for (const size of SIZES) {
    const tree = makeTree(size);
    for (const json of size === Math.max(...SIZES) ? [false, true] : [false]) {
      const first = audit(tree, json); // warm-up (file cache)
      const files = json ? JSON.parse(first.stdout).files : Number(/(\d[\d,]*) files audited/.exec(first.stdout)?.[1].replaceAll(',', ''));
      const floors = [];
      const startups = [];
      const totals = [];
      let rss = first.rss;
      for (let i = 0; i < RUNS; i++) {
        floors.push(run(['-e', '0']).ms);
        startups.push(audit(empty, json).ms);
        const full = audit(tree, json);
        totals.push(full.ms);
        rss = Math.max(rss, full.rss);
      }
      const floor = median(floors);
      const startup = median(startups);
      const total = median(totals);
      const rate = files / (Math.max(total - startup, 0.001) / 1000);
      const ok = rate >= MIN_RATE && rss <= MAX_RSS_MB;
      failed ||= !ok;
      rows.push({ size, json, files, floor, startup, total, rate, rss, perThousand: ((total - startup) / files) * 1000 });
      console.log(
        `audit${json ? ' --json' : ''}: ${files.toLocaleString('en-US')} files in ${total.toFixed(0)} ms (${(total / floor).toFixed(1)}× node -e 0 = ${floor.toFixed(1)} ms; ` +
          `start-up ${startup.toFixed(0)} ms = ${(startup / floor).toFixed(2)}×), ${Math.round(rate).toLocaleString('en-US')} files/s after start-up, ` +
          `${(((total - startup) / files) * 1000).toFixed(0)} ms per 1,000 files, peak RSS ${rss.toFixed(0)} MB — ${ok ? 'ok' : `NOT OK (need ≥ ${MIN_RATE} files/s and ≤ ${MAX_RSS_MB} MB)`}`,
      );
    }
    rmSync(tree, { recursive: true, force: true });
  }
  const text = rows.filter((r) => !r.json);
  if (text.length > 1) {
    const growth = text.map((r) => `${r.size.toLocaleString('en-US')}: ${r.perThousand.toFixed(0)} ms`).join(', ');
    console.log(`cost per 1,000 files after start-up (flat = linear): ${growth}`);
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
