import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadValidate } from '../agent/load.js';
import { agentFileName } from '../agent/names.js';
import type { Issue } from '../agent/validate.js';
import { AgentInstallError, type ErrorCode } from '../errors.js';
import { isSymlink } from '../io/atomic.js';
import { computeIntegrity } from '../io/integrity.js';
import type { LockEntry, Lockfile } from '../lockfile/lockfile.js';
import type { InstalledAgent } from '../scope/inspect.js';
import type { Scope } from '../scope/scope.js';
import type { Candidate } from '../sources/types.js';
import type { Plan, PlanAction } from './plan.js';

/** A candidate that passed validation, with the name Claude Code will know it by. */
export interface CheckedCandidate {
  candidate: Candidate;
  /** The name Claude Code will know it by. */
  agent: { name: string };
  warnings: Issue[];
}

/** One reason the plan cannot be carried out without `--force`. */
export interface Refusal {
  name: string;
  path: string;
  code: ErrorCode;
  reason: string;
  hint: string;
}

export async function checkCandidate(candidate: Candidate): Promise<CheckedCandidate> {
  if (candidate.checkedName !== undefined) {
    // Checked when the package was built (the bundled registry): no issues, this name.
    agentFileName(candidate.checkedName);
    return { candidate, agent: { name: candidate.checkedName }, warnings: [] };
  }
  const { checkAgentBytes } = await loadValidate();
  const check = checkAgentBytes(candidate.bytes, { fileName: candidate.fileName });
  const errors = check.issues.filter((i) => i.severity === 'error');
  if (check.agent === null) {
    const first = errors[0];
    throw new AgentInstallError(
      `${candidate.source} is not an agent Claude Code would load: ${errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ') || 'it has no valid frontmatter'}`,
      { code: 'INVALID_AGENT', hint: first?.fix ?? 'Run `agent-install validate` on the file for details.', details: { issues: check.issues } },
    );
  }
  agentFileName(check.agent.name); // refuses names that could escape the folder
  return { candidate, agent: check.agent, warnings: check.issues.filter((i) => i.severity === 'warning') };
}

/** The lock entry recording `candidate` installed at `relative`. */
export function entryFor(candidate: Candidate, relative: string): LockEntry {
  const entry: LockEntry = {
    requested: candidate.requested,
    source: candidate.source,
    integrity: candidate.integrity ?? computeIntegrity(candidate.bytes),
    path: relative,
  };
  if (candidate.version !== undefined) entry.version = candidate.version;
  if (candidate.registry !== undefined) entry.registry = candidate.registry;
  return entry;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

export interface PlanWriteOptions {
  force: boolean;
}

/**
 * Plans writing checked candidates into a scope. Never overwrites a file it does not own, an
 * owned file with local edits, or a symbolic link, and never adds a second agent of a name that
 * already exists somewhere in the tree — unless `force`. Refusals are returned, not thrown, so
 * that all of them can be reported together.
 */
export function planWrites(
  scope: Scope,
  lockfile: Lockfile,
  installed: InstalledAgent[],
  items: CheckedCandidate[],
  options: PlanWriteOptions,
): { plan: Plan; refusals: Refusal[] } {
  const actions: PlanAction[] = [];
  const refusals: Refusal[] = [];
  const ownerOfPath = new Map(Object.entries(lockfile.agents).map(([name, e]) => [e.path, name]));
  const seen = new Set<string>();

  for (const { candidate, agent } of items) {
    const name = agent.name;
    if (seen.has(name.toLowerCase())) {
      throw new AgentInstallError(`Two of the requested agents are named "${name}" (letter case aside).`, {
        code: 'DUPLICATE_NAME',
        hint: 'Claude Code identifies agents by their `name`; install only one of them.',
      });
    }
    seen.add(name.toLowerCase());
    const previous = lockfile.agents[name];
    const relative = previous?.path ?? agentFileName(name);
    const target = path.join(scope.agentsDir, relative);
    const entry = entryFor(candidate, relative);
    const refuse = (code: ErrorCode, reason: string, hint: string) => refusals.push({ name, path: relative, code, reason, hint });

    const owner = ownerOfPath.get(relative);
    if (owner !== undefined && owner !== name) {
      refuse('PATH_TAKEN', `${relative} belongs to the installed agent "${owner}"`, `Remove "${owner}" first (agent-install remove ${owner}).`);
      continue;
    }
    // A locked file that moved elsewhere in the tree still loads there: writing it again would make two.
    const clash = installed.find((a) => a.name === name && (a.status === 'moved' || (a.path !== relative && a.status !== 'missing' && a.status !== 'invalid')));
    if (clash && !options.force) {
      refuse(
        'NAME_TAKEN',
        `an agent named "${name}" already exists in ${clash.movedTo ?? clash.path}`,
        'Claude Code identifies agents by `name`, so one would hide the other. Remove or rename that file, or use --force to install anyway.',
      );
      continue;
    }
    // macOS and Windows folders are case-insensitive: `Reviewer.md` and `reviewer.md` are one file there.
    const caseTwin = siblingDifferingInCase(target);
    if (caseTwin !== null) {
      refuse(
        'NAME_CASE_CLASH',
        `${relative} differs only in letter case from the existing ${caseTwin}`,
        'On a case-insensitive file system they are the same file. Rename one of the agents.',
      );
      continue;
    }
    if (isFolder(target)) {
      refuse('PATH_IS_FOLDER', `${relative} is a folder`, 'Rename or remove that folder; agent-install never replaces folders.');
      continue;
    }
    const link = isSymlink(target);
    if (link && !options.force) {
      refusals.push(symlinkRefusal(name, relative, 'write'));
      continue;
    }
    if (!link && !existsSync(target)) {
      actions.push({ type: 'create', name, path: relative, bytes: candidate.bytes, entry, ...(previous ? { previous } : {}) });
      continue;
    }
    const current = link ? null : readFileSync(target);
    const upToDate = current !== null && sameBytes(current, candidate.bytes);
    if (upToDate) {
      // Already the requested bytes: adopt an unowned copy, or just refresh the entry.
      actions.push({
        type: 'unchanged',
        name,
        path: relative,
        entry,
        ...(previous ? { previous } : {}),
        note: previous ? 'already installed' : 'already present; now locked',
      });
      continue;
    }
    const pristine = previous !== undefined && current !== null && computeIntegrity(current) === previous.integrity;
    if (!pristine && !options.force) {
      if (previous === undefined) {
        refuse('NOT_OWNED', `${relative} exists and was not installed by agent-install`, 'Move it away, or use --force to overwrite it.');
      } else {
        refuse(
          'LOCALLY_MODIFIED',
          `${relative} has local edits`,
          'Use `agent-install upgrade` to merge them, `agent-install diff --base` to see them, or --force to overwrite.',
        );
      }
      continue;
    }
    actions.push({
      type: 'update',
      name,
      path: relative,
      bytes: candidate.bytes,
      entry,
      ...(previous ? { previous } : {}),
      ...(current ? { current } : {}),
      ...(link ? { replaceSymlink: true } : {}),
    });
  }
  return { plan: { scope, actions }, refusals };
}

export function isFolder(target: string): boolean {
  try {
    return lstatSync(target).isDirectory();
  } catch {
    return false;
  }
}

/** Another entry of the target's folder whose name differs from it only in letter case, else null. */
function siblingDifferingInCase(target: string): string | null {
  let names: string[];
  try {
    names = readdirSync(path.dirname(target));
  } catch {
    return null;
  }
  const base = path.basename(target);
  const lower = base.toLowerCase();
  return names.find((n) => n !== base && n.toLowerCase() === lower) ?? null;
}

/** The refusal every planner gives for a symbolic link at the target. */
export function symlinkRefusal(name: string, relative: string, verb: 'write' | 'delete'): Refusal {
  return {
    name,
    path: relative,
    code: 'SYMLINK_TARGET',
    reason: `${relative} is a symbolic link`,
    hint: `agent-install never ${verb}s through links; --force ${verb === 'write' ? 'replaces' : 'deletes'} the link itself (its target is left untouched).`,
  };
}

export function refusalError(refusals: Refusal[]): AgentInstallError {
  const lines = refusals.map((r) => `${r.name}: refusing to write ${r.path}: ${r.reason}.`);
  return new AgentInstallError(lines.join('\n'), {
    code: refusals.length === 1 ? refusals[0]!.code : 'REFUSED',
    hint: `${[...new Set(refusals.map((r) => r.hint))].join(' ')} Nothing was written.`,
    details: { refusals },
  });
}
