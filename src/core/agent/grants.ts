/**
 * What an agent is allowed to do, as Claude Code 2.1.332 applies its file: the tools it gets
 * (after `disallowedTools`), its permission mode, every hook with the exact command, URL or prompt
 * it runs, every inline MCP server with the command it starts, and isolation, background and
 * memory. Derived from the effective agent (effective.ts), never from the raw YAML.
 *
 * The contract (shapes, which grants are risky, how they are hashed and compared) is
 * docs/grants.md. Every shape here is plain data: `JSON.stringify` of a `Grants` is stable for a
 * given file, keys in the order declared below.
 */
import { computeIntegrity } from '../io/integrity.js';
import type { EffectiveAgent, ToolGrant } from './effective.js';
import { shortForDisplay } from './escape-display.js';
import { isKnownTool, isMcpToolName, parseToolSpec } from './tools.js';

/** How far a command tool (`Bash`, `PowerShell`) reaches. */
export type ShellAccess = 'unrestricted' | 'scoped' | 'none';

export interface ShellGrant {
  access: ShellAccess;
  /** For `scoped`: the rule arguments as written (`git diff:*` of `Bash(git diff:*)`); otherwise []. */
  patterns: string[];
}

/** The tools the agent ends up with. */
export type ToolSet =
  | { kind: 'all' }
  | { kind: 'none' }
  /** Every tool but these (tool names: `disallowedTools` removes whole tools). */
  | { kind: 'all-except'; except: string[] }
  /** Exactly these entries, as Claude Code splits them (`Read`, `Bash(git diff:*)`, `mcp__github__get_issue`). */
  | { kind: 'list'; names: string[] };

export interface ToolGrants {
  /** `tools` as Claude Code reads it: `all` when the key is absent or holds `*`. */
  declared: 'all' | 'none' | string[];
  /** `disallowedTools` as written: `none` when absent. */
  disallowed: 'all' | 'none' | string[];
  effective: ToolSet;
  /** Entries of `tools` that name no Claude Code tool; Claude Code drops them. */
  ignored: string[];
  bash: ShellGrant;
  powershell: ShellGrant;
  /** Tools that change files: Write, Edit, MultiEdit, NotebookEdit (entries as granted). */
  write: string[];
  /** WebFetch, WebSearch. */
  web: string[];
  /** Agent (and its old name Task): the agent can start other agents. */
  agents: string[];
  /** MCP tools: `all` = every tool of every MCP server the session has (minus `effective.except`). */
  mcp: 'all' | string[];
}

/** One hook: its event, matcher and type, then the entry's fields exactly as Claude Code keeps them. */
export type HookGrant = { event: string; matcher?: string; type: string } & { [field: string]: unknown };

export type McpServerGrant =
  /** A name: a server the user has configured already; the agent file starts nothing. */
  | { name: string; inline: false }
  /** A server the agent file defines: Claude Code starts `command args` (or connects to `url`) when the agent runs. */
  | { name: string; inline: true; type: string; command?: string; args?: string[]; url?: string; config: Record<string, unknown> };

export interface Grants {
  /** Claude Code loads the agent at all. An agent it skips grants nothing: every list below is empty. */
  loaded: boolean;
  tools: ToolGrants;
  /** null: not set (the session's mode applies). */
  permissionMode: string | null;
  hooks: HookGrant[];
  mcpServers: McpServerGrant[];
  isolation: string | null;
  background: boolean;
  memory: string | null;
  /**
   * Present only when YAML aliases made hooks or servers too large to keep (see {@link MAX_KEPT_VALUES}):
   * how many values of each were replaced by an {@link ElidedValue}. Part of the risky hashes.
   */
  elided?: { hooks: number; mcp: number };
}

/** A value too large to keep once YAML aliases are expanded: its size, and a digest of all of it. */
export interface ElidedValue {
  elided: string;
  /** `sha256-<base64>` of the whole value (containers digested one by one, see {@link contentDigest}). */
  sha256: string;
}

export const WRITE_TOOLS: readonly string[] = ['Write', 'Edit', 'MultiEdit', 'NotebookEdit'];
export const WEB_TOOLS: readonly string[] = ['WebFetch', 'WebSearch'];
export const AGENT_TOOLS: readonly string[] = ['Agent', 'Task'];
/** What `all` expands to per group (the current names; MultiEdit and Task are older names). */
const ALL_WRITE = ['Write', 'Edit', 'NotebookEdit'];
const ALL_WEB = ['WebFetch', 'WebSearch'];
const ALL_AGENTS = ['Agent'];
/** Names Claude Code treats as one tool when it removes disallowed tools. */
const ALIASES: Record<string, string> = { Task: 'Agent', Agent: 'Task' };

const NO_SHELL: ShellGrant = { access: 'none', patterns: [] };

const grantOf = (grant: ToolGrant | undefined, absent: 'all' | 'none'): 'all' | 'none' | string[] =>
  grant === undefined ? absent : grant.kind === 'list' ? [...grant.names] : grant.kind;

/**
 * What `disallowedTools` removes. Claude Code matches its entries by tool name only, so
 * `Bash(rm:*)` removes Bash altogether; `mcp__server`, `mcp__server__*` remove a server's tools,
 * `mcp__*` every MCP tool. `*` names no tool and is taken as removing nothing (the reading that
 * never under-reports a grant; see docs/grants.md).
 */
interface Denied {
  names: Set<string>;
  /** In the order written, each once (aliases not added). */
  listed: string[];
  servers: Set<string>;
  allMcp: boolean;
}

function deniedOf(grant: ToolGrant | undefined): Denied {
  const denied: Denied = { names: new Set(), listed: [], servers: new Set(), allMcp: false };
  if (grant?.kind !== 'list') return denied;
  for (const entry of grant.names) {
    const name = parseToolSpec(entry).name;
    if (!denied.names.has(name)) denied.listed.push(name);
    denied.names.add(name);
    const alias = ALIASES[name];
    if (alias) denied.names.add(alias);
    if (name === 'mcp__*') denied.allMcp = true;
    else if (isMcpToolName(name)) {
      const [, server = '', tool] = name.split('__');
      if (tool === undefined || tool === '*') denied.servers.add(server);
    }
  }
  return denied;
}

function isDenied(entry: string, denied: Denied): boolean {
  const name = parseToolSpec(entry).name;
  if (denied.names.has(name)) return true;
  if (!isMcpToolName(name)) return false;
  return denied.allMcp || denied.servers.has(name.split('__')[1] ?? '');
}

/** `Bash` or `Bash(*)` or `Bash()` anywhere: unrestricted; only `Bash(<rule>)` entries: scoped to those rules. */
function shellOf(names: string[], tool: string): ShellGrant {
  const patterns: string[] = [];
  for (const entry of names) {
    const spec = parseToolSpec(entry);
    if (spec.name !== tool) continue;
    if (spec.argument === undefined || spec.argument.trim() === '' || spec.argument.trim() === '*') return { access: 'unrestricted', patterns: [] };
    patterns.push(spec.argument);
  }
  return patterns.length > 0 ? { access: 'scoped', patterns } : { ...NO_SHELL, patterns: [] };
}

function toolGrants(effective: EffectiveAgent): ToolGrants {
  const declared = grantOf(effective.tools, 'all');
  const disallowed = grantOf(effective.disallowedTools, 'none');
  const denied = deniedOf(effective.disallowedTools);
  const tools = effective.tools;
  if (tools.kind === 'none') {
    return { declared, disallowed, effective: { kind: 'none' }, ignored: [], bash: NO_SHELL, powershell: NO_SHELL, write: [], web: [], agents: [], mcp: [] };
  }
  if (tools.kind === 'all') {
    const except = denied.listed;
    const has = (name: string) => !denied.names.has(name);
    const shell = (name: string): ShellGrant => (has(name) ? { access: 'unrestricted', patterns: [] } : { access: 'none', patterns: [] });
    return {
      declared,
      disallowed,
      effective: except.length === 0 ? { kind: 'all' } : { kind: 'all-except', except: [...except] },
      ignored: [],
      bash: shell('Bash'),
      powershell: shell('PowerShell'),
      write: ALL_WRITE.filter(has),
      web: ALL_WEB.filter(has),
      agents: ALL_AGENTS.filter(has),
      mcp: denied.allMcp ? [] : 'all',
    };
  }
  const ignored: string[] = [];
  const names: string[] = [];
  for (const entry of tools.names) {
    if (!isKnownTool(entry)) ignored.push(entry);
    else if (!isDenied(entry, denied) && !names.includes(entry)) names.push(entry);
  }
  const inGroup = (group: readonly string[]) => names.filter((entry) => group.includes(parseToolSpec(entry).name));
  return {
    declared,
    disallowed,
    effective: names.length === 0 ? { kind: 'none' } : { kind: 'list', names },
    ignored,
    bash: shellOf(names, 'Bash'),
    powershell: shellOf(names, 'PowerShell'),
    write: inGroup(WRITE_TOOLS),
    web: inGroup(WEB_TOOLS),
    agents: inGroup(AGENT_TOOLS),
    mcp: names.filter((entry) => isMcpToolName(parseToolSpec(entry).name)),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A deep copy of plain data (what the YAML parser made), so that grants share nothing with the agent. */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * YAML aliases let a file of 1 MiB stand for millions of values (Claude Code accepts up to 16 Mi
 * nodes of expansion). The grants of one agent keep at most this many values and characters of
 * its hooks and servers; past that, each further value is an {@link ElidedValue}, so that grants,
 * `--json` and hashes stay small and fast whatever the file.
 */
export const MAX_KEPT_VALUES = 50_000;
export const MAX_KEPT_CHARS = 2 * 1024 * 1024;
const SIZE_CAP = 1e15;

/** Sizes and digests of YAML values, each container worked out once however often aliases repeat it. */
class ValueMeter {
  private readonly sizes = new WeakMap<object, { nodes: number; chars: number }>();
  private readonly digests = new WeakMap<object, string>();

  size(value: unknown): { nodes: number; chars: number } {
    if (value === null || typeof value !== 'object') return { nodes: 1, chars: typeof value === 'string' ? value.length : 8 };
    const known = this.sizes.get(value);
    if (known) return known;
    let nodes = 1;
    let chars = 2;
    for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      const inner = this.size(item);
      nodes = Math.min(SIZE_CAP, nodes + inner.nodes);
      chars = Math.min(SIZE_CAP, chars + inner.chars + (typeof key === 'string' ? key.length : 0));
    }
    const size = { nodes, chars };
    this.sizes.set(value, size);
    return size;
  }

  digest(value: unknown): string {
    return computeIntegrity(this.digestText(value));
  }

  /** A leaf's JSON, or `#` and the digest of a container of such texts (no JSON text starts with `#`). */
  private digestText(value: unknown): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(typeof value === 'number' && !Number.isFinite(value) ? null : value) ?? 'null';
    const known = this.digests.get(value);
    if (known) return known;
    const text = Array.isArray(value)
      ? `[${value.map((item) => this.digestText(item)).join(',')}]`
      : `{${Object.keys(value)
          .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${this.digestText((value as Record<string, unknown>)[key])}`)
          .join(',')}}`;
    const digest = `#${computeIntegrity(text)}`;
    this.digests.set(value, digest);
    return digest;
  }
}

/** Copies values into grants while the budget lasts; elides (and counts) the rest. */
class Keeper {
  private nodes = 0;
  private chars = 0;
  readonly elided = { hooks: 0, mcp: 0 };
  private readonly meter = new ValueMeter();

  keep(value: unknown, kind: 'hooks' | 'mcp'): unknown {
    const size = this.meter.size(value);
    if (this.nodes + size.nodes <= MAX_KEPT_VALUES && this.chars + size.chars <= MAX_KEPT_CHARS) {
      this.nodes += size.nodes;
      this.chars += size.chars;
      return copy(value);
    }
    this.elided[kind]++;
    const elided: ElidedValue = {
      elided: `${size.nodes.toLocaleString('en-US')} values, ${size.chars.toLocaleString('en-US')} characters once YAML aliases are expanded`,
      sha256: this.meter.digest(value),
    };
    return elided;
  }
}

function serversOf(items: EffectiveAgent['mcpServers'], keeper: Keeper): McpServerGrant[] {
  const out: McpServerGrant[] = [];
  for (const item of items ?? []) {
    if (typeof item === 'string') {
      const name = keeper.keep(item, 'mcp');
      out.push({ name: typeof name === 'string' ? name : `(elided name ${(name as ElidedValue).sha256})`, inline: false });
      continue;
    }
    for (const [key, raw] of Object.entries(item)) {
      const kept = keeper.keep(key, 'mcp');
      const name = typeof kept === 'string' ? kept : `(elided name ${(kept as ElidedValue).sha256})`;
      const config = (isObject(raw) ? keeper.keep(raw, 'mcp') : {}) as Record<string, unknown>;
      const server: McpServerGrant = { name, inline: true, type: typeof config.type === 'string' ? config.type : 'stdio', config };
      if (typeof config.command === 'string') server.command = config.command;
      if (Array.isArray(config.args)) server.args = config.args.filter((a): a is string => typeof a === 'string');
      if (typeof config.url === 'string') server.url = config.url;
      // Keys in one order whatever the file's order: name, inline, type, command, args, url, config.
      const { config: kept2, ...rest } = server;
      out.push({ ...rest, config: kept2 });
    }
  }
  return out;
}

function hooksOf(hooks: EffectiveAgent['hooks'], keeper: Keeper): HookGrant[] {
  return (hooks ?? []).map((hook) => {
    const grant: HookGrant = { event: hook.event, type: hook.type };
    if (hook.matcher !== undefined) grant.matcher = keeper.keep(hook.matcher, 'hooks') as string;
    for (const [field, value] of Object.entries(hook.fields)) if (value !== undefined) grant[field] = keeper.keep(value, 'hooks');
    // Keys in one order: event, matcher, type, then the fields.
    const { event, matcher, type, ...fields } = grant;
    return { event, ...(matcher !== undefined ? { matcher } : {}), type, ...fields };
  });
}

const NOT_LOADED: Grants = {
  loaded: false,
  tools: {
    declared: 'none',
    disallowed: 'none',
    effective: { kind: 'none' },
    ignored: [],
    bash: NO_SHELL,
    powershell: NO_SHELL,
    write: [],
    web: [],
    agents: [],
    mcp: [],
  },
  permissionMode: null,
  hooks: [],
  mcpServers: [],
  isolation: null,
  background: false,
  memory: null,
};

/** The grants of an effective agent (docs/grants.md). An agent Claude Code would not load grants nothing. */
export function grantsOf(effective: EffectiveAgent): Grants {
  if (!effective.loaded) return copy(NOT_LOADED);
  const keeper = new Keeper();
  const grants: Grants = {
    loaded: true,
    tools: toolGrants(effective),
    permissionMode: effective.permissionMode ?? null,
    hooks: hooksOf(effective.hooks, keeper),
    mcpServers: serversOf(effective.mcpServers, keeper),
    isolation: effective.isolation ?? null,
    background: effective.background === true,
    memory: effective.memory ?? null,
  };
  if (keeper.elided.hooks + keeper.elided.mcp > 0) grants.elided = { ...keeper.elided };
  return grants;
}

// ---------------------------------------------------------------- risky grants

/** Hooks and servers shown one by one up to this many (summaries); then how many more. */
const MAX_ITEMS = 3;

export type RiskyKind = 'hooks' | 'mcp' | 'bypass';
export const RISKY_KINDS: readonly RiskyKind[] = ['hooks', 'mcp', 'bypass'];

export interface RiskyGrant {
  kind: RiskyKind;
  /** `sha256-<base64>` of the canonical JSON of exactly this kind's content (riskyContent). */
  hash: string;
  /** One line for people, agent text escaped. */
  summary: string;
}

/** JSON with every object's keys sorted, no spaces: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const keys = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

/**
 * What each risky kind's hash covers, or undefined when the agent has none of it:
 * - `hooks`: every hook, in order (event, matcher, type and all its fields);
 * - `mcp`: every inline server, in order ({name, config}); references to configured servers are not inline;
 * - `bypass`: `permissionMode: bypassPermissions` together with the tools it lets run unprompted.
 */
export function riskyContent(grants: Grants, kind: RiskyKind): unknown {
  if (!grants.loaded) return undefined;
  switch (kind) {
    case 'hooks':
      if (grants.hooks.length === 0) return undefined;
      // With elided values the count is part of the content: a file cannot pass off a written-out
      // elision marker as the elided value it names.
      return grants.elided?.hooks ? { hooks: grants.hooks, elided: grants.elided.hooks } : grants.hooks;
    case 'mcp': {
      const inline = grants.mcpServers.filter((s) => s.inline).map((s) => ({ name: s.name, config: s.inline ? s.config : {} }));
      if (inline.length === 0) return undefined;
      return grants.elided?.mcp ? { servers: inline, elided: grants.elided.mcp } : inline;
    }
    case 'bypass':
      return grants.permissionMode === 'bypassPermissions' ? { permissionMode: grants.permissionMode, tools: grants.tools.effective } : undefined;
  }
}

/** The agent's risky grants, in the order hooks, mcp, bypass; each once, with its content hash. */
export function riskyGrants(grants: Grants): RiskyGrant[] {
  const out: RiskyGrant[] = [];
  for (const kind of RISKY_KINDS) {
    const content = riskyContent(grants, kind);
    if (content === undefined) continue;
    out.push({ kind, hash: computeIntegrity(canonicalJson(content)), summary: riskySummary(grants, kind) });
  }
  return out;
}

/** `{hooks: hash, …}`: the form part B records approvals in (docs/grants.md). */
export function riskyHashes(grants: Grants): Partial<Record<RiskyKind, string>> {
  const out: Partial<Record<RiskyKind, string>> = {};
  for (const risky of riskyGrants(grants)) out[risky.kind] = risky.hash;
  return out;
}

/**
 * Kinds a policy may add to the risky ones (`grants.risky` in a config file; README, "Approvals
 * and policy"): common grants that a team may still want approved one by one.
 * - `unrestricted-bash`: Bash or PowerShell without a pattern (`Bash`, no `tools` key);
 * - `all-tools`: every tool (no `tools` key, `*`, or all but the disallowed ones).
 */
export type PolicyRiskyKind = 'unrestricted-bash' | 'all-tools';
export const POLICY_RISKY_KINDS: readonly PolicyRiskyKind[] = ['unrestricted-bash', 'all-tools'];

/** What each policy kind's hash covers, or undefined when the agent has none of it. */
export function policyRiskyContent(grants: Grants, kind: PolicyRiskyKind): unknown {
  if (!grants.loaded) return undefined;
  const tools = grants.tools;
  switch (kind) {
    case 'unrestricted-bash':
      return tools.bash.access === 'unrestricted' || tools.powershell.access === 'unrestricted'
        ? { bash: tools.bash.access, powershell: tools.powershell.access }
        : undefined;
    case 'all-tools':
      return tools.effective.kind === 'all' || tools.effective.kind === 'all-except' ? { tools: tools.effective } : undefined;
  }
}

/** The agent's grants of the policy kinds, each with its content hash and a summary (as {@link riskyGrants}). */
export function policyRiskyGrants(grants: Grants): Array<{ kind: PolicyRiskyKind; hash: string; summary: string }> {
  const out: Array<{ kind: PolicyRiskyKind; hash: string; summary: string }> = [];
  for (const kind of POLICY_RISKY_KINDS) {
    const content = policyRiskyContent(grants, kind);
    if (content === undefined) continue;
    out.push({ kind, hash: computeIntegrity(canonicalJson(content)), summary: `tools: ${describeTools(grants.tools)}` });
  }
  return out;
}

/** {@link riskyHashes} and the hashes of the policy kinds the agent has: what a candidate carries, whatever the policy. */
export function allRiskyHashes(grants: Grants): Partial<Record<RiskyKind | PolicyRiskyKind, string>> {
  const out: Partial<Record<RiskyKind | PolicyRiskyKind, string>> = riskyHashes(grants);
  for (const risky of policyRiskyGrants(grants)) out[risky.kind] = risky.hash;
  return out;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The first three, then how many more. */
function firstFew(texts: string[]): string {
  return texts.length > MAX_ITEMS ? `${texts.slice(0, MAX_ITEMS).join('; ')}; … and ${texts.length - MAX_ITEMS} more` : texts.join('; ');
}

function riskySummary(grants: Grants, kind: RiskyKind): string {
  switch (kind) {
    case 'hooks':
      return `${plural(grants.hooks.length, 'hook')}: ${firstFew(grants.hooks.map((hook) => describeHook(hook)))}`;
    case 'mcp': {
      const inline = grants.mcpServers.filter((s) => s.inline);
      return `${plural(inline.length, 'inline MCP server')}: ${firstFew(inline.map((server) => describeServer(server)))}`;
    }
    case 'bypass':
      return `permissionMode: bypassPermissions with ${describeTools(grants.tools)}`;
  }
}

// ---------------------------------------------------------------- describing grants

/** What a hook does, in one line: `PreToolUse Bash → curl … | sh`. */
export function describeHook(hook: HookGrant, max = 80): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined ? '' : '(elided)');
  const what =
    hook.type === 'command'
      ? [text(hook.command), ...(Array.isArray(hook.args) ? hook.args.map(text) : [])].join(' ')
      : hook.type === 'http'
        ? `POST ${text(hook.url)}`
        : hook.type === 'mcp_tool'
          ? `MCP tool ${text(hook.server)}/${text(hook.tool)}`
          : `${hook.type} hook: ${text(hook.prompt)}`;
  const matcher = text(hook.matcher);
  const where = matcher !== '' ? `${hook.event} ${matcher}` : hook.event;
  return `${shortForDisplay(where, 40)} → ${shortForDisplay(what, max)}`;
}

/** What an MCP server entry starts: `github: npx -y @modelcontextprotocol/server-github`, or `github (configured server)`. */
export function describeServer(server: McpServerGrant, max = 80): string {
  if (!server.inline) return `${shortForDisplay(server.name, 40)} (configured server)`;
  const what =
    server.command !== undefined ? [server.command, ...(server.args ?? [])].join(' ') : server.url !== undefined ? `${server.type} ${server.url}` : server.type;
  return `${shortForDisplay(server.name, 40)}: ${shortForDisplay(what, max)}`;
}

function listText(names: string[], max = 8): string {
  const shown = names.slice(0, max).map((name) => shortForDisplay(name, 40));
  return names.length > max ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}

/** The tools in words: `all (incl. unrestricted Bash)`, `all except Bash`, `Read, Grep, Bash(git diff:*) (scoped Bash)`, `none`. */
export function describeTools(tools: ToolGrants): string {
  const effective = tools.effective;
  if (effective.kind === 'none') return 'none';
  const notes: string[] = [];
  if (tools.bash.access === 'unrestricted') notes.push('unrestricted Bash');
  else if (tools.bash.access === 'scoped') notes.push('scoped Bash');
  if (tools.powershell.access === 'unrestricted' && effective.kind === 'list') notes.push('unrestricted PowerShell');
  const note = notes.length > 0 ? ` (${effective.kind === 'list' ? '' : 'incl. '}${notes.join(', ')})` : '';
  if (effective.kind === 'all') return `all${note}`;
  if (effective.kind === 'all-except') return `all except ${listText(effective.except)}${note}`;
  return `${listText(effective.names)}${note}`;
}

/** Colours a summary may use; `Style` of src/commands fits. */
export interface SummaryStyle {
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
}

const PLAIN: SummaryStyle = { red: (t) => t, yellow: (t) => t, dim: (t) => t };

/**
 * A short human summary, 1 to 6 lines (more only when an agent has several hooks or servers):
 * `tools: all (incl. unrestricted Bash)`, `hooks: PreToolUse Bash → curl … | sh`,
 * `mcp: evil: npx -y evil-server`, `permissionMode: bypassPermissions`, `runs: background, …`.
 * Agent text is escaped; risky grants are red, broad tools yellow.
 */
export function formatGrantsSummary(grants: Grants, style: SummaryStyle = PLAIN): string[] {
  if (!grants.loaded) return [`${style.dim('grants:')} nothing (Claude Code would not load this file)`];
  const label = (text: string) => style.dim(`${text}:`);
  const lines: string[] = [];
  const tools = describeTools(grants.tools);
  const broad = grants.tools.bash.access === 'unrestricted' || grants.tools.effective.kind === 'all' || grants.tools.effective.kind === 'all-except';
  lines.push(`${label('tools')} ${broad ? style.yellow(tools) : tools}`);
  if (grants.permissionMode !== null && grants.permissionMode !== 'default') {
    const mode = grants.permissionMode === 'bypassPermissions' ? style.red(grants.permissionMode) : grants.permissionMode;
    lines.push(`${label('permissionMode')} ${mode}`);
  }
  const items = (name: string, texts: string[], risky: boolean) => {
    for (const text of texts.slice(0, MAX_ITEMS)) lines.push(`${label(name)} ${risky ? style.red(text) : text}`);
    if (texts.length > MAX_ITEMS) lines.push(`${label(name)} … and ${texts.length - MAX_ITEMS} more`);
  };
  items(
    'hooks',
    grants.hooks.map((hook) => describeHook(hook)),
    true,
  );
  items(
    'mcp',
    grants.mcpServers.filter((s) => s.inline).map((s) => describeServer(s)),
    true,
  );
  const references = grants.mcpServers.filter((s) => !s.inline);
  if (references.length > 0) lines.push(`${label('mcp')} ${listText(references.map((s) => s.name))} (configured servers)`);
  const runs: string[] = [];
  if (grants.background) runs.push('in the background');
  if (grants.isolation !== null) runs.push(`isolation ${grants.isolation}`);
  if (grants.memory !== null) runs.push(`memory ${grants.memory}`);
  if (runs.length > 0) lines.push(`${label('runs')} ${runs.join(', ')}`);
  return lines;
}

// ---------------------------------------------------------------- comparing grants

export type GrantAspect = 'loaded' | 'tools' | 'permissionMode' | 'hook' | 'mcp' | 'isolation' | 'background' | 'memory';

export interface GrantChange {
  change: 'added' | 'removed' | 'changed';
  aspect: GrantAspect;
  /** The risky kind whose hash this change alters, if any: part B asks again for these. */
  risky: RiskyKind | null;
  /** Readable (agent text escaped); absent for `added`. */
  before?: string;
  /** Absent for `removed`. */
  after?: string;
  /** One line: `+ hook: PreToolUse Bash → curl … | sh`, `~ permissionMode: default → bypassPermissions`. */
  text: string;
}

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

function change(kind: GrantChange['change'], aspect: GrantAspect, risky: RiskyKind | null, before?: string, after?: string): GrantChange {
  const shown = kind === 'changed' ? `${before} → ${after}` : (after ?? before ?? '');
  return {
    change: kind,
    aspect,
    risky,
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    text: `${SIGN[kind]} ${aspect === 'hook' ? 'hook' : aspect}: ${shown}`,
  };
}

/** Pairs items of two lists by `key`; exact equals (canonical JSON) cancel out, the rest are changes or additions and removals. */
function diffItems<T>(
  a: T[],
  b: T[],
  key: (item: T) => string,
  describe: (item: T) => string,
  aspect: GrantAspect,
  risky: (item: T) => RiskyKind | null,
): GrantChange[] {
  // Exact equals cancel out (by canonical JSON), then the rest pair up by key; maps keep it linear.
  const byText = new Map<string, number[]>();
  a.forEach((item, index) => {
    const text = canonicalJson(item);
    const list = byText.get(text);
    if (list) list.push(index);
    else byText.set(text, [index]);
  });
  const gone = new Set<number>();
  const added: T[] = [];
  for (const item of b) {
    const at = byText.get(canonicalJson(item))?.find((index) => !gone.has(index));
    if (at === undefined) added.push(item);
    else gone.add(at);
  }
  const byKey = new Map<string, number[]>();
  a.forEach((item, index) => {
    if (gone.has(index)) return;
    const k = key(item);
    const list = byKey.get(k);
    if (list) list.push(index);
    else byKey.set(k, [index]);
  });
  const out: GrantChange[] = [];
  for (const item of added) {
    const list = byKey.get(key(item));
    const at = list?.shift();
    if (at === undefined) out.push(change('added', aspect, risky(item), undefined, describe(item)));
    else {
      gone.add(at);
      const old = a[at]!;
      out.push(change('changed', aspect, risky(old) ?? risky(item), describe(old), describe(item)));
    }
  }
  a.forEach((old, index) => {
    if (!gone.has(index)) out.push(change('removed', aspect, risky(old), describe(old)));
  });
  return out;
}

const toolSetText = (tools: ToolGrants) => describeTools(tools);

/**
 * What changes from grants `a` (installed) to `b` (candidate), in a readable form: for `diff` and
 * for an `upgrade` that refuses new risky grants. Empty when they grant the same.
 */
export function diffGrants(a: Grants, b: Grants): GrantChange[] {
  const out: GrantChange[] = [];
  if (a.loaded !== b.loaded) out.push(change('changed', 'loaded', null, a.loaded ? 'loaded' : 'not loaded', b.loaded ? 'loaded' : 'not loaded'));
  const bypass = a.permissionMode === 'bypassPermissions' || b.permissionMode === 'bypassPermissions' ? 'bypass' : null;
  // Tools: entry by entry when both are lists, else the whole set.
  const ta = a.tools.effective;
  const tb = b.tools.effective;
  if (canonicalJson(ta) !== canonicalJson(tb)) {
    const toolsRisky = a.permissionMode === 'bypassPermissions' && b.permissionMode === 'bypassPermissions' ? 'bypass' : null;
    if (ta.kind === 'list' && tb.kind === 'list') {
      for (const name of tb.names) if (!ta.names.includes(name)) out.push(change('added', 'tools', toolsRisky, undefined, shortForDisplay(name, 60)));
      for (const name of ta.names) if (!tb.names.includes(name)) out.push(change('removed', 'tools', toolsRisky, shortForDisplay(name, 60)));
    } else out.push(change('changed', 'tools', toolsRisky, toolSetText(a.tools), toolSetText(b.tools)));
  }
  if (a.permissionMode !== b.permissionMode) {
    const text = (mode: string | null) => (mode === null ? 'not set' : mode);
    if (a.permissionMode === null) out.push(change('added', 'permissionMode', bypass, undefined, text(b.permissionMode)));
    else if (b.permissionMode === null) out.push(change('removed', 'permissionMode', bypass, text(a.permissionMode)));
    else out.push(change('changed', 'permissionMode', bypass, text(a.permissionMode), text(b.permissionMode)));
  }
  out.push(
    ...diffItems(
      a.hooks,
      b.hooks,
      (hook) => `${hook.event}\0${hook.matcher ?? ''}\0${hook.type}`,
      (hook) => describeHook(hook),
      'hook',
      () => 'hooks',
    ),
  );
  out.push(
    ...diffItems(
      a.mcpServers,
      b.mcpServers,
      (server) => server.name,
      (server) => describeServer(server),
      'mcp',
      (server) => (server.inline ? 'mcp' : null),
    ),
  );
  const scalar = (aspect: 'isolation' | 'memory', x: string | null, y: string | null) => {
    if (x === y) return;
    if (x === null) out.push(change('added', aspect, null, undefined, y!));
    else if (y === null) out.push(change('removed', aspect, null, x));
    else out.push(change('changed', aspect, null, x, y));
  };
  scalar('isolation', a.isolation, b.isolation);
  if (a.background !== b.background)
    out.push(
      change(
        b.background ? 'added' : 'removed',
        'background',
        null,
        a.background ? 'in the background' : undefined,
        b.background ? 'in the background' : undefined,
      ),
    );
  scalar('memory', a.memory, b.memory);
  return out;
}
