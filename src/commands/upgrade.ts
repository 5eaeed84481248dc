import { ExitCode } from '../core/errors.js';
import { readScopeLockfile } from '../core/lockfile/scope-lockfile.js';
import { planUpgrade, type UpgradeItem } from '../core/plan/upgrade.js';
import { fetchLockedCandidate, rememberCandidate } from '../core/resolve/locked.js';
import { resolveTarget } from '../core/resolve/target.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatConflicts, formatPlan, planJson, planSummary } from './format-plan.js';
import { runWritingPlan } from './run-plan.js';
import { selectLocked } from './select.js';

export interface UpgradeCommandOptions {
  latest?: boolean;
  force?: boolean;
  mergeMarkers?: boolean;
  dryRun?: boolean;
}

export async function run(ctx: CommandContext, names: string[], options: UpgradeCommandOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  const lockfile = readScopeLockfile(scope);
  const items: UpgradeItem[] = [];
  for (const [name, entry] of selectLocked(scope, lockfile, names)) {
    const theirs = await resolveTarget(name, entry, ctx, { latest: options.latest === true, root: scope.root });
    const base = (await fetchLockedCandidate(name, entry, ctx)).bytes;
    if (!dryRun) rememberCandidate(ctx, theirs.candidate);
    items.push({ name, entry, base, theirs });
  }
  if (items.length === 0) return { json: { ok: true, dryRun, scope: scopeJson(scope), actions: [] }, text: 'No agents are locked in this scope.' };
  const plan = await runWritingPlan(
    ctx,
    scope,
    { doing: 'Upgrading', would: 'Would upgrade' },
    (snapshot) => planUpgrade(snapshot, items, { force: options.force === true, mergeMarkers: options.mergeMarkers === true }),
    { dryRun },
  );
  const conflicts = plan.actions.filter((a) => a.type === 'conflict');
  const lines = formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose });
  if (conflicts.length > 0) lines.push('', ...formatConflicts(plan, ctx.style));
  const summary = planSummary(plan, { dryRun });
  lines.push(summary || `Updated ${displayPath(ctx, scope.lockfilePath)}`);
  if (plan.actions.some((a) => a.type === 'merge' && a.conflictMarkers)) {
    lines.push('Conflict markers were written: edit the files, then check them with `agent-install verify`.');
  }
  return {
    json: { ok: conflicts.length === 0, dryRun, scope: scopeJson(scope), actions: planJson(plan) },
    text: lines.join('\n'),
    exitCode: conflicts.length > 0 ? ExitCode.differences : ExitCode.ok,
    ...(conflicts.length > 0
      ? {
          failure: {
            code: 'MERGE_CONFLICT',
            message: `Conflicting local edits in ${conflicts.map((c) => c.name).join(', ')}; nothing was written for ${conflicts.length === 1 ? 'it' : 'them'}.`,
            hint: 'Use --merge-markers to write git-style markers and resolve them by hand, or --force to take the new version.',
          },
        }
      : {}),
  };
}
