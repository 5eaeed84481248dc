import { lstatSync } from 'node:fs';
import path from 'node:path';
import { isAgentInstallError } from '../errors.js';
import { readTextBounded } from '../io/bounded-read.js';
import { type JournalVerdict, lockfileDigest, parseJournal, reconcileJournal, serializeJournal, trustJournal } from '../lockfile/journal.js';
import { type Lockfile, serializeLockfile } from '../lockfile/lockfile.js';
import { loadLockfile, MAX_LOCKFILE_BYTES } from '../lockfile/read.js';
import { interruptedRunError, journalExists, journalFolderError, journalPath } from '../lockfile/scope-lockfile.js';
import { JOURNAL_NAME, LOCKFILE_NAME, type ScopeFolders } from '../scope/folders.js';
import { type Scope, targetRootOf } from '../scope/scope.js';

/** A journal records at most every entry twice, and a hash per agent. */
export const MAX_JOURNAL_BYTES = 2 * MAX_LOCKFILE_BYTES + 16 * 1_048_576;

export interface RecoverOptions {
  /** Tokens of the dead runs whose lock this run took over (see HeldLock): only their journal is trusted. */
  inherited?: readonly string[];
  /** `install --frozen`: a journal is an error, and nothing is recovered. */
  frozen?: boolean;
  /** Told when a journal is ignored. */
  warn?: (message: string) => void;
}

/** The journal at `file` as a writer may read it: a regular file of bounded size, never a link or a FIFO. */
function readJournalFile(file: string): ReturnType<typeof parseJournal> | null {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(file);
  } catch {
    return null;
  }
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (!stats.isFile()) return 'it is not a regular file';
  if (stats.size > MAX_JOURNAL_BYTES) return `it is ${stats.size.toLocaleString('en-US')} bytes`;
  let text: string | null;
  try {
    // Read without following a link or waiting on a FIFO swapped in since the lstat.
    text = readTextBounded(file, MAX_JOURNAL_BYTES, 'journal', { noFollow: true });
  } catch (error) {
    if (isAgentInstallError(error)) return `it cannot be read (${error.message})`;
    throw error;
  }
  return text === null ? null : parseJournal(text);
}

/**
 * Decides what a journal left in the scope means, with the scope lock held: the record of this
 * tool's interrupted run over the lockfile on disk (see trustJournal), or anything else.
 */
function judgeJournal(scope: Scope, digest: string | null, lockfile: Lockfile, inherited: readonly string[]): JournalVerdict | null {
  const parsed = readJournalFile(journalPath(scope));
  if (parsed === null) return null;
  if (typeof parsed === 'string') return { trusted: false, reason: parsed };
  return trustJournal(parsed, digest, lockfile, inherited);
}

/**
 * Finishes what an interrupted run left: reconciles the lockfile with the files on disk when a
 * trusted journal says how, removes any other journal with a warning, and removes temporary files
 * (beside the lockfile, in the agents folder and in the folders of locked files). Call with the
 * scope lock held, before anything else is written: a lockfile that is a symbolic link or no
 * regular file is refused here, before any journal exists.
 */
export function recoverScope(scope: Scope, folders: ScopeFolders, options: RecoverOptions = {}): void {
  const state = loadLockfile(scope.lockfilePath);
  const lockfile = state.kind === 'conflicted' ? state.merge.lockfile : state.lockfile;
  if (journalExists(scope)) {
    const folder = journalFolderError(journalPath(scope));
    if (folder !== null) throw folder;
    if (options.frozen) throw interruptedRunError(journalPath(scope));
    const digest = state.kind === 'missing' ? null : lockfileDigest(state.text);
    const verdict = judgeJournal(scope, digest, lockfile, options.inherited ?? []);
    if (verdict !== null && !verdict.trusted) {
      options.warn?.(
        `Ignored a journal that does not belong to this lockfile: ${journalPath(scope)} (${verdict.reason}). Nothing was recovered from it; it is removed.`,
      );
    } else if (verdict !== null && digest !== verdict.journal.lockfileAfter) {
      // Killed before writing the lockfile (after writing it, the run was complete): per agent,
      // the entry its file justifies.
      const reconciled = reconcileJournal(lockfile, verdict.journal, scope.agentsDir, targetRootOf(scope));
      const text = serializeLockfile(reconciled);
      if (state.kind === 'missing' ? Object.keys(reconciled.agents).length > 0 : text !== state.text) {
        // The journal names the lockfile about to be written, so that it stays true if this run is killed too.
        folders.claude.writeFile(JOURNAL_NAME, serializeJournal({ ...verdict.journal, lockfileAfter: lockfileDigest(text) }));
        folders.claude.writeFile(LOCKFILE_NAME, text);
      }
    }
    folders.claude.removeFile(JOURNAL_NAME);
  }
  folders.claude.removeTempFiles('');
  const dirs = new Set(['']);
  for (const entry of Object.values(lockfile.agents)) dirs.add(path.posix.dirname(entry.path).replace(/^\.$/, ''));
  // Targets: the folders of the locked target files, below the project (or home folder).
  const targetDirs = new Set<string>();
  for (const entry of Object.values(lockfile.agents)) for (const record of Object.values(entry.targets ?? {})) targetDirs.add(path.posix.dirname(record.path));
  for (const dir of targetDirs) {
    try {
      folders.targets?.removeTempFiles(dir);
    } catch (error) {
      if (!isAgentInstallError(error) || (error.code !== 'PATH_OUTSIDE_SCOPE' && error.code !== 'PATH_IS_FOLDER')) throw error;
    }
  }
  for (const dir of dirs) {
    try {
      folders.agents.removeTempFiles(dir);
    } catch (error) {
      // A folder that leads outside the agents folder (or is no folder) holds nothing of ours to clean.
      if (!isAgentInstallError(error) || (error.code !== 'PATH_OUTSIDE_SCOPE' && error.code !== 'PATH_IS_FOLDER')) throw error;
    }
  }
}
