import { agentFileName } from '../agent/names.js';
import { AgentInstallError } from '../errors.js';
import { sameIgnoringLineEndings } from '../io/line-endings.js';
import { type CheckedCandidate, entryFor } from '../resolve/check.js';
import type { InstalledAgent } from '../scope/inspect.js';
import type { ScopeSnapshot } from '../scope/snapshot.js';
import type { Plan, PlanAction } from './plan.js';
import { folderRefusal, type Refusal, readProblem, sameBytes, symlinkRefusal, unreadableRefusal } from './refusals.js';

export interface PlanWriteOptions {
  force: boolean;
  /** A subfolder of the agents folder for agents not installed yet (`add --dir team`). */
  dir?: string;
}

/** Statuses of an owned file that mean "no local edits": the locked bytes (CRLF aside), or another version agent-install can name. */
function isPristine(agent: InstalledAgent | undefined): boolean {
  if (agent === undefined) return false;
  if (agent.status === 'orphaned') return agent.edited !== true;
  return agent.status === 'ok' || agent.status === 'behind' || agent.status === 'ahead';
}

/**
 * Plans writing checked candidates into a scope. Never overwrites a file it does not own, an
 * owned file with local edits, or a symbolic link, and never adds a second agent of a name that
 * already exists somewhere in the tree — unless `force`. Refusals are returned, not thrown, so
 * that all of them can be reported together. A pure function of the snapshot and the candidates.
 */
export function planWrites(snapshot: ScopeSnapshot, items: CheckedCandidate[], options: PlanWriteOptions): { plan: Plan; refusals: Refusal[] } {
  const { scope, lockfile } = snapshot;
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
    // A locked file moved (same bytes) elsewhere in the tree: follow it, and record the new path.
    const named = snapshot.agentsNamed(name);
    const moved = previous === undefined ? undefined : named.find((a) => a.status === 'moved');
    let relative = moved?.movedTo ?? previous?.path ?? (options.dir ? `${options.dir}/${agentFileName(name)}` : agentFileName(name));
    // --force over another file of the name (not ours): replace that file, the one Claude Code
    // loads, rather than write a second agent of one name beside it (README, add --force).
    const sameName = named.filter((a) => a.status !== 'moved' && a.path !== relative && a.status !== 'missing' && a.status !== 'invalid');
    const replaced =
      previous === undefined && options.force && sameName.length > 0 ? (sameName.find((a) => a.shadowedBy === undefined) ?? sameName.at(-1)!) : undefined;
    if (replaced !== undefined) relative = replaced.path;
    const entry = entryFor(candidate, relative);
    const refuse = (code: Refusal['code'], reason: string, hint: string) => refusals.push({ name, path: relative, code, reason, hint });

    const owner = ownerOfPath.get(relative);
    if (owner !== undefined && owner !== name) {
      refuse('PATH_TAKEN', `${relative} belongs to the installed agent "${owner}"`, `Remove "${owner}" first (agent-install remove ${owner}).`);
      continue;
    }
    // A locked file that moved elsewhere in the tree still loads there: writing it again would make two.
    const clash = sameName[0];
    if (clash && !options.force) {
      refuse(
        'NAME_TAKEN',
        `an agent named "${name}" already exists in ${clash.movedTo ?? clash.path}`,
        'Claude Code identifies agents by `name`, so one would hide the other. Remove or rename that file, or use --force to replace it with this one.',
      );
      continue;
    }
    // macOS and Windows folders are case-insensitive: `Reviewer.md` and `reviewer.md` are one file there.
    const caseTwin = snapshot.caseTwin(relative);
    if (caseTwin !== null) {
      refuse(
        'NAME_CASE_CLASH',
        `${relative} differs only in letter case from the existing ${caseTwin}`,
        'On a case-insensitive file system they are the same file. Rename one of the agents.',
      );
      continue;
    }
    const at = snapshot.at(relative);
    if (at.kind === 'folder') {
      refusals.push(folderRefusal(name, relative));
      continue;
    }
    const link = at.kind === 'symlink';
    if (link && !options.force) {
      refusals.push(symlinkRefusal(name, relative, 'write'));
      continue;
    }
    if (at.kind === 'missing') {
      actions.push({ type: 'create', name, path: relative, bytes: candidate.bytes, entry, ...(previous ? { previous } : {}) });
      continue;
    }
    const current = link ? undefined : at.bytes;
    if (current !== undefined && sameIgnoringLineEndings(current, candidate.bytes)) {
      // Already the requested bytes (CRLF aside): adopt an unowned copy, or just refresh the entry.
      const eol = sameBytes(current, candidate.bytes) ? '' : ' (line endings aside)';
      const note = moved ? `moved to ${relative}; lock path updated` : previous ? `already installed${eol}` : `already present${eol}; now locked`;
      actions.push({ type: 'unchanged', name, path: relative, entry, ...(previous ? { previous } : {}), note });
      continue;
    }
    const found = snapshot.agentAt(relative);
    if (current === undefined && !link && previous !== undefined && !options.force) {
      refusals.push(unreadableRefusal(name, relative, readProblem(found?.issues), 'write'));
      continue;
    }
    const pristine =
      current !== undefined && ((previous !== undefined && isPristine(found)) || (previous === undefined && found?.status === 'orphaned' && isPristine(found)));
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
      ...(replaced !== undefined
        ? { note: `replaced with --force: that file was named ${name} too` }
        : found?.status === 'behind' || found?.status === 'ahead'
          ? { note: `the file held ${found.fileVersion ?? 'another version'}, not an edit` }
          : found?.lineEndings
            ? { note: 'line endings aside, the file held the locked bytes' }
            : {}),
    });
  }
  return { plan: { scope, actions }, refusals };
}
