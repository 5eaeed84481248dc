// Concurrency stress: starts `count` runs of the built CLI at once, each adding a different agent
// to one project, and checks that every run succeeds and every agent ends up installed and
// locked (no lost lock entries, no half-written lockfile), and that `verify` agrees.
// Usage: node tests/stress/concurrency-stress.mjs [count]   (build first: npm run build)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePackageCopy } from '../helpers/package-copy.mjs';

const agent = (name) => `---\nname: ${name}\ndescription: ${name} agent.\n---\n\n${`You are ${name}.\n`.repeat(50)}`;

function run(bin, args, cwd, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `count` concurrent `add` runs on one scope. Returns what a caller checks: each run's exit code
 * and stderr, the names, the lockfile's agent names, the agent files on disk and verify's exit code.
 */
export async function runConcurrentAdds({ count = 10 } = {}) {
  const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-concurrency-')));
  try {
    const names = Array.from({ length: count }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
    const bin = makePackageCopy(path.join(work, 'pkg'), Object.fromEntries(names.map((n) => [n, { '1.0.0': agent(n) }])));
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    mkdirSync(path.join(work, 'home'));
    const env = { PATH: process.env.PATH, HOME: path.join(work, 'home'), NO_COLOR: '1', CI: 'true' };
    const results = await Promise.all(names.map((n) => run(bin, ['add', n], project, env)));
    const lock = JSON.parse(readFileSync(path.join(project, '.claude/agents.lock.json'), 'utf8'));
    const files = readdirSync(path.join(project, '.claude/agents')).sort();
    const verify = await run(bin, ['verify'], project, env);
    return { names, results: results.map(({ code, stderr }) => ({ code, stderr })), locked: Object.keys(lock.agents).sort(), files, verify: verify.code };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 40);
  const started = Date.now();
  const outcome = await runConcurrentAdds({ count });
  const failed = outcome.results.filter((r) => r.code !== 0);
  const missing = outcome.names.filter((n) => !outcome.locked.includes(n));
  const missingFiles = outcome.names.filter((n) => !outcome.files.includes(`${n}.md`));
  const ok = failed.length === 0 && missing.length === 0 && missingFiles.length === 0 && outcome.files.length === count && outcome.verify === 0;
  console.log(
    JSON.stringify(
      {
        count,
        seconds: Math.round((Date.now() - started) / 1000),
        failedRuns: failed.length,
        firstFailures: failed.slice(0, 3).map((r) => r.stderr),
        lockedAgents: outcome.locked.length,
        missingFromLockfile: missing,
        missingFiles,
        verify: outcome.verify,
        ok,
      },
      null,
      2,
    ),
  );
  process.exitCode = ok ? 0 : 1;
}
