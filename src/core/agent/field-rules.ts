import { didYouMean } from '../did-you-mean.js';
import { type Checker, fileBase, remembered, show } from './checker.js';
import type { IssueCode } from './issues.js';
import { ISSUE_CODES } from './issues.js';
import {
  AGENT_COLORS,
  type AgentFieldName,
  agentFieldSchemas,
  EFFORT_LEVELS,
  HOOK_EVENTS,
  ISOLATION_MODES,
  KNOWN_AGENT_KEYS,
  MAX_NAME_LENGTH,
  MEMORY_SCOPES,
  PERMISSION_MODES,
} from './schema.js';
import { isKnownTool, splitToolsString, suggestTool } from './tools.js';

const HOOK_EVENT_SET = new Set<string>(HOOK_EVENTS);
const KNOWN_KEY_SET = new Set<string>(KNOWN_AGENT_KEYS);

/** Keys other tools (skills, slash commands, Copilot) use for what agents call something else. */
const rememberedTools = new Map<string, string | undefined>();
const rememberedKeys = new Map<string, string | undefined>();

const KEY_ALIASES: Readonly<Record<string, AgentFieldName>> = {
  'allowed-tools': 'tools',
  allowedTools: 'tools',
  allowed_tools: 'tools',
  tool: 'tools',
  toolset: 'tools',
  'disallowed-tools': 'disallowedTools',
  denied_tools: 'disallowedTools',
  colour: 'color',
  'mcp-servers': 'mcpServers',
  mcp: 'mcpServers',
};

/** What a valid value looks like, per known key (for messages and fixes). */
const suggestToolFor = (entry: string) => suggestTool(entry, (input, candidates) => didYouMean(input, candidates));
const suggestKeyFor = (key: string) => (Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key] : didYouMean(key, KNOWN_AGENT_KEYS));

const EXPECTED: Readonly<Partial<Record<AgentFieldName, string>>> = {
  color: `one of: ${AGENT_COLORS.join(', ')}`,
  permissionMode: `one of: ${PERMISSION_MODES.join(', ')}`,
  effort: `one of: ${EFFORT_LEVELS.join(', ')}, or an integer`,
  maxTurns: 'a positive integer, e.g. `maxTurns: 20`',
  autoCompactWindow: 'a positive integer',
  memory: `one of: ${MEMORY_SCOPES.join(', ')}`,
  background: '`true` or `false` (unquoted)',
  omitClaudeMd: '`true` or `false` (unquoted)',
  isolation: `\`${ISOLATION_MODES.join('`, `')}\``,
  mcpServers: 'a list of server names or `name: {config}` entries',
  skills: 'a list of skill names',
  initialPrompt: 'a string',
  experimental: 'a mapping',
};

const ENUM_VALUES: Readonly<Partial<Record<AgentFieldName, readonly string[]>>> = {
  color: AGENT_COLORS,
  permissionMode: PERMISSION_MODES,
  effort: EFFORT_LEVELS,
  memory: MEMORY_SCOPES,
  isolation: ISOLATION_MODES,
};

const FIELD_DEFAULT_CODE: Readonly<Record<AgentFieldName, IssueCode>> = {
  name: 'name-not-string',
  description: 'description-not-string',
  model: 'model-unknown',
  tools: 'tools-invalid',
  disallowedTools: 'disallowed-tools-invalid',
  color: 'color-invalid',
  effort: 'effort-invalid',
  permissionMode: 'permission-mode-invalid',
  mcpServers: 'mcp-servers-invalid',
  hooks: 'hooks-invalid',
  maxTurns: 'max-turns-invalid',
  autoCompactWindow: 'auto-compact-window-invalid',
  skills: 'skills-invalid',
  initialPrompt: 'initial-prompt-invalid',
  memory: 'memory-invalid',
  background: 'background-invalid',
  omitClaudeMd: 'omit-claude-md-invalid',
  isolation: 'isolation-invalid',
  experimental: 'experimental-invalid',
};

const COMMON_TOOLS = 'Read, Write, Edit, Bash, Glob, Grep, WebFetch, WebSearch';
const KEBAB_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const RECOMMENDED_NAME_LENGTH = 50;

/** Lower-case kebab-case rendering of any name, for suggestions (`Code Reviewer` → `code-reviewer`). */
export function toKebabCase(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Claude Code turns each literal backslash-n of a description into a newline. */
export function unescapeDescription(description: string): string {
  return description.includes('\\n') ? description.replace(/\\n/g, '\n') : description;
}

/** `tools` as Claude Code reads it: undefined = all tools, [] = none. */
export function resolveTools(data: Record<string, unknown>): string[] | undefined {
  if (!Object.hasOwn(data, 'tools')) return undefined;
  const entries = toolEntries(data.tools);
  if (entries === undefined) return [];
  const names = entries.filter((entry): entry is string => typeof entry === 'string');
  return names.includes('*') ? undefined : names;
}

function toolEntries(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') return splitToolsString(value);
  if (Array.isArray(value)) return value;
  return undefined;
}

/** Field verdicts, remembered like suggestions (see `remembered`). */
const rememberedCodes = new Map<string, IssueCode | undefined>();

/** The issue code of a field value that fails its schema in agent-schema.ts, else undefined. */
function fieldIssueCode(key: AgentFieldName, value: unknown): IssueCode | undefined {
  if (typeof value === 'string') return remembered(rememberedCodes, `${key}:${value}`, () => schemaIssueCode(key, value));
  return schemaIssueCode(key, value);
}

function schemaIssueCode(key: AgentFieldName, value: unknown): IssueCode | undefined {
  const result = agentFieldSchemas[key].safeParse(value);
  if (result.success) return undefined;
  const message = result.error.issues[0]?.message ?? '';
  return Object.hasOwn(ISSUE_CODES, message) ? (message as IssueCode) : FIELD_DEFAULT_CODE[key];
}

/** Unknown keys reported one by one; the rest are summed up in one warning (a hostile file can hold 100,000). */
const MAX_UNKNOWN_KEY_WARNINGS = 20;

export function checkFields(checker: Checker): void {
  const { document } = checker;
  const data = document.data;
  let unknown = 0;
  for (const key of Object.keys(data)) {
    if (HOOK_EVENT_SET.has(key)) {
      checker.add(
        'error',
        'hooks-top-level',
        checker.keyAt(key),
        `\`${key}\` is a hook event written at the top level; Claude Code 2.1.332 skips the agent`,
        `move it under \`hooks:\` (indented: hooks: / ${key}: [...])`,
      );
    } else if (!KNOWN_KEY_SET.has(key)) {
      unknown++;
      if (unknown <= MAX_UNKNOWN_KEY_WARNINGS) checkUnknownKey(checker, key);
    }
  }
  if (unknown > MAX_UNKNOWN_KEY_WARNINGS) {
    const more = unknown - MAX_UNKNOWN_KEY_WARNINGS;
    checker.add(
      'warning',
      'unknown-key',
      { line: 1, column: 1 },
      `${more} more keys Claude Code does not know and ignores (${unknown} in all)`,
      'remove the keys Claude Code does not use',
    );
  }
  checkName(checker);
  checkDescription(checker);
  for (const key of KNOWN_AGENT_KEYS) {
    if (key === 'name' || key === 'description' || !Object.hasOwn(data, key)) continue;
    if (key === 'tools' || key === 'disallowedTools') checkTools(checker, key);
    else if (key === 'hooks') checkHooks(checker);
    else if (key === 'model') checkModel(checker);
    else checkSimpleField(checker, key);
  }
}

function checkUnknownKey(checker: Checker, key: string): void {
  const suggestion = remembered(rememberedKeys, key, suggestKeyFor);
  checker.add(
    'warning',
    'unknown-key',
    checker.keyAt(key),
    `Claude Code does not know the key \`${key}\` and ignores it${suggestion ? ' (keys are case-sensitive)' : ''}`,
    suggestion
      ? `did you mean \`${suggestion}\`? rename \`${key}:\` to \`${suggestion}:\``
      : `remove \`${key}\` (or keep it knowingly: Claude Code ignores it)`,
  );
}

function suggestedName(checker: Checker): string {
  const base = checker.options.fileName ? toKebabCase(fileBase(checker.options.fileName)) : '';
  return base || 'my-agent';
}

function checkName(checker: Checker): void {
  const data = checker.document.data;
  const value = data.name;
  if (value === undefined || value === null || value === '') {
    const present = Object.hasOwn(data, 'name');
    checker.add(
      'error',
      'name-missing',
      present ? checker.keyAt('name') : { line: 1, column: 1 },
      present ? '`name` is empty; Claude Code skips the file without a message' : 'no `name`; Claude Code skips the file without a message',
      `add \`name: ${suggestedName(checker)}\` to the frontmatter`,
    );
    return;
  }
  const at = checker.keyAt('name');
  const code = fieldIssueCode('name', value);
  if (code !== undefined) {
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    const proposal = (scalar ? toKebabCase(String(value)) : '') || suggestedName(checker);
    const messages: Record<string, string> = {
      'name-not-string': `\`name\` must be a string, not ${show(value)} (${Array.isArray(value) ? 'a list' : typeof value})`,
      'name-leading-dash': '`name` starts with `-`',
      'name-colon': '`name` contains `:` (after Unicode normalisation; a full-width colon counts)',
      'name-too-long': `\`name\` is ${String(value).length} characters long, more than ${MAX_NAME_LENGTH}`,
    };
    checker.add(
      'error',
      code,
      at,
      `${messages[code] ?? `invalid \`name\`: ${show(value)}`}; Claude Code skips the file`,
      code === 'name-not-string' && scalar ? `quote it: name: "${String(value)}" (better: name: ${proposal})` : `use a kebab-case name: name: ${proposal}`,
    );
    return;
  }
  const name = value as string;
  if (!KEBAB_NAME.test(name) || name.length > RECOMMENDED_NAME_LENGTH) {
    const proposal = toKebabCase(name).slice(0, RECOMMENDED_NAME_LENGTH).replace(/-+$/, '') || suggestedName(checker);
    checker.add(
      'warning',
      'name-not-kebab',
      at,
      name.length > RECOMMENDED_NAME_LENGTH && KEBAB_NAME.test(name)
        ? `\`name\` is ${name.length} characters long; keep it to ${RECOMMENDED_NAME_LENGTH}`
        : `\`name: ${show(name)}\` is not lower-case kebab-case (letters, digits and \`-\`)`,
      `name: ${proposal}`,
    );
  }
  if (checker.options.fileName !== undefined) {
    const base = fileBase(checker.options.fileName);
    if (base !== name) {
      checker.add(
        'warning',
        'name-file-mismatch',
        at,
        `the file is \`${base}.md\` but the agent is named \`${name}\`; Claude Code knows it only by \`name\``,
        `rename the file to \`${name}.md\` (or set \`name: ${base}\`)`,
      );
    }
  }
}

function checkDescription(checker: Checker): void {
  const data = checker.document.data;
  const value = data.description;
  if (value === undefined || value === null || value === '') {
    const present = Object.hasOwn(data, 'description');
    checker.add(
      'error',
      'description-missing',
      present ? checker.keyAt('description') : { line: 1, column: 1 },
      present ? '`description` is empty; Claude Code skips the file' : 'no `description`; Claude Code skips the file',
      'add `description:` saying when Claude should use this agent',
    );
    return;
  }
  if (typeof value !== 'string') {
    checker.add(
      'error',
      'description-not-string',
      checker.keyAt('description'),
      `\`description\` must be a string, not ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value}; Claude Code skips the file`,
      typeof value === 'object'
        ? 'put the whole description in double quotes on one line (a `key: value` inside it made YAML read a mapping)'
        : `quote it: description: "${String(value)}"`,
    );
  }
}

function checkTools(checker: Checker, key: 'tools' | 'disallowedTools'): void {
  const value = checker.document.data[key];
  const at = checker.keyAt(key);
  const entries = toolEntries(value);
  if (entries === undefined && value !== null) {
    checker.add(
      'warning',
      key === 'tools' ? 'tools-invalid' : 'disallowed-tools-invalid',
      at,
      key === 'tools'
        ? `\`tools\` must be a comma-separated string or a list, not ${show(value)}; Claude Code gives the agent no tools`
        : `\`disallowedTools\` must be a comma-separated string or a list, not ${show(value)}; Claude Code ignores it`,
      `write it as a list of tool names, e.g. ${key}: Read, Grep, Glob`,
    );
    return;
  }
  const list = entries ?? [];
  if (list.length === 0) {
    if (key === 'tools') {
      checker.add(
        'warning',
        'tools-empty',
        at,
        '`tools` is present but empty: the agent gets NO tools',
        'remove the `tools` line to give the agent all tools, or list the ones it needs: tools: Read, Grep, Glob',
      );
    }
    return;
  }
  let cursor = checker.offsetOf(at);
  let known = 0;
  for (const entry of list) {
    if (typeof entry !== 'string') {
      checker.add('warning', 'tool-unknown', at, `\`${show(entry)}\` in \`${key}\` is not a tool name; Claude Code drops it`, 'remove it');
      continue;
    }
    const found = checker.find(entry, cursor, at);
    cursor = found.next;
    if (isKnownTool(entry)) {
      known++;
      continue;
    }
    const suggestion = remembered(rememberedTools, entry, suggestToolFor);
    const caseOnly = suggestion !== undefined && suggestion.toLowerCase() === entry.toLowerCase();
    checker.add(
      'warning',
      'tool-unknown',
      found.at,
      `Claude Code has no tool \`${show(entry)}\`${caseOnly ? ' (tool names are case-sensitive)' : ''} and drops it from \`${key}\``,
      suggestion ? `did you mean \`${suggestion}\`?` : `remove it, or use a Claude Code tool (${COMMON_TOOLS}, …) or an MCP tool \`mcp__server__tool\``,
    );
  }
  if (key === 'tools' && known === 0) {
    checker.add(
      'warning',
      'tools-empty',
      at,
      'none of the tools listed in `tools` exists in Claude Code: the agent gets no tools and refuses to launch',
      'list Claude Code tools (e.g. tools: Read, Grep, Glob), or remove the `tools` line to give the agent all tools',
    );
  }
}

function checkHooks(checker: Checker): void {
  const value = checker.document.data.hooks;
  const at = checker.keyAt('hooks');
  if (value === null || value === '') {
    checker.add('warning', 'hooks-empty', at, '`hooks:` has no value; Claude Code ignores it', 'remove the empty `hooks:` line');
    return;
  }
  const result = agentFieldSchemas.hooks.safeParse(value);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `hooks.${issue.path.map(String).join('.')}` : 'hooks';
  let detail = issue.message;
  const firstKey = issue.path[0];
  if (issue.path.length === 1 && typeof firstKey === 'string' && !HOOK_EVENT_SET.has(firstKey)) {
    const suggestion = didYouMean(firstKey, HOOK_EVENTS);
    detail = `\`${firstKey}\` is not a hook event${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}`;
  }
  checker.add(
    'error',
    'hooks-invalid',
    at,
    `\`hooks\` is not a valid hooks map (${where}: ${detail}); Claude Code 2.1.332 skips the agent`,
    'use the settings.json shape: hooks: / <Event>: / - matcher: "Tool" / hooks: / - type: command / command: "…"',
  );
}

function checkModel(checker: Checker): void {
  const value = checker.document.data.model;
  if (fieldIssueCode('model', value) === undefined) return;
  const at = checker.keyAt('model');
  const lower = typeof value === 'string' ? value.toLowerCase() : '';
  const family = ['sonnet', 'opus', 'haiku'].find((alias) => lower.includes(alias));
  const fix = family ? `use the alias: model: ${family}` : 'use an alias (sonnet, opus, haiku, inherit) or a full model id such as claude-sonnet-4-5';
  let message: string;
  if (typeof value !== 'string') message = `\`model\` must be a string, not ${show(value)}; Claude Code ignores it`;
  else if (value === '') message = '`model` is empty; Claude Code ignores it';
  else message = `\`model: ${show(value)}\` is neither a model alias nor a model id; the agent fails when it runs`;
  checker.add('warning', 'model-unknown', at, message, fix);
}

function checkSimpleField(checker: Checker, key: AgentFieldName): void {
  const value = checker.document.data[key];
  const code = fieldIssueCode(key, value);
  if (code === undefined) return;
  const expected = EXPECTED[key] ?? 'a valid value';
  const values = ENUM_VALUES[key];
  const suggestion = values && typeof value === 'string' ? didYouMean(value, values) : undefined;
  let fix = suggestion ? `did you mean \`${key}: ${suggestion}\`? (${expected})` : `use ${expected}`;
  if (typeof value === 'string' && (key === 'background' || key === 'omitClaudeMd') && /^(true|false)$/i.test(value)) {
    fix = `write \`${key}: ${value.toLowerCase()}\` without quotes`;
  }
  if (typeof value === 'string' && (key === 'maxTurns' || key === 'autoCompactWindow') && /^\d+$/.test(value) && Number(value) > 0) {
    fix = `write \`${key}: ${Number(value)}\` without quotes`;
  }
  checker.add('warning', code, checker.keyAt(key), `\`${key}: ${show(value)}\` is not valid (expected ${expected}); Claude Code ignores it`, fix);
}
