#!/usr/bin/env node
// The real OpenCode as a test oracle: which agents it loads from a project (and a home folder).
// Offline, with no account or API key: OpenCode resolves its configuration locally.
//
//   node tests/targets/oracles/opencode.mjs [--home DIR] [--probe] PROJECT   prints one JSON document
//   node tests/targets/oracles/opencode.mjs --install                installs OpenCode only
//
// opencode-ai (OPENCODE_VERSION or 1.18.33) is installed from the npm registry once, into
// $AGENT_INSTALL_ORACLES_DIR (default: the user cache folder's agent-install-target-oracles)
// under opencode-ai/<version>; the package ships a native binary (about 190 MB).
//
// PROJECT is copied into a temporary folder (OpenCode writes a .gitignore into .opencode/), made a
// git repository there so the upward search stops at it, and HOME is a temporary folder that
// receives a copy of --home when given. Two read-only commands run:
//   `opencode debug config`  the merged configuration, one entry per agent file (raw keys kept);
//   `opencode agent list`    the final agents with their mode and resolved permission rules;
//   `opencode debug agent`   with --probe, once per agent: the tools it really gets.
// A file OpenCode rejects makes both commands fail for the whole project; that error is the log.
//
// Output: { "version", "agents": [{ name, description?, mode, model?, prompt, permission, rules,
//           options, ... }], "log": [{ "level", "text" }] }   paths shown as <project> and <home>.
import { spawnSync } from 'node:child_process';
import { hideAll, installedFile, oracleMain, prepareCopies } from './common.mjs';

export const OPENCODE_VERSION = process.env.OPENCODE_VERSION ?? '1.18.33';

/** The path of the opencode executable, installed from the npm registry when missing. */
export function opencodeBinary(version = OPENCODE_VERSION) {
  return installedFile('opencode-ai', version, 'node_modules/opencode-ai/bin/opencode.exe', 'about 190 MB');
}

const BUILT_IN = new Set(['build', 'compaction', 'explore', 'general', 'plan', 'summary', 'title']);

// Error output is coloured; the colour codes are removed.
const stripAnsi = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Parses `opencode agent list`: "name (mode)" lines, each followed by a JSON array of rules. */
export function parseAgentList(text) {
  const agents = new Map();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^(\S.*) \((primary|subagent|all)\)$/.exec(lines[i]);
    if (!head) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== ']') end++;
    let rules;
    try {
      rules = JSON.parse(lines.slice(i + 1, end + 1).join('\n'));
    } catch {
      rules = undefined;
    }
    agents.set(head[1], { mode: head[2], rules });
    i = end;
  }
  return agents;
}

function run(bin, args, cwd, home) {
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_SHARE: '1',
    NO_COLOR: '1',
  };
  const result = spawnSync(bin, args, { cwd, env, timeout: 120_000, maxBuffer: 1 << 26, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout ?? '', stderr: stripAnsi(result.stderr ?? '') };
}

/**
 * Asks OpenCode which agents it loads in `project` (with a copy of `home` as HOME, else an empty one).
 * Built-in agents are left out unless a file of the project or home redefines them. With
 * `probe: true`, `opencode debug agent NAME` runs for each agent too, and its answer replaces the
 * file's `tools` with the tool names that agent really gets, plus `resolvedModel`.
 */
export async function askOpencode({ project, home, probe = false, version = OPENCODE_VERSION }) {
  const bin = opencodeBinary(version);
  const { projectDir, homeDir, hide, remove } = prepareCopies(project, home, 'opencode');
  try {
    const log = [];
    const config = run(bin, ['debug', 'config'], projectDir, homeDir);
    let configured = {};
    if (config.status === 0) {
      configured = JSON.parse(config.stdout).agent ?? {};
    } else {
      log.push({ level: 'ERROR', text: hide(config.stderr.trim()) });
    }
    const listed = config.status === 0 ? run(bin, ['agent', 'list'], projectDir, homeDir) : undefined;
    const final = listed?.status === 0 ? parseAgentList(listed.stdout) : new Map();
    if (listed && listed.status !== 0) log.push({ level: 'ERROR', text: hide(listed.stderr.trim()) });

    const agents = [];
    for (const [name, entry] of Object.entries(configured)) {
      const resolved = final.get(name);
      agents.push({
        ...hideAll(hide, entry),
        name,
        builtIn: BUILT_IN.has(name),
        loaded: resolved !== undefined,
        mode: resolved?.mode ?? entry.mode,
        rules: resolved?.rules ? hideAll(hide, resolved.rules) : undefined,
      });
    }
    if (probe) {
      for (const agent of agents.filter((a) => a.loaded)) {
        const shown = run(bin, ['debug', 'agent', agent.name], projectDir, homeDir);
        if (shown.status !== 0) continue;
        const detail = JSON.parse(shown.stdout);
        agent.tools = Object.keys(detail.tools ?? {}).filter((tool) => detail.tools[tool] === true && tool !== 'invalid');
        if (detail.model) agent.resolvedModel = detail.model;
      }
    }
    return { version, agents, log };
  } finally {
    remove();
  }
}

await oracleMain(import.meta.url, {
  usage: 'node tests/targets/oracles/opencode.mjs [--home DIR] [--probe] PROJECT',
  flags: ['--probe'],
  install: () => opencodeBinary(),
  ask: ({ project, home, flags }) => askOpencode({ project, home, probe: flags['--probe'] }),
});
