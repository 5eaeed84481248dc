import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseJsonFile } from '../io/json.js';
import { JOURNAL_NAME } from '../scope/file-names.js';
import type { Scope } from '../scope/scope.js';
import { type Journal, reconcileJournal } from './journal.js';
import type { Lockfile } from './lockfile.js';
import { type LockfileState, loadLockfile, readLockfile } from './read.js';

export function journalPath(scope: Scope): string {
  return path.join(scope.claudeDir, JOURNAL_NAME);
}

export function readJournal(scope: Scope): Journal | null {
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
