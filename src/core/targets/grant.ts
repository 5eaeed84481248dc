/**
 * What every translation shares (docs/targets-mapping.md §1): the source agent, the tool set T it
 * may use, the loss report, and the refusals that keep a translation from widening.
 */
import { type EffectiveAgent, GUARD_EVENTS } from '../agent/effective.js';

/** An agent as Claude Code builds it, with its prompt. */
export interface Source {
  agent: EffectiveAgent & { name: string; description: string };
  body: string;
  /** The user's Codex configuration declares MCP servers (docs/targets-mapping.md §3.5). */
  codexMcp?: boolean;
}

import type { Loss } from './ids.js';

export type { Loss } from './ids.js';

export interface Report {
  lost: Loss[];
  approximated: Loss[];
}

export type Translation = Report & ({ text: string } | { refused: string });

/** A Claude Code agent file made from another tool's agent. */
export type Imported = Report & { text: string };

export interface TargetModule {
  /** The tool's name, for messages. */
  title: string;
  translate(source: Source): Translation;
  /** Problems of a file by the tool's own loading rules (docs/targets.md); none for a file it loads as meant. */
  validate(text: string): string[];
  /** `fileName`: the file's base name (some tools name the agent after it). */
  importFrom(text: string, fileName: string): Imported;
}

/** What T allows of one tool: all of it but the `deny` rule patterns, or only the `allow` patterns. */
export interface Access {
  allow: '*' | string[];
  deny: string[];
}

/** T: `only` these tools; or every tool `except` as restricted here (a tool absent from `tools` is whole). */
export interface Grant {
  kind: 'only' | 'except';
  tools: Map<string, Access>;
}

/**
 * `Bash(git *)` → ['Bash', 'git *']; `Task` is Claude Code's old name of `Agent`, `MultiEdit` was
 * folded into `Edit`, and `mcp__s__*` is all of server `s`, as `mcp__s` is.
 */
function split(entry: string): [string, string | undefined] {
  const m = /^([^(]+)\((.*)\)$/s.exec(entry.trim());
  const name = (m ? m[1]! : entry).trim().replace(/^(mcp__.+?)__\*$/, '$1');
  const rule = m?.[2]?.trim();
  return [name === 'Task' ? 'Agent' : name === 'MultiEdit' ? 'Edit' : name, rule === '' || rule === '*' ? undefined : rule];
}

/** T from `tools` and `disallowedTools` (claude-code.md §8.1). */
export function grantOf(agent: EffectiveAgent): Grant {
  const denied = agent.disallowedTools;
  if (agent.tools.kind === 'none' || denied?.kind === 'all') return { kind: 'only', tools: new Map() };
  const grant: Grant = { kind: agent.tools.kind === 'all' ? 'except' : 'only', tools: new Map() };
  for (const entry of agent.tools.kind === 'list' ? agent.tools.names : []) {
    const [name, rule] = split(entry);
    const access = grant.tools.get(name) ?? { allow: [], deny: [] };
    if (rule === undefined) access.allow = '*';
    else if (access.allow !== '*') access.allow.push(rule);
    grant.tools.set(name, access);
  }
  for (const entry of denied?.kind === 'list' ? denied.names : []) {
    const [name, rule] = split(entry);
    const access = grant.tools.get(name) ?? (grant.kind === 'except' ? { allow: '*' as const, deny: [] } : undefined);
    if (access === undefined) continue;
    if (rule === undefined) access.allow = [];
    else if (access.allow === '*') access.deny.push(rule);
    else access.allow = access.allow.filter((r) => r !== rule);
    grant.tools.set(name, access);
  }
  for (const [name, access] of grant.tools) if (grant.kind === 'only' && access.allow !== '*' && access.allow.length === 0) grant.tools.delete(name);
  return grant;
}

/** What T allows of `name` (an MCP tool also through its server's entry); undefined: nothing. */
export function accessOf(grant: Grant, name: string): Access | undefined {
  const server = /^(mcp__.+?)__./.exec(name)?.[1];
  const own = grant.tools.get(name) ?? (server ? grant.tools.get(server) : undefined);
  const access = own ?? (grant.kind === 'except' ? { allow: '*' as const, deny: [] } : undefined);
  return access && (access.allow === '*' || access.allow.length > 0) ? access : undefined;
}

/** T holds all of `name`. */
export const whole = (grant: Grant, name: string): boolean => {
  const a = accessOf(grant, name);
  return a?.allow === '*' && a.deny.length === 0;
};

export const isAll = (grant: Grant): boolean => grant.kind === 'except' && grant.tools.size === 0;

/** Claude Code tools that some target has a counterpart of: what "every tool" lists as in a target without deny rules. */
export const KNOWN = ['Read', 'Write', 'Edit', 'Bash', 'Grep', 'Glob', 'LS', 'WebFetch', 'WebSearch', 'Agent', 'TodoWrite', 'Skill', 'AskUserQuestion'];
const WRITERS = ['Write', 'Edit', 'NotebookEdit', 'Bash'];

/** T as a list, for targets that only have allow-lists: the known tools T holds whole, and its MCP entries. */
export function listed(grant: Grant, report: Report, title: string): string[] {
  if (grant.kind === 'only') return [...grant.tools.keys()];
  report.approximated.push({
    field: 'disallowedTools',
    detail: `${title} has no deny-list: the remaining tools are listed, so tools ${title} adds later and MCP tools are not granted`,
  });
  return KNOWN.filter((name) => whole(grant, name));
}

/**
 * The checks and losses every target shares. Returns the reason to refuse, or undefined; fields
 * of `handled` are left to the target, every other field the agent sets is reported lost.
 * `permissionMode: plan` takes editing and the shell out of T (the target reports how it says so).
 */
export function common(source: Source, grant: Grant, report: Report, title: string, handled: string[], plan: string): string | undefined {
  const a = source.agent;
  const writes = WRITERS.some((tool) => accessOf(grant, tool) !== undefined);
  const guard = a.hooks?.find((h) => (GUARD_EVENTS as readonly string[]).includes(h.event));
  if (guard) return `its ${guard.event} hook may be what stops a dangerous action, and ${title} cannot run it`;
  if (a.isolation && writes) return `it runs with isolation: ${a.isolation} and can write; without it the edits would land in the user's checkout`;
  if (a.permissionMode === 'dontAsk' && (grant.kind === 'except' || grant.tools.size > 0))
    return 'permissionMode dontAsk denies every tool the user has not approved, which no other tool can say in an agent file';
  const lose = (field: string, detail = `not expressible in ${title}`) => report.lost.push({ field, detail });
  if (a.hooks?.length)
    lose('hooks', `${a.hooks.length} hook(s) on ${[...new Set(a.hooks.map((h) => h.event))].join(', ')}: ${title} cannot run Claude Code hooks`);
  if (a.isolation) lose('isolation', `isolation: ${a.isolation}; the agent cannot write, so dropping it grants nothing`);
  const mode = a.permissionMode;
  if (mode === 'plan') {
    report.approximated.push({ field: 'permissionMode', detail: `plan: ${plan}` });
    for (const tool of WRITERS) {
      if (grant.kind === 'only') grant.tools.delete(tool);
      else grant.tools.set(tool, { allow: [], deny: [] });
    }
  } else if (mode !== undefined && mode !== 'default' && mode !== 'dontAsk')
    lose('permissionMode', `${mode}: never turned into an approval mode of ${title}; it asks as usual`);
  const fields: Array<[string, unknown]> = [
    ['model', a.model === 'inherit' ? undefined : a.model],
    ['effort', a.effort],
    ['maxTurns', a.maxTurns],
    ['color', a.color],
    ['mcpServers', a.mcpServers?.length ? a.mcpServers : undefined],
    ['memory', a.memory],
    ['background', a.background || undefined],
    ['skills', a.skills?.length ? a.skills : undefined],
    ['initialPrompt', a.initialPrompt],
    ['autoCompactWindow', a.autoCompactWindow],
    ['omitClaudeMd', a.omitClaudeMd || undefined],
    ['observer', a.observer],
    ['observerMessage', a.observerMessage],
    ['observeToolResults', a.observeToolResults || undefined],
    ['experimental', a.cacheTtl],
  ];
  for (const [field, value] of fields) {
    if (value === undefined || handled.includes(field)) continue;
    if (field === 'model') lose('model', `${value}: Claude Code model names mean nothing to ${title}; omitted, so ${title} chooses the model`);
    else lose(field, `${JSON.stringify(value)} is not expressible in ${title}`);
  }
  return undefined;
}

/** Inline MCP servers of the agent, each as its name and configuration; references to configured servers are lost. */
export function inlineServers(source: Source, report: Report, title: string): Array<[string, Record<string, unknown>]> {
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const item of source.agent.mcpServers ?? []) {
    if (typeof item === 'string')
      report.lost.push({ field: 'mcpServers', detail: `${item}: a server of the user's Claude Code configuration, unknown to ${title}` });
    else out.push(...(Object.entries(item) as Array<[string, Record<string, unknown>]>));
  }
  return out;
}

/** The tools of MCP server `server` that T names (`*`: all of them; empty: none). */
export function serverTools(grant: Grant, server: string): string[] {
  if (whole(grant, `mcp__${server}`)) return ['*'];
  const prefix = `mcp__${server}__`;
  return [...grant.tools.keys()].filter((k) => k.startsWith(prefix) && whole(grant, k)).map((k) => k.slice(prefix.length));
}

/** A Claude Code agent file: frontmatter fields as JSON values (valid YAML), then the prompt. */
export function claudeFile(fields: Array<[string, unknown]>, body: string): string {
  const lines = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `---\n${lines.join('\n')}\n---\n${body ? `\n${body}\n` : ''}`;
}

/** Claude Code tool entries as a `tools` value: a comma list, or [] for none. */
export const toolValue = (names: string[]): string | string[] => (names.length ? [...new Set(names)].join(', ') : []);
