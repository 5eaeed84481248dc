import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isAgentInstallError } from '../errors.js';
import { parseJsonFile } from '../io/json.js';
import { JOURNAL_NAME, LOCKFILE_NAME, type ScopeFolders } from '../scope/folders.js';
import type { Scope } from '../scope/scope.js';
import { type Journal, reconcileJournal } from './journal.js';
import { type Lockfile, serializeLockfile } from './lockfile.js';
import { type LockfileState, loadLockfile, readLockfile } from './read.js';

export function journalPath(scope: Scope): string {
  return path.join(scope.claudeDir, JOURNAL_NAME);
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

/**
 * The lockfile of a scope as the files on disk justify it: when a previous run was interrupted,
 * its journal decides per agent whether the old or the new entry holds.
 */
export function readScopeLockfile(scope: Scope): Lockfile {
  const lockfile = readLockfile(scope.lockfilePath);
  const journal = readJournal(scope);
  return journal ? reconcileJournal(lockfile, journal, scope.agentsDir) : lockfile;
}

/** {@link readScopeLockfile}, telling a missing or conflicted lockfile apart instead of failing. */
export function loadScopeLockfile(scope: Scope): LockfileState {
  const state = loadLockfile(scope.lockfilePath);
  if (state.kind === 'conflicted') return state;
  const journal = readJournal(scope);
  return journal ? { ...state, lockfile: reconcileJournal(state.lockfile, journal, scope.agentsDir) } : state;
}

/**
 * Finishes what an interrupted run left: reconciles the lockfile and removes temporary files
 * (beside the lockfile, in the agents folder and in the folders of locked files). Call with the
 * scope lock held.
 */
export function recoverScope(scope: Scope, folders: ScopeFolders): void {
  const state = loadLockfile(scope.lockfilePath);
  // A lockfile with conflict markers was written by git, after any run of ours finished.
  const lockfile = state.kind === 'conflicted' ? state.merge.lockfile : state.lockfile;
  const journal = readJournal(scope);
  if (journal && state.kind !== 'conflicted') {
    folders.claude.writeFile(LOCKFILE_NAME, serializeLockfile(reconcileJournal(lockfile, journal, scope.agentsDir)));
  }
  if (journal) folders.claude.removeFile(JOURNAL_NAME);
  folders.claude.removeTempFiles('');
  const dirs = new Set(['']);
  for (const entry of Object.values(lockfile.agents)) dirs.add(path.posix.dirname(entry.path).replace(/^\.$/, ''));
  for (const dir of dirs) {
    try {
      folders.agents.removeTempFiles(dir);
    } catch (error) {
      // A folder that leads outside the agents folder (or is no folder) holds nothing of ours to clean.
      if (!isAgentInstallError(error) || (error.code !== 'PATH_OUTSIDE_SCOPE' && error.code !== 'PATH_IS_FOLDER')) throw error;
    }
  }
}
