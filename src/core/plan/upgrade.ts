import { computeIntegrity } from '../io/integrity.js';
import { sameIgnoringLineEndings } from '../io/line-endings.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { type CheckedCandidate, entryFor } from '../resolve/check.js';
import type { ScopeSnapshot } from '../scope/snapshot.js';
import { mergeThreeWay } from './merge.js';
import { type Plan, type PlanAction, sameEntry } from './plan.js';
import { folderRefusal, type Refusal, readProblem, sameBytes, symlinkRefusal, unreadableRefusal } from './refusals.js';

/** One agent to upgrade: the bytes it was installed from and the version to move to. */
export interface UpgradeItem {
  name: string;
  entry: LockEntry;
  /** The locked version's upstream bytes. */
  base: Uint8Array;
  theirs: CheckedCandidate;
}

export interface UpgradeOptions {
  /** Take theirs when both sides changed the same lines. */
  force: boolean;
  /** Write git-style conflict markers instead of refusing. */
  mergeMarkers: boolean;
}

// Keep a byte-order mark: it is part of the bytes being merged.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const strict = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Three-way upgrade plan. Base = the locked version's bytes, local = the installed file, theirs
 * = the target. Local unchanged → take theirs; theirs unchanged → keep local; both changed → a
 * line merge, written when clean; a conflict writes nothing for that agent unless `mergeMarkers`
 * or `force`.
 */
export function planUpgrade(snapshot: ScopeSnapshot, items: UpgradeItem[], options: UpgradeOptions): { plan: Plan; refusals: Refusal[] } {
  const { scope, lockfile } = snapshot;
  const actions: PlanAction[] = [];
  const refusals: Refusal[] = [];
  for (const { name, entry, base, theirs } of items) {
    const previous = lockfile.agents[name];
    if (previous === undefined || !sameEntry(previous, entry)) {
      // Another run changed or removed this agent while we waited for the lock: our base is stale.
      actions.push({ type: 'skip', name, path: entry.path, reason: 'changed by another run meanwhile; run upgrade again' });
      continue;
    }
    const relative = previous.path;
    const at = snapshot.at(relative);
    const next = entryFor(theirs.candidate, relative);
    const bytes = theirs.candidate.bytes;
    const link = at.kind === 'symlink';
    if (link && !options.force) {
      refusals.push(symlinkRefusal(name, relative, 'write'));
      continue;
    }
    if (at.kind === 'folder') {
      refusals.push(folderRefusal(name, relative));
      continue;
    }
    const moved = snapshot.agentsNamed(name).find((a) => a.status === 'moved');
    if (moved && !options.force) {
      refusals.push({
        name,
        path: relative,
        code: 'NAME_TAKEN',
        reason: `its file moved to ${moved.movedTo}; writing ${relative} would make two agents named "${name}"`,
        hint: `Move it back to ${relative}, or remove the lock entry (agent-install remove ${name}) and add it again.`,
      });
      continue;
    }
    if (link || at.kind === 'missing') {
      actions.push({
        type: link ? 'update' : 'create',
        name,
        path: relative,
        bytes,
        entry: next,
        previous,
        ...(link ? { replaceSymlink: true } : {}),
        note: link ? 'replacing a symbolic link' : 'the file was missing',
      });
      continue;
    }
    if (at.bytes === undefined) {
      if (options.force) {
        actions.push({ type: 'update', name, path: relative, bytes, entry: next, previous, note: 'unreadable file overwritten (--force)' });
        continue;
      }
      refusals.push(
        unreadableRefusal(name, relative, readProblem(snapshot.agentAt(relative)?.issues) ?? (at.kind === 'other' ? 'not a regular file' : undefined), 'write'),
      );
      continue;
    }
    const local = at.bytes;
    const found = snapshot.agentAt(relative);
    // The team's accepted edits stay accepted: the entry records the bytes left on disk.
    const keepAccepted = (entry: LockEntry, onDisk: Uint8Array): LockEntry =>
      previous.accepted === undefined ? entry : { ...entry, accepted: computeIntegrity(onDisk) };
    // Not an edit: the locked bytes with other line endings, or another version agent-install can name.
    const untouched = previous.accepted === undefined && (sameIgnoringLineEndings(local, base) || found?.status === 'behind' || found?.status === 'ahead');
    if (sameIgnoringLineEndings(local, bytes) && previous.accepted === undefined) {
      const eol = sameBytes(local, bytes) ? '' : ' (line endings aside)';
      actions.push({
        type: 'unchanged',
        name,
        path: relative,
        entry: next,
        previous,
        note: previous.integrity === next.integrity ? `up to date${eol}` : `already holds the new version${eol}`,
      });
    } else if (untouched) {
      actions.push({ type: 'update', name, path: relative, bytes, entry: next, previous, current: local });
    } else if (sameBytes(bytes, base)) {
      actions.push({ type: 'unchanged', name, path: relative, entry: keepAccepted(next, local), previous, note: 'local edits kept; upstream unchanged' });
    } else if (!isUtf8(local) || !isUtf8(base) || !isUtf8(bytes)) {
      // A merge works on text: bytes that are not UTF-8 (a Latin-1 edit) would come back altered.
      if (options.force)
        actions.push({ type: 'update', name, path: relative, bytes, entry: next, previous, current: local, note: 'local edits overwritten (--force)' });
      else
        actions.push({
          type: 'conflict',
          name,
          path: relative,
          entry: next,
          previous,
          conflicts: [],
          note: 'not UTF-8 text on one side, so it cannot be merged; nothing written',
        });
    } else {
      const merged = mergeThreeWay(decoder.decode(base), decoder.decode(local), decoder.decode(bytes), {
        ours: `${relative} (installed)`,
        theirs: `${name}${next.version ? `@${next.version}` : ''}`,
      });
      if (merged.clean) {
        actions.push({
          type: 'merge',
          name,
          path: relative,
          bytes: Buffer.from(merged.text, 'utf8'),
          entry: keepAccepted(next, Buffer.from(merged.text, 'utf8')),
          previous,
          current: local,
          note: previous.accepted === undefined ? 'local edits merged' : 'accepted edits merged',
        });
      } else if (options.force) {
        actions.push({
          type: 'update',
          name,
          path: relative,
          bytes,
          entry: next,
          previous,
          current: local,
          note: 'conflicting local edits overwritten (--force)',
        });
      } else if (options.mergeMarkers) {
        actions.push({
          type: 'merge',
          name,
          path: relative,
          bytes: Buffer.from(merged.withMarkers, 'utf8'),
          entry: next,
          previous,
          current: local,
          conflictMarkers: true,
          note: `${merged.conflicts.length} conflict${merged.conflicts.length === 1 ? '' : 's'} marked in the file`,
        });
      } else {
        actions.push({ type: 'conflict', name, path: relative, entry: next, previous, conflicts: merged.conflicts, note: 'nothing written' });
      }
    }
  }
  return { plan: { scope, actions }, refusals };
}
