import { closeSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { seconds } from '../duration.js';
import { AgentInstallError } from '../errors.js';
import { tempPathFor, uniqueSuffix } from '../io/atomic.js';
import { readTextBounded } from '../io/bounded-read.js';
import { JOURNAL_NAME, SCOPE_LOCK_NAME, type ScopeFolders } from './folders.js';
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  describeHolder,
  type HeldState,
  type Holder,
  holderAlive,
  inheritedFrom,
  inspectLock,
  type LockState,
  MAX_LOCK_BYTES,
  parseHolder,
  processStartOf,
  sameId,
  thisHost,
} from './lock-holder.js';

export interface LockOptions {
  /** Give up after this many milliseconds (default 60 s, or `AGENT_INSTALL_LOCK_TIMEOUT`). */
  timeoutMs?: number;
  /** Told once when the run has to wait for another one. */
  onWait?: (holder: string) => void;
}

/** What the function run under the lock learns about it. */
export interface HeldLock {
  /** This acquisition's token, as the lock file records it (the journal records it too). */
  token: string;
  /** Tokens of dead runs whose stale lock this run took over (see {@link Holder.inherited}). */
  inherited: string[];
  /** Set by the run once it has written a journal of its own. */
  wroteJournal: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function holderText(token: string, inherited: string[] = []): string {
  const since = processStartOf(process.pid);
  const holder: Holder = { pid: process.pid, host: thisHost(), started: Date.now(), token, ...(since !== undefined ? { since } : {}) };
  return JSON.stringify(inherited.length > 0 ? { ...holder, inherited } : holder);
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function lockIoError(folder: string, error: unknown): AgentInstallError {
  return new AgentInstallError(`Cannot lock ${folder}: ${(error as Error).message}`, {
    code: 'IO',
    hint: 'Check the folder permissions, or choose another scope (`-g` / `-C <dir>`).',
    cause: error,
  });
}

/**
 * Creates `file` holding `text`, whole or not at all: the text goes to a temporary file that is
 * then hard-linked to `file` (link() fails when `file` exists), so no lock file is ever seen
 * without its holder. Where hard links are unsupported, an exclusive create, then the write.
 * Returns false when `file` exists.
 */
function createWhole(file: string, text: string): boolean {
  const temp = tempPathFor(file);
  try {
    writeFileSync(temp, text, { flag: 'wx' });
    try {
      linkSync(temp, file);
      return true;
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      /* never created */
    }
  }
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function timeoutError(file: string, timeoutMs: number, state: LockState): AgentInstallError {
  const who = describeHolder(state);
  const hint =
    state.kind === 'foreign' && state.holder !== null
      ? `The lock was taken on another machine (${state.holder.host}), where agent-install cannot tell whether it still runs, so it never removes it. If you are sure no agent-install runs there, delete ${file} and run the command again.`
      : state.kind === 'foreign'
        ? `${file} is not a lock file agent-install wrote (a link or a folder). If you are sure no agent-install runs, delete it and run the command again.`
        : state.kind === 'live'
          ? `${who} is still running (a stopped job? see \`jobs\`); agent-install never breaks the lock of a running process. Let it finish or end it, then run the command again.`
          : `If no other agent-install is running, delete ${file} and run the command again.`;
  return new AgentInstallError(`Timed out after ${seconds(timeoutMs)} waiting for ${file} (held by ${who}).`, {
    code: 'LOCK_TIMEOUT',
    hint,
    details: { lock: file, ...(state.kind !== 'free' && state.holder ? { holder: state.holder } : {}) },
  });
}

/**
 * Serialises writers of one scope: the lockfile is read, planned against and written while the
 * lock is held, so concurrent runs never lose an entry. A lock is taken over only when its holder
 * is a process of this machine that no longer runs (or it names no holder and has not changed
 * for two seconds), never for its age: a run stopped with Ctrl-Z for an hour still holds it. A
 * lock taken on another machine is never broken; waiting for it times out with a hint.
 */
export async function withScopeLock<T>(folders: ScopeFolders, fn: (held: HeldLock) => Promise<T> | T, options: LockOptions = {}): Promise<T> {
  // The lock sits in the Claude folder, created (and checked) here when missing.
  const file = path.join(folders.claude.ensure(), SCOPE_LOCK_NAME);
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const token = `${uniqueSuffix()}${uniqueSuffix()}`;
  const text = holderText(token);
  const deadline = Date.now() + timeoutMs;
  let held: HeldLock = { token, inherited: [], wroteJournal: false };
  let told = false;
  let delay = 25;
  for (;;) {
    let created: boolean;
    try {
      created = createWhole(file, text);
    } catch (error) {
      throw lockIoError(folders.claude.path, error);
    }
    // Read back: on a file system without hard links, a lock created empty can be judged stale.
    if (created && inspectLockText(file) === text) break;
    const state = inspectLock(file);
    // Every turn that retries checks the deadline: a lock path that is neither free nor a lock
    // agent-install can take (a link to nowhere, say) ends at the timeout instead of spinning.
    if (state.kind === 'free') {
      if (Date.now() >= deadline) throw timeoutError(file, timeoutMs, FOREIGN);
      await sleep(1);
      continue;
    }
    if (state.kind === 'stale') {
      const inherited = inheritedFrom(state.holder);
      if (await takeOverStaleLock(file, state, holderText(token, inherited), deadline, timeoutMs)) {
        held = { token, inherited, wroteJournal: false };
        break;
      }
      if (Date.now() >= deadline) throw timeoutError(file, timeoutMs, state);
      await sleep(1);
      continue;
    }
    if (Date.now() >= deadline) throw timeoutError(file, timeoutMs, state);
    if (!told) {
      told = true;
      options.onWait?.(describeHolder(state));
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
  try {
    return await fn(held);
  } finally {
    // Only our own lock. Nothing else removes a lock whose holder runs, so the check is for a
    // lock deleted by hand meanwhile (and taken by another run).
    if (parseHolder(inspectLockText(file) ?? '')?.token === token) release(file, held);
  }
}

/**
 * Gives the lock up. When a journal is left (this run failed after writing it, or could not
 * finish the one it inherited — `install --frozen` never does), the lock is not removed but
 * marked released, still naming this run's token and those it inherited: the next run takes it
 * over at once and inherits them, so the journal stays the record of a run this scope's lock
 * knows (see plan/recover.ts). Otherwise it is removed.
 */
function release(file: string, held: HeldLock): void {
  // A journal that neither this run nor a run it took over from wrote (one that came with a
  // clone) has no token to hand on.
  let journalLeft = held.wroteJournal || held.inherited.length > 0;
  try {
    if (journalLeft) lstatSync(path.join(path.dirname(file), JOURNAL_NAME));
  } catch {
    journalLeft = false;
  }
  try {
    if (!journalLeft) {
      unlinkSync(file);
      return;
    }
    const temp = tempPathFor(file);
    const holder = { ...JSON.parse(holderText(held.token, held.inherited)), released: true };
    writeFileSync(temp, JSON.stringify(holder), { flag: 'wx' });
    renameSync(temp, file);
  } catch {
    /* gone already, or the folder is no longer writable: a lock of a dead run is taken over anyway */
  }
}

function inspectLockText(file: string): string | null {
  const state = inspectLock(file);
  return state.kind === 'free' ? null : state.text;
}

/**
 * Takes over a lock judged stale, holding the breaking mutex (below): the lock is read again, and
 * replaced with ours (a complete file renamed over it) only when it is still the very file judged
 * stale (same bytes, same inode, same mtime) and still stale. Nothing else can replace it in
 * between: a lock file is removed or replaced only by its holder (dead) or by a breaker
 * (excluded by the mutex), and a new one is created only where none exists. So a waiter can
 * never remove a lock that another waiter took after the stale one was gone — the race that lost
 * entries when waiters renamed the lock aside. Taking the lock over, rather than removing it,
 * hands the dead run's token to the run that will find its journal. Returns whether we hold it.
 */
async function takeOverStaleLock(file: string, judged: HeldState, text: string, deadline: number, timeoutMs: number): Promise<boolean> {
  const release = await takeBreakingMutex(`${file}.breaking`, deadline, timeoutMs);
  try {
    const now = inspectLock(file);
    if (now.kind !== 'stale' || now.text !== judged.text || !sameId(now.id, judged.id)) return false;
    const temp = tempPathFor(file);
    try {
      writeFileSync(temp, text, { flag: 'wx' });
      renameSync(temp, file);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        /* never created */
      }
      throw lockIoError(path.dirname(file), error);
    }
    return true;
  } finally {
    release();
  }
}

const OWNER = /^owner-([0-9a-f]{16})\.json$/;
/** A mutex or lock that agent-install did not make (a link, a folder of other files, a FIFO). */
const FOREIGN: LockState = { kind: 'foreign', holder: null, text: '', id: { dev: 0, ino: 0, size: 0, mtimeMs: 0 } };

/**
 * The breaking mutex `agents.lock.json.lock.breaking` is a folder holding one file,
 * `owner-<token>.json`, which names its holder. Breaking a lock needs it; a mutex left by a
 * killed breaker must itself be breakable without a mutex of its own, and a folder makes that
 * safe where a file cannot:
 * - It is taken by renaming a temporary folder that already holds the owner file onto the
 *   mutex's name. rename() onto a folder succeeds only when that folder is missing or empty, so
 *   the mutex appears whole, and a held mutex (never empty) cannot be taken.
 * - The owner file is removed by its name, which carries its holder's unique token: by the
 *   holder on release, or by a waiter that read that very file and found its process dead
 *   (same machine). Two waiters breaking the same dead owner remove one file; the second finds
 *   none. A live owner's file is never removed.
 * - The folder is removed with rmdir(), which fails unless it is empty: an empty folder holds no
 *   owner, and one that a new holder renamed into place meanwhile is not empty.
 * So at most one process holds the mutex, and a dead holder's mutex never blocks for long.
 */
async function takeBreakingMutex(dir: string, deadline: number, timeoutMs: number): Promise<() => void> {
  const token = `${uniqueSuffix()}${uniqueSuffix()}`;
  const owner = `owner-${token}.json`;
  const text = holderText(token);
  let delay = 5;
  for (;;) {
    const temp = tempPathFor(dir);
    try {
      mkdirSync(temp);
      writeFileSync(path.join(temp, owner), text, { flag: 'wx' });
      renameSync(temp, dir);
      return () => {
        try {
          unlinkSync(path.join(dir, owner));
          rmdirSync(dir);
        } catch {
          /* a waiter's rename took the emptied folder: it is theirs */
        }
      };
    } catch (error) {
      removeTempFolder(temp, owner);
      const code = errnoOf(error);
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR' && code !== 'EISDIR') throw lockIoError(path.dirname(dir), error);
    }
    const blocker = clearDeadMutex(dir);
    // Every turn checks the deadline, also one that cleared something: a mutex that can be
    // neither taken nor cleared (a link, a folder agent-install did not make) must not spin.
    if (Date.now() >= deadline) throw timeoutError(dir, timeoutMs, blocker ?? FOREIGN);
    if (blocker === null) {
      await sleep(1);
      continue;
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 100);
  }
}

function removeTempFolder(temp: string, owner: string): void {
  try {
    unlinkSync(path.join(temp, owner));
  } catch {
    /* not written */
  }
  try {
    rmdirSync(temp);
  } catch {
    /* not created */
  }
}

/**
 * Clears the breaking mutex when nobody holds it (an empty folder) or its owner is dead; returns
 * null then (try again), or the state of the owner to wait for.
 */
function clearDeadMutex(dir: string): LockState | null {
  // Never read or delete through a link: the mutex is a folder agent-install makes, so a link
  // there (committed to a repository, say) is foreign, and waited on until the timeout.
  try {
    if (!lstatSync(dir).isDirectory()) return FOREIGN;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    return FOREIGN;
  }
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return null;
    // A file (or link) where the folder belongs: nothing agent-install made.
    return { kind: 'foreign', holder: null, text: '', id: { dev: 0, ino: 0, size: 0, mtimeMs: 0 } };
  }
  if (names.length === 0) {
    try {
      rmdirSync(dir); // only ever removes an empty folder
    } catch {
      /* taken meanwhile, or gone */
    }
    return null;
  }
  const owners = names.filter((n) => OWNER.test(n));
  if (owners.length !== 1 || owners.length !== names.length) return { kind: 'foreign', holder: null, text: '', id: { dev: 0, ino: 0, size: 0, mtimeMs: 0 } };
  const name = owners[0]!;
  let holder: Holder | null = null;
  let text = '';
  try {
    // Bounded and regular files only: a FIFO planted there must not stall every writer.
    const read = readTextBounded(path.join(dir, name), MAX_LOCK_BYTES, 'lock', { noFollow: true });
    if (read === null) return null; // released meanwhile
    text = read;
    holder = parseHolder(text);
  } catch {
    return { kind: 'foreign', holder: null, text: '', id: { dev: 0, ino: 0, size: 0, mtimeMs: 0 } };
  }
  const id = { dev: 0, ino: 0, size: 0, mtimeMs: 0 };
  // The owner file is written before the folder is renamed into place: it always names its holder.
  if (holder === null || holder.token !== OWNER.exec(name)![1]) return { kind: 'foreign', holder, text, id };
  if (holder.host !== thisHost()) return { kind: 'foreign', holder, text, id };
  if (holderAlive(holder)) return { kind: 'live', holder, text, id };
  try {
    unlinkSync(path.join(dir, name)); // that owner's file, by its unique name
  } catch {
    /* another waiter removed it */
  }
  try {
    rmdirSync(dir);
  } catch {
    /* a new holder's folder is already in place */
  }
  return null;
}
