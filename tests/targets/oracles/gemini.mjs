#!/usr/bin/env node
// The real Gemini CLI as a test oracle: which subagents it loads from a project (and a home folder).
// Offline, with no account or API key.
//
//   node tests/targets/oracles/gemini.mjs [--home DIR] [--no-acknowledge] [--probe] PROJECT   JSON
//   node tests/targets/oracles/gemini.mjs --install                                 installs only
//
// @google/gemini-cli (GEMINI_CLI_VERSION or 0.61.0) is installed from the npm registry once, into
// $AGENT_INSTALL_ORACLES_DIR (default: the user cache folder's agent-install-target-oracles)
// under @google/gemini-cli/<version> (about 100 MB of JavaScript).
//
// How it works. Gemini CLI has no command that lists agents, and its headless mode needs an auth
// method. The oracle selects the "gateway" auth type (GOOGLE_GEMINI_BASE_URL) pointing at a small
// HTTP server of its own on 127.0.0.1, with `security.auth.useExternal` so no key is checked. It
// runs `gemini -p` once; the CLI loads its agents and sends one request to that server, whose
// system instruction lists every registered subagent as "- name -> description". The server
// answers "ok" and the CLI exits. Nothing leaves the machine; no key is sent.
//
// Gemini CLI registers a project agent only when the folder is trusted (the oracle passes
// --skip-trust) and when the user has acknowledged that exact file (its SHA-256) under its name.
// Unless --no-acknowledge is given, the oracle acknowledges every .gemini/agents/*.md of the
// project as a user pressing "Acknowledge and Enable" would, reading the name from the file's
// `name:` line. User agents (~/.gemini/agents) need neither step.
//
// PROJECT is copied into a temporary git repository and HOME is a temporary folder that receives a
// copy of --home when given. Built-in agents are left out of `agents`.
//
// Output: { "version", "agents": [{ name, description }], "log": [{ level, text }] }
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installedFile, oracleMain, prepareCopies, runUntil, startStandIn } from './common.mjs';

export const GEMINI_CLI_VERSION = process.env.GEMINI_CLI_VERSION ?? '0.61.0';

const BUILT_IN = new Set(['codebase_investigator', 'cli_help', 'generalist', 'browser_agent']);

/** The path of Gemini CLI's entry script, installed from the npm registry when missing. */
export function geminiScript(version = GEMINI_CLI_VERSION) {
  return installedFile('@google/gemini-cli', version, 'node_modules/@google/gemini-cli/bundle/gemini.js', 'about 100 MB');
}

const REPLY = { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP', index: 0 }] };

function reply(parts) {
  return { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }] };
}

/**
 * A stand-in for the Gemini API on 127.0.0.1 that records each request and answers "ok". With
 * `delegateTo`, its first answer to the main agent instead calls invoke_agent for that agent, so
 * that a later request is the subagent's own: the tools and instructions Gemini CLI gives it.
 */
function startModelServer(delegateTo) {
  let delegated = false;
  return startStandIn((request, res) => {
    let answer = REPLY;
    if (delegateTo !== undefined && !delegated && request.url.includes('streamGenerateContent')) {
      delegated = true;
      answer = reply([{ functionCall: { name: 'invoke_agent', args: { agent_name: delegateTo, prompt: 'oracle' } } }]);
    }
    if (request.url.includes('alt=sse')) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify(answer)}\n\n`);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    }
  });
}

/** The `name:` line of a file's leading frontmatter, as a user would read it. */
function declaredName(text) {
  const block = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  const line = block && /^name:[ \t]*(.*?)[ \t]*$/m.exec(block[1]);
  return line ? line[1].replace(/^(["'])(.*)\1$/, '$2') : undefined;
}

function acknowledge(projectDir, homeDir) {
  const agentsDir = path.join(projectDir, '.gemini', 'agents');
  if (!existsSync(agentsDir)) return;
  const acknowledged = {};
  for (const entry of readdirSync(agentsDir, { withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
    const content = readFileSync(path.join(agentsDir, entry.name), 'utf8');
    const name = declaredName(content);
    if (name) acknowledged[name] = createHash('sha256').update(content).digest('hex');
  }
  const file = path.join(homeDir, '.gemini', 'acknowledgments', 'agents.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  previous[projectDir] = { ...previous[projectDir], ...acknowledged };
  writeFileSync(file, JSON.stringify(previous, null, 2));
}

function writeSettings(homeDir) {
  const file = path.join(homeDir, '.gemini', 'settings.json');
  mkdirSync(path.dirname(file), { recursive: true });
  let settings = {};
  try {
    settings = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    settings = {};
  }
  settings.security = { ...settings.security, auth: { ...settings.security?.auth, useExternal: true } };
  settings.privacy = { ...settings.privacy, usageStatisticsEnabled: false };
  settings.telemetry = { ...settings.telemetry, enabled: false };
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

// Gemini CLI restarts itself in a child process: the run is a process group, ended as a whole.
function runGemini(script, cwd, env, extraArgs = [], done = () => false) {
  const args = [script, '-p', 'oracle', '-m', 'gemini-2.5-flash', '--skip-trust', '--debug', ...extraArgs];
  return runUntil(process.execPath, args, { cwd, env, done, group: true });
}

/** Reads "- name -> description" items from the sub-agent section of the system instruction. */
export function parseSubagents(systemText) {
  const start = systemText.indexOf('The following sub-agents are available:');
  if (start < 0) return [];
  const end = systemText.indexOf('\nRemember that the closest relevant sub-agent', start);
  const section = systemText.slice(start, end < 0 ? undefined : end);
  const agents = [];
  for (const item of section.split(/\n(?=- [a-z0-9_-]+ -> )/).slice(1)) {
    const match = /^- ([a-z0-9_-]+) -> ([\s\S]*)$/.exec(item);
    if (match) agents.push({ name: match[1], description: match[2].trim() });
  }
  return agents;
}

// Debug-output lines that concern agent files. A load error is followed by one line per problem.
const ABOUT_AGENTS = /^Agent loading error|^\[AgentRegistry\]|Duplicate agent name|untrusted folder|Error registering/;
const PROBLEM = /^(\((Local|Remote) Agent\) )?([\w.]+: |Unrecognized key)/;

/** The agent-related lines of Gemini CLI's debug output, each load error with its problems. */
export function agentLog(stderr) {
  const log = [];
  let open;
  for (const line of stderr.split('\n')) {
    if (open && PROBLEM.test(line)) {
      open.text += `\n${line}`;
      continue;
    }
    open = undefined;
    if (!ABOUT_AGENTS.test(line)) continue;
    const entry = { level: /error|Duplicate|untrusted/i.test(line) ? 'WARN' : 'DEBUG', text: line };
    if (line.startsWith('Agent loading error')) {
      entry.level = 'ERROR';
      open = entry;
    }
    log.push(entry);
  }
  return log;
}

function prepare(project, home, acknowledgeProjectAgents) {
  const copies = prepareCopies(project, home, 'gemini');
  writeSettings(copies.homeDir);
  if (acknowledgeProjectAgents) acknowledge(copies.projectDir, copies.homeDir);
  return copies;
}

function environment(homeDir, url) {
  return { PATH: process.env.PATH, HOME: homeDir, GOOGLE_GEMINI_BASE_URL: url, NO_COLOR: '1', NO_PROXY: '127.0.0.1,localhost' };
}

const systemOf = (request) => (JSON.parse(request.body).systemInstruction?.parts ?? []).map((p) => p.text ?? '').join('');
const isMainTurn = (request) => request.url.includes('streamGenerateContent') && systemOf(request).includes('# Available Sub-Agents');

/**
 * What Gemini CLI gives the agent `name` when the main agent delegates to it: its tool names and
 * its system instruction. Undefined when the CLI did not start that agent.
 */
async function probeAgent(script, project, home, acknowledgeProjectAgents, name) {
  const { projectDir, homeDir, hide, remove } = prepare(project, home, acknowledgeProjectAgents);
  const model = await startModelServer(name);
  const subagentTurn = () => model.requests.find((r) => r.url.includes('GenerateContent') && !isMainTurn(r) && JSON.parse(r.body).tools);
  try {
    await runGemini(script, projectDir, environment(homeDir, model.url), ['--approval-mode', 'yolo'], () => subagentTurn() !== undefined);
    const turn = subagentTurn();
    if (!turn) return undefined;
    const body = JSON.parse(turn.body);
    const tools = (body.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name));
    return { tools, model: /models\/([^:]+):/.exec(turn.url)?.[1], system: hide(systemOf(turn)) };
  } finally {
    model.server.close();
    remove();
  }
}

/**
 * Asks Gemini CLI which agents it registers in `project` (with a copy of `home` as HOME, else an
 * empty one). With `probe: true`, each agent is also started once as a subagent (one more run per
 * agent, in YOLO approval mode so that the delegation is not refused) and its answer carries
 * `tools`, the tool names that agent receives, `model`, and `prompt`, its system instruction.
 * Throws when the CLI never reached the stand-in model server.
 */
export async function askGemini({ project, home, acknowledgeProjectAgents = true, probe = false, version = GEMINI_CLI_VERSION }) {
  const script = geminiScript(version);
  const { projectDir, homeDir, hide, remove } = prepare(project, home, acknowledgeProjectAgents);
  const model = await startModelServer();
  try {
    const run = await runGemini(script, projectDir, environment(homeDir, model.url));
    const turn = model.requests.find(isMainTurn);
    if (!turn) throw new Error(`Gemini CLI sent no request (exit ${run.status}):\n${hide(run.stderr).slice(-2000)}`);
    const agents = parseSubagents(systemOf(turn))
      .filter((a) => !BUILT_IN.has(a.name))
      .map((a) => ({ ...a, description: hide(a.description) }));
    const log = agentLog(hide(run.stderr));
    if (probe) {
      for (const agent of agents) {
        const seen = await probeAgent(script, project, home, acknowledgeProjectAgents, agent.name);
        if (seen) Object.assign(agent, { tools: seen.tools, model: seen.model, prompt: seen.system });
      }
    }
    return { version, agents, log };
  } finally {
    model.server.close();
    remove();
  }
}

await oracleMain(import.meta.url, {
  usage: 'node tests/targets/oracles/gemini.mjs [--home DIR] [--no-acknowledge] [--probe] PROJECT',
  flags: ['--no-acknowledge', '--probe'],
  install: () => geminiScript(),
  ask: ({ project, home, flags }) => askGemini({ project, home, acknowledgeProjectAgents: !flags['--no-acknowledge'], probe: flags['--probe'] }),
});
