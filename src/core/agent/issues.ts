/** What checking an agent file reports: issues with their codes, and what Claude Code would load. */
import type { AgentDocument } from './parse.js';

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
  'name-invisible-characters': { severity: 'warning', summary: '`name` holds bidi, zero-width or other invisible characters' },
  'duplicate-name': { severity: 'warning', summary: 'another file in the tree has the same `name`' },
  'yaml-lenient': { severity: 'warning', summary: 'the YAML loads only through the lenient retry' },
  bom: { severity: 'warning', summary: 'byte-order mark' },
  crlf: { severity: 'warning', summary: 'CRLF line endings' },
  'merge-conflict-markers': { severity: 'warning', summary: 'git conflict markers left in the file' },
} as const satisfies Readonly<Record<string, { severity: Severity | 'error or warning'; summary: string }>>;
export type IssueCode = keyof typeof ISSUE_CODES;
