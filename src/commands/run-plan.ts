import type { Lockfile } from '../core/lockfile/lockfile.js';
import type { Plan } from '../core/plan/plan.js';
import { type PlanBuilder, runTransaction } from '../core/plan/transaction.js';
import type { Scope } from '../core/scope/scope.js';
import type { CommandContext } from './context.js';
import { lockTimeout, waitMessage } from './lockfile-state.js';

/**
 * What every writing command does around its plan: say which folder it works on before anything
 * is written, then plan and apply under the scope lock (or only plan, with --dry-run).
 */
export async function runWritingPlan(
  ctx: CommandContext,
  scope: Scope,
  header: { doing: string; would: string; suffix?: string },
  build: PlanBuilder,
  options: { dryRun: boolean; rewriteLockfile?: boolean; lockfile?: Lockfile; frozen?: boolean },
): Promise<Plan> {
  ctx.out(`${options.dryRun ? header.would : header.doing} ${scope.agentsDir} (${scope.kind} scope)${header.suffix ?? ''}`);
  return runTransaction(scope, build, {
    dryRun: options.dryRun,
    records: ctx,
    ...(options.rewriteLockfile ? { rewriteLockfile: true } : {}),
    ...(options.lockfile ? { lockfile: options.lockfile } : {}),
    onWait: waitMessage(ctx),
    warn: (message) => ctx.warn(message),
    ...(options.frozen ? { frozen: true } : {}),
    ...lockTimeout(ctx),
  });
}
