import path from 'node:path';
import { nameProblem } from '../agent/names.js';
import { readFileBounded } from '../io/bounded-read.js';
import { computeIntegrity, isIntegrity } from '../io/integrity.js';
import { jsonShapeProblem, stringifyDeterministic } from '../io/json.js';
import { isOtherTarget, isTargetPathOf } from '../targets/ids.js';
import { copyAgents, type LockEntry, type Lockfile, parseLockEntry, sameEntry } from './lockfile.js';
import { isSafeRelativeAgentPath } from './paths.js';

/**
 * The journal makes a run that is killed half-way recoverable: it is written before the first
 * agent file changes and removed after the lockfile is written. For each agent it records the
 * lock entry before and after, and the hash of the file bytes after; the next writer keeps the
 * entry that matches the file actually on disk. Only a writer holding the scope lock reads it,
 * and only after deciding to trust it (see {@link trustJournal}); readers never use it.
 */
export interface Journal {
  journalVersion: typeof JOURNAL_VERSION;
  /** The scope-lock token of the run that wrote it. */
  token: string;
  /** {@link lockfileDigest} of the lockfile when the run began; null when there was none. */
  lockfileBefore: string | null;
  /** {@link lockfileDigest} of the lockfile the run was going to write. */
  lockfileAfter: string;
  changes: JournalChange[];
}

export interface JournalChange {
  name: string;
  /** The agent file, relative to the agents folder. */
  path: string;
  before: LockEntry | null;
  after: LockEntry | null;
  /** Integrity of the file once this change is done; null when the change deletes it. */
  fileAfter: string | null;
  /**
   * Targets: per target of the agent (before or after), its file (relative to the project, or
   * the home folder) and that file's integrity once the change is done (null: gone).
   */
  targets?: Record<string, { path: string; after: string | null }>;
}

export const JOURNAL_VERSION = 1;

const DIGEST = /^x64-[0-9a-f]{16}$/;

/**
 * Tells states of a lockfile apart: a 64-bit hash of its text (two 32-bit multiply-xorshift
 * lanes). Not a security boundary — whoever writes a journal can compute any digest — so no
 * node:crypto, which costs `add` 2 ms to load for nothing else.
 */
export function lockfileDigest(text: string): string {
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `x64-${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}

export function serializeJournal(journal: Journal): string {
  return stringifyDeterministic(journal);
}

/** Why a journal is not the record of an interrupted run over this lockfile; null when it is. */
export type JournalVerdict = { trusted: true; journal: Journal } | { trusted: false; reason: string };

/**
 * Reads journal text as strictly as a lockfile: every name usable, every path a relative `.md`
 * path inside the agents folder, every entry a valid lock entry whose path is the change's.
 * Returns the reason it is not a journal this version writes, or the journal.
 */
export function parseJournal(text: string): Journal | string {
  const shape = jsonShapeProblem(text);
  if (shape !== null) return shape;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'it is not JSON';
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'it is not a JSON object';
  const r = raw as Record<string, unknown>;
  if (r.journalVersion !== JOURNAL_VERSION) return `its journalVersion is not ${JOURNAL_VERSION}`;
  if (typeof r.token !== 'string' || !/^[0-9a-f]{16}$/.test(r.token)) return 'it names no run';
  if (r.lockfileBefore !== null && !(typeof r.lockfileBefore === 'string' && DIGEST.test(r.lockfileBefore))) return '`lockfileBefore` is not a digest';
  if (typeof r.lockfileAfter !== 'string' || !DIGEST.test(r.lockfileAfter)) return '`lockfileAfter` is not a digest';
  if (!Array.isArray(r.changes)) return '`changes` is not a list';
  const changes: JournalChange[] = [];
  const seen = new Set<string>();
  for (const [i, value] of r.changes.entries()) {
    const where = `change ${i + 1}`;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${where} is not an object`;
    const c = value as Record<string, unknown>;
    if (typeof c.name !== 'string' || nameProblem(c.name) !== null) return `${where} names no usable agent`;
    if (seen.has(c.name)) return `${where} repeats ${c.name}`;
    seen.add(c.name);
    if (typeof c.path !== 'string' || !isSafeRelativeAgentPath(c.path)) return `${where} has a path outside the agents folder`;
    if (c.fileAfter !== null && !(typeof c.fileAfter === 'string' && isIntegrity(c.fileAfter))) return `${where} has no file hash`;
    const entry = (key: 'before' | 'after'): LockEntry | null | string => {
      if (c[key] === null) return null;
      try {
        return parseLockEntry(c[key], `${where}.${key}`);
      } catch (error) {
        return (error as Error).message;
      }
    };
    const before = entry('before');
    const after = entry('after');
    if (typeof before === 'string') return before;
    if (typeof after === 'string') return after;
    if (after !== null && after.path !== c.path) return `${where} writes another path than its entry records`;
    if ((after === null) !== (c.fileAfter === null)) return `${where} does not say what its file holds`;
    const change: JournalChange = { name: c.name, path: c.path, before, after, fileAfter: c.fileAfter as string | null };
    // Targets: each other tool's file, its path checked as strictly as a lockfile's.
    if (c.targets !== undefined) {
      if (c.targets === null || typeof c.targets !== 'object' || Array.isArray(c.targets)) return `${where} has no usable targets`;
      for (const [id, t] of Object.entries(c.targets as Record<string, { path?: unknown; after?: unknown }>)) {
        if (!isOtherTarget(id) || t === null || typeof t !== 'object' || typeof t.path !== 'string' || !isTargetPathOf(id, c.name, t.path))
          return `${where} has a target file outside the target folders`;
        if (t.after !== null && !(typeof t.after === 'string' && isIntegrity(t.after))) return `${where} has no hash for its ${id} file`;
      }
      change.targets = c.targets as JournalChange['targets'];
    }
    changes.push(change);
  }
  return { journalVersion: JOURNAL_VERSION, token: r.token, lockfileBefore: r.lockfileBefore, lockfileAfter: r.lockfileAfter, changes };
}

/**
 * Is `journal` the record of an interrupted run of this tool over the lockfile now on disk?
 * Only when both hold:
 * - its run died holding the scope lock, and this run took that lock over: the journal's token
 *   is one of `inherited` (the dead holders' tokens the lock handed on, see scope/lock.ts). A
 *   journal committed to a repository, copied, or planted comes with no such lock;
 * - the lockfile is the one the run started from (`lockfileBefore`, whose entries of the changed
 *   agents the journal's `before` must repeat) or the one it finished writing (`lockfileAfter`),
 *   not another state of it.
 */
export function trustJournal(journal: Journal, digest: string | null, lockfile: Lockfile, inherited: readonly string[]): JournalVerdict {
  if (!inherited.includes(journal.token)) return { trusted: false, reason: 'no run of agent-install that died holding the scope lock left it' };
  if (digest !== null && digest === journal.lockfileAfter) return { trusted: true, journal };
  if (digest !== journal.lockfileBefore) return { trusted: false, reason: 'it records a run over another lockfile' };
  for (const change of journal.changes) {
    if (!sameEntry(lockfile.agents[change.name], change.before ?? undefined))
      return { trusted: false, reason: `its entry of ${change.name} is not the lockfile's` };
  }
  return { trusted: true, journal };
}

/** The integrity of an agent file's bytes; null when it is missing, too large or not a regular file (never waits on a FIFO). */
function hashOnDisk(file: string): string | null {
  try {
    const read = readFileBounded(file);
    return read.bytes === null ? null : computeIntegrity(read.bytes);
  } catch {
    return null;
  }
}

/**
 * The lock entry a change leaves once some of its files are done: the entry after when the agent
 * file is, else the one before; then each target's record from the entry whose file is there
 * (targets: the target files are settled one by one).
 */
export function settleEntry(change: JournalChange, agentDone: boolean, targetDone: (target: string) => boolean): LockEntry | null {
  const base = agentDone ? change.after : change.before;
  if (base === null || change.targets === undefined) return base;
  const { targets: held, ...rest } = base;
  const targets: Record<string, unknown> = { ...held };
  for (const id of Object.keys(change.targets)) {
    const record = (targetDone(id) ? change.after : change.before)?.targets?.[id as keyof typeof held];
    if (record) targets[id] = record;
    else delete targets[id];
  }
  return Object.keys(targets).length > 0 ? { ...rest, targets } : rest;
}

/**
 * The lockfile as the files on disk justify it: per agent, the entry after the change when its
 * file holds the new bytes, else the entry before; per target file the same (see settleEntry).
 * `targetRoot`: what target paths are relative to (the project, or the home folder).
 */
export function reconcileJournal(lockfile: Lockfile, journal: Journal, agentsDir: string, targetRoot?: string): Lockfile {
  const agents = copyAgents(lockfile.agents);
  for (const change of journal.changes) {
    const entry = settleEntry(
      change,
      hashOnDisk(path.join(agentsDir, change.path)) === change.fileAfter,
      (id) => targetRoot !== undefined && hashOnDisk(path.join(targetRoot, change.targets![id]!.path)) === change.targets![id]!.after,
    );
    if (entry === null) delete agents[change.name];
    else agents[change.name] = entry;
  }
  return { ...lockfile, agents };
}
