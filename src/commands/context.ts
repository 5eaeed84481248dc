import path from 'node:path';
import type { Context } from '../core/context.js';
import type { ErrorCode, ExitCode } from '../core/errors.js';
import { resolveScope, type Scope } from '../core/scope/scope.js';
import type { SourceContext } from '../core/sources/types.js';
import { type Style, visible } from './style.js';

/** What every command receives: the outside world plus the global options. */
export interface CommandContext extends SourceContext {
  style: Style;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  global: boolean;
  /** Human output that must appear at once (before writing), on stdout; silent with `--json` and `-q`. */
  out(message: string): void;
  /** Human output written as a command goes (validate prints each file's issues as it checks it), on stdout; silent with `--json` only. */
  stream(text: string): void;
  /** Diagnostics and progress on stderr; silent with `--json` and `-q`. */
  info(message: string): void;
  /** Warnings on stderr; silent with `--json`. */
  warn(message: string): void;
  /**
   * Asks the user a yes/no question on the terminal: `lines` (what is being approved) and then
   * `question`, on stderr even with `-q`. Absent when nobody can answer: stdin or stdout is not
   * a terminal, `CI` is set, or `--json`. Resolves true only for a yes.
   */
  confirm?: (lines: string[], question: string) => Promise<boolean>;
}

/** What a command hands back to `src/cli/main.ts`, which prints it. */
export interface CommandResult {
  /** The document `--json` prints. */
  json: unknown;
  /**
   * The `--json` document written in pieces instead of `json` (too large to hold at once): the
   * same text as `JSON.stringify(document, null, 2)`, `ok` and `error` included.
   */
  writeJson?: (write: (text: string) => void) => void;
  /** Human output for stdout (may be empty). */
  text: string;
  exitCode?: ExitCode;
  /**
   * `text` is a file the user asked to see on stdout (`new --print`), printed exactly as it
   * would be written. Any other human text is escaped for the terminal (see style.ts).
   */
  verbatim?: true;
  /** Why a non-zero exit (differences found, errors in validated files): added to the `--json` document as `error`, with `ok: false`. */
  failure?: { code: ErrorCode; message: string; hint?: string };
}

/** `1 agent differs`, `2 agents differ`: the count and the words that agree with it. */
export function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `target` lies strictly below `folder`: the relative path, else null. */
function below(folder: string, target: string): string | null {
  const rel = path.relative(folder, target);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : null;
}

/**
 * A path for humans: relative to the working directory when inside it, else `~/…` when inside the
 * home folder (so the user scope reads `~/.claude/…`, also from the home folder itself, where a
 * relative `.claude/…` would look like a project's), else absolute.
 */
export function displayPath(ctx: Pick<Context, 'cwd'> & Partial<Pick<Context, 'home'>>, target: string): string {
  const home = ctx.home ? below(ctx.home, target) : null;
  const cwdInHome = ctx.home !== undefined && below(ctx.home, ctx.cwd) !== null;
  const rel = below(ctx.cwd, target);
  if (rel !== null && (home === null || cwdInHome)) return rel;
  return home !== null ? `~/${home.split(path.sep).join('/')}` : target;
}

export function commandScope(ctx: CommandContext): Scope {
  return resolveScope(ctx, ctx.global);
}

export function scopeJson(scope: Scope): Record<string, string> {
  return { kind: scope.kind, agentsDir: scope.agentsDir, lockfile: scope.lockfilePath };
}

/**
 * Plain fixed-width table; the last column is not padded. Cells are one line each: control and
 * invisible characters in them (tabs and line feeds too) are escaped before widths are measured.
 */
export function formatTable(header: string[], rawRows: string[][], style: Style): string {
  const rows = rawRows.map((row) => row.map((cell) => visible(cell, true)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join('\n');
}
