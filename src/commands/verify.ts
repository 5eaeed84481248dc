import { ExitCode } from '../core/errors.js';
import type { Lockfile } from '../core/lockfile/lockfile.js';
import { journalFolderError } from '../core/lockfile/scope-lockfile.js';
import { inspectScope } from '../core/scope/inspect.js';
import { knownBytes } from '../core/scope/known.js';
import type { Scope } from '../core/scope/scope.js';
import { type VerifyEntry, verifyInstalled } from '../core/scope/verify.js';
import type { TargetStatus } from '../core/targets/status.js';
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

const TARGET_HINT =
  'Target files: `agent-install install` restores missing ones; `agent-install diff --target <id> --base` shows local edits, which `agent-install upgrade` keeps and `install --force` replaces.';

interface VerifiedTarget extends TargetStatus {
  name: string;
  drift: boolean;
}

/** Targets: every target file the lockfile records; anything but its locked bytes is drift (an edit not with --allow-modified). */
async function verifyTargets(scope: Scope, lockfile: Lockfile, allowModified: boolean): Promise<VerifiedTarget[]> {
  const entries = Object.entries(lockfile.agents).filter(([, e]) => e.targets !== undefined);
  if (entries.length === 0) return [];
  const { targetStatuses } = await import('../core/targets/status.js');
  const out: VerifiedTarget[] = [];
  for (const [name, statuses] of targetStatuses(scope, entries))
    for (const s of statuses) out.push({ name, ...s, drift: s.status !== 'ok' && !(s.status === 'modified' && allowModified) });
  return out;
}

export async function run(ctx: CommandContext, options: VerifyOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const known = knownBytes(ctx, scope.agentsDir);
  const { report, interrupted, targets } = await readScope(ctx, scope, 'check', async (lockfile, interrupted) => ({
    report: verifyInstalled(await inspectScope(scope, lockfile, { known }), { allowModified: options.allowModified === true }),
    interrupted,
    targets: await verifyTargets(scope, lockfile, options.allowModified === true),
  }));
  const locked = report.entries.filter((e) => e.integrity !== undefined).length;
  // Targets: each other tool's file, one row each, after the agent files.
  const rows = [
    ...report.entries.map((e) => [e.status, e.name ?? '-', describe(e)]),
    ...targets.map((t) => [t.status, t.name, `${t.path} (${t.target} file${t.reason ? `; ${t.reason}` : ''})`]),
  ];
  const driftOf = (i: number) => (i < report.entries.length ? report.entries[i]!.drift : targets[i - report.entries.length]!.drift);
  const statusOf = (i: number) => (i < report.entries.length ? report.entries[i]!.status : targets[i - report.entries.length]!.status);
  const paint = (line: string, i: number) => {
    if (i === 0 || i > rows.length) return line;
    return driftOf(i - 1) ? ctx.style.red(line) : statusOf(i - 1) === 'ok' ? line : ctx.style.dim(line);
  };
  const targetDrift = targets.filter((t) => t.drift);
  const table = rows.length ? formatTable(['STATUS', 'NAME', 'PATH'], rows, ctx.style).split('\n').map(paint).join('\n') : '';
  const lockfilePath = displayPath(ctx, scope.lockfilePath);
  const checked = locked + report.entries.filter((e) => e.status === 'orphaned').length;
  const drift = report.drift + new Set(targetDrift.filter((t) => !report.entries.some((e) => e.drift && e.name === t.name)).map((t) => t.name)).size;
  const summary =
    drift > 0
      ? `${drift} of ${checked} agent${checked === 1 ? '' : 's'} differ${drift === 1 ? 's' : ''} from ${lockfilePath}${targetDrift.length > 0 ? ` (${targetDrift.length} target file${targetDrift.length === 1 ? '' : 's'})` : ''}.`
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
  const ok = drift === 0 && journal === null;
  const failure =
    journal !== null
      ? {
          code: 'INTERRUPTED_RUN' as const,
          message: drift > 0 ? `${journal} ${summary}` : journal,
          hint: 'Until then the lockfile and the files may not agree.',
        }
      : { code: 'DRIFT' as const, message: summary, hint: [hintFor(report.entries), targetDrift.length > 0 ? TARGET_HINT : ''].filter(Boolean).join(' ') };
  // -q, as `git status --porcelain`: the drifted rows alone, nothing at all when everything matches.
  const quiet = [...table.split('\n').filter((_, i) => i > 0 && i <= rows.length && driftOf(i - 1)), journal ?? ''].filter(Boolean);
  return {
    json: {
      ok,
      scope: scopeJson(scope),
      drift,
      agents: report.entries,
      ...(targets.length > 0 ? { targets } : {}),
      ...(interrupted !== null ? { interrupted } : {}),
    },
    text: (ctx.quiet ? quiet : lines).join('\n'),
    exitCode: ok ? ExitCode.ok : ExitCode.differences,
    ...(ok ? {} : { failure }),
  };
}
