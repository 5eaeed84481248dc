// What the target oracles share (opencode.mjs, gemini.mjs, codex.mjs, copilot.mjs): installing a
// client from the npm registry once into the user cache, a throw-away copy of the project and of
// HOME, running the client until it has said enough, a stand-in model server on 127.0.0.1, and the
// command line of each oracle. Dependency-free, like the oracles.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `$AGENT_INSTALL_ORACLES_DIR/<package>/<version>` (default: the user cache folder's agent-install-target-oracles). */
export function installDir(pkg, version) {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache');
  return path.join(process.env.AGENT_INSTALL_ORACLES_DIR ?? path.join(cache, 'agent-install-target-oracles'), ...pkg.split('/'), version);
}

/**
 * The path of `entry` (relative to the install folder) of `pkg@version`, installed from the npm
 * registry first when missing. `size` is said once, while it installs.
 */
export function installedFile(pkg, version, entry, size) {
  const prefix = installDir(pkg, version);
  const file = path.join(prefix, ...entry.split('/'));
  if (!existsSync(file)) {
    process.stderr.write(`installing ${pkg}@${version} into ${prefix} (once, ${size})\n`);
    mkdirSync(prefix, { recursive: true });
    // A package.json of our own keeps npm from taking the folder for the package being installed.
    writeFileSync(path.join(prefix, 'package.json'), '{"name":"oracle-cache","private":true}\n');
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `${pkg}@${version}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return file;
}

/**
 * A temporary folder holding `project/` (a copy of `project` without its .git, made a git
 * repository of its own so that upward searches stop there; empty when `project` is undefined)
 * and `home/` (a copy of `home`, else empty). `hide` shows those two paths as <project> and <home>.
 */
export function prepareCopies(project, home, prefix) {
  const work = realpathSync(mkdtempSync(path.join(tmpdir(), `${prefix}-oracle-`)));
  const projectDir = path.join(work, 'project');
  const homeDir = path.join(work, 'home');
  if (project === undefined) mkdirSync(projectDir);
  else cpSync(path.resolve(project), projectDir, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
  if (home !== undefined) cpSync(path.resolve(home), homeDir, { recursive: true });
  mkdirSync(homeDir, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: projectDir });
  const hide = (text) => text.split(projectDir).join('<project>').split(homeDir).join('<home>');
  return { work, projectDir, homeDir, hide, remove: () => rmSync(work, { recursive: true, force: true }) };
}

/** `hide` applied to every string of a JSON value. */
export const hideAll = (hide, value) => JSON.parse(hide(JSON.stringify(value)));

/**
 * Runs a client and collects its output; ends it (SIGTERM) as soon as `done()` holds, and for good
 * (SIGKILL) after two minutes. `group`: the client gets a process group of its own, ended as a
 * whole (Gemini CLI restarts itself in a child process).
 */
export function runUntil(command, args, { cwd, env, done = () => false, group = false }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, detached: group, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const stop = (signal) => {
      try {
        if (group) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => stop('SIGKILL'), 120_000);
    const poll = setInterval(() => {
      if (done()) stop('SIGTERM');
    }, 100);
    child.on('close', (status) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * A stand-in model server on 127.0.0.1 that records every request ({ url, body }) and lets
 * `answer(request, res)` reply. Resolves to { server, requests, url } (`url` + `suffix`).
 */
export function startStandIn(answer, suffix = '') {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = { url: req.url, body };
      requests.push(request);
      answer(request, res);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, requests, url: `http://127.0.0.1:${server.address().port}${suffix}` }));
  });
}

/**
 * The command line of an oracle module: when `metaUrl` is the script node runs, `--install` calls
 * `install`; otherwise `--home DIR` and the `flags` given are taken from the arguments, exactly
 * one PROJECT must remain, and `ask({ project, home, ...flags })` is printed as JSON.
 */
export async function oracleMain(metaUrl, { usage, flags = [], install, ask }) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(metaUrl)) return;
  const args = process.argv.slice(2);
  if (args.includes('--install')) {
    install();
    return;
  }
  const at = args.indexOf('--home');
  const home = at >= 0 ? args.splice(at, 2)[1] : undefined;
  const given = {};
  for (const flag of flags) {
    const index = args.indexOf(flag);
    given[flag] = index >= 0;
    if (index >= 0) args.splice(index, 1);
  }
  if (args.length !== 1) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await ask({ project: args[0], home, flags: given }), null, 2)}\n`);
}
