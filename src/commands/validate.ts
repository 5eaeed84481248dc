import { chmodSync, lstatSync, realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import {
  type AgentCheck,
  checkAgentBytes,
  type EffectiveAgent,
  findDuplicateNames,
  fixAgentText,
  type Issue,
  type IssueCode,
  type Severity,
} from '../core/agent/validate.js';
import { AgentInstallError, type ErrorCode, ExitCode, isAgentInstallError } from '../core/errors.js';
import { type BoundedRead, readFileBounded } from '../core/io/bounded-read.js';
import { GuardedFolder } from '../core/io/guarded-folder.js';
import { scanAgentsTree } from '../core/scope/scan.js';
import type { CommandContext, CommandResult } from './context.js';

export interface ValidateOptions {
  strict?: boolean;
  fix?: boolean;
  dryRun?: boolean;
}

/** One issue of `--json` output; the key order is part of the contract. */
export interface ValidateIssue {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  code: string;
  message: string;
  fix: string | null;
}

export interface FixReport {
  file: string;
  /** One line per change, as fixAgentText describes it. */
  changes: string[];
  written: boolean;
  /** `--dry-run`: the unified diff that would be applied. */
  diff?: string;
  /** Why the fix could not be written (e.g. the file is a symbolic link). */
  error?: { code: ErrorCode; message: string; hint: string | null };
}

/** One file to check: how the user sees its path, where it is, and which tree it belongs to. */
interface Target {
  display: string;
  file: string;
  /** The folder given on the command line (a file's own folder for a file), and the file's path below it: `--fix` writes only inside that folder. */
  root: string;
  relative: string;
  /** Duplicate names are looked for within one group: one folder argument, or all file arguments. */
  group: number;
}

interface Checked {
  target: Target;
  issues: Issue[];
  /** Claude Code would not load it (judged before --strict). */
  skipped: boolean;
  /** Only until the duplicate check and --fix are done (a run over many files keeps no parsed documents). */
  check?: AgentCheck;
  effective?: EffectiveAgent;
  /** The bytes, when they are valid UTF-8 of at most 1 MiB (the only files --fix touches). */
  bytes?: Uint8Array;
}

/** Issues that fixAgentText repairs. */
const FIXABLE = new Set(['bom', 'crlf', 'yaml-lenient']);
/** Files never rewritten: their text is not what is on disk, or Claude Code does not read them. */
const UNFIXABLE = new Set(['invalid-utf8', 'file-too-large', 'unreadable']);

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function issue(severity: Severity, code: IssueCode, message: string, fix: string): Issue {
  return { line: 1, column: 1, severity, code, message, fix };
}

/** Paths in → the files Claude Code would look at, in argument order; a missing path is an error. */
function collectTargets(ctx: CommandContext, paths: string[]): { targets: Target[]; special: Checked[] } {
  const missing: string[] = [];
  const targets: Target[] = [];
  const special: Checked[] = [];
  const fileGroup = paths.length; // all explicit files share one group, after the folders
  paths.forEach((given, index) => {
    const absolute = path.resolve(ctx.cwd, given);
    const display = path.normalize(given);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch {
      missing.push(given);
      return;
    }
    if (stats.isDirectory()) {
      for (const scanned of scanAgentsTree(absolute)) {
        targets.push({
          display: path.join(display, ...scanned.relative.split('/')),
          file: scanned.file,
          root: absolute,
          relative: scanned.relative,
          group: index,
        });
      }
    } else if (stats.isFile()) {
      targets.push({ display, file: absolute, root: path.dirname(absolute), relative: path.basename(absolute), group: fileGroup });
    } else {
      // A FIFO or a device would block or never end; Claude Code does not read them either.
      const target = { display, file: absolute, root: path.dirname(absolute), relative: path.basename(absolute), group: fileGroup };
      special.push({
        target,
        skipped: true,
        issues: [
          issue(
            'error',
            'unreadable',
            'not a regular file (a FIFO, socket or device); Claude Code reads only regular files',
            'point validate at the agent file or its folder',
          ),
        ],
      });
    }
  });
  if (missing.length > 0) {
    throw new AgentInstallError(`No such file or folder: ${missing.join(', ')}`, {
      code: 'PATH_NOT_FOUND',
      hint: 'Pass agent files or folders, e.g. `agent-install validate .claude/agents`.',
      details: { missing },
    });
  }
  return { targets, special };
}

/** The same file reached twice (two arguments, a link) is checked once, like Claude Code reads an inode once. */
function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    try {
      const stats = lstatSync(target.file);
      const key = `${stats.dev}:${stats.ino}`;
      if (seen.has(key)) return false;
      seen.add(key);
    } catch {
      /* reported when read */
    }
    return true;
  });
}

function checkTarget(target: Target): Checked {
  const base = path.basename(target.file);
  const isMarkdown = base.endsWith('.md');
  let read: BoundedRead;
  try {
    read = readFileBounded(target.file);
  } catch (error) {
    const message = isAgentInstallError(error) ? error.message : String(error);
    return { target, skipped: true, issues: [issue('error', 'unreadable', message, 'check that the file exists and is readable')] };
  }
  const check = checkAgentBytes(read.bytes ?? new Uint8Array(0), {
    ...(isMarkdown ? { fileName: base } : {}),
    size: read.size,
    ...(REGISTRY_LAYOUT.test(target.relative) ? { registryLayout: true } : {}),
  });
  const issues = [...check.issues];
  if (!isMarkdown) {
    // Named explicitly (folders yield only `*.md`): checked, but Claude Code would never load it.
    const stem = base.replace(/\.[^.]*$/, '') || base;
    issues.unshift(
      issue(
        'warning',
        'not-markdown-file',
        `Claude Code loads only files whose names end in \`.md\` (lower case); in an agents folder it ignores \`${base}\``,
        `rename the file to \`${check.agent?.name ?? stem}.md\``,
      ),
    );
  }
  const checked: Checked = { target, issues, skipped: check.agent === null || !isMarkdown, check, effective: check.effective };
  if (read.bytes !== null && !issues.some((i) => UNFIXABLE.has(i.code))) checked.bytes = read.bytes;
  return checked;
}

/** A registry's `<name>/<version>.md` (the file is named after the version, not the agent). */
const REGISTRY_LAYOUT = /(?:^|\/)[^/]+\/v?\d+\.\d+\.\d+(?:[-+][\w.-]*)?\.md$/;

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, style: 2 };
const sortIssues = (issues: Issue[]) =>
  issues.sort((a, b) => a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

type TextDiff = typeof import('../core/diff/text-diff.js');

/** --fix: rewrite what is safe (fixAgentText), then check the result again; with `textDiff` (--dry-run) show the change instead. */
function fixFile(ctx: CommandContext, checked: Checked, textDiff: TextDiff | undefined): FixReport | undefined {
  if (checked.bytes === undefined || !checked.issues.some((i) => FIXABLE.has(i.code))) return undefined;
  let text: string;
  try {
    text = STRICT_UTF8.decode(checked.bytes);
  } catch {
    return undefined; // not UTF-8: reported as binary, never rewritten
  }
  const fixed = fixAgentText(text);
  if (fixed.changes.length === 0 || fixed.text === text) return undefined;
  const report: FixReport = { file: checked.target.display, changes: fixed.changes, written: false };
  if (textDiff) {
    const { diffHunks, formatUnifiedDiff } = textDiff;
    const plain = (text: string) => text;
    const painter = ctx.json
      ? { add: plain, remove: plain, hunk: plain, header: plain }
      : { add: ctx.style.green, remove: ctx.style.red, hunk: ctx.style.cyan, header: ctx.style.bold };
    report.diff = formatUnifiedDiff(checked.target.display, `${checked.target.display} (fixed)`, diffHunks(text, fixed.text), painter);
    return report;
  }
  let stats: Stats | undefined;
  try {
    stats = statSync(checked.target.file);
  } catch {
    stats = undefined;
  }
  try {
    // Refuses a symbolic link at the path (the fix would have to write through it), and a file
    // reached through a linked folder that leads outside the folder being checked.
    GuardedFolder.open(checked.target.root).writeFile(checked.target.relative, fixed.text);
  } catch (error) {
    if (!isAgentInstallError(error)) throw error;
    let hint = error.hint ?? null;
    if (error.code === 'SYMLINK_TARGET') {
      let real = 'the file it points to';
      try {
        real = `\`agent-install validate --fix ${realpathSync(checked.target.file)}\``;
      } catch {
        /* dangling meanwhile */
      }
      hint = `agent-install never writes through a symbolic link; to change the file it points to, run ${real}`;
    }
    report.error = { code: error.code, message: error.message, hint };
    return report;
  }
  if (stats) {
    try {
      // The temporary file was created 0644; keep the mode the user had.
      chmodSync(checked.target.file, stats.mode & 0o7777);
    } catch {
      /* best effort */
    }
  }
  report.written = true;
  const bytes = Buffer.from(fixed.text, 'utf8');
  const base = path.basename(checked.target.file);
  const again = checkAgentBytes(bytes, { ...(base.endsWith('.md') ? { fileName: base } : {}), size: bytes.length });
  checked.check = again;
  checked.effective = again.effective;
  checked.bytes = bytes;
  checked.issues = [...checked.issues.filter((i) => i.code === 'not-markdown-file'), ...again.issues];
  checked.skipped = again.agent === null || checked.issues.some((i) => i.code === 'not-markdown-file');
  return report;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * `validate <path...>`: files and folders (scanned like Claude Code scans an agents folder)
 * checked against Claude Code's rules; `--fix` rewrites what is safe; exit 1 on errors.
 */
export async function run(ctx: CommandContext, paths: string[], options: ValidateOptions): Promise<CommandResult> {
  const strict = options.strict === true;
  const fix = options.fix === true;
  const dryRun = fix && options.dryRun === true;
  if (options.dryRun && !fix) ctx.warn('--dry-run changes nothing without --fix: validate alone never writes');
  const { targets, special } = collectTargets(ctx, paths);
  const checked = [...(paths.length > 1 ? dedupe(targets) : targets).map(checkTarget), ...special];
  if (checked.length === 0) ctx.warn(`no agent files (*.md) in ${paths.join(', ')}`);

  const fixes: FixReport[] = [];
  if (fix) {
    // The diff library loads only for --fix --dry-run.
    const textDiff = dryRun ? await import('../core/diff/text-diff.js') : undefined;
    for (const entry of checked) {
      const report = fixFile(ctx, entry, textDiff);
      if (report) fixes.push(report);
    }
  }

  // Claude Code keys agents on `name`: two files of one tree with the same name hide one another.
  const groups = new Map<number, Checked[]>();
  for (const entry of checked) {
    if (!entry.check || entry.skipped) continue;
    const list = groups.get(entry.target.group) ?? [];
    list.push(entry);
    groups.set(entry.target.group, list);
  }
  for (const list of groups.values()) {
    const byDisplay = new Map(list.map((entry) => [entry.target.display, entry]));
    for (const { file, issue: duplicate } of findDuplicateNames(list.map((e) => ({ file: e.target.display, sortKey: e.target.file, check: e.check! })))) {
      const entry = byDisplay.get(file);
      if (!entry) continue;
      entry.issues.push(duplicate);
      entry.skipped = true;
      if (entry.effective) entry.effective = { ...entry.effective, loaded: false };
    }
  }
  // The parsed documents are no longer needed: a run over many files keeps only what it prints.
  for (const entry of checked) delete entry.check;

  const perFile = checked.map((entry) =>
    sortIssues(entry.issues).map(
      (found): ValidateIssue => ({
        file: entry.target.display,
        line: found.line,
        column: found.column,
        // --strict: every warning fails the run like an error does (style advice stays advice).
        severity: strict && found.severity === 'warning' ? 'error' : found.severity,
        code: found.code,
        message: found.message,
        fix: found.fix ?? null,
      }),
    ),
  );
  const issues = perFile.flat();
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.filter((i) => i.severity === 'warning').length;
  const styles = issues.length - errors - warnings;
  const skipped = checked.filter((e) => e.skipped).length;
  const failedFixes = fixes.filter((f) => f.error !== undefined);
  const ok = errors === 0 && failedFixes.length === 0;

  const agents = checked.map((entry) => ({ file: entry.target.display, ...(entry.effective ?? { loaded: false, tools: { kind: 'all' }, dropped: [] }) }));
  const json: Record<string, unknown> = { ok, files: checked.length, errors, warnings, style: styles, skipped, issues, agents };
  if (fix) json.fixes = fixes;

  const { style } = ctx;
  const lines: string[] = [];
  if (dryRun) {
    for (const report of fixes) lines.push(report.diff!, '');
  }
  checked.forEach((entry, index) => {
    const own = perFile[index]!;
    if (own.length === 0) {
      if (ctx.verbose && !ctx.quiet) lines.push(`${entry.target.display}  ${style.green('ok')}`);
      return;
    }
    for (const i of own) {
      const severity =
        i.severity === 'error'
          ? style.red(i.severity.padEnd(7))
          : i.severity === 'warning'
            ? style.yellow(i.severity.padEnd(7))
            : style.dim(i.severity.padEnd(7));
      lines.push(`${i.file}:${i.line}:${i.column}  ${severity}  ${style.dim(i.code)}  ${i.message}`);
      if (i.fix) lines.push(`  ${style.dim('fix:')} ${i.fix}`);
    }
    lines.push('');
  });
  for (const report of fixes) {
    if (report.error) {
      lines.push(`${style.red('not fixed')}  ${report.file}: ${report.error.message}${report.error.hint ? ` (${report.error.hint})` : ''}`);
    } else if (!ctx.quiet) {
      lines.push(`${style.green(dryRun ? 'would fix' : 'fixed')}  ${report.file}: ${report.changes.join('; ')}`);
    }
  }
  if (!ctx.quiet) {
    if (fixes.length > 0) lines.push('');
    let summary = `${plural(checked.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}${styles > 0 ? `, ${styles} style` : ''}`;
    const notes: string[] = [];
    if (strict && checked.some((e) => e.issues.some((i) => i.severity === 'warning'))) notes.push('--strict: warnings count as errors');
    notes.push(skipped === 0 ? 'Claude Code would load every file' : `Claude Code would skip ${plural(skipped, 'file')}`);
    summary += ` (${notes.join('; ')})`;
    if (fix) {
      const written = fixes.filter((f) => f.written).length;
      summary += dryRun ? `; would fix ${plural(fixes.length, 'file')}, nothing was written` : `; fixed ${plural(written, 'file')}`;
      if (failedFixes.length > 0) summary += `, could not fix ${failedFixes.length}`;
    }
    lines.push(summary);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const failure: CommandResult['failure'] = ok
    ? undefined
    : failedFixes.length > 0 && errors === 0
      ? { code: 'FIX_FAILED', message: `Could not write the fix for ${plural(failedFixes.length, 'file')}.` }
      : {
          code: 'INVALID_AGENTS',
          message: `${plural(errors, 'error')} in ${plural(checked.length, 'file')} checked${strict ? ' (--strict: warnings count as errors)' : ''}.`,
        };
  return { json, text: lines.join('\n'), exitCode: ok ? ExitCode.ok : ExitCode.failed, ...(failure ? { failure } : {}) };
}
