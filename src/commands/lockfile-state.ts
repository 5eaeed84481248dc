import { AgentInstallError } from '../core/errors.js';
import type { Lockfile } from '../core/lockfile/lockfile.js';
import { conflictError } from '../core/lockfile/read.js';
import { loadScopeLockfile } from '../core/lockfile/scope-lockfile.js';
import type { Scope } from '../core/scope/scope.js';
import { type CommandContext, displayPath } from './context.js';

/**
 * How a command treats the lockfile it reads:
 * - `check` (verify, install --frozen): none is an error (exit 1, CI must not pass on nothing), git
 *   conflict markers are differences (exit 3);
 * - `show` (list): conflict markers are a warning, and both sides are shown merged;
 * - `use` (everything else): conflict markers are an error that says how to resolve them.
 */
export type LockfilePolicy = 'check' | 'show' | 'use';

export function lockfileFor(ctx: CommandContext, scope: Scope, policy: LockfilePolicy): Lockfile {
  const state = loadScopeLockfile(scope);
  if (state.kind === 'missing' && policy === 'check') {
    throw new AgentInstallError(`There is no lockfile at ${displayPath(ctx, scope.lockfilePath)}: nothing to check against.`, {
      code: 'LOCKFILE_MISSING',
      hint: 'Run `agent-install add <agent>` (or `agent-install install` on a clone that has one) and commit .claude/agents.lock.json; CI checks what is committed.',
      details: { lockfile: scope.lockfilePath },
    });
  }
  if (state.kind !== 'conflicted') return state.lockfile;
  if (policy === 'show' && state.merge.conflicts.length === 0) {
    ctx.warn(`${conflictError(state).message} Showing both sides merged; \`agent-install install\` writes that merge.`);
    return state.merge.lockfile;
  }
  throw conflictError(state, { differences: policy === 'check' });
}
