// Crash-safety stress: runs the built CLI for add / upgrade / remove / install operations on one
// project and kills it with SIGKILL at random moments. After every operation it checks that
//   - every agent file is complete (ends with its end marker and loads),
//   - the lockfile on disk parses,
//   - `verify` reports only real differences (edits the stress run made itself),
//   - no temporary file is left once a later run has finished.
// Usage: node tests/stress/crash-stress.mjs [operations] [seed]   (build first: npm run build)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePackageCopy } from '../helpers/package-copy.mjs';

const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0'];
const END = '<!-- end of agent -->';

/** Deterministic PRNG so a failing seed can be replayed. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function agentText(name, version) {
  const rules = Array.from(
    { length: 40 },
    (_, i) => `${i + 1}. Rule ${i + 1} of ${name}${i % 10 === (VERSIONS.indexOf(version) * 3) % 10 ? ` (revised in ${version})` : ''}.`,
  );
  return `---\nname: ${name}\ndescription: "${name} agent, version ${version}."\nmodel: sonnet\n---\n\nYou are ${name}.\n\n## Rules\n${rules.join('\n')}\n\n${'Padding line to make the file larger.\n'.repeat(200)}${END}\n`;
}

/** A copy of the built package whose bundled registry holds the stress agents. */
function makePackage(work) {
  const agents = Object.fromEntries(NAMES.map((name) => [name, Object.fromEntries(VERSIONS.map((v) => [v, agentText(name, v)]))]));
  return makePackageCopy(path.join(work, 'pkg'), agents);
}

export async function runCrashStress({ operations = 200, seed = 1, log = () => {} } = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'agent-install-stress-'));
  const rand = random(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const bin = makePackage(work);
  const project = path.join(work, 'project');
  const agentsDir = path.join(project, '.claude', 'agents');
  mkdirSync(path.join(project, '.git'), { recursive: true });
  const env = { PATH: process.env.PATH, HOME: path.join(work, 'home'), NO_COLOR: '1', CI: 'true', AGENT_INSTALL_LOCK_TIMEOUT: '20000' };
  mkdirSync(env.HOME);
  const edited = new Set(); // agents whose file this run edited by hand
  let typicalMs = 80; // running estimate of how long an uninterrupted run takes
  const stats = { operations: 0, killed: 0, completed: 0, interrupted: 0, exitCodes: {}, violations: [] };

  const run = (args, killAfterMs) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      let timer;
      if (killAfterMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });

  const check = async (label) => {
    const violation = (what) => stats.violations.push(`${label}: ${what}`);
    const lockText = existsSync(path.join(project, '.claude', 'agents.lock.json'))
      ? readFileSync(path.join(project, '.claude', 'agents.lock.json'), 'utf8')
      : null;
    if (lockText !== null) {
      try {
        JSON.parse(lockText);
      } catch (error) {
        violation(`lockfile does not parse: ${error.message}`);
      }
    }
    for (const file of existsSync(agentsDir) ? readdirSync(agentsDir) : []) {
      if (file.endsWith('.md')) {
        const text = readFileSync(path.join(agentsDir, file), 'utf8');
        if (!text.trimEnd().endsWith(END) && !text.includes('>>>>>>>')) violation(`${file} is incomplete`);
      } else if (!file.endsWith('.tmp')) {
        violation(`unexpected file ${file}`);
      }
    }
    const verify = await run(['verify', '--json'], null);
    // Before the first run that got as far as writing the lockfile there is nothing to verify against.
    if (lockText === null && verify.code === 1 && JSON.parse(verify.stdout).error?.code === 'LOCKFILE_MISSING') return;
    if (verify.code !== 0 && verify.code !== 3) return violation(`verify exited ${verify.code}: ${verify.stderr}`);
    const report = JSON.parse(verify.stdout);
    // A killed run left its journal: until the next writer finishes (or undoes) it, files and
    // lockfile may differ, and verify says so. The check after that writer's run holds.
    if (report.interrupted) {
      if (report.error?.code !== 'INTERRUPTED_RUN') violation(`verify reported the journal as ${report.error?.code}`);
      if (label === 'final') violation('a journal outlived a clean run');
      stats.interrupted++;
      return;
    }
    for (const agent of report.agents) {
      if (agent.status === 'ok') continue;
      if (agent.status === 'modified' && edited.has(agent.name)) continue;
      if (agent.status === 'unmanaged' && agent.name && !report.agents.some((a) => a.name === agent.name && a.integrity)) {
        // A file whose lock entry was never written: only allowed for a file the lockfile never knew.
        violation(`${agent.path} is on disk but not in the lockfile`);
        continue;
      }
      violation(`${agent.name ?? agent.path} is ${agent.status}`);
    }
  };

  // A kill before the CLI has loaded interrupts nothing: kills aim past the start-up of a run that
  // does almost nothing (`list` of the empty project), measured here.
  let startupMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    await run(['list'], null);
    startupMs = Math.min(startupMs, Date.now() - started);
  }

  for (let i = 0; stats.operations < operations; i++) {
    const roll = rand();
    let args;
    if (roll < 0.35) args = ['add', `${pick(NAMES)}@${pick(VERSIONS)}`, ...(rand() < 0.5 ? ['--force'] : [])];
    else if (roll < 0.6) args = ['upgrade', ...(rand() < 0.5 ? ['--latest'] : []), ...(rand() < 0.3 ? ['--force'] : ['--merge-markers'])];
    else if (roll < 0.75) args = ['remove', pick(NAMES), '--force'];
    else if (roll < 0.85) args = ['install', '--force'];
    else {
      // A hand edit in the middle of an installed file (not killed: the user is not agent-install).
      const name = pick(NAMES);
      const file = path.join(agentsDir, `${name}.md`);
      if (existsSync(file)) {
        writeFileSync(file, readFileSync(file, 'utf8').replace('You are', `You are (edited ${i})`));
        edited.add(name);
      }
      continue;
    }
    // Kill at a random moment of a typical run (measured as the run goes) after start-up, and let some finish.
    const kill = rand() < 0.6 ? Math.floor(startupMs + rand() * Math.max(typicalMs * 1.1 - startupMs, 10)) : null;
    const started = Date.now();
    const result = await run(args, kill);
    if (!result.signal) typicalMs = typicalMs * 0.8 + (Date.now() - started) * 0.2;
    stats.operations++;
    if (result.signal === 'SIGKILL') stats.killed++;
    else {
      stats.completed++;
      stats.exitCodes[result.code] = (stats.exitCodes[result.code] ?? 0) + 1;
      if (![0, 1, 3].includes(result.code)) stats.violations.push(`${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    }
    await check(`#${i} ${args.join(' ')}${result.signal ? ' (killed)' : ''}`);
    log(`${i} ${args.join(' ')} → ${result.signal ?? result.code}`);
  }
  // A final uninterrupted run cleans up whatever the last kill left.
  await run(['install', '--force'], null);
  const leftovers = readdirSync(path.join(project, '.claude'), { recursive: true }).filter(
    (f) => String(f).endsWith('.tmp') || String(f).endsWith('.journal') || String(f).endsWith('.lock') || String(f).includes('.breaking'),
  );
  if (leftovers.length) stats.violations.push(`left behind after a clean run: ${leftovers.join(', ')}`);
  await check('final');
  rmSync(work, { recursive: true, force: true });
  return stats;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const operations = Number(process.argv[2] ?? 200);
  const seed = Number(process.argv[3] ?? Date.now() % 100000);
  const started = Date.now();
  const stats = await runCrashStress({ operations, seed, log: process.env.VERBOSE ? console.error : () => {} });
  console.log(
    JSON.stringify(
      {
        seed,
        seconds: Math.round((Date.now() - started) / 1000),
        ...stats,
        violations: stats.violations.length,
        firstViolations: stats.violations.slice(0, 10),
      },
      null,
      2,
    ),
  );
  process.exitCode = stats.violations.length ? 1 : 0;
}
