// Readers beside writers: `writers` agents are installed, then each is moved between two versions
// `iterations` times by its own sequence of `add` runs of the built CLI, all agents at once, while
// `readers` loops run `verify --json` and `list --json` as fast as they can. Every agent file is
// at one version or the other at every instant and the lockfile always matches the files once a
// run finished, so every read must say exit 0 and `ok` for every agent: a reader that saw a new
// file beside the lockfile before it ("ahead", "behind", "unmanaged"), or a file renamed away
// under it (ENOENT, "invalid", "missing"), reports drift that never was.
// Usage: node tests/stress/readers-stress.mjs [writers] [iterations] [readers]   (build first)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePackageCopy } from '../helpers/package-copy.mjs';

const agent = (name, version) => `---\nname: ${name}\ndescription: ${name} agent, version ${version}.\n---\n\n${`You are ${name} ${version}.\n`.repeat(30)}`;

function run(bin, args, cwd, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** What is wrong with one reader's output, or null. */
function falseReport(command, result) {
  let json;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    return `${command}: exit ${result.code}, no JSON: ${result.stderr.trim()}`;
  }
  if (result.code !== 0) return `${command}: exit ${result.code}: ${JSON.stringify(json.error ?? json).slice(0, 300)}`;
  const agents = command === 'list' ? json : json.agents;
  const wrong = agents.filter((a) => a.status !== 'ok');
  if (wrong.length > 0) return `${command}: ${wrong.map((a) => `${a.name ?? a.path} ${a.status}`).join(', ')}`;
  return null;
}

export async function runReadersBesideWriters({ writers = 8, iterations = 10, readers = 2 } = {}) {
  const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-readers-')));
  const stats = { writers, iterations, writerRuns: 0, failedWriters: [], reads: 0, falseReports: 0, firstFalseReports: [] };
  try {
    const names = Array.from({ length: writers }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
    const versions = ['1.0.0', '1.1.0'];
    const bin = makePackageCopy(path.join(work, 'pkg'), Object.fromEntries(names.map((n) => [n, Object.fromEntries(versions.map((v) => [v, agent(n, v)]))])));
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    mkdirSync(path.join(work, 'home'));
    const env = { PATH: process.env.PATH, HOME: path.join(work, 'home'), NO_COLOR: '1', CI: 'true', AGENT_INSTALL_LOCK_TIMEOUT: '120000' };
    const first = await run(bin, ['add', ...names.map((n) => `${n}@1.0.0`)], project, env);
    if (first.code !== 0) throw new Error(`the first add failed: ${first.stderr}`);
    let writing = true;
    const writer = async (name) => {
      for (let i = 1; i <= iterations; i++) {
        const result = await run(bin, ['add', `${name}@${versions[i % 2]}`], project, env);
        stats.writerRuns++;
        if (result.code !== 0 && stats.failedWriters.length < 3) stats.failedWriters.push(`${name} #${i}: exit ${result.code}: ${result.stderr.trim()}`);
      }
    };
    const reader = async (index) => {
      for (let i = index; writing; i++) {
        const command = i % 2 === 0 ? 'verify' : 'list';
        const result = await run(bin, [command, '--json'], project, env);
        stats.reads++;
        const wrong = falseReport(command, result);
        if (wrong !== null) {
          stats.falseReports++;
          if (stats.firstFalseReports.length < 5) stats.firstFalseReports.push(wrong);
        }
      }
    };
    const reading = Promise.all(Array.from({ length: readers }, (_, i) => reader(i)));
    await Promise.all(names.map(writer));
    writing = false;
    await reading;
    // Once the writers are done, a read must agree too.
    for (const command of ['verify', 'list']) {
      const wrong = falseReport(command, await run(bin, [command, '--json'], project, env));
      stats.reads++;
      if (wrong !== null) {
        stats.falseReports++;
        stats.firstFalseReports.push(`after the writers: ${wrong}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return stats;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const writers = Number(process.argv[2] ?? 8);
  const iterations = Number(process.argv[3] ?? 10);
  const readers = Number(process.argv[4] ?? 2);
  const started = Date.now();
  const stats = await runReadersBesideWriters({ writers, iterations, readers });
  const ok = stats.failedWriters.length === 0 && stats.falseReports === 0;
  console.log(JSON.stringify({ ...stats, seconds: Math.round((Date.now() - started) / 1000), ok }, null, 2));
  process.exitCode = ok ? 0 : 1;
}
