import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lock file (the scope lock, or the mutex that breaking it takes; see lock.ts), and
 * whether that holder still runs. Kept apart from lock.ts so that readers (`list`, `verify`) can
 * look at the scope lock without loading the code that writes.
 */
export interface Holder {
  pid: number;
  host: string;
  started: number;
  /** Unique per acquisition: a run only ever removes its own lock. */
  token?: string;
  /**
   * Linux: when the process started (`/proc/<pid>/stat`, field 22, clock ticks since boot). A pid
   * that now belongs to a process started at another time is not the holder: the holder is dead.
   */
  since?: string;
  /**
   * Tokens of runs of this machine that died holding the lock, which this holder took over
   * (directly, or from a run that died after taking it over): a journal one of them left is this
   * holder's to finish (see plan/recover.ts).
   */
  inherited?: string[];
  /**
   * Left by a run that released the lock with a journal still unfinished: nobody holds it, and
   * the next run takes it over at once, inheriting the tokens (see scope/lock.ts).
   */
  released?: true;
}

/** Lock tokens: 16 hex digits. */
export const TOKEN = /^[0-9a-f]{16}$/;

/** How many dead runs' tokens a lock carries on at most. */
const MAX_INHERITED = 8;

/** The tokens a run that takes over `holder`'s stale lock inherits: its own and those it inherited. */
export function inheritedFrom(holder: Holder | null): string[] {
  if (holder === null) return [];
  return [...new Set([holder.token, ...(holder.inherited ?? [])].filter((t): t is string => t !== undefined && TOKEN.test(t)))].slice(0, MAX_INHERITED);
}

/** The same file, unchanged: a new lock file (or a rewritten one) differs in one of these. */
export interface FileId {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/**
 * - free: no lock file
 * - live: a process on this machine that still runs holds it; it is never broken, however old
 * - foreign: taken on another machine (or not a regular file): never broken automatically
 * - settling: a lock file that names no holder, younger than the grace period (its writer may
 *   still be writing it)
 * - stale: its holder is a process of this machine that no longer runs, or released it with a
 *   journal left (see {@link Holder.released}), or it names no holder and has not changed for the
 *   grace period
 */
export type LockState = { kind: 'free' } | HeldState;

export interface HeldState {
  kind: 'live' | 'foreign' | 'settling' | 'stale';
  holder: Holder | null;
  /** The lock file's bytes ('' when it is no regular file). */
  text: string;
  id: FileId;
}

/** How long a run waits for the scope lock unless told otherwise (`AGENT_INSTALL_LOCK_TIMEOUT`). */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** A lock file that names no holder is judged stale only once it has not changed for this long. */
export const UNREADABLE_GRACE_MS = 2_000;

/** Lock files are a line of JSON; anything bigger is not one of ours. */
export const MAX_LOCK_BYTES = 4_096;

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

export function sameId(a: FileId, b: FileId): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

export function parseHolder(text: string): Holder | null {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    // A pid of 0 or -1 would make process.kill signal a whole process group.
    if (raw === null || typeof raw !== 'object' || !Number.isSafeInteger(raw.pid) || (raw.pid as number) <= 0 || typeof raw.host !== 'string') return null;
    return {
      pid: raw.pid as number,
      host: raw.host,
      started: typeof raw.started === 'number' ? raw.started : 0,
      ...(typeof raw.token === 'string' ? { token: raw.token } : {}),
      ...(typeof raw.since === 'string' ? { since: raw.since } : {}),
      ...(Array.isArray(raw.inherited) ? { inherited: raw.inherited.filter((t): t is string => typeof t === 'string') } : {}),
      ...(raw.released === true ? { released: true as const } : {}),
    };
  } catch {
    return null;
  }
}

/** This process's start time as {@link Holder.since} records it, or undefined off Linux. */
export function processStartOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

/** Does the process that took a lock on this machine still run? */
export function holderAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (holder.since === undefined) return true;
  const now = processStartOf(holder.pid);
  return now === undefined || now === holder.since;
}

export function thisHost(): string {
  return hostname();
}

/** The text and identity of a lock file; null when there is none. Never follows a link, never waits on a FIFO. */
function readLockFile(file: string): { text: string; id: FileId; regular: boolean } | null {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    // A symbolic link, or a folder: not a lock agent-install wrote.
    return { text: '', id: { dev: 0, ino: 0, size: 0, mtimeMs: 0 }, regular: false };
  }
  try {
    const stats = fstatSync(fd);
    const id = { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
    if (!stats.isFile()) return { text: '', id, regular: false };
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_LOCK_BYTES));
    let offset = 0;
    while (offset < buffer.length) {
      const n = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return { text: buffer.subarray(0, offset).toString('utf8'), id, regular: true };
  } catch {
    return { text: '', id: { dev: 0, ino: 0, size: 0, mtimeMs: 0 }, regular: false };
  } finally {
    closeSync(fd);
  }
}

/** What the lock file at `file` says about its holder now (see {@link LockState}). */
export function inspectLock(file: string): LockState {
  const found = readLockFile(file);
  if (found === null) return { kind: 'free' };
  const { text, id } = found;
  if (!found.regular) return { kind: 'foreign', holder: null, text, id };
  const holder = parseHolder(text);
  if (holder === null) return { kind: Date.now() - id.mtimeMs >= UNREADABLE_GRACE_MS ? 'stale' : 'settling', holder, text, id };
  if (holder.host !== thisHost()) return { kind: 'foreign', holder, text, id };
  return { kind: holder.released !== true && holderAlive(holder) ? 'live' : 'stale', holder, text, id };
}

/** `process 123 on host` for messages. */
export function describeHolder(state: LockState): string {
  if (state.kind === 'free' || state.holder === null) return 'another process';
  return `process ${state.holder.pid} on ${state.holder.host}`;
}
