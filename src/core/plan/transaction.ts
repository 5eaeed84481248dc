import type { Lockfile } from '../lockfile/lockfile.js';
import { readScopeLockfile, recoverScope } from '../lockfile/scope-lockfile.js';
import { scopeFolders } from '../scope/folders.js';
import { withScopeLock } from '../scope/lock.js';
import type { Scope } from '../scope/scope.js';
import { type ScopeSnapshot, takeSnapshot } from '../scope/snapshot.js';
import { applyPlan, checkPlanPaths } from './apply.js';
import { type Plan, planChangesAnything } from './plan.js';
import { type Refusal, refusalError } from './refusals.js';

export interface TransactionOptions {
  dryRun: boolean;
  onWait?: (holder: string) => void;
  lockTimeoutMs?: number;
  /** Write the lockfile even when no entry changes (to migrate or re-sort it). */
  rewriteLockfile?: boolean;
}

/** A planner: a pure function of the scope's snapshot (and of what the command fetched before). */
export type PlanBuilder = (snapshot: ScopeSnapshot) => { plan: Plan; refusals: Refusal[] };

/**
 * Snapshot → plan → apply for one scope, with the scope lock held from the snapshot to the
 * write, so that concurrent runs never plan against a stale lockfile. With `dryRun` nothing is
 * locked or written, but every path is checked as the real run would check it. Any refusal
 * aborts the whole plan before the first write.
 */
export async function runTransaction(scope: Scope, build: PlanBuilder, options: TransactionOptions): Promise<Plan> {
  const folders = scopeFolders(scope);
  const plan = async (lockfile: Lockfile): Promise<Plan> => {
    const { plan, refusals } = build(await takeSnapshot(scope, lockfile));
    if (refusals.length > 0) throw refusalError(refusals);
    checkPlanPaths(plan, folders);
    return plan;
  };
  if (options.dryRun) return plan(readScopeLockfile(scope));
  return withScopeLock(
    folders,
    async () => {
      recoverScope(scope, folders);
      const lockfile = readScopeLockfile(scope);
      const result = await plan(lockfile);
      if (planChangesAnything(result) || options.rewriteLockfile) applyPlan(result, lockfile, folders);
      return result;
    },
    { ...(options.onWait ? { onWait: options.onWait } : {}), ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}) },
  );
}
