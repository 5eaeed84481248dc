import type { Lockfile } from '../lockfile/lockfile.js';
import { type InstalledAgent, inspectScope } from '../scope/inspect.js';
import { withScopeLock } from '../scope/lock.js';
import type { Scope } from '../scope/scope.js';
import { applyPlan, assertAgentsDirInsideScope, readScopeLockfile, recoverScope } from './apply.js';
import { type Plan, planChangesAnything } from './plan.js';
import { type Refusal, refusalError } from './writes.js';

export interface TransactionOptions {
  dryRun: boolean;
  onWait?: (holder: string) => void;
  lockTimeoutMs?: number;
  /** Write the lockfile even when no entry changes (to migrate or re-sort it). */
  rewriteLockfile?: boolean;
}

export type PlanBuilder = (lockfile: Lockfile, installed: InstalledAgent[]) => { plan: Plan; refusals: Refusal[] };

/**
 * Read → plan → apply for one scope, with the scope lock held from the read to the write so
 * that concurrent runs never plan against a stale lockfile. With `dryRun` nothing is locked or
 * written. Any refusal aborts the whole plan before the first write.
 */
export async function runTransaction(scope: Scope, build: PlanBuilder, options: TransactionOptions): Promise<Plan> {
  const plan = async (lockfile: Lockfile): Promise<Plan> => {
    const { plan, refusals } = build(lockfile, await inspectScope(scope, lockfile));
    if (refusals.length > 0) throw refusalError(refusals);
    return plan;
  };
  if (options.dryRun) {
    assertAgentsDirInsideScope(scope);
    return plan(readScopeLockfile(scope));
  }
  return withScopeLock(
    scope,
    async () => {
      recoverScope(scope);
      const lockfile = readScopeLockfile(scope);
      const result = await plan(lockfile);
      if (planChangesAnything(result) || options.rewriteLockfile) applyPlan(result, lockfile);
      return result;
    },
    { ...(options.onWait ? { onWait: options.onWait } : {}), ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}) },
  );
}
