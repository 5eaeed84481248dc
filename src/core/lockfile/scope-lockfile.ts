import { lstatSync } from 'node:fs';
import path from 'node:path';
import { AgentInstallError, DifferencesFoundError } from '../errors.js';
import { JOURNAL_NAME } from '../scope/file-names.js';
import type { Scope } from '../scope/scope.js';

export function journalPath(scope: Scope): string {
  return path.join(scope.claudeDir, JOURNAL_NAME);
}

/** Is there anything at the journal's path (a file, a link, a FIFO)? Looked at, never opened. */
export function journalExists(scope: Scope): boolean {
  try {
    lstatSync(journalPath(scope));
    return true;
  } catch {
    return false;
  }
}

/**
 * A folder at the journal's path is nothing agent-install wrote, and may hold someone's files:
 * it is never removed, and every command says what to do instead of blocking on it.
 */
export function journalFolderError(journal: string): AgentInstallError | null {
  try {
    if (!lstatSync(journal).isDirectory()) return null;
  } catch {
    return null;
  }
  return new AgentInstallError(`${journal} is a folder, not a journal agent-install wrote.`, {
    code: 'PATH_IS_FOLDER',
    hint: 'agent-install never deletes a folder it did not make. Move it away (or delete it, if it holds nothing you need) and run the command again.',
    details: { journal },
  });
}

/**
 * What readers and `install --frozen` say about a journal whose run no longer holds the scope
 * lock: the files may be half-way between two lockfiles, and only a writer may decide which.
 */
export function interruptedRunError(journal: string): AgentInstallError {
  const folder = journalFolderError(journal);
  if (folder !== null) return folder;
  return new DifferencesFoundError(`An interrupted run left ${journal}; run \`agent-install install\` to finish or undo it.`, {
    code: 'INTERRUPTED_RUN',
    hint: '`agent-install install` finishes the run when the journal belongs to this lockfile, and removes a journal that does not; `install --frozen` and `verify` never act on one.',
    details: { journal },
  });
}
