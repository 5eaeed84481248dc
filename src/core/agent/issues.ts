/** What checking an agent file reports: issues with their codes, and what Claude Code would load. */
import type { EffectiveAgent } from './effective.js';
import type { AgentDocument } from './parse.js';

/**
 * - `error`: Claude Code does not load the file;
 * - `warning`: Claude Code loads it but ignores or drops something (always with a fix);
 * - `style`: advice that is not about Claude Code (naming, layout, encoding it copes with).
 */
export type Severity = 'error' | 'warning' | 'style';

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
  /** undefined = all tools; [] = none. Entries as Claude Code splits them. */
  tools?: string[];
  /** Only a colour Claude Code keeps. */
  color?: string;
  data: Record<string, unknown>;
}

export interface AgentCheck {
  agent: LoadedAgent | null;
  /** Every field as Claude Code resolves it (also for a skipped file: `loaded` is then false). */
  effective: EffectiveAgent;
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
  /** `agents/<name>/<version>.md`: the file name is a version, not the agent's name */
  registryLayout?: boolean;
}

/** Every issue code this module emits, with its severity. */
export const ISSUE_CODES = {
  'file-too-large': { severity: 'error', summary: 'the file is over 1 MiB; Claude Code skips it' },
  unreadable: { severity: 'error', summary: 'the file cannot be read' },
  'not-markdown-file': { severity: 'warning', summary: 'a named file whose name does not end in `.md` (Claude Code never reads it)' },
  'invalid-utf8': { severity: 'warning', summary: 'bytes that are not UTF-8; Claude Code reads each as U+FFFD' },
  'nul-bytes': { severity: 'style', summary: 'NUL bytes in the prompt (harmless to Claude Code; usually a binary file)' },
  'no-frontmatter': { severity: 'error', summary: 'the file does not start with a `---` line' },
  'js-frontmatter': { severity: 'error', summary: '`---js` / `---javascript` front matter (never executed)' },
  'frontmatter-unclosed': { severity: 'error', summary: 'no `---` ends the frontmatter' },
  'yaml-invalid': { severity: 'error', summary: 'the YAML fails even after the lenient retry' },
  'yaml-not-mapping': { severity: 'error', summary: 'the frontmatter is a list, a scalar or several documents, not one mapping' },
  'delimiter-in-value': { severity: 'error or warning', summary: 'a `---` inside a line ends the frontmatter early' },
  'closing-delimiter-text': { severity: 'warning', summary: 'text after the closing `---`' },
  'name-missing': { severity: 'error', summary: '`name` missing or falsy' },
  'name-not-string': { severity: 'error', summary: '`name` is not a string' },
  'name-leading-dash': { severity: 'error', summary: '`name` starts with `-`' },
  'name-colon': { severity: 'error', summary: '`name` contains `:` (after NFKC)' },
  'name-too-long': { severity: 'error', summary: '`name` longer than 256 UTF-16 code units' },
  'description-missing': { severity: 'error', summary: '`description` missing or empty' },
  'description-not-string': { severity: 'error', summary: '`description` is not a string' },
  'duplicate-name': { severity: 'error', summary: 'a later file of the tree has the same `name`: Claude Code loads that one, not this one' },
  'hooks-invalid': { severity: 'error', summary: '`hooks` is not a mapping of events (a matcher, a list, a scalar)' },
  'hooks-guard-invalid': { severity: 'error', summary: 'a PreToolUse / PermissionRequest / PreSkillShellCommand hook Claude Code cannot load' },
  'hooks-guard-outside': { severity: 'error', summary: 'guard hooks outside `hooks` (top level, or inside another key)' },
  'hook-event-dropped': { severity: 'warning', summary: 'an unknown hook event, or an event that is not a list: dropped' },
  'hook-dropped': { severity: 'warning', summary: 'a broken matcher or hook entry of a non-guard event: dropped' },
  'hooks-empty': { severity: 'warning', summary: '`hooks:` without a value' },
  'unknown-key': { severity: 'warning', summary: 'a key Claude Code ignores' },
  'tools-empty': { severity: 'warning', summary: '`tools` present but gives the agent no tools' },
  'disallowed-tools-invalid': { severity: 'warning', summary: '`disallowedTools` is neither tool names nor a list (Claude Code disallows nothing)' },
  'tool-unknown': { severity: 'warning', summary: 'a tool name Claude Code does not know (dropped)' },
  'model-invalid': { severity: 'warning', summary: '`model` blank or not a string (ignored)' },
  'model-unknown': { severity: 'style', summary: 'a model value Claude Code keeps but will not recognise when the agent runs' },
  'color-invalid': { severity: 'warning', summary: 'a colour Claude Code drops' },
  'permission-mode-invalid': { severity: 'warning', summary: 'invalid `permissionMode` (ignored)' },
  'effort-invalid': { severity: 'warning', summary: 'invalid `effort` (ignored)' },
  'max-turns-invalid': { severity: 'warning', summary: 'invalid `maxTurns` (ignored)' },
  'auto-compact-window-invalid': { severity: 'warning', summary: 'invalid `autoCompactWindow` (ignored)' },
  'memory-invalid': { severity: 'warning', summary: 'invalid `memory` (ignored)' },
  'background-invalid': { severity: 'warning', summary: 'invalid `background` (ignored)' },
  'isolation-invalid': { severity: 'warning', summary: 'invalid `isolation` (ignored)' },
  'mcp-servers-invalid': { severity: 'warning', summary: 'an invalid `mcpServers` item, or a value that is not a list (ignored)' },
  'initial-prompt-invalid': { severity: 'warning', summary: 'invalid `initialPrompt` (ignored)' },
  'omit-claude-md-invalid': { severity: 'warning', summary: 'invalid `omitClaudeMd` (ignored)' },
  'experimental-invalid': { severity: 'warning', summary: 'invalid `experimental` (ignored)' },
  'name-invisible-characters': {
    severity: 'warning',
    summary: '`name` holds bidi, zero-width or other invisible characters (Claude Code loads it; it is not the name it appears to be)',
  },
  'yaml-lenient': { severity: 'warning', summary: 'the YAML loads only through the lenient retry' },
  'name-not-kebab': { severity: 'style', summary: '`name` is not lower-case kebab-case of 1–50 characters' },
  'name-file-mismatch': { severity: 'style', summary: 'the file name differs from `name`' },
  bom: { severity: 'style', summary: 'byte-order mark (Claude Code strips it)' },
  crlf: { severity: 'style', summary: 'CRLF line endings (Claude Code copes, but its lenient retry does not apply to them)' },
  'merge-conflict-markers': { severity: 'warning', summary: 'git conflict markers left in the file' },
} as const satisfies Readonly<Record<string, { severity: Severity | 'error or warning'; summary: string }>>;
export type IssueCode = keyof typeof ISSUE_CODES;
