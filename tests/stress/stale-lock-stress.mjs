// Stale-lock stress: each round starts a fresh project whose scope lock was left by a process that
// died (a real pid, spawned and exited, on this host), then starts `writers` runs of the built CLI
// at once, each adding a different agent. Waiters that find the stale lock must take it over one
// at a time: after every round the lockfile must hold all the entries, every file must be there,
// and no lock, breaking mutex, journal or temporary file may be left.
// Usage: node tests/stress/stale-lock-stress.mjs [writers] [rounds]   (build first: npm run build)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePackageCopy } from '../helpers/package-copy.mjs';

const agent = (name) => `---\nname: ${name}\ndescription: ${name} agent.\n---\n\n${`You are ${name}.\n`.repeat(20)}`;

function run(bin, args, cwd, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** A pid that was alive a moment ago and is not any more. */
export function deadPid() {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** Files of a scope's Claude folder that only a run in progress (or a killed one) has. */
export function leftoversIn(claudeDir) {
  if (!existsSync(claudeDir)) return [];
  return readdirSync(claudeDir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.tmp') || f.endsWith('.journal') || f.endsWith('.lock') || f.includes('.breaking'),
  );
}

export async function runStaleLockRounds({ writers = 30, rounds = 100, log = () => {} } = {}) {
  const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-stale-lock-')));
  const stats = { writers, rounds: 0, runs: 0, failedRuns: 0, lostEntries: 0, missingFiles: 0, leftovers: [], firstFailures: [] };
  try {
    const names = Array.from({ length: writers }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
    const bin = makePackageCopy(path.join(work, 'pkg'), Object.fromEntries(names.map((n) => [n, { '1.0.0': agent(n) }])));
    mkdirSync(path.join(work, 'home'));
    const env = { PATH: process.env.PATH, HOME: path.join(work, 'home'), NO_COLOR: '1', CI: 'true', AGENT_INSTALL_LOCK_TIMEOUT: '120000' };
    for (let round = 0; round < rounds; round++) {
      const project = path.join(work, `project-${round}`);
      const claude = path.join(project, '.claude');
      mkdirSync(path.join(project, '.git'), { recursive: true });
      mkdirSync(claude);
      const stale = { pid: deadPid(), host: hostname(), started: Date.now() - 60_000, token: `${round.toString(16).padStart(8, '0')}deadbeef` };
      writeFileSync(path.join(claude, 'agents.lock.json.lock'), JSON.stringify(stale));
      const results = await Promise.all(names.map((n) => run(bin, ['add', n], project, env)));
      stats.runs += results.length;
      for (const r of results) {
        if (r.code === 0) continue;
        stats.failedRuns++;
        if (stats.firstFailures.length < 3) stats.firstFailures.push(`round ${round}: exit ${r.code ?? r.signal}: ${r.stderr.trim()}`);
      }
      const lockfile = existsSync(path.join(claude, 'agents.lock.json'))
        ? JSON.parse(readFileSync(path.join(claude, 'agents.lock.json'), 'utf8'))
        : { agents: {} };
      const lost = names.filter((n) => !Object.hasOwn(lockfile.agents, n));
      const files = new Set(existsSync(path.join(claude, 'agents')) ? readdirSync(path.join(claude, 'agents')) : []);
      const missing = names.filter((n) => !files.has(`${n}.md`));
      stats.lostEntries += lost.length;
      stats.missingFiles += missing.length;
      const left = leftoversIn(claude);
      stats.leftovers.push(...left.map((f) => `round ${round}: ${f}`));
      stats.rounds++;
      log(`round ${round}: ${lost.length} lost, ${missing.length} files missing, ${left.length} left over`);
      rmSync(project, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return stats;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const writers = Number(process.argv[2] ?? 30);
  const rounds = Number(process.argv[3] ?? 100);
  const started = Date.now();
  const stats = await runStaleLockRounds({ writers, rounds, log: process.env.VERBOSE ? console.error : () => {} });
  const ok = stats.failedRuns === 0 && stats.lostEntries === 0 && stats.missingFiles === 0 && stats.leftovers.length === 0;
  console.log(JSON.stringify({ ...stats, seconds: Math.round((Date.now() - started) / 1000), leftovers: stats.leftovers.slice(0, 10), ok }, null, 2));
  process.exitCode = ok ? 0 : 1;
}
