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
  /** For `behind` and `ahead`: the version the file holds. */
  fileVersion?: string;
  /** Only line endings differ from the locked bytes. */
  lineEndings?: 'crlf' | 'lf';
  /** The file holds the bytes the team accepted. */
  accepted?: true;
  /** For `orphaned`: edited since it was installed. */
  edited?: true;
  /** For `invalid`: why Claude Code would not load it. */
  reason?: string;
  /** For `shadowed`: the file of the same name that Claude Code loads instead. */
  shadowedBy?: string;
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
 * Compares installed files with the lockfile. Modified, missing, moved, behind and ahead entries
 * fail the check (modified ones not with `allowModified`), and so do orphaned files (installed,
 * no longer locked); a locked file that no longer loads or still holds conflict markers always
 * fails, as does one that Claude Code would not load because another file of its name wins;
 * unmanaged and invalid unlocked files are reported but are not drift. A file that differs
 * from its locked bytes only in line endings matches.
 */
export function verifyInstalled(installed: InstalledAgent[], options: { allowModified: boolean }): VerifyReport {
  const entries = installed.map((agent): VerifyEntry => {
    const locked = agent.entry !== undefined;
    const drift =
      agent.status === 'orphaned' ||
      (locked &&
        (agent.status === 'missing' ||
          agent.status === 'moved' ||
          agent.status === 'behind' ||
          agent.status === 'ahead' ||
          agent.status === 'invalid' ||
          agent.shadowedBy !== undefined ||
          agent.conflictMarkers === true ||
          (agent.status === 'modified' && !options.allowModified)));
    const reason = agent.status === 'invalid' ? agent.issues?.[0] : undefined;
    return {
      name: agent.name,
      path: agent.path,
      status: agent.shadowedBy !== undefined ? 'shadowed' : agent.status,
      ...(agent.entry ? { integrity: agent.entry.integrity } : {}),
      ...(agent.movedTo ? { movedTo: agent.movedTo } : {}),
      ...(agent.conflictMarkers ? { conflictMarkers: true } : {}),
      ...(agent.fileVersion !== undefined ? { fileVersion: agent.fileVersion } : {}),
      ...(agent.lineEndings ? { lineEndings: agent.lineEndings } : {}),
      ...(agent.accepted ? { accepted: true as const } : {}),
      ...(agent.edited ? { edited: true as const } : {}),
      ...(reason ? { reason: `${reason.line}:${reason.column} ${reason.message}` } : {}),
      ...(agent.shadowedBy !== undefined ? { shadowedBy: agent.shadowedBy } : {}),
      drift,
    };
  });
  return { entries, drift: entries.filter((e) => e.drift).length };
}
