import type { Lockfile } from '../lockfile/lockfile.js';
import { readLockfile } from '../lockfile/read.js';
import { interruptedRunError, journalExists, journalPath } from '../lockfile/scope-lockfile.js';
import { scopeFolders } from '../scope/folders.js';
import { readInstalledState, writeInstalledState } from '../scope/installed.js';
import { knownBytes, NOTHING_KNOWN } from '../scope/known.js';
import { withScopeLock } from '../scope/lock.js';
import type { Scope } from '../scope/scope.js';
import { type ScopeSnapshot, takeSnapshot } from '../scope/snapshot.js';
import type { SourceContext } from '../sources/types.js';
import { applyPlan, checkPlanPaths } from './apply.js';
import { nextInstalledState } from './installed-record.js';
import { type Plan, planChangesAnything } from './plan.js';
import { recoverScope } from './recover.js';
import { type Refusal, refusalError } from './refusals.js';

export interface TransactionOptions {
  dryRun: boolean;
  /**
   * Where this machine keeps what it installed (the user cache, see scope/installed.ts): read to
   * know versions and agents this clone installed, written after every run that applies a plan.
   */
  records?: SourceContext;
  onWait?: (holder: string) => void;
  /** Told when a journal that does not belong to the lockfile is ignored. */
  warn?: (message: string) => void;
  lockTimeoutMs?: number;
  /** `install --frozen`: an interrupted run's journal is an error, never recovered. */
  frozen?: boolean;
  /** Write the lockfile even when no entry changes (to migrate or re-sort it). */
  rewriteLockfile?: boolean;
  /** Plan against this lockfile instead of the one on disk (`install` resolving git conflict markers there). */
  lockfile?: Lockfile;
}

/**
 * A planner: a pure function of the scope's snapshot and of what the command fetched. It may
 * fetch what only the snapshot shows it needs (`install` fetching the agents a clone lacks), with
 * the scope lock held.
 */
export type PlanBuilder = (snapshot: ScopeSnapshot) => BuiltPlan | Promise<BuiltPlan>;

export interface BuiltPlan {
  plan: Plan;
  refusals: Refusal[];
  /**
   * Work that must succeed before any file is committed (validating thousands of fetched agents):
   * it runs while the files are written under temporary names, and a failure writes nothing.
   */
  check?: () => Promise<void>;
}

/**
 * Snapshot → plan → apply for one scope, with the scope lock held from the snapshot to the
 * write, so that concurrent runs never plan against a stale lockfile. With `dryRun` nothing is
 * locked or written, but every path is checked as the real run would check it. Any refusal
 * aborts the whole plan before the first write.
 */
export async function runTransaction(scope: Scope, build: PlanBuilder, options: TransactionOptions): Promise<Plan> {
  const folders = scopeFolders(scope);
  const records = options.records;
  const state = records ? readInstalledState(records, scope.agentsDir) : undefined;
  const known = records ? knownBytes(records, scope.agentsDir, state) : NOTHING_KNOWN;
  let snapshot: ScopeSnapshot | undefined;
  const plan = async (lockfile: Lockfile): Promise<BuiltPlan> => {
    snapshot = await takeSnapshot(scope, lockfile, known);
    const built = await build(snapshot);
    if (built.refusals.length > 0) throw refusalError(built.refusals);
    checkPlanPaths(built.plan, folders);
    return built;
  };
  const current = () => options.lockfile ?? readLockfile(scope.lockfilePath);
  if (options.dryRun) {
    if (options.frozen && journalExists(scope)) throw interruptedRunError(journalPath(scope));
    const built = await plan(current());
    await built.check?.();
    return built.plan;
  }
  return withScopeLock(
    folders,
    async (held) => {
      const { token, inherited } = held;
      recoverScope(scope, folders, { inherited, ...(options.frozen ? { frozen: true } : {}), ...(options.warn ? { warn: options.warn } : {}) });
      const lockfile = current();
      const { plan: result, check } = await plan(lockfile);
      let next = lockfile;
      if (planChangesAnything(result) || options.rewriteLockfile)
        next = await applyPlan(result, lockfile, folders, {
          token,
          onJournal: () => {
            held.wroteJournal = true;
          },
          ...(check ? { whilePreparing: check } : {}),
        });
      else await check?.();
      if (records && state && snapshot) writeInstalledState(records, scope.agentsDir, nextInstalledState(state, snapshot, result, next));
      return result;
    },
    { ...(options.onWait ? { onWait: options.onWait } : {}), ...(options.lockTimeoutMs !== undefined ? { timeoutMs: options.lockTimeoutMs } : {}) },
  );
}
