#!/usr/bin/env node
// The real GitHub Copilot CLI as a test oracle: which custom agents it loads from a project (and a
// home folder). Offline, with no GitHub account or token.
//
//   node tests/targets/oracles/copilot.mjs [--home DIR] [--probe] PROJECT   prints one JSON document
//   node tests/targets/oracles/copilot.mjs --install                installs Copilot CLI only
//
// @github/copilot (COPILOT_CLI_VERSION or 1.0.102) is installed from the npm registry once, into
// $AGENT_INSTALL_ORACLES_DIR (default: the user cache folder's agent-install-target-oracles)
// under @github/copilot/<version>; the package ships a native binary (about 190 MB).
//
// How it works. Copilot CLI loads custom agents only when it has a model backend. Its documented
// offline mode (COPILOT_OFFLINE=true) with a "bring your own key" provider (COPILOT_PROVIDER_BASE_URL)
// needs no GitHub authentication; the oracle points that provider at a small OpenAI-compatible
// server of its own on 127.0.0.1. One `copilot -p` run sends one chat request there: its `task`
// tool lists "User-provided custom agents" as "- **name**: description" and names them in the
// agent_type enum. The server answers "ok". The CLI's own log (--log-level all) says which files it
// rejected and why. No key or token is sent anywhere.
//
// PROJECT is copied into a temporary git repository (the CLI is told to trust it for this one run)
// and HOME is a temporary folder that receives a copy of --home when given. Built-in agents are
// left out.
//
// Output: { "version", "agents": [{ name, description }], "log": [{ level, text }] }
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const COPILOT_CLI_VERSION = process.env.COPILOT_CLI_VERSION ?? '1.0.102';

function installDir(version) {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache');
  return path.join(process.env.AGENT_INSTALL_ORACLES_DIR ?? path.join(cache, 'agent-install-target-oracles'), '@github', 'copilot', version);
}

/** The path of the copilot launcher, installed from the npm registry when missing. */
export function copilotBinary(version = COPILOT_CLI_VERSION) {
  const prefix = installDir(version);
  const bin = path.join(prefix, 'node_modules', '.bin', 'copilot');
  if (!existsSync(bin)) {
    process.stderr.write(`installing @github/copilot@${version} into ${prefix} (once, about 190 MB)\n`);
    mkdirSync(prefix, { recursive: true });
    writeFileSync(path.join(prefix, 'package.json'), '{"name":"oracle-cache","private":true}\n');
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `@github/copilot@${version}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return bin;
}

const MODEL = 'gpt-4.1';

function chunk(delta, finish) {
  return `data: ${JSON.stringify({ id: 'oracle', object: 'chat.completion.chunk', created: 0, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/**
 * A stand-in for an OpenAI-compatible provider on 127.0.0.1 that records requests and answers "ok".
 * With `delegateTo`, its first answer instead calls the task tool for that agent, so that the next
 * request is the subagent's own: the tools and instructions Copilot CLI gives that agent.
 */
function startModelServer(delegateTo) {
  const requests = [];
  let delegated = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (data) => {
      body += data;
    });
    req.on('end', () => {
      requests.push({ url: req.url, body });
      if (req.url.includes('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (delegateTo !== undefined && !delegated && req.url.includes('/chat/completions')) {
        delegated = true;
        const args = { name: 'probe', description: 'oracle probe', prompt: 'oracle', agent_type: delegateTo };
        const call = { index: 0, id: 'call_oracle', type: 'function', function: { name: 'task', arguments: JSON.stringify(args) } };
        res.write(chunk({ role: 'assistant', tool_calls: [call] }, null));
        res.write(chunk({}, 'tool_calls'));
      } else {
        res.write(chunk({ role: 'assistant', content: 'ok' }, null));
        res.write(chunk({}, 'stop'));
      }
      res.end('data: [DONE]\n\n');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, requests, url: `http://127.0.0.1:${server.address().port}/v1` }));
  });
}

function runCopilot(bin, cwd, env, logDir, done = () => false) {
  const args = ['-p', 'oracle', '--allow-all-tools', '--trust-folder', '--disable-client-telemetry', '--log-level', 'all', '--log-dir', logDir];
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const poll = setInterval(() => {
      if (done()) child.kill('SIGTERM');
    }, 100);
    child.on('close', (status) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ status, stderr });
    });
  });
}

/** Reads "- **name**: description" items after "User-provided custom agents:" in the task tool. */
export function parseCustomAgents(taskDescription) {
  const start = taskDescription.indexOf('User-provided custom agents:');
  if (start < 0) return [];
  const agents = [];
  const section = taskDescription.slice(start);
  for (const item of section.split(/\n(?=- \*\*)/).slice(1)) {
    const match = /^- \*\*(.+?)\*\*: ?([\s\S]*?)\s*$/.exec(item);
    if (match) agents.push({ name: match[1], description: match[2] });
  }
  return agents;
}

// Log lines that concern agent files.
const ABOUT_AGENTS = /agents?\b.*\.md|custom agent|frontmatter/i;

function prepare(project, home) {
  const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'copilot-oracle-')));
  const projectDir = path.join(work, 'project');
  const homeDir = path.join(work, 'home');
  cpSync(path.resolve(project), projectDir, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
  if (home !== undefined) cpSync(path.resolve(home), homeDir, { recursive: true });
  mkdirSync(homeDir, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: projectDir });
  return { work, projectDir, homeDir, logDir: path.join(work, 'logs') };
}

function environment(homeDir, url) {
  return {
    PATH: process.env.PATH,
    HOME: homeDir,
    NO_COLOR: '1',
    COPILOT_OFFLINE: 'true',
    COPILOT_AUTO_UPDATE: 'false',
    COPILOT_PROVIDER_BASE_URL: url,
    COPILOT_MODEL: MODEL,
    NO_PROXY: '127.0.0.1,localhost',
  };
}

const chatRequests = (model) => model.requests.filter((r) => r.url.includes('/chat/completions'));

/**
 * What Copilot CLI gives the agent `name` when the main agent delegates to it: its tool names and
 * its system prompt. Undefined when the CLI did not start that agent.
 */
async function probeAgent(bin, project, home, name) {
  const { work, projectDir, homeDir, logDir } = prepare(project, home);
  const model = await startModelServer(name);
  try {
    await runCopilot(bin, projectDir, environment(homeDir, model.url), logDir, () => chatRequests(model).length >= 2);
    const sub = chatRequests(model)[1];
    if (!sub) return undefined;
    const body = JSON.parse(sub.body);
    const system = (body.messages ?? []).filter((m) => m.role === 'system').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
    return { tools: (body.tools ?? []).map((t) => t.function?.name).filter(Boolean), model: body.model, system: system.join('\n') };
  } finally {
    model.server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Asks Copilot CLI which custom agents it loads in `project` (with a copy of `home` as HOME, else
 * an empty one). With `probe: true`, each agent is also started once as a subagent (one more run
 * per agent) and its answer carries `tools`, the tool names that agent receives, `model`, and
 * `prompt`, the opening of its system prompt (the file's body). Throws when the CLI never reached the stand-in provider.
 */
export async function askCopilot({ project, home, probe = false, version = COPILOT_CLI_VERSION }) {
  const bin = copilotBinary(version);
  const { work, projectDir, homeDir, logDir } = prepare(project, home);
  const model = await startModelServer();
  try {
    const run = await runCopilot(bin, projectDir, environment(homeDir, model.url), logDir);
    const hide = (text) => text.split(projectDir).join('<project>').split(homeDir).join('<home>');
    const turn = chatRequests(model)[0];
    if (!turn) throw new Error(`Copilot CLI sent no request (exit ${run.status}):\n${hide(run.stderr).slice(-2000)}`);
    const body = JSON.parse(turn.body);
    const task = (body.tools ?? []).find((t) => t.function?.name === 'task');
    const agents = task ? parseCustomAgents(task.function.description).map((a) => ({ ...a, description: hide(a.description) })) : [];
    const log = [];
    for (const file of existsSync(logDir) ? readdirSync(logDir) : []) {
      for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
        const match = /^\S+ \[(\w+)\] (.*)$/.exec(line);
        if (match && ABOUT_AGENTS.test(match[2])) log.push({ level: match[1], text: hide(match[2]) });
      }
    }
    if (probe) {
      for (const agent of agents) {
        const seen = await probeAgent(bin, project, home, agent.name);
        // The agent's body opens its system prompt; the CLI's own tool guidance follows it.
        if (seen) Object.assign(agent, { tools: seen.tools, model: seen.model, prompt: seen.system.split('\n\n<tools>')[0] });
      }
    }
    return { version, agents, log };
  } finally {
    model.server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--install')) {
    copilotBinary();
  } else {
    const at = args.indexOf('--home');
    const home = at >= 0 ? args.splice(at, 2)[1] : undefined;
    const probeAt = args.indexOf('--probe');
    if (probeAt >= 0) args.splice(probeAt, 1);
    if (args.length !== 1) {
      process.stderr.write('usage: node tests/targets/oracles/copilot.mjs [--home DIR] [--probe] PROJECT\n');
      process.exit(2);
    }
    process.stdout.write(`${JSON.stringify(await askCopilot({ project: args[0], home, probe: probeAt >= 0 }), null, 2)}\n`);
  }
}
