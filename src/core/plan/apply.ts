import { computeIntegrity } from '../io/integrity.js';
import { type JournalChange, serializeJournal } from '../lockfile/journal.js';
import { copyAgents, type Lockfile, serializeLockfile } from '../lockfile/lockfile.js';
import { ensureScopeFolders, JOURNAL_NAME, LOCKFILE_NAME, type ScopeFolders } from '../scope/folders.js';
import { isWrite, type Plan, sameEntry } from './plan.js';

export interface ApplyHooks {
  /** Called after each agent file is written or deleted (tests use it to simulate a crash). */
  afterFile?: (relative: string) => void;
}

/** Checks that every file the plan writes or deletes lies inside the agents folder (see GuardedFolder). */
export function checkPlanPaths(plan: Plan, folders: ScopeFolders): void {
  for (const action of plan.actions) if (isWrite(action) || action.type === 'remove') folders.agents.check(action.path);
}

/**
 * The one place that writes agent files and lockfiles, through the scope's guarded folders.
 * Call with the scope lock held, after `recoverScope`. Every target is checked before the
 * journal is written, so a refused path writes nothing; conflicts and skips write nothing.
 */
export function applyPlan(plan: Plan, lockfile: Lockfile, folders: ScopeFolders, hooks: ApplyHooks = {}): Lockfile {
  ensureScopeFolders(folders);
  checkPlanPaths(plan, folders);
  const changes: JournalChange[] = [];
  const agents = copyAgents(lockfile.agents);
  for (const action of plan.actions) {
    if (isWrite(action)) {
      changes.push({
        name: action.name,
        path: action.path,
        before: lockfile.agents[action.name] ?? null,
        after: action.entry,
        fileAfter: action.type === 'merge' ? computeIntegrity(action.bytes) : action.entry.integrity,
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
  if (changes.length > 0) folders.claude.writeFile(JOURNAL_NAME, serializeJournal({ changes }));
  for (const action of plan.actions) {
    if (isWrite(action)) {
      folders.agents.writeFile(action.path, action.bytes, { replaceSymlink: action.replaceSymlink === true });
      hooks.afterFile?.(action.path);
    } else if (action.type === 'remove' && action.deleteFile) {
      folders.agents.removeFile(action.path);
      hooks.afterFile?.(action.path);
    }
  }
  folders.claude.writeFile(LOCKFILE_NAME, serializeLockfile(next));
  if (changes.length > 0) folders.claude.removeFile(JOURNAL_NAME);
  return next;
}
