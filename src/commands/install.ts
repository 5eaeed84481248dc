import { DifferencesFoundError } from '../core/errors.js';
import { readScopeLockfile } from '../core/lockfile/scope-lockfile.js';
import { sameEntry } from '../core/plan/plan.js';
import { planWrites } from '../core/plan/writes.js';
import { fetchLockedAgents, lockfileWouldChange } from '../core/resolve/locked.js';
import { run as add } from './add.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { runWritingPlan } from './run-plan.js';

export interface InstallOptions {
  frozen?: boolean;
  force?: boolean;
  dryRun?: boolean;
}

/** Codes of refusals that mean "the installed file differs from the lock". */
const DRIFT = new Set(['LOCALLY_MODIFIED', 'NOT_OWNED', 'SYMLINK_TARGET', 'NAME_TAKEN']);

/**
 * Installs exactly what the lockfile records. With specs it is `add` (as with npm).
 * `--frozen` exits 3 instead of changing the lockfile or any installed file.
 */
export async function run(ctx: CommandContext, specs: string[], options: InstallOptions): Promise<CommandResult> {
  if (specs.length > 0) return add(ctx, specs, options);
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  const frozen = options.frozen === true;
  const lockfile = readScopeLockfile(scope);
  const rewrite = lockfileWouldChange(scope.lockfilePath, lockfile);
  if (frozen && rewrite) {
    throw new DifferencesFoundError(`${scope.lockfilePath} would change (it is not in the current lockfileVersion or not in canonical form).`, {
      code: 'FROZEN_LOCKFILE_CHANGED',
      hint: 'Run `agent-install install` without --frozen and commit the rewritten lockfile.',
    });
  }
  const checked = await fetchLockedAgents(lockfile, ctx);
  const header = { doing: 'Installing into', would: 'Would install into', suffix: ` from ${displayPath(ctx, scope.lockfilePath)}` };
  const plan = await runWritingPlan(
    ctx,
    scope,
    header,
    (snapshot) => {
      const current = snapshot.lockfile;
      // Only what was fetched for the entries as they still are: a run that finished while this
      // one waited for the lock has already installed what it locked.
      const fresh = checked.filter((c) => sameEntry(current.agents[c.agent.name], lockfile.agents[c.agent.name]));
      const result = planWrites(snapshot, fresh, { force: options.force === true && !frozen });
      if (!frozen) return result;
      const drift = result.refusals.filter((r) => DRIFT.has(r.code));
      if (drift.length > 0) {
        throw new DifferencesFoundError(drift.map((r) => `${r.name}: ${r.reason}`).join('\n'), {
          code: 'FROZEN_DRIFT',
          hint: 'The installed files differ from the lockfile. See `agent-install verify`; restore them with `agent-install install --force`, or re-lock with `agent-install add`.',
          details: { drift },
        });
      }
      const relocked = result.plan.actions.filter((a) => a.type === 'update' || (a.type === 'unchanged' && !sameEntry(a.entry, a.previous)));
      if (relocked.length > 0) {
        throw new DifferencesFoundError(`The lockfile would change: ${relocked.map((a) => a.name).join(', ')}.`, {
          code: 'FROZEN_LOCKFILE_CHANGED',
          hint: 'Run `agent-install install` without --frozen and commit the rewritten lockfile.',
        });
      }
      return result;
    },
    { dryRun, rewriteLockfile: rewrite },
  );
  const lines = formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose });
  const summary = planSummary(plan, { dryRun });
  if (summary === 'Nothing to do.') lines.push(rewrite && !dryRun ? `Rewrote ${displayPath(ctx, scope.lockfilePath)}.` : 'Everything matches the lockfile.');
  else if (summary) lines.push(summary);
  else lines.push(`Installed from ${displayPath(ctx, scope.lockfilePath)}`);
  return { json: { ok: true, dryRun, frozen, scope: scopeJson(scope), actions: planJson(plan) }, text: lines.join('\n') };
}
