import { ExitCode } from '../core/errors.js';
import { journalFolderError } from '../core/lockfile/scope-lockfile.js';
import { inspectScope } from '../core/scope/inspect.js';
import { knownBytes } from '../core/scope/known.js';
import { type VerifyEntry, verifyInstalled } from '../core/scope/verify.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, formatTable, scopeJson } from './context.js';
import { readScope } from './lockfile-state.js';

export interface VerifyOptions {
  allowModified?: boolean;
}

/** The PATH column: where the file is, and what is special about it. */
function describe(e: VerifyEntry): string {
  let text = e.movedTo ? `${e.path} → ${e.movedTo}` : e.path;
  if (e.integrity === undefined && e.status !== 'orphaned') text += ' (not in the lockfile)';
  if (e.status === 'orphaned') text += e.edited ? ' (installed here, no longer in the lockfile; edited)' : ' (installed here, no longer in the lockfile)';
  if (e.status === 'behind' || e.status === 'ahead') text += ` (holds ${e.fileVersion ?? 'another version'})`;
  if (e.lineEndings) text += ` (line endings ${e.lineEndings === 'crlf' ? 'CRLF' : 'LF'} only)`;
  if (e.accepted) text += ' (accepted edits)';
  if (e.conflictMarkers) text += ' (unresolved conflict markers)';
  if (e.reason) text += ` (${e.reason})`;
  if (e.shadowedBy !== undefined) text += ` (Claude Code loads ${e.shadowedBy} instead: same name)`;
  return text;
}

/** What to do about the kinds of drift found. */
function hintFor(entries: VerifyEntry[]): string {
  const drift = entries.filter((e) => e.drift);
  const parts: string[] = [];
  if (drift.some((e) => ['behind', 'ahead', 'missing', 'moved', 'orphaned'].includes(e.status)))
    parts.push('`agent-install install` brings the files to what the lockfile records (known versions, missing, moved and removed agents).');
  if (drift.some((e) => e.status === 'modified' || e.status === 'invalid' || e.conflictMarkers))
    parts.push(
      "Edited files: `agent-install diff --base` shows the edits; `agent-install accept <name>` records them as the team's version; `agent-install install --force` restores the locked bytes; --allow-modified tolerates them.",
    );
  if (drift.some((e) => e.status === 'shadowed'))
    parts.push(
      'Another file names itself like a locked agent, and Claude Code loads that one: rename or remove it (it is not in the lockfile, so agent-install leaves it alone).',
    );
  return parts.join(' ');
}

export async function run(ctx: CommandContext, options: VerifyOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const known = knownBytes(ctx, scope.agentsDir);
  const { report, interrupted } = await readScope(ctx, scope, 'check', async (lockfile, interrupted) => ({
    report: verifyInstalled(await inspectScope(scope, lockfile, { known }), { allowModified: options.allowModified === true }),
    interrupted,
  }));
  const locked = report.entries.filter((e) => e.integrity !== undefined).length;
  const rows = report.entries.map((e) => [e.status, e.name ?? '-', describe(e)]);
  const paint = (line: string, i: number) => {
    const entry = report.entries[i - 1];
    if (!entry) return line;
    return entry.drift ? ctx.style.red(line) : entry.status === 'ok' ? line : ctx.style.dim(line);
  };
  const table = rows.length ? formatTable(['STATUS', 'NAME', 'PATH'], rows, ctx.style).split('\n').map(paint).join('\n') : '';
  const lockfilePath = displayPath(ctx, scope.lockfilePath);
  const checked = locked + report.entries.filter((e) => e.status === 'orphaned').length;
  const summary =
    report.drift > 0
      ? `${report.drift} of ${checked} agent${checked === 1 ? '' : 's'} differ${report.drift === 1 ? 's' : ''} from ${lockfilePath}.`
      : locked === 0
        ? `${lockfilePath} records no agents.`
        : locked === 1
          ? `The locked agent matches ${lockfilePath}.`
          : `All ${locked} locked agents match ${lockfilePath}.`;
  // The files may be half-way between two lockfiles: what they hold is not what the lockfile says.
  const journal = interrupted === null ? null : `An interrupted run left ${displayPath(ctx, interrupted)}; run \`agent-install install\` to finish or undo it.`;
  const lines = [table, summary, journal ?? ''].filter(Boolean);
  if (report.entries.some((e) => e.lineEndings)) {
    lines.push(
      'Some files differ from the installed bytes only in line endings (CRLF vs LF): they count as unmodified. To have git check them out as installed, add `.claude/agents/** -text` to .gitattributes.',
    );
  }
  // A folder there is nothing a run left (and never removed): say what it is, as writers do.
  const folder = interrupted === null ? null : journalFolderError(interrupted);
  if (folder !== null) throw folder;
  const ok = report.drift === 0 && journal === null;
  const failure =
    journal !== null
      ? {
          code: 'INTERRUPTED_RUN' as const,
          message: report.drift > 0 ? `${journal} ${summary}` : journal,
          hint: 'Until then the lockfile and the files may not agree.',
        }
      : { code: 'DRIFT' as const, message: summary, hint: hintFor(report.entries) };
  // -q, as `git status --porcelain`: the drifted rows alone, nothing at all when everything matches.
  const quiet = [...table.split('\n').filter((_, i) => report.entries[i - 1]?.drift === true), journal ?? ''].filter(Boolean);
  return {
    json: { ok, scope: scopeJson(scope), drift: report.drift, agents: report.entries, ...(interrupted !== null ? { interrupted } : {}) },
    text: (ctx.quiet ? quiet : lines).join('\n'),
    exitCode: ok ? ExitCode.ok : ExitCode.differences,
    ...(ok ? {} : { failure }),
  };
}
