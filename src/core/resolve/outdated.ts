import { isAgentInstallError } from '../errors.js';
import type { Lockfile } from '../lockfile/lockfile.js';
import { sourceForEntry } from '../sources/index.js';
import type { SourceContext } from '../sources/types.js';
import { isNewer, sortValidVersions, wantedVersion } from './versions.js';

export interface OutdatedRow {
  name: string;
  current: string;
  /** Newest version allowed by `requested`. */
  wanted: string;
  latest: string;
  requested: string;
  source: string;
}

/** A locked agent whose versions could not be listed with `--offline` (its source needs the network). */
export interface UncheckedRow {
  name: string;
  source: string;
  reason: string;
}

/**
 * Locked agents whose source offers a newer version than the installed one. With `--offline`,
 * agents whose versions only the network knows (git tags, npm package versions) are
 * returned as `unchecked` rather than failing the whole check.
 */
export async function findOutdated(lockfile: Lockfile, ctx: SourceContext): Promise<{ rows: OutdatedRow[]; unchecked: UncheckedRow[] }> {
  const rows: OutdatedRow[] = [];
  const unchecked: UncheckedRow[] = [];
  for (const name of Object.keys(lockfile.agents).sort()) {
    const entry = lockfile.agents[name]!;
    if (entry.version === undefined) continue;
    const source = await sourceForEntry(entry, ctx);
    if (!source.listVersions) continue;
    let listed: string[];
    try {
      listed = await source.listVersions(entry, ctx);
    } catch (error) {
      if (!ctx.offline || !isAgentInstallError(error) || error.code !== 'OFFLINE_MISSING') throw error;
      unchecked.push({ name, source: entry.source, reason: error.message });
      continue;
    }
    const versions = sortValidVersions(listed);
    const latest = versions[versions.length - 1];
    if (latest === undefined || !isNewer(latest, entry.version)) continue;
    rows.push({
      name,
      current: entry.version,
      wanted: wantedVersion(versions, entry.requested) ?? entry.version,
      latest,
      requested: entry.requested,
      source: entry.source,
    });
  }
  return { rows, unchecked };
}
