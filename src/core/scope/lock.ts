import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { AgentInstallError } from '../errors.js';
import { uniqueSuffix } from '../io/atomic.js';
import { SCOPE_LOCK_NAME, type ScopeFolders } from './folders.js';

export interface LockOptions {
  /** Give up after this many milliseconds (default 60 s, or `AGENT_INSTALL_LOCK_TIMEOUT`). */
  timeoutMs?: number;
  /** Told once when the run has to wait for another one. */
  onWait?: (holder: string) => void;
  /** A lock older than this is considered abandoned even if its process seems alive (default 10 min). */
  staleMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  started: number;
  /** Unique per acquisition, so that a run only ever removes its own lock. */
  token?: string;
}

function readHolder(file: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

function isStale(file: string, staleMs: number): boolean {
  const holder = readHolder(file);
  let age: number;
  try {
    age = Date.now() - statSync(file).mtimeMs;
  } catch {
    return false; // vanished: not stale, just retry
  }
  if (age > staleMs) return true;
  if (holder === null) return age > 2_000; // a holder that never finished writing its pid
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serialises writers of one scope: the lockfile is read, planned against and written while the
 * lock is held, so concurrent runs never lose an entry. A lock left by a killed run is recovered.
 */
export async function withScopeLock<T>(folders: ScopeFolders, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  // The lock sits in the Claude folder, created (and checked) here when missing.
  const file = path.join(folders.claude.ensure(), SCOPE_LOCK_NAME);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const token = `${uniqueSuffix()}${uniqueSuffix()}`;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  let delay = 25;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), started: Date.now(), token } satisfies Holder));
      closeSync(fd);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new AgentInstallError(`Cannot lock ${folders.claude.path}: ${(error as Error).message}`, {
          code: 'IO',
          hint: 'Check the folder permissions, or choose another scope (`-g` / `-C <dir>`).',
          cause: error,
        });
      }
    }
    if (isStale(file, staleMs)) {
      breakStaleLock(file);
      continue;
    }
    const holder = readHolder(file);
    const who = holder ? `process ${holder.pid} on ${holder.host}` : 'another process';
    if (Date.now() >= deadline) {
      throw new AgentInstallError(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${file} (held by ${who}).`, {
        code: 'LOCK_TIMEOUT',
        hint: `If no other agent-install is running, delete ${file} and run the command again.`,
      });
    }
    if (!told) {
      told = true;
      options.onWait?.(who);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: after an unusually long run another process may have taken over.
    if (readHolder(file)?.token === token) {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  }
}

/**
 * Removes a lock judged stale without ever removing a live one: the file is first renamed away
 * (only one waiter can win that), and if what was renamed turns out to be a fresh lock that a
 * faster waiter created in the meantime, it is put back.
 */
function breakStaleLock(file: string): void {
  const judged = readHolder(file);
  const aside = `${file}.stale-${process.pid}-${uniqueSuffix()}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // another waiter got there first
  }
  const taken = readHolder(aside);
  if (judged !== null && taken !== null && taken.token !== judged.token) {
    try {
      linkSync(aside, file); // put the live lock back, unless yet another one exists
    } catch {
      /* the lock was re-created meanwhile: the live one wins */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* nothing left to clean */
  }
}
