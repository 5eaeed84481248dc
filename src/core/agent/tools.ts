/**
 * Claude Code's tool names as they appear in an agent's `tools` / `disallowedTools`, and the rule
 * Claude Code uses to split a tools string.
 *
 * Source: code.claude.com/docs/en/tools-reference (the names are also the strings used in
 * permission rules and hook matchers). Names are case-sensitive: `read` is not `Read`.
 */

/** Tools of current Claude Code releases. */
export const CLAUDE_TOOLS: readonly string[] = [
  'Agent',
  'Artifact',
  'AskUserQuestion',
  'Bash',
  'CronCreate',
  'CronDelete',
  'CronList',
  'Edit',
  'EnterPlanMode',
  'EnterWorktree',
  'ExitPlanMode',
  'ExitWorktree',
  'Glob',
  'Grep',
  'ListMcpResourcesTool',
  'LSP',
  'Monitor',
  'NotebookEdit',
  'PowerShell',
  'Read',
  'ReadMcpResourceTool',
  'SendMessage',
  'Skill',
  'TaskCreate',
  'TaskGet',
  'TaskList',
  'TaskOutput',
  'TaskStop',
  'TaskUpdate',
  'TeamCreate',
  'TeamDelete',
  'TodoWrite',
  'ToolSearch',
  'WebFetch',
  'WebSearch',
  'Write',
];

/**
 * Names of earlier releases that agent files in the wild still list. `Task` is the old name of
 * `Agent` and still works (also as `Task(agent-type)`); the others were folded into other tools.
 * They are accepted without a warning: which of them a given Claude Code still maps is not
 * something a file check can know.
 */
export const LEGACY_CLAUDE_TOOLS: readonly string[] = [
  'Task',
  'MultiEdit',
  'LS',
  'NotebookRead',
  'TodoRead',
  'BashOutput',
  'KillBash',
  'KillShell',
  'SlashCommand',
];

const KNOWN = new Set<string>([...CLAUDE_TOOLS, ...LEGACY_CLAUDE_TOOLS]);
/** Lower-cased known name → the name (first one wins, as a search in KNOWN's order would). */
const KNOWN_BY_LOWER = new Map<string, string>();
for (const tool of KNOWN) if (!KNOWN_BY_LOWER.has(tool.toLowerCase())) KNOWN_BY_LOWER.set(tool.toLowerCase(), tool);

/**
 * Tool names of other agent formats (mostly VS Code Copilot chat modes, which share the
 * `.md` + frontmatter shape) mapped to the nearest Claude Code tool, for suggestions.
 */
const FOREIGN_TOOL_NAMES: Readonly<Record<string, string>> = {
  codebase: 'Grep',
  search: 'Grep',
  grep: 'Grep',
  find: 'Glob',
  fetch: 'WebFetch',
  web: 'WebFetch',
  websearch: 'WebSearch',
  edit: 'Edit',
  editfiles: 'Edit',
  'edit/editfiles': 'Edit',
  write: 'Write',
  read: 'Read',
  readfile: 'Read',
  runcommands: 'Bash',
  'execute/runinterminal': 'Bash',
  runinterminal: 'Bash',
  execute: 'Bash',
  shell: 'Bash',
  terminal: 'Bash',
  terminalcommand: 'Bash',
  todo: 'TodoWrite',
  todos: 'TodoWrite',
  runsubagent: 'Agent',
  'agent/runsubagent': 'Agent',
  agent: 'Agent',
};

/** The parts of one entry of a tools list: `Bash(git diff:*)` → `Bash` + `git diff:*`. */
export interface ToolSpec {
  /** The entry as written. */
  raw: string;
  /** The tool name (before any parenthesised rule argument). */
  name: string;
  /** The rule argument inside the parentheses, if any. */
  argument?: string;
}

/**
 * Splits a `tools` / `disallowedTools` string the way Claude Code does: on commas and whitespace,
 * except inside parentheses (`Bash(git diff:*)`, `Agent(a, b)` stay whole). Empty pieces vanish.
 */
export function splitToolsString(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    const separator = depth === 0 && (ch === 44 || isWhitespace(ch));
    if (separator) {
      if (start >= 0) out.push(value.slice(start, i));
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (ch === 40) depth++;
    else if (ch === 41 && depth > 0) depth--;
  }
  if (start >= 0) out.push(value.slice(start));
  return out;
}

/** Exactly the characters of the regular expression class `\s`, without a regular expression per character. */
function isWhitespace(ch: number): boolean {
  if (ch < 128) return ch === 32 || (ch >= 9 && ch <= 13);
  return (
    ch === 0xa0 ||
    ch === 0x1680 ||
    (ch >= 0x2000 && ch <= 0x200a) ||
    ch === 0x2028 ||
    ch === 0x2029 ||
    ch === 0x202f ||
    ch === 0x205f ||
    ch === 0x3000 ||
    ch === 0xfeff
  );
}

/** Reads `Name(argument)` into its parts; anything else is a bare name. */
export function parseToolSpec(raw: string): ToolSpec {
  const match = /^([^()]+)\(([\s\S]*)\)$/.exec(raw);
  if (match) return { raw, name: match[1]!, argument: match[2]! };
  return { raw, name: raw };
}

/** `mcp__server`, `mcp__server__tool` or `mcp__server__*`. */
export function isMcpToolName(name: string): boolean {
  return /^mcp__[^\s_()][^\s()]*$/.test(name);
}

/** True for `*`, a built-in (current or legacy) tool, optionally with a rule argument, or an MCP tool. */
export function isKnownTool(raw: string): boolean {
  if (raw === '*') return true;
  const spec = parseToolSpec(raw);
  if (isMcpToolName(spec.name)) return spec.argument === undefined;
  return KNOWN.has(spec.name);
}

/** The Claude Code tool an unknown name most likely meant, if any. */
export function suggestTool(raw: string, closest: (input: string, candidates: readonly string[]) => string | undefined): string | undefined {
  const spec = parseToolSpec(raw);
  const lower = spec.name.toLowerCase();
  const foreign = Object.hasOwn(FOREIGN_TOOL_NAMES, lower) ? FOREIGN_TOOL_NAMES[lower] : undefined;
  const exactCase = KNOWN_BY_LOWER.get(lower);
  const base = exactCase ?? foreign ?? closest(spec.name, CLAUDE_TOOLS);
  if (base === undefined) return undefined;
  return spec.argument === undefined ? base : `${base}(${spec.argument})`;
}
