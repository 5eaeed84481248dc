import { type PreparedWrite, uniqueSuffix } from '../io/atomic.js';
import { readTextBounded } from '../io/bounded-read.js';
import { computeIntegrity } from '../io/integrity.js';
import { JOURNAL_VERSION, type JournalChange, lockfileDigest, serializeJournal } from '../lockfile/journal.js';
import { copyAgents, type Lockfile, serializeLockfile } from '../lockfile/lockfile.js';
import { MAX_LOCKFILE_BYTES } from '../lockfile/read.js';
import { ensureScopeFolders, JOURNAL_NAME, LOCKFILE_NAME, type ScopeFolders } from '../scope/folders.js';
import { isWrite, type Plan, sameEntry, type WriteAction } from './plan.js';

export interface ApplyHooks {
  /** Called after each agent file is written or deleted (tests use it to simulate a crash). */
  afterFile?: (relative: string) => void;
  /** Runs while the files are written under temporary names; if it fails, nothing is committed. */
  whilePreparing?: () => Promise<void>;
  /** The scope-lock token of this run, recorded in the journal. */
  token?: string;
  /** Called once the journal is written. */
  onJournal?: () => void;
}

/** How many agent files are written and synced at once. */
const CONCURRENT_WRITES = 16;

/** Checks that every file the plan writes or deletes lies inside the agents folder (see GuardedFolder). */
export function checkPlanPaths(plan: Plan, folders: ScopeFolders): void {
  for (const action of plan.actions) if (isWrite(action) || action.type === 'remove') folders.agents.check(action.path);
}

/** Writes every file under a temporary name, several at once; on any failure none is left behind. */
async function prepareAll(writes: WriteAction[], folders: ScopeFolders): Promise<PreparedWrite[]> {
  const prepared: PreparedWrite[] = new Array(writes.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < writes.length) {
      const index = next++;
      const action = writes[index]!;
      try {
        prepared[index] = await folders.agents.prepareWrite(action.path, action.bytes, { replaceSymlink: action.replaceSymlink === true });
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_WRITES, writes.length) }, worker));
  if (failure !== undefined) {
    for (const write of prepared) write?.abort();
    throw failure;
  }
  return prepared;
}

/**
 * The one place that writes agent files and lockfiles, through the scope's guarded folders.
 * Call with the scope lock held, after `recoverScope`. Every target is checked first, then every
 * new file is written and synced under a temporary name (a full disk fails here, with nothing
 * installed), then the journal is written (naming the lockfile before and after, see
 * lockfile/journal.ts), the files are renamed into place in plan order, the
 * folders synced once each, and the lockfile written. Conflicts and skips write nothing.
 */
export async function applyPlan(plan: Plan, lockfile: Lockfile, folders: ScopeFolders, hooks: ApplyHooks = {}): Promise<Lockfile> {
  ensureScopeFolders(folders);
  checkPlanPaths(plan, folders);
  // The lockfile as it is now, which the journal names: read as a regular file only, so that a
  // lockfile that is a link is refused before a journal exists (the write would refuse it later).
  const before = readTextBounded(folders.claude.resolve(LOCKFILE_NAME), MAX_LOCKFILE_BYTES, 'lockfile', { noFollow: true });
  const changes: JournalChange[] = [];
  const agents = copyAgents(lockfile.agents);
  for (const action of plan.actions) {
    if (isWrite(action)) {
      changes.push({
        name: action.name,
        path: action.path,
        before: lockfile.agents[action.name] ?? null,
        after: action.entry,
        fileAfter: action.type === 'merge' || action.entry.accepted !== undefined ? computeIntegrity(action.bytes) : action.entry.integrity,
      });
      agents[action.name] = action.entry;
    } else if (action.type === 'remove') {
      // A file left in place (only its lock entry goes) is already gone from disk.
      changes.push({ name: action.name, path: action.path, before: lockfile.agents[action.name] ?? null, after: null, fileAfter: null });
      delete agents[action.name];
    } else if (action.type === 'unchanged' && !sameEntry(action.entry, lockfile.agents[action.name])) {
      agents[action.name] = action.entry;
    }
  }
  const next: Lockfile = { ...lockfile, agents };
  const nextText = serializeLockfile(next);
  const writes = plan.actions.filter(isWrite);
  const preparing = prepareAll(writes, folders);
  const checking = hooks.whilePreparing?.();
  const [outcome, checked] = await Promise.allSettled([preparing, checking]);
  if (outcome.status === 'rejected' || checked.status === 'rejected') {
    if (outcome.status === 'fulfilled') for (const write of outcome.value) write.abort();
    throw outcome.status === 'rejected' ? outcome.reason : (checked as PromiseRejectedResult).reason;
  }
  const prepared = outcome.value;
  let committed = 0;
  try {
    if (changes.length > 0) {
      folders.claude.writeFile(
        JOURNAL_NAME,
        serializeJournal({
          journalVersion: JOURNAL_VERSION,
          token: hooks.token ?? `${uniqueSuffix()}${uniqueSuffix()}`,
          lockfileBefore: before === null ? null : lockfileDigest(before),
          lockfileAfter: lockfileDigest(nextText),
          changes,
        }),
      );
      hooks.onJournal?.();
    }
    for (const action of plan.actions) {
      if (isWrite(action)) {
        prepared[committed++]!.commit();
        hooks.afterFile?.(action.path);
      } else if (action.type === 'remove' && action.deleteFile) {
        folders.agents.removeFile(action.path);
        hooks.afterFile?.(action.path);
      }
    }
  } finally {
    for (const write of prepared.slice(committed)) write.abort();
  }
  // Every agent file's rename is durable before the lockfile records it.
  folders.agents.flush();
  folders.claude.writeFile(LOCKFILE_NAME, nextText);
  if (changes.length > 0) folders.claude.removeFile(JOURNAL_NAME);
  return next;
}
