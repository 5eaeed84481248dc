import { planRemove } from '../core/plan/remove.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { runWritingPlan } from './run-plan.js';
import { withTargets } from './targets.js';

export interface RemoveOptions {
  force?: boolean;
  dryRun?: boolean;
}

export async function run(ctx: CommandContext, names: string[], options: RemoveOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  const plan = await runWritingPlan(
    ctx,
    scope,
    { doing: 'Removing from', would: 'Would remove from' },
    // Targets: every target file of the agent goes too (owned and unedited, or with --force).
    (snapshot) =>
      withTargets(planRemove(snapshot, names, { force: options.force === true }), {
        want: [],
        strict: false,
        force: options.force === true,
        source: () => undefined,
      }),
    { dryRun },
  );
  const lines = formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose, quiet: ctx.quiet });
  const summary = planSummary(plan, { dryRun });
  if (!ctx.quiet) lines.push(summary || `Updated ${displayPath(ctx, scope.lockfilePath)}`);
  return { json: { ok: true, dryRun, scope: scopeJson(scope), actions: planJson(plan) }, text: lines.join('\n') };
}
