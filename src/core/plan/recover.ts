import path from 'node:path';
import { isAgentInstallError } from '../errors.js';
import { reconcileJournal } from '../lockfile/journal.js';
import { serializeLockfile } from '../lockfile/lockfile.js';
import { loadLockfile } from '../lockfile/read.js';
import { readJournal } from '../lockfile/scope-lockfile.js';
import { JOURNAL_NAME, LOCKFILE_NAME, type ScopeFolders } from '../scope/folders.js';
import type { Scope } from '../scope/scope.js';

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
