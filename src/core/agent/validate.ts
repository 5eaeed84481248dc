/**
 * The rules: what Claude Code 2.1.332 does with an agent file (error = it skips the file) and what
 * it silently ignores (warning, always with a fix). See docs/claude-code.md and docs/design.md ("Validation").
 * Pure: text or bytes in, issues out; the file is parsed once.
 */

import path from 'node:path';
import { didYouMean } from '../did-you-mean.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../io/bounded-read.js';
import { type AgentDocument, LineIndex, type Position, parseAgentFile } from './parse.js';
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

export { type FixResult, fixAgentText } from './fix.js';

export type Severity = 'error' | 'warning';

export interface Issue {
  line: number;
  column: number;
  severity: Severity;
  /** Stable kebab-case code, see {@link ISSUE_CODES}. */
  code: IssueCode;
  message: string;
  /** What exactly to change; present on every warning. */
  fix?: string;
}

/** What Claude Code would load; null when it would skip the file. */
export interface LoadedAgent {
  name: string;
  /** With each literal backslash-n turned into a newline, as Claude Code reports it. */
  description: string;
  model?: string;
  /** undefined = all tools; [] = none. Entries as written (Claude Code drops unknown ones when it launches the agent). */
  tools?: string[];
  /** Only a colour Claude Code keeps. */
  color?: string;
  data: Record<string, unknown>;
}

export interface AgentCheck {
  agent: LoadedAgent | null;
  /** best-effort name even when skipped */
  name?: string;
  document: AgentDocument;
  issues: Issue[];
}

export interface CheckOptions {
  /** file name (base name without .md is compared with `name`) */
  fileName?: string;
  /** byte size if known; > 1 MiB is an error */
  size?: number;
}

/** Claude Code skips agent files larger than this (the readers' limit, one constant). */
export { MAX_AGENT_BYTES };

/** Every issue code this module emits, with its severity. */
export const ISSUE_CODES = {
  'file-too-large': { severity: 'error', summary: 'the file is over 1 MiB; Claude Code skips it' },
  unreadable: { severity: 'error', summary: 'the file cannot be read' },
  'not-markdown-file': { severity: 'error', summary: 'a named file whose name does not end in `.md` (Claude Code never reads it)' },
  binary: { severity: 'error', summary: 'not UTF-8 text (NUL bytes or invalid UTF-8)' },
  'no-frontmatter': { severity: 'error', summary: 'the file does not start with a `---` line' },
  'js-frontmatter': { severity: 'error', summary: '`---js` / `---javascript` front matter (never executed)' },
  'frontmatter-unclosed': { severity: 'error', summary: 'no `---` ends the frontmatter' },
  'yaml-invalid': { severity: 'error', summary: 'the YAML fails even after the lenient retry' },
  'delimiter-in-value': { severity: 'error or warning', summary: 'a `---` inside a line ends the frontmatter early' },
  'closing-delimiter-text': { severity: 'warning', summary: 'text after the closing `---`' },
  'name-missing': { severity: 'error', summary: '`name` missing or empty' },
  'name-not-string': { severity: 'error', summary: '`name` is not a string' },
  'name-leading-dash': { severity: 'error', summary: '`name` starts with `-`' },
  'name-colon': { severity: 'error', summary: '`name` contains `:` (after NFKC)' },
  'name-too-long': { severity: 'error', summary: '`name` longer than 256 characters' },
  'description-missing': { severity: 'error', summary: '`description` missing or empty' },
  'description-not-string': { severity: 'error', summary: '`description` is not a string' },
  'hooks-invalid': { severity: 'error', summary: '`hooks` is not a valid hooks map' },
  'hooks-top-level': { severity: 'error', summary: 'a hook event written as a top-level key' },
  'hooks-empty': { severity: 'warning', summary: '`hooks:` without a value' },
  'unknown-key': { severity: 'warning', summary: 'a key Claude Code ignores' },
  'tools-empty': { severity: 'warning', summary: '`tools` present but gives the agent no tools' },
  'tools-invalid': { severity: 'warning', summary: '`tools` is neither a string nor a list (no tools)' },
  'disallowed-tools-invalid': { severity: 'warning', summary: '`disallowedTools` is neither a string nor a list' },
  'tool-unknown': { severity: 'warning', summary: 'a tool name Claude Code does not know (dropped)' },
  'model-unknown': { severity: 'warning', summary: 'a model value Claude Code will not recognise' },
  'color-invalid': { severity: 'warning', summary: 'a colour Claude Code drops' },
  'permission-mode-invalid': { severity: 'warning', summary: 'invalid `permissionMode` (ignored)' },
  'effort-invalid': { severity: 'warning', summary: 'invalid `effort` (ignored)' },
  'max-turns-invalid': { severity: 'warning', summary: 'invalid `maxTurns` (ignored)' },
  'auto-compact-window-invalid': { severity: 'warning', summary: 'invalid `autoCompactWindow` (ignored)' },
  'memory-invalid': { severity: 'warning', summary: 'invalid `memory` (ignored)' },
  'background-invalid': { severity: 'warning', summary: 'invalid `background` (ignored)' },
  'isolation-invalid': { severity: 'warning', summary: 'invalid `isolation` (ignored)' },
  'mcp-servers-invalid': { severity: 'warning', summary: 'invalid `mcpServers` (ignored)' },
  'skills-invalid': { severity: 'warning', summary: 'invalid `skills` (ignored)' },
  'initial-prompt-invalid': { severity: 'warning', summary: 'invalid `initialPrompt` (ignored)' },
  'omit-claude-md-invalid': { severity: 'warning', summary: 'invalid `omitClaudeMd` (ignored)' },
  'experimental-invalid': { severity: 'warning', summary: 'invalid `experimental` (ignored)' },
  'name-not-kebab': { severity: 'warning', summary: '`name` is not lower-case kebab-case of 1–50 characters' },
  'name-file-mismatch': { severity: 'warning', summary: 'the file name differs from `name`' },
  'duplicate-name': { severity: 'warning', summary: 'another file in the tree has the same `name`' },
  'yaml-lenient': { severity: 'warning', summary: 'the YAML loads only through the lenient retry' },
  bom: { severity: 'warning', summary: 'byte-order mark' },
  crlf: { severity: 'warning', summary: 'CRLF line endings' },
  'merge-conflict-markers': { severity: 'warning', summary: 'git conflict markers left in the file' },
} as const satisfies Readonly<Record<string, { severity: Severity | 'error or warning'; summary: string }>>;
export type IssueCode = keyof typeof ISSUE_CODES;

const HOOK_EVENT_SET = new Set<string>(HOOK_EVENTS);
const KNOWN_KEY_SET = new Set<string>(KNOWN_AGENT_KEYS);

/** Keys other tools (skills, slash commands, Copilot) use for what agents call something else. */
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
const EXECUTABLE_FRONTMATTER = /^(?:js|javascript|coffee|coffeescript|cson)$/i;

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

/**
 * Suggestions and field verdicts are pure functions of their input, and the same few values come
 * back file after file (Copilot tool names, misspelt keys, `model: sonnet`): remember them, in
 * bounded caches emptied when full.
 */
const MAX_REMEMBERED = 1024;
const MAX_REMEMBERED_LENGTH = 160;
const rememberedTools = new Map<string, string | undefined>();
const rememberedKeys = new Map<string, string | undefined>();

function remembered<T extends string>(cache: Map<string, T | undefined>, input: string, compute: (input: string) => T | undefined): T | undefined {
  if (cache.has(input)) return cache.get(input);
  const result = compute(input);
  if (input.length > MAX_REMEMBERED_LENGTH) return result;
  if (cache.size >= MAX_REMEMBERED) cache.clear();
  // A copy: the input is often a slice of a file's text, which it would keep alive.
  cache.set(JSON.parse(JSON.stringify(input)) as string, result);
  return result;
}

const suggestToolFor = (entry: string) => suggestTool(entry, (input, candidates) => didYouMean(input, candidates));
const suggestKeyFor = (key: string) => (Object.hasOwn(KEY_ALIASES, key) ? KEY_ALIASES[key] : didYouMean(key, KNOWN_AGENT_KEYS));

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function fileBase(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/'));
  return base.endsWith('.md') ? base.slice(0, -3) : base;
}

/** One check run: the parsed document plus lazily built helpers. */
class Checker {
  readonly issues: Issue[] = [];
  private index: LineIndex | undefined;

  constructor(
    readonly text: string,
    readonly document: AgentDocument,
    readonly options: CheckOptions,
  ) {}

  get lines(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }

  add(severity: Severity, code: IssueCode, at: Position, message: string, fix?: string): void {
    const issue: Issue = { line: at.line, column: at.column, severity, code, message };
    if (fix !== undefined) issue.fix = fix;
    this.issues.push(issue);
  }

  keyAt(key: string): Position {
    return this.document.keyPositions[key] ?? { line: Math.max(1, this.document.frontmatterLine), column: 1 };
  }

  /** Position of `needle` at or after `from` (a text offset) inside the frontmatter, else `fallback`. */
  find(needle: string, from: number, fallback: Position): { at: Position; next: number } {
    const end = this.document.closing?.offset ?? this.text.length;
    const found = this.text.indexOf(needle, from);
    if (found === -1 || found >= end) return { at: fallback, next: from };
    return { at: this.lines.positionAt(found), next: found + needle.length };
  }

  offsetOf(at: Position): number {
    return this.lines.lineStart(at.line) + at.column - 1;
  }

  /** The top-level key whose value holds the given line (the last `key:` line at or above it). */
  ownerKey(line: number): { key: string; line: number } | undefined {
    for (let current = line; current >= this.document.frontmatterLine && current >= 1; current--) {
      const match = /^([A-Za-z_][\w-]*)\s*:/.exec(this.lines.lineText(current));
      if (match) return { key: match[1]!, line: current };
    }
    return undefined;
  }
}

/** Checks one agent file's text against Claude Code's rules. */
export function checkAgentText(text: string, options: CheckOptions = {}): AgentCheck {
  const size = options.size ?? Buffer.byteLength(text, 'utf8');
  const tooLarge = size > MAX_AGENT_BYTES;
  const document = parseAgentFile(text, tooLarge ? { yaml: false } : {});
  const checker = new Checker(text, document, options);

  if (tooLarge) {
    checker.add(
      'error',
      'file-too-large',
      { line: 1, column: 1 },
      `the file is ${size.toLocaleString('en-US')} bytes; Claude Code skips agent files over ${MAX_AGENT_BYTES.toLocaleString('en-US')} bytes (1 MiB)`,
      'shorten the prompt below 1 MiB (move reference material into files the agent reads)',
    );
  }
  checkEncoding(checker);
  checkConflictMarkers(checker);
  if (tooLarge) {
    // Claude Code never reads it; the caller may not even have passed the bytes.
  } else if (!document.hasFrontmatter) {
    checkMissingFrontmatter(checker);
  } else {
    checkDelimiter(checker);
    if (document.parse === 'failed') checkYamlFailure(checker);
    else {
      if (document.parse === 'lenient') checkLenient(checker);
      checkFields(checker);
    }
  }

  const issues = checker.issues.sort((a, b) => a.line - b.line || a.column - b.column);
  const failed = issues.some((issue) => issue.severity === 'error');
  const agent = failed ? null : loadAgent(document.data);
  const check: AgentCheck = { agent, document, issues };
  const name = agent?.name ?? bestEffortName(document);
  if (name !== undefined) check.name = name;
  return check;
}

// ignoreBOM: keep the mark in the text, so that it is seen (and reported) like Claude Code sees it.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LOOSE_UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Checks raw bytes: UTF-8 only (NUL bytes or invalid UTF-8 = binary), at most 1 MiB. */
export function checkAgentBytes(bytes: Uint8Array, options: CheckOptions = {}): AgentCheck {
  const size = options.size ?? bytes.byteLength;
  let text: string;
  let binary = bytes.includes(0);
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    binary = true;
    text = LOOSE_UTF8.decode(bytes);
  }
  const check = checkAgentText(text, { ...options, size });
  if (binary) {
    check.issues.unshift({
      line: 1,
      column: 1,
      severity: 'error',
      code: 'binary',
      message: 'the file is not UTF-8 text (it contains NUL bytes or invalid UTF-8)',
      fix: 'save the agent as a UTF-8 Markdown file',
    });
    check.agent = null;
  }
  return check;
}

/** Cross-file rule: the same `name` twice in one scanned tree → a warning on each later file. */
export function findDuplicateNames(checks: Array<{ file: string; check: AgentCheck }>): Array<{ file: string; issue: Issue }> {
  const first = new Map<string, string>();
  const out: Array<{ file: string; issue: Issue }> = [];
  for (const { file, check } of checks) {
    const name = check.agent?.name;
    if (name === undefined) continue;
    const earlier = first.get(name);
    if (earlier === undefined) {
      first.set(name, file);
      continue;
    }
    const at = check.document.keyPositions.name ?? { line: 1, column: 1 };
    out.push({
      file,
      issue: {
        line: at.line,
        column: at.column,
        severity: 'warning',
        code: 'duplicate-name',
        message: `the agent name \`${name}\` is already used by ${earlier}; Claude Code loads only one of the two`,
        fix: `give one of them another \`name\`, or delete the duplicate file`,
      },
    });
  }
  return out;
}

function loadAgent(data: Record<string, unknown>): LoadedAgent {
  const agent: LoadedAgent = {
    name: data.name as string,
    description: unescapeDescription(data.description as string),
    data,
  };
  if (typeof data.model === 'string' && data.model !== '') agent.model = data.model;
  const tools = resolveTools(data);
  if (tools !== undefined) agent.tools = tools;
  if (typeof data.color === 'string' && (AGENT_COLORS as readonly string[]).includes(data.color)) agent.color = data.color;
  return agent;
}

function bestEffortName(document: AgentDocument): string | undefined {
  const candidates = [document.data.name, document.intended?.data.name];
  for (const candidate of candidates) if (typeof candidate === 'string' && candidate !== '') return candidate;
  const match = /^name:[ \t]*(["']?)([^\r\n]*?)\1[ \t]*\r?$/m.exec(document.frontmatterText);
  return match?.[2] ? match[2] : undefined;
}

function checkEncoding(checker: Checker): void {
  const { document, text } = checker;
  if (document.hasBom) {
    checker.add(
      'warning',
      'bom',
      { line: 1, column: 1 },
      'the file starts with a byte-order mark; Claude Code 2.1.332 strips it, but 2.1.197 skipped such files',
      'save the file as UTF-8 without a byte-order mark',
    );
  }
  if (document.hasCrlf) {
    const at = checker.lines.positionAt(text.indexOf('\r\n'));
    checker.add('warning', 'crlf', at, 'the file uses CRLF line endings', 'convert the line endings to LF');
  }
}

function checkConflictMarkers(checker: Checker): void {
  const { text } = checker;
  if (!text.includes('<<<<<<<') || !text.includes('>>>>>>>')) return;
  const markers = /^(<{7}|={7}|>{7})(?:[ \t].*)?\r?$/gm;
  let open: number | undefined;
  let parts: number[] = [];
  for (let match = markers.exec(text); match !== null; match = markers.exec(text)) {
    const line = checker.lines.positionAt(match.index).line;
    const kind = match[1]![0];
    if (kind === '<') {
      open = line;
      parts = [line];
    } else if (open !== undefined && kind === '=') {
      parts.push(line);
    } else if (open !== undefined && kind === '>') {
      parts.push(line);
      const inFrontmatter = checker.document.closing !== undefined && open < checker.document.closing.position.line;
      checker.add(
        'warning',
        'merge-conflict-markers',
        { line: open, column: 1 },
        `unresolved git merge conflict (marker lines ${parts.join(', ')})${inFrontmatter ? '; inside the frontmatter it also breaks the YAML' : ''}`,
        `resolve the conflict and delete the marker lines ${parts.join(', ')}`,
      );
      open = undefined;
    }
  }
}

function checkMissingFrontmatter(checker: Checker): void {
  const { document, text } = checker;
  const top = { line: 1, column: 1 };
  const skeleton = 'start the file with a line `---`, then `name:` and `description:`, then a line `---`';
  switch (document.noFrontmatterReason) {
    case 'empty':
      checker.add('error', 'no-frontmatter', top, 'the file is empty; Claude Code ignores it', skeleton);
      return;
    case 'leading-whitespace': {
      const offset = text.indexOf('---');
      const at = checker.lines.positionAt(offset);
      const indented = at.column > (document.hasBom && at.line === 1 ? 2 : 1);
      checker.add(
        'error',
        'no-frontmatter',
        at,
        indented
          ? 'the opening `---` is indented; Claude Code needs it at the very start of the file and sees no frontmatter'
          : 'blank lines come before the opening `---`; Claude Code needs it at the very start of the file and sees no frontmatter',
        indented ? 'remove the indentation of the frontmatter block, so that `---` starts line 1' : `delete the ${at.line - 1} line(s) before \`---\``,
      );
      return;
    }
    case 'text-after-delimiter': {
      const suffix = document.delimiterSuffix ?? '';
      if (EXECUTABLE_FRONTMATTER.test(suffix)) {
        checker.add(
          'error',
          'js-frontmatter',
          top,
          `executable front matter (\`---${suffix}\`) is never run; Claude Code sees no frontmatter`,
          'write the frontmatter as YAML between two lines `---`',
        );
      } else {
        checker.add(
          'error',
          'no-frontmatter',
          top,
          `text after the opening \`---\` (\`${show(suffix)}\`); Claude Code sees no frontmatter`,
          'leave nothing but `---` on line 1',
        );
      }
      return;
    }
    case 'unclosed':
      checker.add(
        'error',
        'frontmatter-unclosed',
        top,
        'no `---` closes the frontmatter; Claude Code sees no frontmatter',
        'add a line `---` after the last frontmatter line',
      );
      return;
    default:
      checker.add('error', 'no-frontmatter', top, 'the file does not start with `---`, so it has no frontmatter; Claude Code ignores it', skeleton);
  }
}

function checkDelimiter(checker: Checker): void {
  const { document } = checker;
  const closing = document.closing!;
  if (closing.ownLine) return;
  const at = closing.position;
  const lineText = checker.lines.lineText(at.line);
  if (at.column === 1) {
    checker.add(
      'warning',
      'closing-delimiter-text',
      at,
      `the closing \`---\` has text after it (\`${show(lineText)}\`); Claude Code ends the frontmatter at \`---\` and treats the rest as prompt`,
      'put the closing `---` on a line of its own',
    );
    return;
  }
  const owner = checker.ownerKey(at.line);
  const key = owner?.key;
  const intended = document.intended;
  const lost = ['name', 'description'].filter(
    (field) =>
      !(typeof document.data[field] === 'string' && document.data[field] !== '') &&
      (!intended || (typeof intended.data[field] === 'string' && intended.data[field] !== '')),
  );
  // An error only when the cut is what makes Claude Code skip the file.
  const fatal = document.parse === 'failed' ? intended?.parse !== 'failed' : lost.length > 0;
  const where = key ? `inside the value of \`${key}\`` : 'inside a line';
  const rest = intended ? ` and ignores everything up to line ${intended.closingLine}` : '';
  let consequence: string;
  if (document.parse === 'failed' && fatal) consequence = 'so the frontmatter no longer parses';
  else if (fatal) consequence = `so \`${lost.join('` and `')}\` ${lost.length > 1 ? 'are' : 'is'} lost`;
  else if (key && typeof document.data[key] === 'string') consequence = `so Claude Code reads \`${key}\` as "${show(document.data[key])}"${rest}`;
  else consequence = `so the frontmatter is cut short${rest}`;
  checker.add(
    fatal ? 'error' : 'warning',
    'delimiter-in-value',
    at,
    `\`---\` ${where} ends the frontmatter here (Claude Code splits at the first \`---\`, even mid-line), ${consequence}`,
    'rewrite the `---` in the value (e.g. as `—`); quoting the value does not help',
  );
}

function checkYamlFailure(checker: Checker): void {
  const { document } = checker;
  const error = document.parseError!;
  const at = error.position;
  const lineText = checker.lines.lineText(at.line);
  const owner = checker.ownerKey(at.line);
  let fix = 'fix the YAML on this line; values containing `: `, ` #` or starting with a special character need quotes';
  const closing = document.closing!;
  if (!closing.ownLine && closing.position.column > 1) {
    fix = `rewrite the \`---\` on line ${closing.position.line} (e.g. as \`—\`): Claude Code ends the frontmatter there`;
  } else if (/ nested deeper than \d+ levels$/.test(error.message)) {
    // The depth bounds of agent-file.ts: the text was never handed to the YAML parser.
    fix = 'flatten the YAML: agent frontmatter needs a few levels of nesting at most (lists like `- - - …` or `[[[…` on one line nest one level each)';
  } else if (owner) {
    // Does the owner's value run on past its own line (continuation lines before the next key)?
    const last = document.closing!.position.line - 1;
    let continued = false;
    for (let line = owner.line + 1; line <= last; line++) {
      const text = checker.lines.lineText(line);
      if (/^[A-Za-z_][\w-]*\s*:(\s|$)/.test(text)) break;
      if (text.trim() !== '') continued = true;
    }
    const unindented = owner.line < at.line && lineText.trim() !== '' && !/^\s/.test(lineText);
    if (continued) {
      fix = `write \`${owner.key}\` as a block scalar: \`${owner.key}: |\` on line ${owner.line}, then all of its text on the following lines${unindented ? ', each indented by two spaces' : ', indented'}`;
    } else if (owner.line === at.line) {
      fix = `put the value of \`${owner.key}\` in double quotes (escape \`"\` and \`\\\` inside it)`;
    }
  }
  checker.add('error', 'yaml-invalid', at, `the frontmatter is not valid YAML, even after Claude Code's lenient retry: ${error.message}`, fix);
}

function checkLenient(checker: Checker): void {
  const { document } = checker;
  for (const rewrite of document.lenientRewrites) {
    const value = rewrite.original.slice(rewrite.original.indexOf(':') + 1).trim();
    const special = value.includes(': ') ? '`: `' : `\`${/[{}[\]*&#!|>%@`]/.exec(value)?.[0] ?? ''}\``;
    checker.add(
      'warning',
      'yaml-lenient',
      { line: rewrite.line, column: 1 },
      `\`${rewrite.key}\` is not valid YAML as written (its value contains ${special}); Claude Code loads the file only because its lenient retry quotes the value`,
      rewrite.quoted.length <= MAX_FIX_LENGTH
        ? `quote the value: ${rewrite.quoted}`
        : `quote the value of \`${rewrite.key}\` in double quotes, escaping \\ and " (\`agent-install validate --fix\` does it)`,
    );
  }
  for (const line of document.lenientTabLines) {
    checker.add(
      'warning',
      'yaml-lenient',
      { line, column: 1 },
      'this line is indented with tabs, which YAML forbids; Claude Code loads the file only because its lenient retry turns each leading tab into two spaces',
      'indent with spaces: replace each leading tab with two spaces',
    );
  }
}

/** zod's verdict on string values, by key (see `remembered`). */
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

/** Longest `quote the value: …` fix shown in full. */
const MAX_FIX_LENGTH = 300;

function checkFields(checker: Checker): void {
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
