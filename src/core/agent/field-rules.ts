/**
 * The field rules: what Claude Code's loader (effective.ts) skips or drops, turned into issues with
 * positions, messages and fixes; plus style advice that is not about Claude Code (kebab-case names,
 * file name ≠ `name`, model ids it will not recognise, tool names it does not have).
 */
import { didYouMean } from '../did-you-mean.js';
import { type Checker, fileBase, remembered, show } from './checker.js';
import {
  COLORS,
  describe,
  EFFORT_LEVELS,
  type EffectiveAgent,
  type Finding,
  ISOLATION_MODES,
  MAX_UNKNOWN_KEYS,
  MEMORY_SCOPES,
  PERMISSION_MODES,
  resolveAgent,
  resolveToolGrant,
  splitTools as splitNames,
} from './effective.js';
import type { IssueCode } from './issues.js';
import { HOOK_EVENTS, isRecognizedModel, KNOWN_AGENT_KEYS } from './schema.js';
import { isKnownTool, suggestTool } from './tools.js';

const rememberedTools = new Map<string, string | undefined>();
const rememberedKeys = new Map<string, string | undefined>();

/** Keys other tools (skills, slash commands, Copilot) use for what agents call something else. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
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
  whenToUse: 'description',
  when_to_use: 'description',
};

const suggestToolFor = (entry: string) => suggestTool(entry, (input, candidates) => didYouMean(input, candidates));
const suggestKeyFor = (key: string) =>
  Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key] : (didYouMean(key, KNOWN_AGENT_KEYS) ?? didYouMean(key, HOOK_EVENTS));

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
  return description.replaceAll('\\n', '\n');
}

function suggestedName(checker: Checker): string {
  const base = checker.options.fileName ? toKebabCase(fileBase(checker.options.fileName)) : '';
  return base || 'my-agent';
}

const ENUMS: Record<string, readonly string[]> = {
  color: COLORS,
  permissionMode: [...PERMISSION_MODES, 'manual'],
  effort: EFFORT_LEVELS,
  memory: MEMORY_SCOPES,
  isolation: ISOLATION_MODES,
};

/** Where a hooks path (`Stop.0.hooks.1`) is written: the event key after `hooks:`, else `hooks:` itself. */
function hooksPosition(checker: Checker, path: string | undefined) {
  const at = checker.keyAt('hooks');
  if (!path) return at;
  const event = path.split('.')[0]!;
  return checker.find(event, checker.offsetOf(at), at).at;
}

/** Runs Claude Code's loader over the frontmatter and reports what it skips, drops or ignores. */
export function checkFields(checker: Checker): EffectiveAgent {
  const data = checker.document.data;
  const { agent, findings } = resolveAgent(data);
  for (const finding of findings) {
    if (finding.code === 'unknown-key' && finding.total !== undefined) {
      checker.add(
        'warning',
        'unknown-key',
        { line: 1, column: 1 },
        `${finding.total - MAX_UNKNOWN_KEYS} more keys Claude Code does not know and ignores (${finding.total} in all)`,
        'remove the keys Claude Code does not use',
      );
    } else if (finding.code === 'unknown-key') reportUnknownKey(checker, finding.key!);
    else report(checker, finding);
  }
  if (agent.loaded) {
    checkStyle(checker, agent);
    checkToolNames(checker, 'tools');
    checkToolNames(checker, 'disallowedTools');
  }
  return agent;
}

function reportUnknownKey(checker: Checker, key: string): void {
  const suggestion = remembered(rememberedKeys, key, suggestKeyFor);
  const event = (HOOK_EVENTS as readonly string[]).includes(key);
  checker.add(
    'warning',
    'unknown-key',
    checker.keyAt(key),
    event
      ? `\`${key}\` is a hook event written at the top level; Claude Code ignores it there (a key it does not recognise)`
      : `Claude Code does not know the key \`${key}\` and ignores it${suggestion ? ' (keys are case-sensitive)' : ''}`,
    event
      ? `move it under \`hooks:\` (hooks: / ${key}: [...])`
      : suggestion
        ? `did you mean \`${suggestion}\`? rename \`${key}:\` to \`${suggestion}:\``
        : `remove \`${key}\` (or keep it knowingly: Claude Code ignores it)`,
  );
}

function report(checker: Checker, finding: Finding): void {
  const data = checker.document.data;
  const key = finding.key;
  const at = key === undefined ? { line: 1, column: 1 } : key === 'hooks' ? hooksPosition(checker, finding.path) : checker.keyAt(key);
  const code = finding.code as IssueCode;
  const value = key !== undefined ? data[key] : undefined;
  if (finding.severity === 'error') {
    const fixes: Record<string, string> = {
      'name-missing': `add \`name: ${suggestedName(checker)}\` to the frontmatter`,
      'name-not-string': `quote it: name: "${String(value)}"`,
      'name-leading-dash': `use a name that starts with a letter or digit: name: ${toKebabCase(String(value)) || suggestedName(checker)}`,
      'name-colon': `remove the colon: name: ${toKebabCase(String(value)) || suggestedName(checker)}`,
      'name-too-long': `shorten it: name: ${toKebabCase(String(value)).slice(0, RECOMMENDED_NAME_LENGTH).replace(/-+$/, '') || suggestedName(checker)}`,
      'description-missing': 'add `description:` saying when Claude should use this agent',
      'description-not-string':
        typeof value === 'object' && value !== null
          ? 'put the whole description in double quotes on one line (a `key: value` inside it made YAML read a mapping)'
          : `quote it: description: "${String(value)}"`,
      'hooks-invalid': 'use the settings.json shape: hooks: / <Event>: / - matcher: "Tool" / hooks: / - type: command / command: "…"',
      'hooks-guard-outside': `move it under \`hooks:\` (hooks: / PreToolUse: [...]), or remove it`,
      'hooks-guard-invalid':
        'fix or remove the broken PreToolUse / PermissionRequest / PreSkillShellCommand hook: Claude Code refuses the whole agent while it cannot load it',
    };
    const silent = finding.logged ? '' : ' without a message';
    checker.add('error', code, at, `${finding.message}; Claude Code skips the file${silent}`, fixes[code] ?? 'fix the frontmatter');
    return;
  }
  const expected = key !== undefined ? ENUMS[key] : undefined;
  const suggestion = expected && typeof value === 'string' ? didYouMean(value, expected) : undefined;
  let fix: string;
  switch (code) {
    case 'hook-event-dropped':
      fix = `use one of the hook events (e.g. ${didYouMean(finding.path ?? '', HOOK_EVENTS) ?? 'PostToolUse'}), or remove \`${finding.path}\``;
      break;
    case 'hook-dropped':
      fix = `fix or remove the entry hooks.${finding.path}`;
      break;
    case 'hooks-empty':
      fix = 'remove the empty `hooks:` line';
      break;
    case 'mcp-servers-invalid':
      fix = 'list server names, or `- name: {command: …}` / `- name: {type: http, url: …}` entries';
      break;
    case 'background-invalid':
    case 'omit-claude-md-invalid':
      fix = `write \`${key}: true\` or \`${key}: false\``;
      break;
    case 'max-turns-invalid':
      fix = 'use a positive integer, e.g. `maxTurns: 20`';
      break;
    case 'auto-compact-window-invalid':
      fix = 'use an integer of at least 100000, or remove it';
      break;
    case 'model-invalid':
      fix = 'use an alias (sonnet, opus, haiku, inherit) or a full model id, or remove `model`';
      break;
    case 'initial-prompt-invalid':
      fix = 'write the first message as a string, or remove `initialPrompt`';
      break;
    case 'experimental-invalid':
      fix = 'use `experimental: {cacheTtl: "5m"}` or `"1h"`, or remove it';
      break;
    default:
      fix = suggestion
        ? `did you mean \`${key}: ${suggestion}\`? (one of: ${expected!.join(', ')})`
        : expected
          ? `use one of: ${expected.join(', ')}`
          : `remove \`${key}\``;
  }
  const where = finding.path ? `hooks.${finding.path}: ` : '';
  const what =
    key === 'hooks' && finding.path
      ? `${where}${finding.message}; Claude Code drops this ${finding.path.includes('.') ? 'entry' : 'event'} and loads the agent without it`
      : expected && value !== undefined
        ? `\`${key}: ${show(value)}\` is not one of ${expected.join(', ')}; Claude Code ignores it`
        : `${finding.message}${value !== undefined && key !== 'mcpServers' ? `, not ${show(value)}` : ''}; Claude Code ignores it`;
  checker.add('warning', code, at, what, fix);
}

function checkStyle(checker: Checker, agent: EffectiveAgent): void {
  const name = agent.name!;
  const at = checker.keyAt('name');
  if (!KEBAB_NAME.test(name) || name.length > RECOMMENDED_NAME_LENGTH) {
    const proposal = toKebabCase(name).slice(0, RECOMMENDED_NAME_LENGTH).replace(/-+$/, '') || suggestedName(checker);
    checker.add(
      'style',
      'name-not-kebab',
      at,
      name.length > RECOMMENDED_NAME_LENGTH && KEBAB_NAME.test(name)
        ? `\`name\` is ${name.length} characters long; keep it to ${RECOMMENDED_NAME_LENGTH} (Claude Code accepts it)`
        : `\`name: ${show(name)}\` is not lower-case kebab-case (Claude Code accepts it)`,
      `name: ${proposal}`,
    );
  }
  if (checker.options.fileName !== undefined && !checker.options.registryLayout) {
    const base = fileBase(checker.options.fileName);
    if (base !== name) {
      checker.add(
        'style',
        'name-file-mismatch',
        at,
        `the file is \`${base}.md\` but the agent is named \`${name}\`; Claude Code knows it only by \`name\``,
        `rename the file to \`${name}.md\` (or set \`name: ${base}\`)`,
      );
    }
  }
  const model = checker.document.data.model;
  if (agent.model !== undefined && !isRecognizedModel(agent.model)) {
    const lower = String(model).toLowerCase();
    const family = ['sonnet', 'opus', 'haiku'].find((alias) => lower.includes(alias));
    checker.add(
      'style',
      'model-unknown',
      checker.keyAt('model'),
      `\`model: ${show(agent.model)}\` is neither a model alias nor a model id Claude Code knows; it keeps it, and the agent fails when it runs`,
      family ? `use the alias: model: ${family}` : 'use an alias (sonnet, opus, haiku, inherit) or a full model id such as claude-sonnet-4-5',
    );
  }
}

/** Tool names Claude Code does not have: it drops them when it launches the agent. */
function checkToolNames(checker: Checker, key: 'tools' | 'disallowedTools'): void {
  const data = checker.document.data;
  if (!Object.hasOwn(data, key)) return;
  const value = data[key];
  const at = checker.keyAt(key);
  const strings = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  if (Array.isArray(value) && value.some((v) => typeof v !== 'string')) {
    checker.add('warning', 'tool-unknown', at, `\`${key}\` holds items that are not strings; Claude Code drops them`, 'write every tool name as a string');
  }
  if (key === 'tools' && resolveToolGrant(value).kind === 'none') {
    const other = value !== null && typeof value !== 'string' && !Array.isArray(value) && value !== false && value !== 0;
    checker.add(
      'warning',
      'tools-empty',
      at,
      other ? `\`tools\` is ${describe(value)} (${show(value)}), not tool names: the agent gets NO tools` : '`tools` is present but gives the agent NO tools',
      'remove the `tools` line to give the agent all tools, or list the ones it needs: tools: Read, Grep, Glob',
    );
    return;
  }
  if (key === 'disallowedTools' && value !== null && value !== undefined && typeof value !== 'string' && !Array.isArray(value)) {
    checker.add(
      'warning',
      'disallowed-tools-invalid',
      at,
      `\`disallowedTools\` is ${describe(value)} (${show(value)}), not tool names: Claude Code disallows nothing`,
      'list the tools to deny: disallowedTools: Write, Edit',
    );
    return;
  }
  let cursor = checker.offsetOf(at);
  let known = 0;
  const names = splitNames(strings);
  if (names.includes('*')) return;
  for (const entry of names) {
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
  if (key === 'tools' && known === 0 && names.length > 0) {
    checker.add(
      'warning',
      'tools-empty',
      at,
      'none of the tools listed in `tools` exists in Claude Code: the agent gets no tools and refuses to launch',
      'list Claude Code tools (e.g. tools: Read, Grep, Glob), or remove the `tools` line to give the agent all tools',
    );
  }
}
