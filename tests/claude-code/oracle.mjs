#!/usr/bin/env node
// The real Claude Code as a test oracle: which agents it loads from a project (and a home
// folder), and what its debug log says about agent files. Offline, with no account or API key.
//
//   node tests/claude-code/oracle.mjs [--home DIR] PROJECT      prints one JSON document
//   node tests/claude-code/oracle.mjs --install                 installs Claude Code only
//
// Claude Code (@anthropic-ai/claude-code, CLAUDE_CODE_VERSION or 2.1.332) is installed from the
// npm registry once, into $CLAUDE_CODE_ORACLE_DIR (default: the user cache folder's
// claude-code-oracle/<version>); about 400 MB. It is then started in print mode with the
// stream-JSON protocol and sent only the `initialize` control request: its answer lists the
// agents it loaded, and nothing is ever sent to a model. PROJECT should be a git repository root
// holding .claude/agents/; the user scope is HOME/.claude/agents (an empty temporary home when
// --home is not given). Built-in agents are left out of the answer.
//
// Output: { "claudeCode": "<version>", "agents": [{ name, description, model?, … }],
//           "log": [{ "level": "WARN", "text": "…" }] }   paths shown as <project> and <home>.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLAUDE_CODE_VERSION = process.env.CLAUDE_CODE_VERSION ?? '2.1.332';

function installDir(version) {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache');
  return path.join(process.env.CLAUDE_CODE_ORACLE_DIR ?? path.join(cache, 'claude-code-oracle'), version);
}

/** The path of the claude executable, installed from the npm registry when missing. */
export function claudeBinary(version = CLAUDE_CODE_VERSION) {
  const prefix = installDir(version);
  const bin = path.join(prefix, 'node_modules', '.bin', 'claude');
  if (!existsSync(bin)) {
    process.stderr.write(`installing @anthropic-ai/claude-code@${version} into ${prefix} (once, about 400 MB)\n`);
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `@anthropic-ai/claude-code@${version}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return bin;
}

// The debug-log lines that speak of agent files.
const ABOUT_AGENTS = /Agent file|Agent '|agent from|agent '|YAML frontmatter|Duplicate agent name|Invalid hooks|mcpServers item|circular symlink|not loaded/;

function runOnce(bin, projectDir, homeDir) {
  const work = mkdtempSync(path.join(tmpdir(), 'claude-code-oracle-'));
  const debugFile = path.join(work, 'debug.log');
  try {
    const env = { PATH: process.env.PATH, HOME: homeDir, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1' };
    const initialize = `${JSON.stringify({ type: 'control_request', request_id: 'oracle', request: { subtype: 'initialize' } })}\n`;
    const run = spawnSync(bin, ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--debug-file', debugFile], {
      cwd: projectDir,
      env,
      input: initialize,
      timeout: 120_000,
      maxBuffer: 1 << 28,
    });
    let agents;
    for (const line of String(run.stdout).split('\n')) {
      if (!line.startsWith('{')) continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      if (message.type === 'control_response' && message.response?.subtype === 'success') agents = message.response.response?.agents;
    }
    const log = existsSync(debugFile) ? readFileSync(debugFile, 'utf8') : '';
    return { agents, log };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The names of the built-in agents of this version (what an empty project and home load), remembered per version. */
function builtinNames(bin, version) {
  const file = path.join(installDir(version), 'builtin-agents.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const empty = mkdtempSync(path.join(tmpdir(), 'claude-code-oracle-empty-'));
  try {
    mkdirSync(path.join(empty, 'home'));
    mkdirSync(path.join(empty, 'project'));
    execFileSync('git', ['init', '-q'], { cwd: path.join(empty, 'project') });
    const { agents } = runOnce(bin, path.join(empty, 'project'), path.join(empty, 'home'));
    if (!agents) throw new Error('Claude Code gave no answer for an empty project');
    const names = agents.map((a) => a.name);
    writeFileSync(file, JSON.stringify(names));
    return names;
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

/**
 * Asks Claude Code which agents it loads in `project` (with `home` as HOME, else an empty one).
 * Throws when Claude Code gives no answer.
 */
export function askClaudeCode({ project, home, version = CLAUDE_CODE_VERSION }) {
  const bin = claudeBinary(version);
  const builtins = builtinNames(bin, version);
  const projectDir = path.resolve(project);
  const temporaryHome = home === undefined ? mkdtempSync(path.join(tmpdir(), 'claude-code-oracle-home-')) : undefined;
  const homeDir = path.resolve(home ?? temporaryHome);
  try {
    const { agents, log } = runOnce(bin, projectDir, homeDir);
    if (!agents) throw new Error('Claude Code gave no answer');
    const hide = (text) => text.split(projectDir).join('<project>').split(homeDir).join('<home>');
    const lines = log
      .split('\n')
      .filter((line) => ABOUT_AGENTS.test(line))
      .map((line) => {
        const match = /^\S+ \[(\w+)\] (.*)$/.exec(line);
        return match ? { level: match[1], text: hide(match[2]) } : { level: '', text: hide(line) };
      });
    // A user or project agent may take a built-in's name; the log then mentions it.
    const own = agents.filter((a) => !builtins.includes(a.name) || lines.some((l) => l.text.includes(`'${a.name}'`)));
    // `all`: built-ins too, and user agents that replaced one (their names are built-in names).
    return { claudeCode: version, agents: own, all: agents, log: lines };
  } finally {
    if (temporaryHome) rmSync(temporaryHome, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes('--install')) {
    claudeBinary();
  } else {
    const at = args.indexOf('--home');
    const home = at >= 0 ? args.splice(at, 2)[1] : undefined;
    if (args.length !== 1) {
      process.stderr.write('usage: node tests/claude-code/oracle.mjs [--home DIR] PROJECT\n');
      process.exit(2);
    }
    process.stdout.write(`${JSON.stringify(askClaudeCode({ project: args[0], home }), null, 2)}\n`);
  }
}
