import type { LockEntry, Lockfile } from '../core/lockfile/lockfile.js';
import { notInstalledError } from '../core/scope/not-installed.js';
import type { Scope } from '../core/scope/scope.js';

/** Lock entries by name; all of them when no names are given. Unknown names fail with a did-you-mean. */
export function selectLocked(scope: Scope, lockfile: Lockfile, names: string[]): Array<[string, LockEntry]> {
  const all = Object.keys(lockfile.agents).sort();
  const wanted = names.length > 0 ? names : all;
  return wanted.map((name) => {
    const entry = lockfile.agents[name];
    if (entry === undefined) throw notInstalledError(scope, name, all);
    return [name, entry];
  });
}
