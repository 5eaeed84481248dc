import { lstatSync } from 'node:fs';
import path from 'node:path';
import { seconds } from '../duration.js';
import { AgentInstallError } from '../errors.js';
import { type LockfileState, loadLockfile } from '../lockfile/read.js';
import { journalPath } from '../lockfile/scope-lockfile.js';
import { SCOPE_LOCK_NAME } from './file-names.js';
import { describeHolder, inspectLock, type LockState } from './lock-holder.js';
import type { Scope } from './scope.js';

/** What a reader sees of a scope it does not lock. */
export interface ScopeReading {
  state: LockfileState;
  /** The journal a run left that no longer runs (its path), else null: the files may be half-way between two lockfiles. */
  interrupted: string | null;
}

export interface SteadyReadOptions {
  /** Give up waiting for a writer after this many milliseconds (the scope lock's timeout). */
  timeoutMs: number;
  onWait?: (holder: string) => void;
}

/** Reads that found the scope changed under them, before giving up. */
const MAX_ATTEMPTS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function statKey(file: string): string {
  try {
    const s = lstatSync(file, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.mode}`;
  } catch (error) {
    return `none:${(error as NodeJS.ErrnoException).code}`;
  }
}

/** Everything a writer changes when it commits: the scope lock, the journal, the lockfile (a new inode each time it is written). */
function fingerprint(scope: Scope, lock: LockState): { key: string; journal: boolean } {
  const journal = statKey(journalPath(scope));
  return { key: JSON.stringify([lock.kind === 'free' ? null : lock.text, journal, statKey(scope.lockfilePath)]), journal: !journal.startsWith('none:') };
}

const settled = (lock: LockState) => lock.kind === 'free' || lock.kind === 'stale';

/**
 * Runs `read` over a consistent view of a scope without taking its lock. Writers rename every
 * file into place (each is old or new), write the lockfile last and hold the scope lock
 * throughout; the one false picture a reader could get is files of a run in progress beside the
 * lockfile before it. So: wait while a live writer holds the lock (bounded by the lock's
 * timeout), note the lock, the journal and the lockfile's identity, read, and note them again;
 * when anything changed (a writer began, finished or was in the middle), read again — any error
 * of the read (a file renamed away under it) counts only when nothing changed. A lock left by a
 * dead run holds nobody back; its journal, if any, is reported as `interrupted`.
 */
export async function readSteadily<T>(scope: Scope, read: (reading: ScopeReading) => Promise<T> | T, options: SteadyReadOptions): Promise<T> {
  const lockFile = path.join(scope.claudeDir, SCOPE_LOCK_NAME);
  const deadline = Date.now() + options.timeoutMs;
  let told = false;
  let delay = 10;
  for (let attempt = 1; ; attempt++) {
    const lock = inspectLock(lockFile);
    if (!settled(lock)) {
      if (Date.now() >= deadline) {
        throw new AgentInstallError(`Timed out after ${seconds(options.timeoutMs)} waiting for ${describeHolder(lock)} to finish writing ${scope.claudeDir}.`, {
          code: 'LOCK_TIMEOUT',
          hint: `A run that writes this scope holds ${lockFile}; its files are half-way until it finishes. Run the command again when it is done (\`AGENT_INSTALL_LOCK_TIMEOUT\` sets how long to wait, in ms).`,
          details: { lock: lockFile },
        });
      }
      if (!told) {
        told = true;
        options.onWait?.(describeHolder(lock));
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 100);
      continue;
    }
    const before = fingerprint(scope, lock);
    let outcome: { value: T } | { error: unknown };
    try {
      const state = loadLockfile(scope.lockfilePath);
      const interrupted = before.journal ? journalPath(scope) : null;
      outcome = { value: await read({ state, interrupted }) };
    } catch (error) {
      outcome = { error };
    }
    const after = inspectLock(lockFile);
    if (settled(after) && fingerprint(scope, after).key === before.key) {
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    }
    if (attempt >= MAX_ATTEMPTS || Date.now() >= deadline) {
      throw new AgentInstallError(`${scope.lockfilePath} changed while it was read, ${attempt} times: other runs keep writing this scope.`, {
        code: 'LOCK_TIMEOUT',
        hint: 'Run the command again when they are done.',
        details: { lockfile: scope.lockfilePath, attempts: attempt },
      });
    }
    delay = 10;
  }
}
