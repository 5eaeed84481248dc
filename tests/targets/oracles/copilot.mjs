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
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { installedFile, oracleMain, prepareCopies, runUntil, startStandIn } from './common.mjs';

export const COPILOT_CLI_VERSION = process.env.COPILOT_CLI_VERSION ?? '1.0.102';

/** The path of the copilot launcher, installed from the npm registry when missing. */
export function copilotBinary(version = COPILOT_CLI_VERSION) {
  return installedFile('@github/copilot', version, 'node_modules/.bin/copilot', 'about 190 MB');
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
  let delegated = false;
  return startStandIn((request, res) => {
    if (request.url.includes('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (delegateTo !== undefined && !delegated && request.url.includes('/chat/completions')) {
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
  }, '/v1');
}

function runCopilot(bin, cwd, env, logDir, done = () => false) {
  const args = ['-p', 'oracle', '--allow-all-tools', '--trust-folder', '--disable-client-telemetry', '--log-level', 'all', '--log-dir', logDir];
  return runUntil(bin, args, { cwd, env, done });
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
  const copies = prepareCopies(project, home, 'copilot');
  return { ...copies, logDir: path.join(copies.work, 'logs') };
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
  const { projectDir, homeDir, logDir, remove } = prepare(project, home);
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
    remove();
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
  const { projectDir, homeDir, logDir, hide, remove } = prepare(project, home);
  const model = await startModelServer();
  try {
    const run = await runCopilot(bin, projectDir, environment(homeDir, model.url), logDir);
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
    remove();
  }
}

await oracleMain(import.meta.url, {
  usage: 'node tests/targets/oracles/copilot.mjs [--home DIR] [--probe] PROJECT',
  flags: ['--probe'],
  install: () => copilotBinary(),
  ask: ({ project, home, flags }) => askCopilot({ project, home, probe: flags['--probe'] }),
});
