import { readConfig } from '../core/config.js';
import type { Plan } from '../core/plan/plan.js';
import type { BuiltPlan } from '../core/plan/transaction.js';
import { scopeFolders, targetsFolder } from '../core/scope/folders.js';
import { type OtherTarget, parseTargets } from '../core/targets/ids.js';
import type { TargetPlanOptions } from '../core/targets/plan.js';
import type { CommandContext } from './context.js';

/** `--target a,b` wins over the configuration's `targets`; the default is Claude Code alone. */
export function chosenTargets(ctx: CommandContext, flag: string[] | undefined): OtherTarget[] {
  if (flag !== undefined && flag.length > 0) return parseTargets(flag);
  return parseTargets(readConfig(ctx, ctx.global).targets ?? []);
}

/** Does the plan meet a target (one to add, or one an entry records)? Only then are the translations loaded. */
function meetsTargets(plan: Plan, want: readonly OtherTarget[]): boolean {
  if (want.length > 0) return plan.actions.some((a) => a.type !== 'skip' && a.type !== 'conflict');
  return plan.actions.some((a) => ('previous' in a && a.previous?.targets !== undefined) || ('entry' in a && a.entry?.targets !== undefined));
}

/** Adds the target files to a built plan (see core/targets/plan.ts); their refusals join the plan's. */
export async function withTargets(built: BuiltPlan, options: TargetPlanOptions): Promise<BuiltPlan> {
  if (!meetsTargets(built.plan, options.want)) return built;
  const { planTargets } = await import('../core/targets/plan.js');
  const refusals = await planTargets(built.plan, targetsFolder(scopeFolders(built.plan.scope)), options);
  return { ...built, refusals: [...built.refusals, ...refusals] };
}
