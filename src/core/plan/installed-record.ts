import { computeIntegrity } from '../io/integrity.js';
import { installedIntegrity, type Lockfile } from '../lockfile/lockfile.js';
import type { InstalledState } from '../scope/installed.js';
import type { ScopeSnapshot } from '../scope/snapshot.js';
import { isWrite, type Plan } from './plan.js';

/**
 * The record after a run: every locked agent whose file agent-install just wrote, or found
 * holding its locked bytes, with the integrity of what is on disk; a locked agent whose file
 * was edited keeps its earlier record; agents the lockfile no longer lists are forgotten.
 */
export function nextInstalledState(previous: InstalledState, snapshot: ScopeSnapshot, plan: Plan, lockfile: Lockfile): InstalledState {
  const written = new Map(plan.actions.filter(isWrite).map((action) => [action.name, action]));
  const next: InstalledState = Object.create(null);
  for (const [name, entry] of Object.entries(lockfile.agents)) {
    const write = written.get(name);
    if (write !== undefined) {
      const plain = write.type !== 'merge' && write.entry.accepted === undefined;
      next[name] = { path: write.path, integrity: plain ? write.entry.integrity : computeIntegrity(write.bytes), entry };
      continue;
    }
    const found = snapshot.agentAt(entry.path);
    if (found?.status === 'ok') next[name] = { path: entry.path, integrity: found.integrity ?? installedIntegrity(entry), entry };
    else if (previous[name]?.path === entry.path) next[name] = previous[name]!;
  }
  return next;
}
