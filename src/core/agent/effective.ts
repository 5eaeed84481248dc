/**
 * The agent Claude Code 2.1.332 builds from a frontmatter mapping: every field as it resolves it,
 * what it drops, and whether it loads the file at all (docs/claude-code.md, sections 6 to 8). The
 * rules are Claude Code's own, step by step; `findings` says why each thing was dropped or the file
 * skipped, so that validate.ts can put a position, a message and a fix on it.
 */
import { HOOK_EVENTS, HOOK_TYPES, KNOWN_AGENT_KEYS } from './schema.js';

export type ToolGrant = { kind: 'all' } | { kind: 'none' } | { kind: 'list'; names: string[] };

export interface EffectiveHook {
  event: string;
  /** The matcher's `matcher`, when it has one. */
  matcher?: string;
  type: string;
  /** The entry's fields as Claude Code keeps them (command, url, prompt, server, tool, timeout, …). */
  fields: Record<string, unknown>;
}

export interface DroppedField {
  /** A top-level key, or a path under it (`hooks.Stop.0.hooks.1`, `mcpServers.2`). */
  field: string;
  reason: string;
}

export interface EffectiveAgent {
  loaded: boolean;
  name?: string;
  description?: string;
  model?: string;
  tools: ToolGrant;
  disallowedTools?: ToolGrant;
  color?: string;
  permissionMode?: string;
  effort?: string | number;
  maxTurns?: number;
  autoCompactWindow?: number;
  memory?: string;
  background?: boolean;
  omitClaudeMd?: boolean;
  isolation?: string;
  mcpServers?: Array<string | Record<string, unknown>>;
  hooks?: EffectiveHook[];
  skills?: string[];
  initialPrompt?: string;
  observer?: string;
  observerMessage?: string;
  observeSubagents?: boolean;
  observeToolResults?: boolean;
  cacheTtl?: string;
  dropped: DroppedField[];
}

/** Why the file is skipped, or what was dropped; `key` is the top-level key it is about. */
export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  key?: string;
  /** Path below the key, for hooks and mcpServers (`Stop.0.hooks.1`). */
  path?: string;
  message: string;
  /** Claude Code logs it (a [DEBUG], [WARN] or [ERROR] line), or does it silently. */
  logged: boolean;
  /** Unknown keys past the first MAX_UNKNOWN_KEYS: one finding, and how many unknown keys there are in all. */
  total?: number;
}

/** Unknown keys found one by one; past these, one finding counts the rest (a hostile file can hold 100,000). */
export const MAX_UNKNOWN_KEYS = 20;

export const GUARD_EVENTS = ['PreToolUse', 'PermissionRequest', 'PreSkillShellCommand'] as const;
const GUARDS = new Set<string>(GUARD_EVENTS);
const EVENTS = new Set<string>(HOOK_EVENTS);
const KNOWN = new Set<string>(KNOWN_AGENT_KEYS);
/** Top-level keys whose values the guard search does not enter (nor keys of this name below). */
const UNSCANNED = new Set(['metadata', 'mcpServers', 'lspServers']);

export const MAX_NAME_UTF16 = 256;
export const COLORS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'cyan'] as const;
export const PERMISSION_MODES = ['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'] as const;
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export const MEMORY_SCOPES = ['user', 'project', 'local'] as const;
export const ISOLATION_MODES = ['worktree', 'remote'] as const;
export const MIN_AUTO_COMPACT_WINDOW = 100_000;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** How Claude Code names a value's type in messages: `a string`, `an object`, `an array`, `null`. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return `${type === 'object' ? 'an' : 'a'} ${type}`;
}

// ---------------------------------------------------------------- tools

/** Claude Code's split of tool strings: commas and spaces separate, except inside `(`…`)` (no nesting). */
export function splitTools(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    if (!value) continue;
    let current = '';
    let open = false;
    for (const ch of value) {
      if (ch === '(') {
        open = true;
        current += ch;
      } else if (ch === ')') {
        open = false;
        current += ch;
      } else if (ch === ',') {
        if (open) current += ch;
        else {
          if (current.trim()) out.push(current.trim());
          current = '';
        }
      } else if (ch === ' ') {
        if (open) current += ch;
        else if (current.trim()) {
          out.push(current.trim());
          current = '';
        }
      } else if (current || ch.trim()) current += ch;
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

/** `tools` / `skills` entries: null for an absent or null value, [] for other falsy ones. */
function toolEntries(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!value) return [];
  let strings: string[] = [];
  if (typeof value === 'string') strings = [value];
  else if (Array.isArray(value)) strings = value.filter((item): item is string => typeof item === 'string');
  if (strings.length === 0) return [];
  const names = splitTools(strings);
  return names.includes('*') ? ['*'] : names;
}

/** `tools` as Claude Code resolves it: absent or `*` = all tools; null, falsy or unusable = none. */
export function resolveToolGrant(value: unknown): ToolGrant {
  const entries = toolEntries(value);
  if (entries === null) return value === undefined ? { kind: 'all' } : { kind: 'none' };
  if (entries.includes('*')) return { kind: 'all' };
  return entries.length === 0 ? { kind: 'none' } : { kind: 'list', names: entries };
}

// ---------------------------------------------------------------- numbers

const EXPONENT = /^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$/;
const GROUPED = /^[+-]?\d{1,3}([_,\u00A0\u202F ])\d{3}(?:\1\d{3})*$/;
const GROUP_SEPARATORS = /[_,\u00A0\u202F ]/g;

/** Claude Code's reading of a count written as text: `1e2` is 100, `1,000` is 1000, `20 turns` is 20. */
function leadingInteger(value: unknown): number {
  const text = String(value).trim();
  if (text.length <= 32) {
    if (EXPONENT.test(text)) {
      const n = Number(text);
      return Number.isInteger(n) ? n : Number.NaN;
    }
    if (GROUPED.test(text)) return Number.parseInt(text.replace(GROUP_SEPARATORS, ''), 10);
  }
  return Number.parseInt(text, 10);
}

export function resolveMaxTurns(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : leadingInteger(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function resolveAutoCompactWindow(value: unknown): number | undefined {
  const n = resolveMaxTurns(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= MIN_AUTO_COMPACT_WINDOW ? n : undefined;
}

export function resolveEffort(value: unknown): string | number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const lower = String(value).toLowerCase();
  const level = lower === 'med' ? 'medium' : lower;
  if ((EFFORT_LEVELS as readonly string[]).includes(level)) return level;
  const n = Number.parseInt(lower, 10);
  return Number.isInteger(n) ? n : undefined;
}

// ---------------------------------------------------------------- hooks

/** A mapping shaped like one matcher (`{matcher, hooks}`), as Claude Code recognises it. */
function isMatcherShaped(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (!('matcher' in value)) {
    for (const key in value) if (Object.hasOwn(value, key) && EVENTS.has(key)) return false;
  }
  const hooks = value.hooks;
  if (Array.isArray(hooks)) return hooks.length > 0;
  return !!hooks && typeof hooks === 'object' && ('matcher' in value || typeof (hooks as Record<string, unknown>).type === 'string');
}

/** An own key PreToolUse / PermissionRequest / PreSkillShellCommand whose value is not null nor []. */
function hasGuardKey(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key of GUARD_EVENTS) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    if (item !== null && item !== undefined && !(Array.isArray(item) && item.length === 0)) return true;
  }
  return false;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * Claude Code's search for guard hooks (or matcher-shaped mappings) down to `depth` more
 * containers: `matchersCount` whether a matcher-shaped mapping counts, `unscanned` keys not
 * entered, `inHooksList` the value is an item of a `hooks` list (an entry with a `type` ends the
 * search there). Allocates nothing: it visits every value of a frontmatter of 50,000 keys.
 */
function holdsGuards(value: unknown, depth = 3, matchersCount = true, unscanned: ReadonlySet<string> = NO_KEYS, inHooksList = false): boolean {
  if (hasGuardKey(value)) return true;
  if (matchersCount && isMatcherShaped(value)) return true;
  if (depth === 0 || !value || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsGuards(item, depth - 1, matchersCount, unscanned, inHooksList)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  if (inHooksList && typeof record.type === 'string') return false;
  for (const key in record) {
    if (!Object.hasOwn(record, key) || unscanned.has(key)) continue;
    const item = record[key];
    if (holdsGuards(item, depth - 1, matchersCount && !EVENTS.has(key), unscanned, key === 'hooks' && Array.isArray(item))) return true;
  }
  return false;
}

/** Guard hooks outside `hooks` at the top level (or in other top-level keys): the agent is skipped. */
export function topLevelGuard(data: Record<string, unknown>): string | undefined {
  if (hasGuardKey(data)) return Object.keys(data).find((key) => GUARDS.has(key));
  for (const key in data) {
    if (!Object.hasOwn(data, key) || key === 'hooks' || UNSCANNED.has(key)) continue;
    if (holdsGuards(data[key], 3, !EVENTS.has(key), UNSCANNED)) return key;
  }
  return undefined;
}

const HOOK_TYPE_SET = new Set<string>(HOOK_TYPES);

type FieldRule = (value: unknown) => string | undefined;
const optional =
  (rule: FieldRule): FieldRule =>
  (value) =>
    value === undefined ? undefined : rule(value);
const str: FieldRule = (value) => (typeof value === 'string' ? undefined : `Invalid input: expected string, received ${typeName(value)}`);
const bool: FieldRule = (value) => (typeof value === 'boolean' ? undefined : `Invalid input: expected boolean, received ${typeName(value)}`);
const nonEmpty: FieldRule = (value) => str(value) ?? ((value as string).length >= 1 ? undefined : 'Too small: expected string to have >=1 characters');
const positive: FieldRule = (value) =>
  typeof value !== 'number' || !Number.isFinite(value)
    ? `Invalid input: expected number, received ${typeName(value)}`
    : value > 0
      ? undefined
      : 'Too small: expected number to be >0';
const stringList: FieldRule = (value) =>
  !Array.isArray(value)
    ? `Invalid input: expected array, received ${typeName(value)}`
    : value.every((item) => typeof item === 'string')
      ? undefined
      : 'Invalid input: expected string';
const stringRecord: FieldRule = (value) =>
  !isObject(value)
    ? `Invalid input: expected record, received ${typeName(value)}`
    : Object.values(value).every((item) => typeof item === 'string')
      ? undefined
      : 'Invalid input: expected string';
const record: FieldRule = (value) => (isObject(value) ? undefined : `Invalid input: expected record, received ${typeName(value)}`);
const oneOf =
  (...options: string[]): FieldRule =>
  (value) =>
    typeof value === 'string' && options.includes(value) ? undefined : `Invalid option: expected one of ${options.map((o) => `"${o}"`).join('|')}`;
const url: FieldRule = (value) => {
  const bad = str(value);
  if (bad) return bad;
  try {
    new URL((value as string).trim());
    return undefined;
  } catch {
    return 'Invalid URL';
  }
};
const always: FieldRule = () => undefined;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value;
}

const COMMON: Record<string, FieldRule> = { if: optional(str), timeout: optional(positive), statusMessage: optional(str), once: optional(bool) };
const HOOK_FIELDS: Record<string, Record<string, FieldRule>> = {
  command: {
    command: str,
    args: optional(stringList),
    shell: optional(oneOf('bash', 'powershell')),
    onFailure: optional(oneOf('continue', 'block')),
    async: optional(bool),
    asyncRewake: optional(bool),
    holdsTools: optional(bool),
    rewakeMessage: optional(nonEmpty),
    rewakeSummary: optional(nonEmpty),
    cloud: always,
    ...COMMON,
  },
  prompt: { prompt: str, model: optional(str), continueOnBlock: optional(bool), ...COMMON },
  agent: { prompt: str, model: optional(str), ...COMMON },
  http: {
    url,
    onFailure: optional(oneOf('continue', 'block')),
    headers: optional(stringRecord),
    allowedEnvVars: optional(stringList),
    cloud: always,
    ...COMMON,
  },
  mcp_tool: { server: str, tool: str, input: optional(record), onFailure: always, ...COMMON },
};

/** Claude Code's problem with one hook entry, or undefined. */
function entryProblem(entry: unknown): string | undefined {
  if (!isObject(entry)) return `Hook entry must be an object; received ${describe(entry)}`;
  const type = entry.type;
  if (typeof type !== 'string') return type === undefined ? 'Hook entry has no "type"' : `Hook entry "type" must be a string; received ${describe(type)}`;
  if (!HOOK_TYPE_SET.has(type)) return `Unknown hook type "${type}"`;
  const problems: string[] = [];
  for (const [field, rule] of Object.entries(HOOK_FIELDS[type]!)) {
    const problem = rule(entry[field]);
    if (problem) problems.push(`${field}: ${problem}`);
  }
  return problems.length > 0 ? `Invalid ${type} hook (${problems.join('; ')})` : undefined;
}

function keptFields(entry: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const known = HOOK_FIELDS[entry.type as string]!;
  for (const key of Object.keys(known)) if (entry[key] !== undefined) fields[key] = entry[key];
  if (entry.type === 'mcp_tool' && 'onFailure' in entry) fields.onFailure = entry.onFailure === 'continue' ? 'continue' : 'block';
  return fields;
}

interface HookVerdict {
  /** Problems that skip the agent. */
  guards: string[];
  /** Problems that drop one event, matcher or entry. */
  notes: Array<{ path: string; problem: string }>;
  hooks: EffectiveHook[];
}

function checkMatchers(list: unknown[], event: string, verdict: HookVerdict): void {
  const guard = GUARDS.has(event);
  const problems: Array<{ path: string; problem: string }> = [];
  const unloadable: Array<{ path: string; problem: string }> = [];
  const kept: EffectiveHook[][] = [];
  for (let index = list.length - 1; index >= 0; index--) {
    const matcher = list[index];
    if (holdsGuards(matcher, 3, false)) {
      (guard ? problems : unloadable).push({ path: `${index}`, problem: 'holds PreToolUse/PermissionRequest hooks where a matcher was expected' });
      continue;
    }
    if (!isObject(matcher)) {
      problems.push({ path: `${index}`, problem: `Hook matcher must be an object; received ${describe(matcher)}` });
      continue;
    }
    const entries = matcher.hooks;
    if (!Array.isArray(entries)) {
      problems.push({ path: `${index}`, problem: `Hook matcher "hooks" must be an array of hook entries; received ${describe(entries)}` });
      continue;
    }
    const entryProblems: Array<{ path: string; problem: string }> = [];
    const hooks: EffectiveHook[] = [];
    for (let at = 0; at < entries.length; at++) {
      const problem = entryProblem(entries[at]);
      if (problem) entryProblems.push({ path: `${index}.hooks.${at}`, problem });
      else {
        const entry = entries[at] as Record<string, unknown>;
        const hook: EffectiveHook = { event, type: entry.type as string, fields: keptFields(entry) };
        if (typeof matcher.matcher === 'string') hook.matcher = matcher.matcher;
        hooks.push(hook);
      }
    }
    if (matcher.matcher !== undefined && typeof matcher.matcher !== 'string') {
      problems.push({ path: `${index}`, problem: `Invalid hook matcher (matcher: Invalid input: expected string, received ${typeName(matcher.matcher)})` });
      continue;
    }
    problems.push(...entryProblems.reverse());
    kept.unshift(hooks);
  }
  problems.sort((a, b) => comparePaths(a.path, b.path));
  unloadable.reverse();
  if (guard) {
    verdict.guards.push(...problems.map((p) => `hooks.${event}.${p.path}: ${p.problem}`));
  } else {
    verdict.notes.push(...problems.map((p) => ({ path: `${event}.${p.path}`, problem: p.problem })));
    verdict.guards.push(...unloadable.map((p) => `hooks.${event}.${p.path}: ${p.problem}`));
  }
  verdict.hooks.push(...kept.flat());
}

function comparePaths(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x);
    const ny = Number(y);
    if (nx !== ny) return nx - ny;
  }
  return 0;
}

function checkHooks(value: Record<string, unknown>): HookVerdict {
  const verdict: HookVerdict = { guards: [], notes: [], hooks: [] };
  for (const [event, matchers] of Object.entries(value)) {
    if (!EVENTS.has(event)) {
      if (holdsGuards(matchers, 3, !Array.isArray(matchers)))
        verdict.guards.push(`hooks.${event}: not a hook event, but it holds PreToolUse/PermissionRequest hooks`);
      else verdict.notes.push({ path: event, problem: 'unknown hook event' });
      continue;
    }
    if (!Array.isArray(matchers)) {
      if ((GUARDS.has(event) && matchers !== null) || holdsGuards(matchers, 3, false)) {
        verdict.guards.push(`hooks.${event}: must be an array of matchers; received ${describe(matchers)}`);
      } else verdict.notes.push({ path: event, problem: `must be an array of matchers; received ${describe(matchers)}` });
      continue;
    }
    checkMatchers(matchers, event, verdict);
  }
  return verdict;
}

// ---------------------------------------------------------------- MCP servers

const MCP_URL_TYPES: Record<string, Record<string, FieldRule>> = {
  sse: { url: str, headers: optional(stringRecord), headersHelper: optional(str) },
  http: { url: str, headers: optional(stringRecord), headersHelper: optional(str) },
  'streamable-http': { url: str, headers: optional(stringRecord), headersHelper: optional(str) },
  ws: { url: str, headers: optional(stringRecord), headersHelper: optional(str) },
  'sse-ide': { url: str, ideName: str },
  'ws-ide': { url: str, ideName: str },
  sdk: { name: str },
  'claudeai-proxy': { url: str, id: (v) => (typeof v === 'string' && /^[A-Za-z0-9_-]+$/.test(v) ? undefined : 'Invalid id') },
};

/** Why Claude Code drops one server configuration, or undefined. */
function serverConfigProblem(config: unknown): string | undefined {
  if (!isObject(config)) return `expected object, received ${typeName(config)}`;
  const type = config.type;
  const positiveInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? undefined : 'expected a positive integer');
  const common = { timeout: optional(positiveInt), alwaysLoad: optional(bool) };
  let rules: Record<string, FieldRule>;
  if (type === undefined || type === 'stdio') rules = { command: nonEmpty, args: optional(stringList), env: optional(stringRecord), ...common };
  else if (typeof type === 'string' && Object.hasOwn(MCP_URL_TYPES, type)) rules = { ...MCP_URL_TYPES[type]!, ...common };
  else return `unknown server type ${JSON.stringify(type)}`;
  for (const [field, rule] of Object.entries(rules)) {
    const problem = rule(config[field]);
    if (problem) return `${field}: ${problem}`;
  }
  return undefined;
}

function mcpItemProblem(item: unknown): string | undefined {
  if (typeof item === 'string') return undefined;
  if (!isObject(item)) return `expected a server name or {name: config}, received ${typeName(item)}`;
  for (const [name, config] of Object.entries(item)) {
    const problem = serverConfigProblem(config);
    if (problem) return `${name}: ${problem}`;
  }
  return undefined;
}

// ---------------------------------------------------------------- the agent

export interface ResolveOptions {
  /** Claude Code's automatic memory (on by default): `memory` then adds Write, Edit and Read to a tools list. */
  autoMemory?: boolean;
}

function truthyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Resolves a frontmatter mapping the way Claude Code 2.1.332 does. */
export function resolveAgent(data: Record<string, unknown>, options: ResolveOptions = {}): { agent: EffectiveAgent; findings: Finding[] } {
  const findings: Finding[] = [];
  const agent: EffectiveAgent = { loaded: false, tools: { kind: 'all' }, dropped: [] };
  const skip = (code: string, message: string, key: string | undefined, logged: boolean) => {
    findings.push({ severity: 'error', code, ...(key ? { key } : {}), message, logged });
    return { agent, findings };
  };
  const drop = (code: string, key: string, message: string, logged: boolean, path?: string) => {
    findings.push({ severity: 'warning', code, key, ...(path ? { path } : {}), message, logged });
    agent.dropped.push({ field: path ? `${key}.${path}` : key, reason: message });
  };

  const name = data.name;
  if (!name) return skip('name-missing', Object.hasOwn(data, 'name') ? `\`name\` is ${JSON.stringify(name) ?? String(name)}` : 'no `name`', 'name', false);
  if (typeof name !== 'string') return skip('name-not-string', `\`name\` must be a string, not ${describe(name)}`, 'name', true);
  agent.name = name;
  let unknown = 0;
  for (const key of Object.keys(data)) {
    if (KNOWN.has(key)) continue;
    if (++unknown <= MAX_UNKNOWN_KEYS) findings.push({ severity: 'warning', code: 'unknown-key', key, message: key, logged: true });
  }
  if (unknown > MAX_UNKNOWN_KEYS) findings.push({ severity: 'warning', code: 'unknown-key', message: 'more unknown keys', logged: true, total: unknown });
  if (name.startsWith('-')) return skip('name-leading-dash', '`name` starts with `-`', 'name', true);
  if (name.length > MAX_NAME_UTF16)
    return skip('name-too-long', `\`name\` is ${name.length} UTF-16 code units long, more than ${MAX_NAME_UTF16}`, 'name', true);
  if (name.normalize('NFKC').includes(':')) return skip('name-colon', '`name` contains `:` after NFKC normalisation', 'name', true);
  const description = data.description;
  if (!description) return skip('description-missing', Object.hasOwn(data, 'description') ? '`description` is empty' : 'no `description`', 'description', true);
  if (typeof description !== 'string')
    return skip('description-not-string', `\`description\` must be a string, not ${describe(description)}`, 'description', true);
  agent.description = description.replaceAll('\\n', '\n');

  const has = (key: string) => Object.hasOwn(data, key) && data[key] !== undefined;
  // model
  if (typeof data.model === 'string' && data.model.trim().length > 0) {
    const model = data.model.trim();
    agent.model = model.toLowerCase() === 'inherit' ? 'inherit' : model;
  } else if (has('model')) drop('model-invalid', 'model', `\`model\` is ${typeof data.model === 'string' ? 'blank' : describe(data.model)}`, false);
  // background
  const background = data.background;
  if (has('background')) {
    if (background === 'true' || background === true) agent.background = true;
    else if (background === 'false' || background === false) agent.background = false;
    else drop('background-invalid', 'background', `\`background\` must be true or false`, true);
  }
  const omit = data.omitClaudeMd;
  if (has('omitClaudeMd')) {
    if (omit === 'true' || omit === true) agent.omitClaudeMd = true;
    else if (omit === 'false' || omit === false) agent.omitClaudeMd = false;
    else drop('omit-claude-md-invalid', 'omitClaudeMd', '`omitClaudeMd` must be true or false', false);
  }
  if (has('memory')) {
    if ((MEMORY_SCOPES as readonly unknown[]).includes(data.memory)) agent.memory = data.memory as string;
    else drop('memory-invalid', 'memory', `\`memory\` must be one of ${MEMORY_SCOPES.join(', ')}`, true);
  }
  if (has('isolation')) {
    if ((ISOLATION_MODES as readonly unknown[]).includes(data.isolation)) agent.isolation = data.isolation as string;
    else drop('isolation-invalid', 'isolation', `\`isolation\` must be one of ${ISOLATION_MODES.join(', ')}`, true);
  }
  if (has('effort')) {
    const effort = resolveEffort(data.effort);
    if (effort === undefined) drop('effort-invalid', 'effort', `\`effort\` must be one of ${EFFORT_LEVELS.join(', ')} or an integer`, true);
    else agent.effort = effort;
  }
  if (has('permissionMode')) {
    const raw = data.permissionMode;
    const mode = raw === 'manual' ? 'default' : raw;
    if (mode && (PERMISSION_MODES as readonly unknown[]).includes(mode)) agent.permissionMode = mode as string;
    else drop('permission-mode-invalid', 'permissionMode', `\`permissionMode\` must be one of ${PERMISSION_MODES.join(', ')} or manual`, !!mode);
  }
  if (has('maxTurns')) {
    const turns = resolveMaxTurns(data.maxTurns);
    if (turns === undefined) drop('max-turns-invalid', 'maxTurns', '`maxTurns` must be a positive integer', true);
    else agent.maxTurns = turns;
  }
  if (has('autoCompactWindow')) {
    const window = resolveAutoCompactWindow(data.autoCompactWindow);
    if (window === undefined)
      drop('auto-compact-window-invalid', 'autoCompactWindow', `\`autoCompactWindow\` must be an integer of at least ${MIN_AUTO_COMPACT_WINDOW}`, true);
    else agent.autoCompactWindow = window;
  }
  if (isObject(data.experimental)) {
    const ttl = Object.entries(data.experimental).find(([key]) => key.replace(/[-_]/g, '').toLowerCase() === 'cachettl')?.[1];
    if (ttl === '5m' || ttl === '1h') agent.cacheTtl = ttl;
    else if (ttl !== undefined) drop('experimental-invalid', 'experimental', '`experimental.cacheTtl` must be "5m" or "1h"', false);
  } else if (has('experimental') && data.experimental !== null) drop('experimental-invalid', 'experimental', '`experimental` must be a mapping', false);
  // tools
  agent.tools = resolveToolGrant(data.tools);
  if (agent.memory && options.autoMemory !== false && agent.tools.kind === 'list') {
    for (const tool of ['Write', 'Edit', 'Read']) if (!agent.tools.names.includes(tool)) agent.tools.names.push(tool);
  }
  if (has('disallowedTools')) agent.disallowedTools = resolveToolGrant(data.disallowedTools);
  agent.skills = toolEntries(data.skills) ?? [];
  if (typeof data.initialPrompt === 'string' && data.initialPrompt.trim()) agent.initialPrompt = data.initialPrompt;
  else if (has('initialPrompt')) drop('initial-prompt-invalid', 'initialPrompt', '`initialPrompt` must be a non-empty string', false);
  if (typeof data.observer === 'string' && data.observer.trim()) agent.observer = data.observer.trim();
  if (typeof data.observerMessage === 'string' && data.observerMessage.trim()) agent.observerMessage = data.observerMessage;
  if (data.observeSubagents === 'false' || data.observeSubagents === false) agent.observeSubagents = false;
  if (Object.hasOwn(data, 'observeToolResults')) {
    const v = data.observeToolResults;
    let truthy: boolean | undefined;
    if (typeof v === 'boolean') truthy = v;
    else if (typeof v === 'string' || typeof v === 'number') {
      const text = String(v).toLowerCase().trim();
      if (['1', 'true', 'yes', 'on'].includes(text)) truthy = true;
    }
    agent.observeToolResults = truthy === true;
  }
  // mcpServers
  if (Array.isArray(data.mcpServers)) {
    agent.mcpServers = [];
    data.mcpServers.forEach((item, index) => {
      const problem = mcpItemProblem(item);
      if (problem) drop('mcp-servers-invalid', 'mcpServers', `item ${index} is not a valid server: ${problem}`, true, String(index));
      else agent.mcpServers!.push(item as string | Record<string, unknown>);
    });
  } else if (has('mcpServers') && data.mcpServers !== null) drop('mcp-servers-invalid', 'mcpServers', '`mcpServers` must be a list', false);
  // hooks
  const guard = topLevelGuard(data);
  if (guard !== undefined) {
    return skip(
      'hooks-guard-outside',
      GUARDS.has(guard)
        ? `\`${guard}\` is a guard hook event written at the top level, outside \`hooks\``
        : `\`${guard}\` holds PreToolUse/PermissionRequest hooks outside \`hooks\``,
      guard,
      true,
    );
  }
  const hooks = data.hooks;
  if (hooks) {
    if (isMatcherShaped(hooks) || (Array.isArray(hooks) && hooks.some(isMatcherShaped))) {
      return skip(
        'hooks-invalid',
        `\`hooks\` must map event names to matcher lists; it is ${Array.isArray(hooks) ? 'a list of matchers' : 'a single matcher'}`,
        'hooks',
        true,
      );
    }
    if (!isObject(hooks)) return skip('hooks-invalid', `\`hooks\` must map event names to matcher lists, not ${describe(hooks)}`, 'hooks', true);
    const verdict = checkHooks(hooks);
    for (const note of verdict.notes) drop(note.path.includes('.') ? 'hook-dropped' : 'hook-event-dropped', 'hooks', note.problem, true, note.path);
    if (verdict.guards.length > 0) return skip('hooks-guard-invalid', verdict.guards.join('; '), 'hooks', true);
    agent.hooks = verdict.hooks;
  } else if (has('hooks')) drop('hooks-empty', 'hooks', `\`hooks\` is ${JSON.stringify(hooks) ?? String(hooks)}`, false);
  // colour
  const color = data.color;
  if (truthyString(color) && (COLORS as readonly string[]).includes(color)) agent.color = color;
  else if (has('color')) drop('color-invalid', 'color', `\`color\` must be one of ${COLORS.join(', ')}`, false);
  agent.loaded = true;
  return { agent, findings };
}
