import { suggest } from '../core/did-you-mean.js';
import { AgentInstallError } from '../core/errors.js';
import type { LockEntry, Lockfile } from '../core/lockfile.js';
import type { Scope } from '../core/scope.js';

/** Lock entries by name; all of them when no names are given. Unknown names fail with a did-you-mean. */
export function selectLocked(scope: Scope, lockfile: Lockfile, names: string[]): Array<[string, LockEntry]> {
  const all = Object.keys(lockfile.agents).sort();
  const wanted = names.length > 0 ? names : all;
  return wanted.map((name) => {
    const entry = lockfile.agents[name];
    if (entry === undefined) {
      const close = suggest(name, all);
      throw new AgentInstallError(`"${name}" is not in ${scope.lockfilePath}.`, {
        code: 'AGENT_NOT_INSTALLED',
        hint: `${close ? `Did you mean "${close}"? ` : ''}Locked agents: ${all.join(', ') || '(none)'}.${scope.kind === 'project' ? ' Use -g for the user scope.' : ''}`,
      });
    }
    return [name, entry];
  });
}
