#!/usr/bin/env node
// The real OpenAI Codex CLI as a test oracle: which custom agents (agent roles) it loads from a
// project (and a home folder). Offline, with no account or API key.
//
//   node tests/targets/oracles/codex.mjs [--home DIR] [--untrusted] PROJECT    prints JSON
//   node tests/targets/oracles/codex.mjs --install                             installs only
//
// @openai/codex (CODEX_VERSION or 0.171.0) is installed from the npm registry once, into
// $AGENT_INSTALL_ORACLES_DIR (default: the user cache folder's agent-install-target-oracles)
// under @openai/codex/<version>; the package ships a native binary (about 420 MB).
//
// How it works. `codex debug prompt-input` renders, without any request, the input the model
// would get; its spawn_agent tool has an `agent_type` parameter whose description lists every
// role as "name: {\n<description>\n<notes>\n}". A malformed role file is not an error there: Codex
// drops it with a startup warning, which `codex doctor --json` reports (config.load check). The
// doctor also probes the network; the oracle points every proxy variable at a closed port on
// 127.0.0.1, so those probes fail at once and nothing leaves the machine.
//
// Codex reads <project>/.codex/ only for a trusted project, so the oracle marks the copied project
// trusted in the temporary ~/.codex/config.toml (unless --untrusted). PROJECT is copied into a
// temporary git repository; HOME receives a copy of --home when given. Built-in roles (default,
// explorer, worker, as an empty project shows them) are left out unless redefined.
//
// Output: { "version", "agents": [{ name, description, notes }], "log": [{ level, text }] }
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hideAll, installDir, installedFile, oracleMain, prepareCopies } from './common.mjs';

export const CODEX_VERSION = process.env.CODEX_VERSION ?? '0.171.0';

/** The path of the codex launcher, installed from the npm registry when missing. */
export function codexBinary(version = CODEX_VERSION) {
  return installedFile('@openai/codex', version, 'node_modules/.bin/codex', 'about 420 MB');
}

const DEAD_PROXY = 'http://127.0.0.1:9';

function run(bin, args, cwd, home) {
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    NO_COLOR: '1',
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    ALL_PROXY: DEAD_PROXY,
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    all_proxy: DEAD_PROXY,
  };
  const result = spawnSync(bin, args, { cwd, env, timeout: 120_000, maxBuffer: 1 << 27, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Parses the role list of spawn_agent's agent_type description into { name, description, notes }. */
export function parseRoles(text) {
  const start = text.indexOf('Available roles:\n');
  if (start < 0) return [];
  const roles = [];
  const pattern = /^([^\n:{}]+): \{\n([\s\S]*?)\n\}$/gm;
  for (const match of text.slice(start + 'Available roles:\n'.length).matchAll(pattern)) {
    const lines = match[2].split('\n');
    const notes = lines.filter((line) => /^- This role's /.test(line));
    const description = lines.filter((line) => !/^- This role's /.test(line)).join('\n');
    roles.push({ name: match[1], description, notes });
  }
  return roles;
}

function agentTypeDescription(promptInput) {
  let found;
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.name === 'spawn_agent' && node.parameters?.properties?.agent_type) found = node.parameters.properties.agent_type.description;
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(promptInput);
  return found;
}

function prepare(project, home, trusted) {
  const copies = prepareCopies(project, home, 'codex');
  mkdirSync(path.join(copies.homeDir, '.codex'), { recursive: true });
  if (trusted)
    appendFileSync(path.join(copies.homeDir, '.codex', 'config.toml'), `\n[projects.${JSON.stringify(copies.projectDir)}]\ntrust_level = "trusted"\n`);
  return copies;
}

function rolesIn(bin, projectDir, homeDir) {
  const shown = run(bin, ['debug', 'prompt-input', 'oracle'], projectDir, homeDir);
  if (shown.status !== 0) throw new Error(`codex debug prompt-input failed (exit ${shown.status}): ${shown.stderr.slice(-2000)}`);
  const description = agentTypeDescription(JSON.parse(shown.stdout));
  return { listed: description !== undefined, roles: description ? parseRoles(description) : [] };
}

const PROBE = 'agent-install-oracle-probe';

/**
 * The built-in roles of this version, remembered per version. Codex lists roles only when at
 * least one custom role exists, so the empty project gets one probe role, left out of the answer.
 */
function builtinRoles(bin, version) {
  const file = path.join(installDir('@openai/codex', version), 'builtin-roles.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const { projectDir, homeDir, remove } = prepare(undefined, undefined, true);
  try {
    mkdirSync(path.join(homeDir, '.codex', 'agents'), { recursive: true });
    writeFileSync(path.join(homeDir, '.codex', 'agents', `${PROBE}.toml`), `name = "${PROBE}"\ndescription = "probe"\ndeveloper_instructions = "probe"\n`);
    const roles = rolesIn(bin, projectDir, homeDir).roles.filter((role) => role.name !== PROBE);
    if (roles.length === 0) throw new Error('Codex listed no built-in role for the probe project');
    writeFileSync(file, JSON.stringify(roles));
    return roles;
  } finally {
    remove();
  }
}

/**
 * Asks Codex which agent roles it loads in `project` (with a copy of `home` as HOME, else an
 * empty one). `trusted: false` leaves the project untrusted, as a first run would.
 */
export async function askCodex({ project, home, trusted = true, version = CODEX_VERSION }) {
  const bin = codexBinary(version);
  const builtins = builtinRoles(bin, version);
  const { projectDir, homeDir, hide, remove } = prepare(project, home, trusted);
  try {
    const { listed, roles } = rolesIn(bin, projectDir, homeDir);
    const same = (a, b) => a.name === b.name && a.description === b.description && a.notes.join('\n') === b.notes.join('\n');
    const agents = roles.filter((role) => !builtins.some((b) => same(b, role))).map((role) => hideAll(hide, role));
    const log = [];
    if (!listed) log.push({ level: 'WARN', text: 'spawn_agent has no agent_type parameter: no role was loaded, not even the built-in ones' });
    const doctor = run(bin, ['doctor', '--json'], projectDir, homeDir);
    try {
      const details = JSON.parse(doctor.stdout).checks?.['config.load']?.details ?? {};
      for (const [key, value] of Object.entries(details)) {
        // One warning is a string, several are an array of strings.
        if (key !== 'startup warning') continue;
        for (const text of [value].flat()) if (typeof text === 'string') log.push({ level: 'WARN', text: hide(text.trim()) });
      }
    } catch {
      log.push({ level: 'ERROR', text: `codex doctor gave no JSON (exit ${doctor.status})` });
    }
    return { version, agents, log };
  } finally {
    remove();
  }
}

await oracleMain(import.meta.url, {
  usage: 'node tests/targets/oracles/codex.mjs [--home DIR] [--untrusted] PROJECT',
  flags: ['--untrusted'],
  install: () => codexBinary(),
  ask: ({ project, home, flags }) => askCodex({ project, home, trusted: !flags['--untrusted'] }),
});
