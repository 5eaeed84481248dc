import type { AgentStatus, InstalledAgent } from './inspect.js';

export interface VerifyEntry {
  name: string | null;
  path: string;
  status: AgentStatus;
  /** The locked integrity, for entries of the lockfile. */
  integrity?: string;
  movedTo?: string;
  /** Unresolved git-style conflict markers in the file. */
  conflictMarkers?: boolean;
  /** Does this entry fail the check? */
  drift: boolean;
}

export interface VerifyReport {
  /** Lock entries and files Claude Code would load, each with its status. */
  entries: VerifyEntry[];
  /** Number of entries that fail the check. */
  drift: number;
}

/**
 * Compares installed files with the lockfile. Modified, missing and moved entries fail the
 * check (modified ones not with `allowModified`); a locked file that no longer loads or still
 * holds conflict markers always fails; unmanaged and invalid unlocked files are reported but
 * are not drift.
 */
export function verifyInstalled(installed: InstalledAgent[], options: { allowModified: boolean }): VerifyReport {
  const entries = installed.map((agent): VerifyEntry => {
    const locked = agent.entry !== undefined;
    const drift =
      locked &&
      (agent.status === 'missing' ||
        agent.status === 'moved' ||
        agent.status === 'invalid' ||
        agent.conflictMarkers === true ||
        (agent.status === 'modified' && !options.allowModified));
    return {
      name: agent.name,
      path: agent.path,
      status: agent.status,
      ...(agent.entry ? { integrity: agent.entry.integrity } : {}),
      ...(agent.movedTo ? { movedTo: agent.movedTo } : {}),
      ...(agent.conflictMarkers ? { conflictMarkers: true } : {}),
      drift,
    };
  });
  return { entries, drift: entries.filter((e) => e.drift).length };
}
