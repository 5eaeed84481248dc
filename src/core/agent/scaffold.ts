/**
 * `new`: a fresh agent file from a template in `templates/`, written the way Claude Code's own
 * `/agents` wizard (2.1.197) wrote it (docs/claude-code.md, "the /agents wizard"):
 * double-quoted `name` and `description`, `tools` as a comma list (omitted for all tools), then
 * the optional `model`, `effort`, `color`, `memory`, a blank line and the prompt.
 *
 * `renderAgent` and the option checks are pure; `loadTemplate` reads one file. The `new` command
 * writes the result through the scope's guarded agents folder, never replacing an existing file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../did-you-mean.js';
import { AgentInstallError, type ErrorCode, ExitCode } from '../errors.js';
import { readFileBounded } from '../io/bounded-read.js';
import { nameProblem } from './names.js';
import { parseAgentFile } from './parse.js';
import { AGENT_COLORS, EFFORT_LEVELS, isRecognizedModel, MEMORY_SCOPES, MODEL_ALIASES } from './schema.js';
import { CLAUDE_TOOLS, isKnownTool, splitToolsString, suggestTool } from './tools.js';
import { toKebabCase } from './validate.js';

/** Everything that goes into a new agent file. */
export interface AgentSpec {
  name: string;
  /** The text Claude Code shows and matches on; may hold newlines. */
  description: string;
  /** Tool names in order; undefined = all tools (the `tools` line is omitted). */
  tools?: string[];
  model?: string;
  effort?: string | number;
  color?: string;
  memory?: string;
  /** The prompt (Markdown), placeholders already substituted. */
  body: string;
}

/** A template from `templates/<name>.md`: frontmatter defaults, and a description and body that may hold `{{name}}` / `{{description}}`. */
export type AgentTemplate = AgentSpec;

/** The wizard's rule, narrowed to lower case so that `validate` has nothing to warn about. */
const NEW_AGENT_NAME = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
export const NEW_AGENT_NAME_MIN = 3;
export const NEW_AGENT_NAME_MAX = 50;

function invalidOption(message: string, hint: string, code: ErrorCode = 'INVALID_OPTION'): AgentInstallError {
  return new AgentInstallError(message, { code, exitCode: ExitCode.usage, hint });
}

/**
 * Refuses what cannot be a file name (names.ts) and anything outside Claude Code's wizard rule
 * `^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$`, 3–50 characters, in lower case.
 */
export function assertNewAgentName(name: string): void {
  const unsafe = nameProblem(name);
  const suggestion = toKebabCase(name).slice(0, NEW_AGENT_NAME_MAX).replace(/-+$/, '');
  const hint =
    suggestion.length >= NEW_AGENT_NAME_MIN && suggestion !== name
      ? `Try \`agent-install new ${suggestion}\`. Names are lower-case letters, digits and \`-\`, ${NEW_AGENT_NAME_MIN}–${NEW_AGENT_NAME_MAX} characters, starting and ending with a letter or digit.`
      : `Use lower-case letters, digits and \`-\`, ${NEW_AGENT_NAME_MIN}–${NEW_AGENT_NAME_MAX} characters, starting and ending with a letter or digit (e.g. \`code-reviewer\`).`;
  let problem: string | null = unsafe;
  if (problem === null) {
    if (name.length < NEW_AGENT_NAME_MIN) problem = `it is shorter than ${NEW_AGENT_NAME_MIN} characters`;
    else if (name.length > NEW_AGENT_NAME_MAX) problem = `it is longer than ${NEW_AGENT_NAME_MAX} characters`;
    else if (/[A-Z]/.test(name) && NEW_AGENT_NAME.test(name.toLowerCase())) problem = 'it has upper-case letters';
    else if (!NEW_AGENT_NAME.test(name)) problem = 'only letters, digits and `-` are allowed, and it must start and end with a letter or digit';
  }
  if (problem !== null) throw invalidOption(`Invalid agent name ${JSON.stringify(name)}: ${problem}.`, hint, 'INVALID_NAME');
}

/** `--tools`: `all` or `*` = every tool (undefined); otherwise known tool names, de-duplicated. */
export function parseToolsOption(value: string): string[] | undefined {
  const entries = splitToolsString(value);
  if (entries.length === 1 && (entries[0] === '*' || entries[0]!.toLowerCase() === 'all')) return undefined;
  if (entries.length === 0) {
    throw invalidOption(
      '--tools is empty: Claude Code would give the agent no tools at all.',
      'List the tools it needs (--tools "Read, Grep, Glob"), or leave out --tools (or pass --tools all) for every tool.',
    );
  }
  const unknown: string[] = [];
  const out: string[] = [];
  for (const entry of entries) {
    if (entry === '*' || entry.toLowerCase() === 'all') {
      throw invalidOption(`--tools: \`${entry}\` means every tool and cannot be combined with other names.`, 'Pass --tools all on its own, or list the tools.');
    }
    if (!isKnownTool(entry)) unknown.push(entry);
    else if (!out.includes(entry)) out.push(entry);
  }
  if (unknown.length > 0) {
    const described = unknown.map((entry) => {
      const suggestion = suggestTool(entry, (input, candidates) => didYouMean(input, candidates));
      return suggestion ? `\`${entry}\` (did you mean \`${suggestion}\`?)` : `\`${entry}\``;
    });
    throw invalidOption(
      `--tools: Claude Code has no tool ${described.join(', ')}. Tool names are case-sensitive.`,
      `Claude Code tools: ${CLAUDE_TOOLS.join(', ')}; MCP tools are written mcp__<server>__<tool>.`,
    );
  }
  return out;
}

export function checkModelOption(value: string): string {
  if (isRecognizedModel(value)) return value;
  const suggestion = didYouMean(value, MODEL_ALIASES);
  throw invalidOption(
    `--model ${JSON.stringify(value)} is neither a model alias nor a model id${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}.`,
    `Use one of ${MODEL_ALIASES.join(', ')}, or a full model id such as claude-sonnet-4-5; --model none leaves the line out.`,
  );
}

export function checkColorOption(value: string): string {
  if ((AGENT_COLORS as readonly string[]).includes(value)) return value;
  const suggestion = didYouMean(value, AGENT_COLORS);
  throw invalidOption(
    `--color ${JSON.stringify(value)} is not a colour Claude Code keeps${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}.`,
    `Use one of ${AGENT_COLORS.join(', ')}; --color none leaves the line out.`,
  );
}

export function checkEffortOption(value: string): string | number {
  if ((EFFORT_LEVELS as readonly string[]).includes(value)) return value;
  if (/^[1-9]\d{0,8}$/.test(value)) return Number(value);
  const suggestion = didYouMean(value, EFFORT_LEVELS);
  throw invalidOption(
    `--effort ${JSON.stringify(value)} is not an effort level${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}.`,
    `Use one of ${EFFORT_LEVELS.join(', ')}, or a positive integer.`,
  );
}

export function checkMemoryOption(value: string): string {
  if ((MEMORY_SCOPES as readonly string[]).includes(value)) return value;
  const suggestion = didYouMean(value, MEMORY_SCOPES);
  throw invalidOption(
    `--memory ${JSON.stringify(value)} is not a memory scope${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}.`,
    `Use one of ${MEMORY_SCOPES.join(', ')}.`,
  );
}

export function checkDescriptionOption(value: string): string {
  if (value.trim() === '') {
    throw invalidOption(
      '--description is empty; Claude Code skips an agent without a description.',
      'Say when Claude should use the agent, e.g. --description "Reviews diffs for bugs. Use after every change."',
    );
  }
  return value;
}

/**
 * A YAML double-quoted scalar on one line: `\` and `"` escaped, newlines as `\n`, other control
 * characters as escapes. A run of `---` is written with `\x2d` because Claude Code ends the
 * frontmatter at the first `---` anywhere, even inside a quoted value.
 */
export function quoteYamlString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '-' && value.startsWith('---', i)) out += '\\x2d';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x85 || code === 0x2028 || code === 0x2029 || code === 0xfeff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A tools entry can stay a plain scalar unless it holds something YAML would read differently. */
function toolsLine(tools: string[]): string {
  const joined = tools.join(', ');
  const plainSafe = !/: |:$| #|^[-?:,[\]{}#&*!|>'"%@`]|---/.test(joined);
  return `tools: ${plainSafe ? joined : quoteYamlString(joined)}`;
}

/** The file text, in the wizard's layout. Pure. */
export function renderAgent(spec: AgentSpec): string {
  const lines = ['---', `name: ${quoteYamlString(spec.name)}`, `description: ${quoteYamlString(spec.description)}`];
  if (spec.tools !== undefined) lines.push(toolsLine(spec.tools));
  if (spec.model !== undefined) lines.push(`model: ${spec.model}`);
  if (spec.effort !== undefined) lines.push(`effort: ${spec.effort}`);
  if (spec.color !== undefined) lines.push(`color: ${spec.color}`);
  if (spec.memory !== undefined) lines.push(`memory: ${spec.memory}`);
  lines.push('---', '');
  const body = spec.body.replace(/\r\n/g, '\n').replace(/^\n+/, '').replace(/\s+$/, '');
  return `${lines.join('\n')}\n${body}\n`;
}

/**
 * A template's tool-dependent text: `{{#tool Bash}}…{{/tool}}` is kept only when the agent gets
 * that tool (all tools included), `{{^tool Bash}}…{{/tool}}` only when it does not, so that a
 * prompt never tells an agent to run commands it cannot run. Sections do not nest.
 */
export function applyToolSections(text: string, tools: string[] | undefined): string {
  return text.replace(/\{\{([#^])tool ([\w*]+)\}\}([\s\S]*?)\{\{\/tool\}\}/g, (_, mode: string, tool: string, inner: string) =>
    (tools === undefined || tools.includes(tool)) === (mode === '#') ? inner : '',
  );
}

/** Replaces `{{name}}` and `{{description}}` in one pass (a description holding `{{name}}` stays as written). */
export function substitutePlaceholders(text: string, values: { name: string; description: string }): string {
  return text.replace(/\{\{\s*(name|description)\s*\}\}/g, (_, key: 'name' | 'description') => values[key]);
}

/** Template names available in `<packageRoot>/templates`, sorted. */
export function listTemplates(packageRoot: string): string[] {
  try {
    return readdirSync(path.join(packageRoot, 'templates'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => file.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Parses a template's text (never executes anything: the same parser as every agent file). */
export function parseTemplate(name: string, text: string): AgentTemplate {
  const document = parseAgentFile(text);
  if (!document.hasFrontmatter || document.parse === 'failed') {
    throw new AgentInstallError(`The template ${name} has no valid frontmatter.`, {
      code: 'TEMPLATE_INVALID',
      hint: 'This is a bug in agent-install; please report it.',
    });
  }
  const data = document.data;
  const template: AgentTemplate = { name, description: stringField(data, 'description') ?? 'Use the {{name}} agent when TODO.', body: document.body };
  const tools = data.tools;
  if (typeof tools === 'string' || Array.isArray(tools)) {
    const list = (typeof tools === 'string' ? splitToolsString(tools) : tools).filter((t): t is string => typeof t === 'string');
    if (!list.includes('*')) template.tools = list;
  }
  const model = stringField(data, 'model');
  if (model !== undefined) template.model = model;
  const color = stringField(data, 'color');
  if (color !== undefined) template.color = color;
  const memory = stringField(data, 'memory');
  if (memory !== undefined) template.memory = memory;
  if (typeof data.effort === 'string' || typeof data.effort === 'number') template.effort = data.effort;
  return template;
}

/** Reads `templates/<name>.md`; an unknown name is an error listing the templates there are. */
export function loadTemplate(packageRoot: string, name: string): AgentTemplate {
  const available = listTemplates(packageRoot);
  if (!available.includes(name)) {
    const suggestion = didYouMean(name, available);
    throw invalidOption(
      `Unknown template ${JSON.stringify(name)}${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}.`,
      `Templates: ${available.join(', ') || '(none found)'}.`,
      'UNKNOWN_TEMPLATE',
    );
  }
  const read = readFileBounded(path.join(packageRoot, 'templates', `${name}.md`));
  if (read.bytes === null) throw new AgentInstallError(`The template ${name} is too large.`, { code: 'TEMPLATE_INVALID' });
  return parseTemplate(name, new TextDecoder().decode(read.bytes));
}

export interface NewAgentOptions {
  description?: string;
  tools?: string[] | undefined | 'template';
  model?: string | null;
  effort?: string | number | null;
  color?: string | null;
  memory?: string | null;
}

/**
 * The agent a template plus the user's choices make. For `model`, `effort`, `color`, `memory`:
 * undefined keeps the template's value, null leaves the line out. For `tools`: 'template' keeps
 * the template's list, undefined means all tools.
 */
export function buildAgentSpec(name: string, template: AgentTemplate, options: NewAgentOptions): AgentSpec {
  const description = options.description ?? substitutePlaceholders(template.description, { name, description: '' });
  const tools = options.tools === 'template' ? template.tools : options.tools;
  const spec: AgentSpec = { name, description, body: substitutePlaceholders(applyToolSections(template.body, tools), { name, description }) };
  if (tools !== undefined) spec.tools = tools;
  const pick = <T>(chosen: T | null | undefined, fallback: T | undefined): T | undefined => (chosen === null ? undefined : (chosen ?? fallback));
  const model = pick(options.model, template.model);
  if (model !== undefined) spec.model = model;
  const effort = pick(options.effort, template.effort);
  if (effort !== undefined) spec.effort = effort;
  const color = pick(options.color, template.color);
  if (color !== undefined) spec.color = color;
  const memory = pick(options.memory, template.memory);
  if (memory !== undefined) spec.memory = memory;
  return spec;
}
