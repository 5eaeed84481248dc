/**
 * The target files of a plan (docs/targets-design.md, "Locked like the Claude Code file"): for
 * each agent the plan writes, keeps or removes, what happens to its file for every other coding
 * tool, as `action.targets`, and the lock entry's `targets` record. Ownership as for agent files:
 * a file the entry records and still holds its integrity is ours to replace or delete; an edited
 * one is refused (or merged three-way by upgrade); one not recorded is adopted only when it holds
 * the translation already. Loaded only when a plan meets a target.
 */

import { isAgentInstallError } from '../errors.js';
import type { GuardedFolder } from '../io/guarded-folder.js';
import { computeIntegrity } from '../io/integrity.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { type MergeConflict, mergeThreeWay } from '../plan/merge.js';
import { isWrite, type Plan, type TargetFileAction } from '../plan/plan.js';
import { folderRefusal, type Refusal, sameBytes, symlinkRefusal, unreadableRefusal } from '../plan/refusals.js';
import { readTargetFile } from './files.js';
import { OTHER_TARGETS, type OtherTarget, type TargetRecords, targetPath } from './ids.js';
import { sourceOf, type Translation, translateTo } from './translate.js';

/** The upstream bytes an agent's target files are translated from. */
export interface TargetSource {
  /** The bytes the new lock entry pins (its `integrity`). */
  theirs: () => Promise<Uint8Array>;
  /** upgrade: the locked version's bytes, whose translation is the base of the three-way merge. */
  base?: () => Promise<Uint8Array>;
}

export interface TargetPlanOptions {
  /** Targets to add to every agent the plan writes or keeps (those the entry records stay). */
  want: readonly OtherTarget[];
  /** Refuse a translation that loses or approximates anything. */
  strict: boolean;
  force: boolean;
  /** upgrade: merge an edited target file three-way instead of refusing. */
  merge?: boolean;
  mergeMarkers?: boolean;
  /** Where the agent's bytes come from; called only when a translation is needed. */
  source: (name: string) => TargetSource | undefined;
  /**
   * A Codex configuration (the user's, or the project's) declares MCP servers, which a Codex role
   * gets too: a restricted agent is refused for Codex then (docs/targets-mapping.md §3.5).
   */
  codexMcp?: boolean;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Translations of one run, by the source's integrity and the target. */
const memo = new Map<string, Translation | string>();

/**
 * `bytes` (an agent file) for `target`. Line endings are made LF first, so a checkout with CRLF
 * gives the same file; a string says why there is none.
 */
export function translationOf(target: OtherTarget, bytes: Uint8Array, codexMcp = false): Translation | string {
  const lf = Buffer.from(decoder.decode(bytes).replace(/\r\n/g, '\n'), 'utf8');
  const mcp = codexMcp && target === 'codex';
  const key = `${computeIntegrity(lf)} ${target}${mcp ? ' mcp' : ''}`;
  let found = memo.get(key);
  if (found === undefined) {
    const source = sourceOf(lf);
    found = typeof source === 'string' ? source : translateTo(target, mcp ? { ...source, codexMcp: true } : source);
    if (memo.size > 10_000) memo.clear();
    memo.set(key, found);
  }
  return found;
}

function withTargets(entry: LockEntry, records: TargetRecords): LockEntry {
  const { targets: _dropped, ...rest } = entry;
  return Object.keys(records).length > 0 ? { ...rest, targets: records } : rest;
}

/**
 * Adds the target files to `plan` (in place): `action.targets`, the entries' `targets`, and for
 * an upgrade whose target file conflicts, the agent's action becomes a conflict. Returns the
 * refusals (nothing is written when there are any).
 */
export async function planTargets(plan: Plan, folder: GuardedFolder, options: TargetPlanOptions): Promise<Refusal[]> {
  const refusals: Refusal[] = [];
  const user = plan.scope.kind === 'user';
  for (let index = 0; index < plan.actions.length; index++) {
    const action = plan.actions[index]!;
    if (action.type === 'remove') {
      const files = planRemoval(action.previous?.targets ?? {}, folder, options.force);
      if (files.length > 0) action.targets = files;
      continue;
    }
    if (!isWrite(action) && action.type !== 'unchanged') continue;
    const held: TargetRecords = action.previous?.targets ?? (action.type === 'unchanged' ? (action.entry.targets ?? {}) : {});
    const ids = OTHER_TARGETS.filter((t) => options.want.includes(t) || held[t] !== undefined);
    if (ids.length === 0) continue;
    const records: TargetRecords = {};
    const files: TargetFileAction[] = [];
    let conflict: string | undefined;
    const conflicts: MergeConflict[] = [];
    for (const target of ids) {
      const record = held[target];
      const relative = record?.path ?? targetPath(target, user, action.name);
      const disk = readTargetFile(folder, relative);
      const refuse = (code: Refusal['code'], reason: string, hint: string) => refusals.push({ name: action.name, path: relative, code, reason, hint });
      const source = options.source(action.name);
      if (source === undefined) throw new Error(`no bytes to translate ${action.name} from`);
      const translation = translationOf(target, await source.theirs(), options.codexMcp);
      if (typeof translation === 'string' || 'refused' in translation) {
        const reason = typeof translation === 'string' ? translation : translation.refused;
        const lost = typeof translation === 'string' ? [] : translation.lost;
        const approximated = typeof translation === 'string' ? [] : translation.approximated;
        files.push({ target, path: relative, type: 'refused', after: null, lost, approximated, note: reason });
        continue;
      }
      const { lost, approximated } = translation;
      if (options.strict && (lost.length > 0 || approximated.length > 0)) {
        const fields = [...new Set([...lost, ...approximated].map((l) => l.field))].join(', ');
        refuse(
          'TARGET_LOSSY',
          `its ${target} translation ${lost.length > 0 ? 'loses' : 'approximates'} ${fields}`,
          'Without --strict-targets the file is written and every loss reported; or leave that target out of --target.',
        );
        continue;
      }
      const bytes = Buffer.from(translation.text, 'utf8');
      const integrity = computeIntegrity(bytes);
      records[target] = { path: relative, integrity };
      const base = { target, path: relative, lost, approximated };
      const write = (type: 'create' | 'update' | 'merge', data: Uint8Array, extra: Partial<TargetFileAction> = {}) =>
        files.push({ ...base, type, bytes: data, after: computeIntegrity(data), ...extra });
      if (disk.kind === 'folder') {
        refusals.push(folderRefusal(action.name, relative));
        continue;
      }
      if (disk.kind === 'symlink') {
        if (options.force) write('update', bytes, { replaceSymlink: true, note: 'replacing a symbolic link' });
        else refusals.push(symlinkRefusal(action.name, relative, 'write'));
        continue;
      }
      if (disk.kind === 'other') {
        if (options.force) write('update', bytes, { note: 'unreadable file overwritten (--force)' });
        else refusals.push(unreadableRefusal(action.name, relative, disk.why, 'write'));
        continue;
      }
      if (disk.kind === 'missing') {
        write('create', bytes, record ? { note: 'the file was missing' } : {});
        continue;
      }
      if (sameBytes(disk.bytes, bytes)) {
        files.push({ ...base, type: 'unchanged', after: integrity, note: record ? 'up to date' : 'already present; now locked' });
        continue;
      }
      const pristine = record !== undefined && computeIntegrity(disk.bytes) === record.integrity;
      if (pristine) {
        // Another version's translation, or one a run interrupted before it was renamed into place.
        write('update', bytes, {
          current: disk.bytes,
          ...(action.previous?.integrity === action.entry.integrity ? { note: 'the file held another translation' } : {}),
        });
        continue;
      }
      if (record && options.merge) {
        const baseBytes = source.base ? await source.base() : undefined;
        const was = baseBytes ? translationOf(target, baseBytes, options.codexMcp) : undefined;
        if (was !== undefined && typeof was !== 'string' && 'text' in was) {
          if (was.text === translation.text) {
            files.push({ ...base, type: 'unchanged', after: computeIntegrity(disk.bytes), note: 'local edits kept; upstream unchanged' });
            continue;
          }
          const merged = mergeThreeWay(was.text, decoder.decode(disk.bytes), translation.text, { ours: `${relative} (installed)`, theirs: action.name });
          if (merged.clean) {
            write('merge', Buffer.from(merged.text, 'utf8'), { current: disk.bytes, note: 'local edits merged' });
            continue;
          }
          if (options.force) write('update', bytes, { current: disk.bytes, note: 'conflicting local edits overwritten (--force)' });
          else if (options.mergeMarkers)
            write('merge', Buffer.from(merged.withMarkers, 'utf8'), { current: disk.bytes, note: `${merged.conflicts.length} conflict(s) marked in the file` });
          else {
            conflict = `conflicting local edits in ${relative}; nothing written`;
            conflicts.push(...merged.conflicts);
          }
          continue;
        }
      }
      if (options.force) {
        write('update', bytes, { current: disk.bytes, note: record ? 'local edits overwritten (--force)' : 'unowned file overwritten (--force)' });
        continue;
      }
      if (record)
        refuse(
          'LOCALLY_MODIFIED',
          `${relative} has local edits`,
          'Use `agent-install upgrade` to merge them, `agent-install diff --target` to see them, or --force to overwrite.',
        );
      else refuse('NOT_OWNED', `${relative} exists and was not installed by agent-install`, 'Move it away, or use --force to overwrite it.');
    }
    if (conflict !== undefined && action.previous !== undefined && 'entry' in action) {
      plan.actions[index] = {
        type: 'conflict',
        name: action.name,
        path: action.path,
        entry: action.entry,
        previous: action.previous,
        conflicts,
        note: conflict,
      };
      continue;
    }
    action.targets = files;
    action.entry = withTargets(action.entry, records);
  }
  return refusals;
}

/** Removing an agent: each target file the entry records goes when it holds its integrity (or with --force); an edited one stays. */
function planRemoval(held: TargetRecords, folder: GuardedFolder, force: boolean): TargetFileAction[] {
  const files: TargetFileAction[] = [];
  for (const target of OTHER_TARGETS) {
    const record = held[target];
    if (record === undefined) continue;
    const base = { target, path: record.path, lost: [], approximated: [] };
    const keep = (note: string) => files.push({ ...base, type: 'unchanged', after: null, note });
    let disk: ReturnType<typeof readTargetFile>;
    try {
      disk = readTargetFile(folder, record.path);
    } catch (error) {
      // A folder on the way that leads out of the project holds nothing of ours to delete.
      if (!isAgentInstallError(error) || error.code !== 'PATH_OUTSIDE_SCOPE') throw error;
      keep('its folder leads outside the project; kept');
      continue;
    }
    if (disk.kind === 'missing') keep('already gone');
    else if (disk.kind === 'file' && (force || computeIntegrity(disk.bytes) === record.integrity))
      files.push({ ...base, type: 'remove', after: null, current: disk.bytes });
    else if (disk.kind === 'symlink' && force) files.push({ ...base, type: 'remove', after: null });
    else if (disk.kind === 'file') keep('has local edits; kept (--force removes it)');
    else keep(`${disk.kind === 'symlink' ? 'a symbolic link' : disk.kind === 'folder' ? 'a folder' : 'not a readable file'}; kept`);
  }
  return files;
}
