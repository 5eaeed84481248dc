import { milliseconds } from '../core/env.js';
import { AgentInstallError } from '../core/errors.js';
import type { Lockfile } from '../core/lockfile/lockfile.js';
import { conflictError, type LockfileState, loadLockfile } from '../core/lockfile/read.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../core/scope/lock-holder.js';
import type { Scope } from '../core/scope/scope.js';
import { readSteadily } from '../core/scope/steady-read.js';
import { type CommandContext, displayPath } from './context.js';

/**
 * How a command treats the lockfile it reads:
 * - `check` (verify, install --frozen): none is an error (exit 1, CI must not pass on nothing), git
 *   conflict markers are differences (exit 3);
 * - `show` (list): conflict markers are a warning, and both sides are shown merged;
 * - `use` (everything else): conflict markers are an error that says how to resolve them.
 * Every command reads the lockfile alone: a journal left by an interrupted run is the business of
 * the next writer (see core/plan/recover.ts), never of a reader.
 */
export type LockfilePolicy = 'check' | 'show' | 'use';

export function waitMessage(ctx: CommandContext): (holder: string) => void {
  return (holder) => ctx.info(`Waiting for ${holder} to finish with this scope…`);
}

/** `AGENT_INSTALL_LOCK_TIMEOUT` (milliseconds) bounds the wait for another run's lock. */
export function lockTimeout(ctx: CommandContext): { lockTimeoutMs?: number } {
  const value = milliseconds(ctx.env, 'AGENT_INSTALL_LOCK_TIMEOUT', -1);
  return value >= 0 ? { lockTimeoutMs: value } : {};
}

function lockfileOf(ctx: CommandContext, scope: Scope, policy: LockfilePolicy, state: LockfileState, warn: (message: string) => void): Lockfile {
  if (state.kind === 'missing' && policy === 'check') {
    throw new AgentInstallError(`There is no lockfile at ${displayPath(ctx, scope.lockfilePath)}: nothing to check against.`, {
      code: 'LOCKFILE_MISSING',
      hint: 'Run `agent-install add <agent>` (or `agent-install install` on a clone that has one) and commit .claude/agents.lock.json; CI checks what is committed.',
      details: { lockfile: scope.lockfilePath },
    });
  }
  if (state.kind !== 'conflicted') return state.lockfile;
  if (policy === 'show' && state.merge.conflicts.length === 0) {
    warn(`${conflictError(state).message} Showing both sides merged; \`agent-install install\` writes that merge.`);
    return state.merge.lockfile;
  }
  throw conflictError(state, { differences: policy === 'check' });
}

export function lockfileFor(ctx: CommandContext, scope: Scope, policy: LockfilePolicy): Lockfile {
  return lockfileOf(ctx, scope, policy, loadLockfile(scope.lockfilePath), ctx.warn);
}

/**
 * `use` over the lockfile and the files of a scope as they stand between writers (see
 * readSteadily): it may run more than once, and its warnings are given once, for the read that
 * counts. `interrupted` is the journal of a run that was killed, or null.
 */
export async function readScope<T>(
  ctx: CommandContext,
  scope: Scope,
  policy: LockfilePolicy,
  use: (lockfile: Lockfile, interrupted: string | null) => Promise<T>,
): Promise<T> {
  let warnings: string[] = [];
  const value = await readSteadily(
    scope,
    ({ state, interrupted }) => {
      warnings = [];
      return use(
        lockfileOf(ctx, scope, policy, state, (m) => warnings.push(m)),
        interrupted,
      );
    },
    { timeoutMs: lockTimeout(ctx).lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, onWait: waitMessage(ctx) },
  );
  for (const warning of warnings) ctx.warn(warning);
  return value;
}
