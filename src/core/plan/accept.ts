import { computeIntegrity } from '../io/integrity.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { notInstalledError } from '../scope/not-installed.js';
import type { ScopeSnapshot } from '../scope/snapshot.js';
import type { Plan, PlanAction } from './plan.js';
import type { Refusal } from './refusals.js';

/**
 * Plans `accept`: each named agent's current bytes become the team's version. The lock entry keeps
 * the upstream version and its integrity (the base of three-way upgrades) and records the
 * accepted bytes' integrity beside them; bytes equal to upstream again drop the acceptance. Only
 * the lockfile changes. A file Claude Code would not load, or one still holding conflict
 * markers, cannot be accepted.
 */
export function planAccept(snapshot: ScopeSnapshot, names: string[]): { plan: Plan; refusals: Refusal[] } {
  const { scope, lockfile } = snapshot;
  const actions: PlanAction[] = [];
  const refusals: Refusal[] = [];
  for (const name of names) {
    const entry = Object.hasOwn(lockfile.agents, name) ? lockfile.agents[name]! : undefined;
    if (entry === undefined) throw notInstalledError(scope, name, Object.keys(lockfile.agents).sort());
    const agent = snapshot.agentAt(entry.path);
    const at = snapshot.at(entry.path);
    const refuse = (reason: string, hint: string) => refusals.push({ name, path: entry.path, code: 'LOCALLY_MODIFIED', reason, hint });
    if (agent === undefined || agent.status === 'missing' || at.bytes === undefined) {
      refuse(`${entry.path} is missing or unreadable`, 'Restore the file (`agent-install install`), edit it, then accept it.');
      continue;
    }
    if (agent.status === 'invalid') {
      refuse(`${entry.path} is not an agent Claude Code would load`, 'Fix it first (`agent-install validate` shows why).');
      continue;
    }
    if (agent.conflictMarkers) {
      refuse(`${entry.path} still holds git conflict markers`, 'Resolve the conflict in the file first.');
      continue;
    }
    const integrity = computeIntegrity(at.bytes);
    const { accepted: _, ...upstream } = entry;
    const next: LockEntry = integrity === entry.integrity ? upstream : { ...entry, accepted: integrity };
    const note =
      integrity === entry.integrity
        ? entry.accepted === undefined
          ? 'no local edits to accept'
          : 'the file is upstream again; acceptance dropped'
        : entry.accepted === integrity
          ? 'already accepted'
          : `local edits accepted on top of ${entry.version ?? entry.source}`;
    actions.push({ type: 'unchanged', name, path: entry.path, entry: next, previous: entry, note });
  }
  return { plan: { scope, actions }, refusals };
}
