/**
 * What `list` and `verify` report about target files (docs/targets-design.md): each file a lock
 * entry records, against its integrity. Reads through the scope's guarded target folder; needs no
 * translation, so it loads none.
 */
import { isAgentInstallError } from '../errors.js';
import { computeIntegrity } from '../io/integrity.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { scopeFolders, targetsFolder } from '../scope/folders.js';
import type { Scope } from '../scope/scope.js';
import { readTargetFile } from './files.js';
import { OTHER_TARGETS, type OtherTarget } from './ids.js';

export type TargetFileStatus = 'ok' | 'modified' | 'missing' | 'symlink' | 'unreadable' | 'outside';

export interface TargetStatus {
  target: OtherTarget;
  path: string;
  status: TargetFileStatus;
  /** For `unreadable` and `outside`: why. */
  reason?: string;
}

/** Each target file of the entries, in target order, with its status. */
export function targetStatuses(scope: Scope, entries: ReadonlyArray<[string, LockEntry]>): Map<string, TargetStatus[]> {
  const out = new Map<string, TargetStatus[]>();
  if (!entries.some(([, e]) => e.targets !== undefined)) return out;
  let folder: ReturnType<typeof targetsFolder> | undefined;
  let outside: string | undefined;
  try {
    folder = targetsFolder(scopeFolders(scope));
  } catch (error) {
    if (!isAgentInstallError(error)) throw error;
    outside = error.message;
  }
  for (const [name, entry] of entries) {
    const statuses: TargetStatus[] = [];
    for (const target of OTHER_TARGETS) {
      const record = entry.targets?.[target];
      if (record === undefined) continue;
      const row = (status: TargetFileStatus, reason?: string): TargetStatus => ({ target, path: record.path, status, ...(reason ? { reason } : {}) });
      if (folder === undefined) {
        statuses.push(row('outside', outside));
        continue;
      }
      try {
        const disk = readTargetFile(folder, record.path);
        if (disk.kind === 'missing') statuses.push(row('missing'));
        else if (disk.kind === 'symlink') statuses.push(row('symlink', 'a symbolic link'));
        else if (disk.kind === 'file') statuses.push(row(computeIntegrity(disk.bytes) === record.integrity ? 'ok' : 'modified'));
        else statuses.push(row('unreadable', disk.kind === 'folder' ? 'a folder' : disk.why));
      } catch (error) {
        if (!isAgentInstallError(error)) throw error;
        statuses.push(row(error.code === 'PATH_OUTSIDE_SCOPE' ? 'outside' : 'unreadable', error.message));
      }
    }
    if (statuses.length > 0) out.set(name, statuses);
  }
  return out;
}
