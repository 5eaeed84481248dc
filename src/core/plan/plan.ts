import { type LockEntry, sameEntry } from '../lockfile/lockfile.js';

export { sameEntry } from '../lockfile/lockfile.js';

import type { Scope } from '../scope/scope.js';
import type { Loss, OtherTarget } from '../targets/ids.js';

/**
 * Targets: one file of another coding tool derived from the agent (docs/targets-design.md),
 * written or deleted in the same transaction as the agent's own file.
 */
export interface TargetFileAction {
  target: OtherTarget;
  /** Relative to the project (the home folder in the user scope), `/`-separated. */
  path: string;
  /** `refused`: no file for this target (the reason is in `note`); `unchanged` also for a file left in place. */
  type: 'create' | 'update' | 'merge' | 'remove' | 'unchanged' | 'refused';
  /** What is written (create, update, merge). */
  bytes?: Uint8Array;
  /** The integrity the file has once the action is done; null when it is gone. */
  after: string | null;
  /** Bytes on disk before (diffs in dry runs). */
  current?: Uint8Array;
  replaceSymlink?: boolean;
  note?: string;
  lost: Loss[];
  approximated: Loss[];
}

interface ActionBase {
  /** Agent name (the lockfile key). */
  name: string;
  /** File path relative to the agents folder, `/`-separated. */
  path: string;
  /** One line for humans: why this action. */
  note?: string;
  /** Targets: the agent's files for other coding tools. */
  targets?: TargetFileAction[];
}

/**
 * Write `bytes` to `path` and record `entry`. `create` and `update` write exactly the upstream bytes
 * the entry records (`entry.integrity` is their hash); `merge` writes other bytes.
 */
export interface WriteAction extends ActionBase {
  type: 'create' | 'update' | 'merge';
  bytes: Uint8Array;
  entry: LockEntry;
  /** The entry being replaced, if any. */
  previous?: LockEntry;
  /** The target is a symbolic link and `--force` allows replacing the link itself. */
  replaceSymlink?: boolean;
  /** Bytes currently on disk (for diffs in dry runs). */
  current?: Uint8Array;
  /** For `merge`: the file holds git-style conflict markers. */
  conflictMarkers?: boolean;
}

/** The file already holds the right bytes; only the lock entry may change (e.g. `requested`). */
export interface UnchangedAction extends ActionBase {
  type: 'unchanged';
  entry: LockEntry;
  previous?: LockEntry;
  /** Targets: the integrity of the agent file as it is, when target files change beside it. */
  fileIntegrity?: string;
}

/** Forget the agent; delete its file when it is still the installed bytes (or with --force). */
export interface RemoveAction extends ActionBase {
  type: 'remove';
  deleteFile: boolean;
  /** Absent when removing an unmanaged file with --force. */
  previous?: LockEntry;
}

/** A three-way merge that could not be done cleanly; nothing is written for this agent. */
export interface ConflictAction extends ActionBase {
  type: 'conflict';
  entry: LockEntry;
  previous: LockEntry;
  /** The conflicting regions, for reporting. */
  conflicts: Array<{ line: number; ours: string[]; base: string[]; theirs: string[] }>;
}

/** Nothing to do for this agent, for the reason given. */
export interface SkipAction extends ActionBase {
  type: 'skip';
  reason: string;
}

export type PlanAction = WriteAction | UnchangedAction | RemoveAction | ConflictAction | SkipAction;

/** What a command is about to do to one scope; formatters and `--dry-run` read it, `applyPlan` carries it out. */
export interface Plan {
  scope: Scope;
  actions: PlanAction[];
}

export function isWrite(action: PlanAction): action is WriteAction {
  return action.type === 'create' || action.type === 'update' || action.type === 'merge';
}

/** Does this target file action write or delete the file? */
export function changesTargetFile(action: TargetFileAction): boolean {
  return action.type === 'create' || action.type === 'update' || action.type === 'merge' || action.type === 'remove';
}

/** Does carrying out the plan change any file or the lockfile? */
export function planChangesAnything(plan: Plan): boolean {
  return plan.actions.some(
    (a) => isWrite(a) || a.type === 'remove' || (a.type === 'unchanged' && (!sameEntry(a.entry, a.previous) || a.targets?.some(changesTargetFile) === true)),
  );
}
