import { computeIntegrity } from '../io/integrity.js';
import { notInstalledError } from '../scope/not-installed.js';
import type { ScopeSnapshot } from '../scope/snapshot.js';
import type { Plan, PlanAction } from './plan.js';
import { type Refusal, readProblem, symlinkRefusal, unreadableRefusal } from './refusals.js';

/**
 * Plans removing agents by name. An owned file is deleted only while it still holds the
 * installed bytes; a modified file, a symbolic link or a file agent-install does not own is
 * refused unless `force`. An unknown name is an error with a did-you-mean.
 */
export function planRemove(snapshot: ScopeSnapshot, names: string[], options: { force: boolean }): { plan: Plan; refusals: Refusal[] } {
  const { scope, lockfile, installed } = snapshot;
  const actions: PlanAction[] = [];
  const refusals: Refusal[] = [];
  for (const name of names) {
    const entry = lockfile.agents[name];
    if (entry === undefined) {
      const unmanaged = snapshot.agentsNamed(name)[0];
      if (unmanaged === undefined) {
        const known = [...new Set([...Object.keys(lockfile.agents), ...installed.flatMap((a) => (a.name ? [a.name] : []))])].sort();
        throw notInstalledError(scope, name, known);
      }
      if (!options.force) {
        refusals.push({
          name,
          path: unmanaged.path,
          code: 'NOT_OWNED',
          reason: `${unmanaged.path} was not installed by agent-install`,
          hint: 'Delete it yourself, or use --force to let agent-install delete it.',
        });
        continue;
      }
      actions.push({ type: 'remove', name, path: unmanaged.path, deleteFile: true });
      continue;
    }
    const at = snapshot.at(entry.path);
    if (at.kind === 'symlink') {
      if (!options.force) {
        refusals.push(symlinkRefusal(name, entry.path, 'delete'));
        continue;
      }
      actions.push({ type: 'remove', name, path: entry.path, deleteFile: true, previous: entry });
      continue;
    }
    const current = at.bytes === undefined ? null : computeIntegrity(at.bytes);
    if (at.kind === 'missing' || at.kind === 'folder') {
      actions.push({ type: 'remove', name, path: entry.path, deleteFile: false, previous: entry, note: 'file already gone; forgetting the lock entry' });
    } else if (current === entry.integrity || options.force) {
      actions.push({ type: 'remove', name, path: entry.path, deleteFile: true, previous: entry });
    } else if (current === null) {
      refusals.push(unreadableRefusal(name, entry.path, readProblem(snapshot.agentAt(entry.path)?.issues), 'delete'));
    } else {
      refusals.push({
        name,
        path: entry.path,
        code: 'LOCALLY_MODIFIED',
        reason: `${entry.path} has local edits`,
        hint: 'See them with `agent-install diff --base`; use --force to delete the file anyway.',
      });
    }
  }
  return { plan: { scope, actions }, refusals };
}
