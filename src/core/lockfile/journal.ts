import path from 'node:path';
import { hashFile } from '../io/integrity.js';
import { stringifyDeterministic } from '../io/json.js';
import { copyAgents, type LockEntry, type Lockfile } from './lockfile.js';

/**
 * The journal makes a run that is killed half-way recoverable: it is written before the first
 * agent file changes and removed after the lockfile is written. For each agent it records the
 * lock entry before and after, and the hash of the file bytes after; the next run (or any
 * reader) keeps the entry that matches the file actually on disk.
 */
export interface Journal {
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
}

export function serializeJournal(journal: Journal): string {
  return stringifyDeterministic(journal);
}

/** The lockfile as the files on disk justify it: per agent, the entry after the change when its file holds the new bytes, else the entry before. */
export function reconcileJournal(lockfile: Lockfile, journal: Journal, agentsDir: string): Lockfile {
  const agents = copyAgents(lockfile.agents);
  for (const change of journal.changes) {
    const onDisk = hashFile(path.join(agentsDir, change.path));
    const entry = onDisk === change.fileAfter ? change.after : change.before;
    if (entry === null) delete agents[change.name];
    else agents[change.name] = entry;
  }
  return { ...lockfile, agents };
}
