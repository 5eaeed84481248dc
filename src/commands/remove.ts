import { planRemove } from '../core/remove.js';
import { runTransaction } from '../core/transaction.js';
import { commandScope, displayPath, scopeJson, type CommandContext, type CommandResult } from './command.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { lockTimeout, waitMessage } from './shared.js';

export interface RemoveOptions {
  force?: boolean;
  dryRun?: boolean;
}

export default async function remove(ctx: CommandContext, names: string[], options: RemoveOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  ctx.out(`${dryRun ? 'Would remove from' : 'Removing from'} ${scope.agentsDir} (${scope.kind} scope)`);
  const plan = await runTransaction(scope, (lockfile, installed) => planRemove(scope, lockfile, installed, names, { force: options.force === true }), {
    dryRun,
    onWait: waitMessage(ctx),
    ...lockTimeout(ctx),
  });
  const lines = formatPlan(plan, ctx.style, { dryRun });
  const summary = planSummary(plan, { dryRun });
  lines.push(summary || `Updated ${displayPath(ctx, scope.lockfilePath)}`);
  return { json: { ok: true, dryRun, scope: scopeJson(scope), actions: planJson(plan) }, text: lines.join('\n') };
}
