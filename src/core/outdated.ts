import semver from 'semver';
import type { Lockfile } from './lockfile.js';
import { sourceForEntry } from './sources/index.js';
import type { SourceContext } from './sources/types.js';

export interface OutdatedRow {
  name: string;
  current: string;
  /** Newest version allowed by `requested`. */
  wanted: string;
  latest: string;
  requested: string;
  source: string;
}

/** The newest version satisfying `requested` (an exact version or a range), else null. */
export function wantedVersion(versions: string[], requested: string): string | null {
  if (requested === 'latest') return semver.maxSatisfying(versions, '*');
  if (semver.validRange(requested) === null) return null;
  return semver.maxSatisfying(versions, requested);
}

/** Locked agents whose source offers a newer version than the installed one. */
export async function findOutdated(lockfile: Lockfile, ctx: SourceContext): Promise<OutdatedRow[]> {
  const rows: OutdatedRow[] = [];
  for (const name of Object.keys(lockfile.agents).sort()) {
    const entry = lockfile.agents[name]!;
    if (entry.version === undefined) continue;
    const source = await sourceForEntry(entry, ctx);
    if (!source.listVersions) continue;
    const versions = (await source.listVersions(entry, ctx)).filter((v) => semver.valid(v) !== null).sort(semver.compare);
    const latest = versions[versions.length - 1];
    if (latest === undefined || !semver.gt(latest, entry.version)) continue;
    rows.push({ name, current: entry.version, wanted: wantedVersion(versions, entry.requested) ?? entry.version, latest, requested: entry.requested, source: entry.source });
  }
  return rows;
}
