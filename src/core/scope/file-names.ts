/** The files agent-install keeps beside a scope's agents folder, in its Claude folder. */
export const LOCKFILE_NAME = 'agents.lock.json';
/** The record of a run in progress (see lockfile/journal.ts). */
export const JOURNAL_NAME = 'agents.lock.json.journal';
/** Held by the one run that writes the scope (see scope/lock.ts). */
export const SCOPE_LOCK_NAME = 'agents.lock.json.lock';
