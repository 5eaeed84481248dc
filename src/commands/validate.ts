import { chmodSync, realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import {
  type AgentCheck,
  type AgentReport,
  agentReport,
  checkAgentBytes,
  duplicateNameIssues,
  type EffectiveAgent,
  fixAgentText,
  type Issue,
  type IssueCode,
  type NamedFile,
  reportOf,
  type Severity,
  shadowed,
} from '../core/agent/validate.js';
import { AgentInstallError, type ErrorCode, ExitCode, isAgentInstallError } from '../core/errors.js';
import { type BoundedRead, MAX_AGENT_FILE_BYTES, readFileBounded } from '../core/io/bounded-read.js';
import { GuardedFolder } from '../core/io/guarded-folder.js';
import { Spool } from '../core/io/spool.js';
import { onceEach, scanAgentsTree } from '../core/scope/scan.js';
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

/** A path given on the command line. */
interface Given {
  /** As the user wrote it (normalised). */
  display: string;
  /** The folder given, or a file's own folder: `--fix` writes only inside it. */
  root: string;
  /** Duplicate names are looked for within one group: one folder argument, or all file arguments. */
  group: number;
  folder: boolean;
}

/**
 * One file to check: where it is, its path below the folder given, and that folder. How the user
 * sees its path is made when it is needed (a run over a tree of 20,000 files holds 20,000 of these).
 */
class Target {
  constructor(
    readonly file: string,
    readonly relative: string,
    readonly given: Given,
  ) {}

  get display(): string {
    return this.given.folder ? path.join(this.given.display, ...this.relative.split('/')) : this.given.display;
  }

  get root(): string {
    return this.given.root;
  }

  get group(): number {
    return this.given.group;
  }
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
function collectTargets(ctx: CommandContext, paths: string[]): { targets: Target[]; special: Checked[]; registryDocs: string[] } {
  const missing: string[] = [];
  const targets: Target[] = [];
  const registryDocs: string[] = [];
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
      const folder: Given = { display, root: absolute, group: index, folder: true };
      const scanned = scanAgentsTree(absolute);
      // A registry's `<name>/<version>.md`: the other `.md` files beside the versions (a CHANGELOG,
      // a README) document them; they are no agents, and the registry never serves them.
      const versionFolders = new Set(scanned.filter((file) => isRegistryVersion(file.relative)).map((file) => parentOf(file.relative)));
      for (const file of scanned) {
        if (versionFolders.has(parentOf(file.relative)) && !isRegistryVersion(file.relative))
          registryDocs.push(path.join(display, ...file.relative.split('/')));
        else targets.push(new Target(file.file, file.relative, folder));
      }
    } else if (stats.isFile()) {
      targets.push(new Target(absolute, path.basename(absolute), { display, root: path.dirname(absolute), group: fileGroup, folder: false }));
    } else {
      // A FIFO or a device would block or never end; Claude Code does not read them either.
      const target = new Target(absolute, path.basename(absolute), { display, root: path.dirname(absolute), group: fileGroup, folder: false });
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
  return { targets, special, registryDocs };
}

const parentOf = (relative: string): string => relative.slice(0, Math.max(0, relative.lastIndexOf('/')));

/** The one buffer every file is read into (a file's bytes are needed only while it is checked and fixed). */
const scratch = Buffer.allocUnsafe(MAX_AGENT_FILE_BYTES);

function checkTarget(target: Target): Checked {
  const base = path.basename(target.file);
  const isMarkdown = base.endsWith('.md');
  let read: BoundedRead;
  try {
    read = readFileBounded(target.file, MAX_AGENT_FILE_BYTES, { scratch });
  } catch (error) {
    const message = isAgentInstallError(error) ? error.message : String(error);
    return { target, skipped: true, issues: [issue('error', 'unreadable', message, 'check that the file exists and is readable')] };
  }
  const check = checkAgentBytes(read.bytes ?? new Uint8Array(0), {
    ...(isMarkdown ? { fileName: base } : {}),
    size: read.size,
    ...(isRegistryVersion(target.relative) ? { registryLayout: true } : {}),
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
const isRegistryVersion = (relative: string): boolean => REGISTRY_LAYOUT.test(relative);

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, style: 2 };
const sortIssues = <T extends { line: number; column: number; severity: Severity }>(issues: T[]): T[] =>
  issues.sort((a, b) => a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

/** The effective agent of a file that was not read. */
const UNREAD: EffectiveAgent = { loaded: false, tools: { kind: 'all' }, dropped: [] };

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
 * Output in chunks of about this size: one write per file would cost a system call each, and a
 * much larger chunk would be a large string, garbage that only a full collection frees.
 */
const FLUSH_AT = 16 * 1024;

/** Text written as it is made, in blocks separated by one empty line. */
class Printer {
  private buffered = '';
  private started = false;

  constructor(private readonly write: (text: string) => void) {}

  /** Lines that belong together; an empty line before them when anything came before. */
  block(lines: string[]): void {
    if (lines.length === 0) return;
    this.buffered += `${this.started ? '\n' : ''}${lines.join('\n')}\n`;
    this.started = true;
    if (this.buffered.length >= FLUSH_AT) this.flush();
  }

  /** One line with no empty line around it (`file  ok`). */
  line(text: string): void {
    this.buffered += `${text}\n`;
    this.started = true;
    if (this.buffered.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buffered === '') return;
    this.write(this.buffered);
    this.buffered = '';
  }
}

/** `JSON.stringify(value, null, 2)` as it reads `depth` levels down in a document of that form. */
const indented = (value: unknown, depth: number): string =>
  `${'  '.repeat(depth)}${JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`)}`;

/** A file of the run hidden by another file of its tree with the same name. */
interface Shadowed {
  issue: ValidateIssue;
  winner: string;
  reason: string;
}

/**
 * The `--json` document of a run: per file, its issues and its effective agent are serialised as
 * soon as the file is checked and spooled (src/core/io/spool.ts), so that memory stays flat over
 * tens of thousands of files; the document is written at the end, the files hidden by a duplicate
 * name patched on the way.
 */
class JsonDocument {
  private readonly issues = new Spool('agent-install-validate-');
  private readonly agents = new Spool('agent-install-validate-');

  /** One file's issues and agent: the n-th call is the n-th file of the run. */
  add(issues: ValidateIssue[], agent: AgentReport & { file: string }): void {
    this.issues.add(issues.map((i) => indented(i, 2)).join(',\n'));
    this.agents.add(indented(agent, 2));
  }

  write(write: (text: string) => void, head: Record<string, unknown>, shadowedFiles: Map<number, Shadowed>, tail: Record<string, unknown>): void {
    try {
      const start = JSON.stringify(head, null, 2);
      write(`${start.slice(0, -2)},\n  "issues": [`);
      let first = true;
      let index = 0;
      for (let fragment of this.issues.fragments()) {
        const hidden = shadowedFiles.get(index++);
        if (hidden) {
          const list = fragment === '' ? [] : (JSON.parse(`[${fragment}]`) as ValidateIssue[]);
          fragment = sortIssues([...list, hidden.issue])
            .map((i) => indented(i, 2))
            .join(',\n');
        }
        if (fragment === '') continue;
        write(`${first ? '\n' : ',\n'}${fragment}`);
        first = false;
      }
      write(`${first ? '' : '\n  '}],\n  "agents": [`);
      first = true;
      index = 0;
      for (let fragment of this.agents.fragments()) {
        const hidden = shadowedFiles.get(index++);
        if (hidden) {
          const { file, ...agent } = JSON.parse(fragment) as AgentReport & { file: string };
          fragment = indented({ file, ...shadowed(agent, hidden.winner, hidden.reason) }, 2);
        }
        write(`${first ? '\n' : ',\n'}${fragment}`);
        first = false;
      }
      write(`${first ? '' : '\n  '}]`);
      for (const [key, value] of Object.entries(tail)) write(`,\n  ${JSON.stringify(key)}: ${indented(value, 1).trimStart()}`);
      write('\n}');
    } finally {
      this.close();
    }
  }

  close(): void {
    this.issues.close();
    this.agents.close();
  }
}

/**
 * `validate <path...>`: files and folders (scanned like Claude Code scans an agents folder)
 * checked against Claude Code's rules; `--fix` rewrites what is safe; exit 1 on errors.
 *
 * Each file is read, checked (and fixed) and its issues printed before the next one is read: a
 * run over many files holds no parsed documents, only the names of loaded files (for the
 * duplicate rule, reported after the files) and, for `--json`, what the document needs.
 */
export async function run(ctx: CommandContext, paths: string[], options: ValidateOptions): Promise<CommandResult> {
  const strict = options.strict === true;
  const fix = options.fix === true;
  const dryRun = fix && options.dryRun === true;
  if (options.dryRun && !fix) ctx.warn('--dry-run changes nothing without --fix: validate alone never writes');
  const { targets, special, registryDocs } = collectTargets(ctx, paths);
  if (ctx.verbose) for (const doc of registryDocs) ctx.info(`${doc}: documentation beside a registry's versions, not an agent file (not checked)`);
  const queue: Array<Target | Checked> = [...(paths.length > 1 ? onceEach(targets) : targets), ...special];
  if (queue.length === 0) ctx.warn(`no agent files (*.md) in ${paths.join(', ')}`);
  // The diff library loads only for --fix --dry-run.
  const textDiff = dryRun ? await import('../core/diff/text-diff.js') : undefined;

  const { style } = ctx;
  const printer = new Printer((text) => ctx.stream(text));
  const document = ctx.json ? new JsonDocument() : undefined;
  const fixes: FixReport[] = [];
  /** Registry folders (`<group>\0<name folder>`) that have a version in `named`. */
  const versionFolders = new Set<string>();
  /** Loaded files by tree, for the duplicate rule: Claude Code keys agents on `name`. */
  const named = new Map<number, NamedFile[]>();
  const counts = { files: queue.length, error: 0, warning: 0, style: 0, skipped: 0, strictWarnings: 0 };
  const formatIssue = (display: string, found: Issue): ValidateIssue => ({
    file: display,
    line: found.line,
    column: found.column,
    // --strict: every warning fails the run like an error does (style advice stays advice).
    severity: strict && found.severity === 'warning' ? 'error' : found.severity,
    code: found.code,
    message: found.message,
    fix: found.fix ?? null,
  });
  const printIssues = (issues: ValidateIssue[]) => {
    const lines: string[] = [];
    for (const i of issues) {
      const severity =
        i.severity === 'error'
          ? style.red(i.severity.padEnd(7))
          : i.severity === 'warning'
            ? style.yellow(i.severity.padEnd(7))
            : style.dim(i.severity.padEnd(7));
      lines.push(`${i.file}:${i.line}:${i.column}  ${severity}  ${style.dim(i.code)}  ${i.message}`);
      if (i.fix) lines.push(`  ${style.dim('fix:')} ${i.fix}`);
    }
    printer.block(lines);
  };

  try {
    for (let index = 0; index < queue.length; index++) {
      const item = queue[index]!;
      const entry = 'target' in item ? item : checkTarget(item);
      queue[index] = entry.target; // the parsed document goes with this iteration
      const report = fix ? fixFile(ctx, entry, textDiff) : undefined;
      if (report) {
        fixes.push(report);
        if (report.diff !== undefined) {
          printer.block([report.diff]);
          if (!ctx.json) delete report.diff;
        }
      }
      const check = entry.check;
      const display = entry.target.display;
      const loaded = check?.agent && !entry.skipped ? check.agent : undefined;
      // The versions of one registry agent (`<name>/<version>.md`) never load side by side: one of
      // them stands for the folder in the duplicate rule, against the other agents of the tree.
      const versions =
        loaded && entry.target.given.folder && isRegistryVersion(entry.target.relative)
          ? `${entry.target.group}\0${parentOf(entry.target.relative)}`
          : undefined;
      if (loaded && (versions === undefined || !versionFolders.has(versions))) {
        if (versions !== undefined) versionFolders.add(versions);
        const list = named.get(entry.target.group) ?? [];
        list.push({
          // A flat copy: the path as built is a chain of pieces several times its size.
          file: JSON.parse(JSON.stringify(display)) as string,
          sortKey: entry.target.file,
          index, // its place in the --json document too
          // A copy: the name may be a slice of the file's text, which it would keep alive.
          name: JSON.parse(JSON.stringify(loaded.name)) as string,
          at: check!.document.keyPosition('name') ?? { line: 1, column: 1 },
        });
        named.set(entry.target.group, list);
      }
      const issues = sortIssues(entry.issues).map((found) => formatIssue(display, found));
      for (const i of issues) counts[i.severity]++;
      if (strict) counts.strictWarnings += entry.issues.filter((i) => i.severity === 'warning').length;
      if (entry.skipped) counts.skipped++;
      if (document) {
        const effective = check ? reportOf(check) : agentReport(UNREAD, issues.find((i) => i.severity === 'error')?.message ?? null);
        if (entry.skipped && effective.loaded) {
          // Checked, but a name that does not end in `.md`: Claude Code never reads it.
          effective.loaded = false;
          effective.reason = issues.find((i) => i.code === 'not-markdown-file')?.message ?? 'Claude Code would not read this file';
        }
        document.add(issues, { file: display, ...effective });
      } else if (issues.length > 0) printIssues(issues);
      else if (ctx.verbose && !ctx.quiet) printer.line(`${display}  ${style.green('ok')}`);
    }
  } catch (error) {
    document?.close();
    throw error;
  }

  // Of several loaded files of one tree with the same name, Claude Code loads the last by path.
  const shadowedFiles = new Map<number, Shadowed>();
  for (const list of named.values()) {
    for (const { file, issue: duplicate, winner, index } of duplicateNameIssues(list)) {
      const formatted = formatIssue(file, duplicate);
      counts[formatted.severity]++;
      counts.skipped++;
      if (document) shadowedFiles.set(index!, { issue: formatted, winner, reason: `duplicate-name: ${duplicate.message}` });
      else printIssues([formatted]);
    }
  }

  const failedFixes = fixes.filter((f) => f.error !== undefined);
  const errors = counts.error;
  const ok = errors === 0 && failedFixes.length === 0;
  const failure: CommandResult['failure'] = ok
    ? undefined
    : failedFixes.length > 0 && errors === 0
      ? { code: 'FIX_FAILED', message: `Could not write the fix for ${plural(failedFixes.length, 'file')}.` }
      : {
          code: 'INVALID_AGENTS',
          message: `${plural(errors, 'error')} in ${plural(counts.files, 'file')} checked${strict ? ' (--strict: warnings count as errors)' : ''}.`,
        };
  const exit = { exitCode: ok ? ExitCode.ok : ExitCode.failed, ...(failure ? { failure } : {}) };

  if (document) {
    const head = { ok, files: counts.files, errors, warnings: counts.warning, style: counts.style, skipped: counts.skipped };
    const tail: Record<string, unknown> = {};
    if (fix) tail.fixes = fixes;
    if (failure) tail.error = failure;
    return { json: null, writeJson: (write) => document.write(write, head, shadowedFiles, tail), text: '', ...exit };
  }

  const fixLines: string[] = [];
  for (const report of fixes) {
    if (report.error) {
      fixLines.push(`${style.red('not fixed')}  ${report.file}: ${report.error.message}${report.error.hint ? ` (${report.error.hint})` : ''}`);
    } else if (!ctx.quiet) {
      fixLines.push(`${style.green(dryRun ? 'would fix' : 'fixed')}  ${report.file}: ${report.changes.join('; ')}`);
    }
  }
  printer.block(fixLines);
  if (!ctx.quiet) {
    let summary = `${plural(counts.files, 'file')} checked: ${plural(errors, 'error')}, ${plural(counts.warning, 'warning')}${counts.style > 0 ? `, ${counts.style} style` : ''}`;
    const notes: string[] = [];
    if (strict && counts.strictWarnings > 0) notes.push('--strict: warnings count as errors');
    notes.push(counts.skipped === 0 ? 'Claude Code would load every file' : `Claude Code would skip ${plural(counts.skipped, 'file')}`);
    summary += ` (${notes.join('; ')})`;
    if (fix) {
      const written = fixes.filter((f) => f.written).length;
      summary += dryRun ? `; would fix ${plural(fixes.length, 'file')}, nothing was written` : `; fixed ${plural(written, 'file')}`;
      if (failedFixes.length > 0) summary += `, could not fix ${failedFixes.length}`;
    }
    printer.block([summary]);
  }
  printer.flush();
  return { json: null, text: '', ...exit };
}
