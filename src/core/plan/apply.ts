import { AgentInstallError } from '../errors.js';
import { type PreparedWrite, uniqueSuffix } from '../io/atomic.js';
import { readFileBounded, readTextBounded } from '../io/bounded-read.js';
import { computeIntegrity } from '../io/integrity.js';
import { JOURNAL_VERSION, type JournalChange, lockfileDigest, serializeJournal } from '../lockfile/journal.js';
import { copyAgents, type Lockfile, serializeLockfile } from '../lockfile/lockfile.js';
import { MAX_LOCKFILE_BYTES } from '../lockfile/read.js';
import { ensureScopeFolders, JOURNAL_NAME, LOCKFILE_NAME, type ScopeFolders, targetsFolder } from '../scope/folders.js';
import { changesTargetFile, isWrite, type Plan, type PlanAction, sameEntry, type TargetFileAction } from './plan.js';

export interface ApplyHooks {
  /** Called after each agent file is written or deleted (tests use it to simulate a crash). */
  afterFile?: (relative: string) => void;
  /** Runs while the files are written under temporary names; if it fails, nothing is committed. */
  whilePreparing?: () => Promise<void>;
  /** The scope-lock token of this run, recorded in the journal. */
  token?: string;
  /** Called once the journal is written. */
  onJournal?: () => void;
}

/** How many agent files are written and synced at once. */
const CONCURRENT_WRITES = 16;

/** Checks that every file the plan writes or deletes lies inside the agents folder (see GuardedFolder). */
export function checkPlanPaths(plan: Plan, folders: ScopeFolders): void {
  for (const action of plan.actions) {
    if (isWrite(action) || action.type === 'remove') folders.agents.check(action.path);
    // Targets: every other tool's file below the project (or home folder), never through a link out of it.
    for (const file of action.targets ?? []) if (changesTargetFile(file)) targetsFolder(folders).check(file.path);
  }
}

/** The target files of an action that are written or deleted. */
function changedTargets(action: PlanAction): TargetFileAction[] {
  return action.targets?.filter(changesTargetFile) ?? [];
}

/** One file the plan writes: an agent file, or a target file beside it. */
interface FileWrite {
  folder: 'agents' | 'targets';
  path: string;
  bytes: Uint8Array;
  replaceSymlink: boolean;
}

/** What the plan writes, in commit order: per action its agent file, then its target files. */
function writesOf(plan: Plan): FileWrite[] {
  const out: FileWrite[] = [];
  for (const action of plan.actions) {
    if (isWrite(action)) out.push({ folder: 'agents', path: action.path, bytes: action.bytes, replaceSymlink: action.replaceSymlink === true });
    for (const file of changedTargets(action))
      if (file.type !== 'remove') out.push({ folder: 'targets', path: file.path, bytes: file.bytes!, replaceSymlink: file.replaceSymlink === true });
  }
  return out;
}

/** Writes every file under a temporary name, several at once; on any failure none is left behind. */
async function prepareAll(writes: FileWrite[], folders: ScopeFolders): Promise<PreparedWrite[]> {
  const prepared: PreparedWrite[] = new Array(writes.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < writes.length) {
      const index = next++;
      const action = writes[index]!;
      try {
        const folder = action.folder === 'agents' ? folders.agents : targetsFolder(folders);
        prepared[index] = await folder.prepareWrite(action.path, action.bytes, { replaceSymlink: action.replaceSymlink });
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_WRITES, writes.length) }, worker));
  if (failure !== undefined) {
    for (const write of prepared) write?.abort();
    throw failure;
  }
  return prepared;
}

/** The lockfile once `done` of the plan's file changes are made (and every change that touches no file). */
function lockfileAfter(plan: Plan, lockfile: Lockfile, done: ReadonlySet<PlanAction>): Lockfile {
  const agents = copyAgents(lockfile.agents);
  for (const action of plan.actions) {
    if (isWrite(action)) {
      if (done.has(action)) agents[action.name] = action.entry;
    } else if (action.type === 'remove') {
      if (!action.deleteFile || done.has(action)) delete agents[action.name];
    } else if (action.type === 'unchanged' && !sameEntry(action.entry, lockfile.agents[action.name])) {
      // Targets: an entry whose target files change is recorded once they have.
      if (changedTargets(action).length === 0 || done.has(action)) agents[action.name] = action.entry;
    }
  }
  return { ...lockfile, agents };
}

const PAST = { create: 'created', update: 'updated', merge: 'merged', remove: 'removed' } as const;

/**
 * The error for a run that stopped after some agent files were already renamed into place (or
 * deleted): what failed, exactly which agents changed and which did not, and whether the
 * lockfile records that yet. Never "nothing was written" when something was.
 */
function stoppedPartWay(error: unknown, fileActions: PlanAction[], done: ReadonlySet<PlanAction>, lockfileWritten: boolean): AgentInstallError {
  const changed = fileActions.filter((a) => done.has(a));
  const notChanged = fileActions.filter((a) => !done.has(a));
  const byVerb = new Map<string, string[]>();
  for (const action of changed) {
    const verb = PAST[action.type as keyof typeof PAST] ?? 'changed the target files of';
    byVerb.set(verb, [...(byVerb.get(verb) ?? []), action.name]);
  }
  const what = [...byVerb].map(([verb, names]) => `${verb} ${names.join(', ')}`).join('; ');
  const outcome =
    changed.length === 0
      ? 'No agent file was changed.'
      : notChanged.length === 0
        ? `${changed.length === 1 ? 'The agent file was' : `All ${changed.length} agent files were`} changed (${what}).`
        : `${changed.length} of ${fileActions.length} agent files were changed (${what}); not changed: ${notChanged.map((a) => a.name).join(', ')}.`;
  const lockfileNote = lockfileWritten
    ? changed.length === 0
      ? ''
      : ' The lockfile records exactly these changes.'
    : ` The lockfile could not be updated: ${JOURNAL_NAME} beside it records the changes, and the next command that writes brings the lockfile up to date (until then verify reports an interrupted run).`;
  const cause = error instanceof Error ? error.message : String(error);
  return new AgentInstallError(`${cause}\n${outcome}${lockfileNote}`, {
    code: error instanceof AgentInstallError ? error.code : 'IO',
    hint:
      changed.length === 0 && error instanceof AgentInstallError && error.hint
        ? error.hint
        : 'Fix the cause (free some space, check the folder), then run the same command again: it does what is left.',
    cause: error,
    details: {
      changed: changed.map((a) => ({ name: a.name, action: a.type, path: a.path })),
      notChanged: notChanged.map((a) => ({ name: a.name, action: a.type, path: a.path })),
      lockfile: changed.length === 0 ? 'unchanged' : lockfileWritten ? 'written' : 'journal',
    },
  });
}

/**
 * The one place that writes agent files and lockfiles, through the scope's guarded folders.
 * Call with the scope lock held, after `recoverScope`. Every target is checked first, then every
 * new file is written and synced under a temporary name (a full disk fails here, with nothing
 * installed), then the journal is written (naming the lockfile before and after, see
 * lockfile/journal.ts), the files are renamed into place in plan order, the folders synced once
 * each, and the lockfile written. Conflicts and skips write nothing.
 *
 * A failure after the first rename (a folder or link that appeared at a target meanwhile, a
 * full disk when the lockfile is written) stops there: the lockfile is written for exactly the
 * files that changed (when even that fails, the journal keeps them), and the error says which.
 */
export async function applyPlan(plan: Plan, lockfile: Lockfile, folders: ScopeFolders, hooks: ApplyHooks = {}): Promise<Lockfile> {
  ensureScopeFolders(folders);
  checkPlanPaths(plan, folders);
  // The lockfile as it is now, which the journal names: read as a regular file only, so that a
  // lockfile that is a link is refused before a journal exists (the write would refuse it later).
  const before = readTextBounded(folders.claude.resolve(LOCKFILE_NAME), MAX_LOCKFILE_BYTES, 'lockfile', { noFollow: true });
  const changes: JournalChange[] = [];
  for (const action of plan.actions) {
    let change: JournalChange | undefined;
    if (isWrite(action)) {
      change = {
        name: action.name,
        path: action.path,
        before: lockfile.agents[action.name] ?? null,
        after: action.entry,
        fileAfter: action.type === 'merge' || action.entry.accepted !== undefined ? computeIntegrity(action.bytes) : action.entry.integrity,
      };
    } else if (action.type === 'remove') {
      // A file left in place (only its lock entry goes) is already gone from disk.
      change = { name: action.name, path: action.path, before: lockfile.agents[action.name] ?? null, after: null, fileAfter: null };
    } else if (action.type === 'unchanged' && changedTargets(action).length > 0) {
      // Targets: only target files change; the agent file stays as it is.
      const held = readFileBounded(folders.agents.resolve(action.path), undefined, { noFollow: true }).bytes;
      change = {
        name: action.name,
        path: action.path,
        before: lockfile.agents[action.name] ?? null,
        after: action.entry,
        fileAfter: held === null ? action.entry.integrity : computeIntegrity(held),
      };
    }
    if (change === undefined) continue;
    const targets = changedTargets(action);
    if (targets.length > 0) change.targets = Object.fromEntries(targets.map((t) => [t.target, { path: t.path, after: t.after }]));
    changes.push(change);
  }
  const fileActions = plan.actions.filter((a) => isWrite(a) || (a.type === 'remove' && a.deleteFile) || changedTargets(a).length > 0);
  const everything = new Set(fileActions);
  const next = lockfileAfter(plan, lockfile, everything);
  const nextText = serializeLockfile(next);
  const writes = writesOf(plan);
  const preparing = prepareAll(writes, folders);
  const checking = hooks.whilePreparing?.();
  const [outcome, checked] = await Promise.allSettled([preparing, checking]);
  if (outcome.status === 'rejected' || checked.status === 'rejected') {
    if (outcome.status === 'fulfilled') for (const write of outcome.value) write.abort();
    // A write that failed under its temporary name (a full disk) leaves every agent file as it was.
    throw outcome.status === 'rejected' ? stoppedPartWay(outcome.reason, fileActions, new Set(), true) : (checked as PromiseRejectedResult).reason;
  }
  const prepared = outcome.value;
  const done = new Set<PlanAction>();
  let committed = 0;
  try {
    try {
      if (changes.length > 0) {
        folders.claude.writeFile(
          JOURNAL_NAME,
          serializeJournal({
            journalVersion: JOURNAL_VERSION,
            token: hooks.token ?? `${uniqueSuffix()}${uniqueSuffix()}`,
            lockfileBefore: before === null ? null : lockfileDigest(before),
            lockfileAfter: lockfileDigest(nextText),
            changes,
          }),
        );
        hooks.onJournal?.();
      }
    } catch (error) {
      throw stoppedPartWay(error, fileActions, done, true);
    }
    for (const action of plan.actions) {
      // The agent file first, then its target files; on removal the target files go first.
      const steps: Array<[string, () => void]> = [];
      if (isWrite(action)) steps.push([action.path, () => prepared[committed++]!.commit()]);
      for (const file of changedTargets(action)) {
        if (file.type === 'remove') steps.unshift([file.path, () => targetsFolder(folders).removeFile(file.path)]);
        else steps.push([file.path, () => prepared[committed++]!.commit()]);
      }
      if (action.type === 'remove' && action.deleteFile) steps.push([action.path, () => folders.agents.removeFile(action.path)]);
      if (steps.length === 0) continue;
      let stepsDone = 0;
      for (const [relative, step] of steps) {
        try {
          step();
        } catch (error) {
          if (stepsDone === 0) throw stopAndRecord(error, plan, lockfile, folders, fileActions, done);
          // Targets: part of this agent's files changed. No lock entry says that; the journal does,
          // and the next writer settles each file from it (see reconcileJournal).
          folders.agents.flush();
          folders.targets?.flush();
          throw stoppedPartWay(error, fileActions, new Set([...done, action]), false);
        }
        stepsDone++;
        hooks.afterFile?.(relative);
      }
      done.add(action);
    }
  } finally {
    for (const write of prepared.slice(committed)) write.abort();
  }
  // Every agent file's rename is durable before the lockfile records it.
  folders.agents.flush();
  folders.targets?.flush();
  try {
    folders.claude.writeFile(LOCKFILE_NAME, nextText);
  } catch (error) {
    if (fileActions.length === 0) throw error; // only lock entries changed: nothing else happened
    throw stoppedPartWay(error, fileActions, done, false);
  }
  if (changes.length > 0) folders.claude.removeFile(JOURNAL_NAME);
  return next;
}

/** After a failed rename or delete: the lockfile for what did change (else the journal keeps it), and the error that says so. */
function stopAndRecord(
  error: unknown,
  plan: Plan,
  lockfile: Lockfile,
  folders: ScopeFolders,
  fileActions: PlanAction[],
  done: ReadonlySet<PlanAction>,
): AgentInstallError {
  if (done.size === 0) {
    // Nothing changed: the journal would reconcile to the lockfile as it is.
    try {
      folders.claude.removeFile(JOURNAL_NAME);
    } catch {
      /* harmless: it describes no change that happened */
    }
    return stoppedPartWay(error, fileActions, done, true);
  }
  let written = false;
  try {
    folders.agents.flush();
    folders.targets?.flush();
    folders.claude.writeFile(LOCKFILE_NAME, serializeLockfile(lockfileAfter(plan, lockfile, done)));
    written = true;
    folders.claude.removeFile(JOURNAL_NAME);
  } catch {
    // The journal stays: the next writer finishes from it (readers report it).
  }
  return stoppedPartWay(error, fileActions, done, written);
}
