import { milliseconds } from '../core/env.js';
import type { Lockfile } from '../core/lockfile/lockfile.js';
import type { Plan } from '../core/plan/plan.js';
import { type PlanBuilder, runTransaction } from '../core/plan/transaction.js';
import type { Scope } from '../core/scope/scope.js';
import type { CommandContext } from './context.js';

export function waitMessage(ctx: CommandContext): (holder: string) => void {
  return (holder) => ctx.info(`Waiting for ${holder} to finish with this scope…`);
}

/** `AGENT_INSTALL_LOCK_TIMEOUT` (milliseconds) bounds the wait for another run's lock. */
export function lockTimeout(ctx: CommandContext): { lockTimeoutMs?: number } {
  const value = milliseconds(ctx.env, 'AGENT_INSTALL_LOCK_TIMEOUT', -1);
  return value >= 0 ? { lockTimeoutMs: value } : {};
}

/**
 * What every writing command does around its plan: say which folder it works on before anything
 * is written, then plan and apply under the scope lock (or only plan, with --dry-run).
 */
export async function runWritingPlan(
  ctx: CommandContext,
  scope: Scope,
  header: { doing: string; would: string; suffix?: string },
  build: PlanBuilder,
  options: { dryRun: boolean; rewriteLockfile?: boolean; lockfile?: Lockfile },
): Promise<Plan> {
  ctx.out(`${options.dryRun ? header.would : header.doing} ${scope.agentsDir} (${scope.kind} scope)${header.suffix ?? ''}`);
  return runTransaction(scope, build, {
    dryRun: options.dryRun,
    records: ctx,
    ...(options.rewriteLockfile ? { rewriteLockfile: true } : {}),
    ...(options.lockfile ? { lockfile: options.lockfile } : {}),
    onWait: waitMessage(ctx),
    ...lockTimeout(ctx),
  });
}
