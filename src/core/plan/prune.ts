import type { ScopeSnapshot } from '../scope/snapshot.js';
import type { PlanAction } from './plan.js';

/**
 * Agents this clone installed that the lockfile no longer lists (a pull or a merge removed
 * them): an untouched one is deleted (its bytes are a version agent-install can name, so nothing
 * is lost), an edited one is kept and stops being agent-install's.
 */
export function planPrune(snapshot: ScopeSnapshot): PlanAction[] {
  return snapshot.installed.flatMap((agent): PlanAction[] => {
    if (agent.status !== 'orphaned' || agent.name === null) return [];
    if (agent.edited) {
      return [
        {
          type: 'skip',
          name: agent.name,
          path: agent.path,
          reason: 'no longer in the lockfile, but edited since it was installed: kept as your own file (agent-install no longer manages it)',
        },
      ];
    }
    // Targets: the entry this clone recorded names its target files, removed with it (when unedited).
    const recorded = snapshot.known.installed(agent.name)?.entry;
    return [
      {
        type: 'remove',
        name: agent.name,
        path: agent.path,
        deleteFile: true,
        note: 'no longer in the lockfile',
        ...(recorded?.targets ? { previous: recorded } : {}),
      },
    ];
  });
}
