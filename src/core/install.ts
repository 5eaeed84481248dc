import { readFileSync } from 'node:fs';
import { checkCandidate, type CheckedCandidate } from './add.js';
import { AgentInstallError } from './errors.js';
import { assertIntegrity } from './integrity.js';
import { serializeLockfile, type Lockfile } from './lockfile.js';
import { sourceForEntry } from './sources/index.js';
import type { SourceContext } from './sources/types.js';

/**
 * Re-fetches every locked agent and verifies its bytes against the recorded integrity before
 * anything is written: one mismatch fails the whole install.
 */
export async function fetchLockedAgents(lockfile: Lockfile, ctx: SourceContext): Promise<CheckedCandidate[]> {
  const out: CheckedCandidate[] = [];
  for (const name of Object.keys(lockfile.agents).sort()) {
    const entry = lockfile.agents[name]!;
    const candidate = await sourceForEntry(entry, ctx).fetchLocked(entry, ctx);
    assertIntegrity(candidate.bytes, entry.integrity, `${name} (${entry.source})`);
    const checked = checkCandidate(candidate);
    if (checked.agent.name !== name) {
      throw new AgentInstallError(`The lockfile records "${name}", but ${entry.source} is named "${checked.agent.name}".`, {
        code: 'LOCKFILE_INVALID',
        hint: 'Fix the lockfile entry by hand, or remove it and add the agent again.',
      });
    }
    out.push(checked);
  }
  return out;
}

/**
 * Would writing this lockfile change its bytes on disk? True after a migration or a hand edit
 * that left it unsorted; false when there is no file and nothing to record.
 */
export function lockfileWouldChange(file: string, lockfile: Lockfile): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return Object.keys(lockfile.agents).length > 0;
  }
  return text !== serializeLockfile(lockfile);
}
