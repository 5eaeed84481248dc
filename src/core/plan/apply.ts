import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { AgentInstallError } from '../errors.js';
import { cleanupTempFiles, removeFile, writeFileAtomic } from '../io/atomic.js';
import { computeIntegrity, hashFile } from '../io/integrity.js';
import { parseJsonFile, stringifyDeterministic } from '../io/json.js';
import { type LockEntry, type Lockfile, readLockfile, writeLockfile } from '../lockfile/lockfile.js';
import { isInside, type Scope } from '../scope/scope.js';
import { isWrite, type Plan, sameEntry } from './plan.js';

/**
 * The journal makes a run that is killed half-way recoverable: it is written before the first
 * agent file changes and removed after the lockfile is written. For each agent it records the
 * lock entry before and after, and the hash of the file bytes after; the next run (or any
 * reader) keeps the entry that matches the file actually on disk.
 */
interface Journal {
  changes: Array<{ name: string; path: string; before: LockEntry | null; after: LockEntry | null; fileAfter: string | null }>;
}

export function journalPath(scope: Scope): string {
  return path.join(scope.claudeDir, 'agents.lock.json.journal');
}

function readJournal(scope: Scope): Journal | null {
  let text: string;
  try {
    text = readFileSync(journalPath(scope), 'utf8');
  } catch {
    return null;
  }
  try {
    return parseJsonFile(text, journalPath(scope), 'JOURNAL_CORRUPT') as Journal;
  } catch {
    // Killed while writing the journal itself: no agent file was touched yet.
    return { changes: [] };
  }
}

function reconcile(lockfile: Lockfile, journal: Journal, scope: Scope): Lockfile {
  const agents = { ...lockfile.agents };
  for (const change of journal.changes) {
    const onDisk = hashFile(path.join(scope.agentsDir, change.path));
    const entry = onDisk === change.fileAfter ? change.after : change.before;
    if (entry === null) delete agents[change.name];
    else agents[change.name] = entry;
  }
  return { ...lockfile, agents };
}

/**
 * The lockfile of a scope as the files on disk justify it: when a previous run was interrupted,
 * its journal decides per agent whether the old or the new entry holds.
 */
export function readScopeLockfile(scope: Scope): Lockfile {
  const lockfile = readLockfile(scope.lockfilePath);
  const journal = readJournal(scope);
  return journal ? reconcile(lockfile, journal, scope) : lockfile;
}

/** Finishes what an interrupted run left: reconciles the lockfile and removes temporary files. Call with the scope lock held. */
export function recoverScope(scope: Scope): void {
  const journal = readJournal(scope);
  if (journal) {
    writeLockfile(scope.lockfilePath, reconcile(readLockfile(scope.lockfilePath), journal, scope));
    removeFile(journalPath(scope));
  }
  // Temporary files sit beside their targets: the agents folder and the folders of locked files.
  const folders = new Set([scope.claudeDir, scope.agentsDir]);
  for (const entry of Object.values(readLockfile(scope.lockfilePath).agents)) folders.add(path.dirname(path.join(scope.agentsDir, entry.path)));
  for (const folder of folders) cleanupTempFiles(folder);
}

/** Refuses an agents folder that is a link leading out of the project (writes would land elsewhere). */
export function assertAgentsDirInsideScope(scope: Scope): void {
  if (scope.kind !== 'project') return;
  let real: string;
  try {
    real = realpathSync(scope.agentsDir);
  } catch {
    return; // does not exist yet
  }
  const root = realpathSync(scope.root);
  if (!isInside(root, real)) {
    throw new AgentInstallError(`Refusing to write: ${scope.agentsDir} resolves to ${real}, outside the project ${root}.`, {
      code: 'AGENTS_DIR_OUTSIDE_PROJECT',
      hint: 'Replace the symbolic link with a real folder, or install into the user scope with -g.',
    });
  }
}

/**
 * The file `relative` names inside the agents folder, refused when it is not a `.md` file there
 * — also when a folder on the way is a symbolic link leading out of the agents folder (a
 * committed `.claude/agents/sub -> /elsewhere` must not let a lock entry `sub/x.md` write
 * elsewhere).
 */
export function targetPath(scope: Scope, relative: string): string {
  const target = path.resolve(scope.agentsDir, relative);
  const refuse = (why: string) =>
    new AgentInstallError(`Refusing to touch ${relative}: ${why}.`, {
      code: 'PATH_OUTSIDE_SCOPE',
      hint: 'The lockfile or the source names a path outside the agents folder. Fix the lockfile entry, or replace the symbolic link with a real folder.',
    });
  if (!isInside(scope.agentsDir, target) || !target.endsWith('.md')) throw refuse(`it is not an agent file inside ${scope.agentsDir}`);
  const parent = path.dirname(target);
  if (parent !== scope.agentsDir) {
    let realParent: string;
    let realAgents: string;
    try {
      realParent = realpathSync(parent);
      realAgents = realpathSync(scope.agentsDir);
    } catch {
      return target; // not created yet: mkdir makes real folders
    }
    if (!isInside(realAgents, realParent)) throw refuse(`its folder resolves to ${realParent}, outside ${scope.agentsDir}`);
  }
  return target;
}

/**
 * The one place that writes agent files and lockfiles. Call with the scope lock held, after
 * `recoverScope`. Conflicts and skips write nothing.
 */
export interface ApplyHooks {
  /** Called after each agent file is written or deleted (tests use it to simulate a crash). */
  afterFile?: (relative: string) => void;
}

export function applyPlan(plan: Plan, lockfile: Lockfile, hooks: ApplyHooks = {}): Lockfile {
  const { scope } = plan;
  assertAgentsDirInsideScope(scope);
  const journal: Journal = { changes: [] };
  const agents = { ...lockfile.agents };
  for (const action of plan.actions) {
    if (isWrite(action)) {
      targetPath(scope, action.path);
      journal.changes.push({
        name: action.name,
        path: action.path,
        before: lockfile.agents[action.name] ?? null,
        after: action.entry,
        fileAfter: action.type === 'merge' ? computeIntegrity(action.bytes) : action.entry.integrity,
      });
      agents[action.name] = action.entry;
    } else if (action.type === 'remove') {
      targetPath(scope, action.path);
      const before = lockfile.agents[action.name] ?? null;
      journal.changes.push({
        name: action.name,
        path: action.path,
        before,
        after: null,
        fileAfter: action.deleteFile ? null : hashFile(path.join(scope.agentsDir, action.path)),
      });
      delete agents[action.name];
    } else if (action.type === 'unchanged' && !sameEntry(action.entry, lockfile.agents[action.name])) {
      agents[action.name] = action.entry;
    }
  }
  const next: Lockfile = { ...lockfile, agents };
  if (journal.changes.length > 0) writeFileAtomic(journalPath(scope), stringifyDeterministic(journal));
  for (const action of plan.actions) {
    if (isWrite(action)) {
      writeFileAtomic(targetPath(scope, action.path), action.bytes, { replaceSymlink: action.replaceSymlink === true });
      hooks.afterFile?.(action.path);
    } else if (action.type === 'remove' && action.deleteFile) {
      removeFile(targetPath(scope, action.path));
      hooks.afterFile?.(action.path);
    }
  }
  writeLockfile(scope.lockfilePath, next);
  if (journal.changes.length > 0) removeFile(journalPath(scope));
  return next;
}
