import path from 'node:path';
import { AgentInstallError } from '../errors.js';
import { readTextOrNull } from '../io/bounded-read.js';
import { cacheGet, cachePut } from '../io/cache.js';
import { assertIntegrity } from '../io/integrity.js';
import { type LockEntry, type Lockfile, serializeLockfile } from '../lockfile/lockfile.js';
import { MAX_LOCKFILE_BYTES } from '../lockfile/read.js';
import { sourceForEntry } from '../sources/index.js';
import type { Candidate, SourceContext } from '../sources/types.js';
import { type CheckedCandidate, checkCandidate } from './check.js';

/** Keeps fetched bytes in the content-addressed cache (not those the package itself ships). */
export function rememberCandidate(ctx: SourceContext, candidate: Candidate): void {
  if (!candidate.alwaysAvailable) cachePut(ctx, candidate.bytes);
}

/**
 * The exact upstream bytes a lock entry records: from the cache when present (offline), else
 * from its source, verified against the recorded integrity either way.
 */
export async function fetchLockedCandidate(name: string, entry: LockEntry, ctx: SourceContext): Promise<Candidate> {
  const cached = cacheGet(ctx, entry.integrity);
  if (cached !== null) {
    return {
      origin: 'cache',
      requested: entry.requested,
      source: entry.source,
      bytes: cached,
      fileName: path.posix.basename(entry.path),
      ...(entry.version !== undefined ? { version: entry.version } : {}),
      ...(entry.registry !== undefined ? { registry: entry.registry } : {}),
    };
  }
  const candidate = await (await sourceForEntry(entry, ctx)).fetchLocked(entry, ctx);
  assertIntegrity(candidate.bytes, entry.integrity, `${name} (${entry.source})`);
  rememberCandidate(ctx, candidate);
  return candidate;
}

/**
 * Re-fetches every locked agent and verifies its bytes against the recorded integrity before
 * anything is written: one mismatch fails the whole install.
 */
export async function fetchLockedAgents(lockfile: Lockfile, ctx: SourceContext): Promise<CheckedCandidate[]> {
  const out: CheckedCandidate[] = [];
  for (const name of Object.keys(lockfile.agents).sort()) {
    const entry = lockfile.agents[name]!;
    const checked = await checkCandidate(await fetchLockedCandidate(name, entry, ctx));
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
  const text = readTextOrNull(file, MAX_LOCKFILE_BYTES);
  if (text === null) return Object.keys(lockfile.agents).length > 0;
  // A checkout that turned the lockfile's LFs into CRLFs (core.autocrlf) holds the same lockfile.
  return text.replace(/\r\n/g, '\n') !== serializeLockfile(lockfile);
}
