import { isAgentInstallError } from '../errors.js';
import { computeIntegrity } from '../io/integrity.js';
import type { Lockfile } from '../lockfile/lockfile.js';
import { sourceForEntry } from '../sources/index.js';
import type { SourceContext } from '../sources/types.js';
import type { CheckedCandidate } from './check.js';
import { resolveRequested } from './target.js';
import { isNewer, sortValidVersions, wantedVersion } from './versions.js';

/**
 * - version: a newer version exists
 * - changed: a source without versions (a path, a URL, a git branch) now has other bytes
 * - new: a folder or repository source the lockfile follows now provides an agent not installed
 * - gone: the source no longer provides the agent
 */
export type OutdatedKind = 'version' | 'changed' | 'new' | 'gone';

export interface OutdatedRow {
  name: string;
  kind: OutdatedKind;
  /** The locked version, or a short integrity for sources without versions; '-' for a new agent. */
  current: string;
  /** Newest version allowed by `requested` (or what the source holds now). */
  wanted: string;
  latest: string;
  requested: string;
  source: string;
}

/** A locked agent that could not be checked (`--offline`, and only the network knows). Never reported as up to date. */
export interface UncheckedRow {
  name: string;
  source: string;
  reason: string;
}

const short = (integrity: string) => integrity.slice(7, 15);

function offlineMissing(error: unknown, ctx: SourceContext): boolean {
  return ctx.offline === true && isAgentInstallError(error) && error.code === 'OFFLINE_MISSING';
}

function gone(error: unknown): boolean {
  return isAgentInstallError(error) && (error.code === 'AGENT_NOT_FOUND' || error.code === 'NOT_FOUND' || error.code === 'PATH_NOT_FOUND');
}

/**
 * Every locked agent checked against its source: newer versions for sources with versions; for
 * the others (local files and folders, URLs, git branches), whether the bytes changed, whether a
 * folder gained agents, whether the agent is gone. With `--offline`, what only the network could
 * tell is returned as `unchecked`, never as up to date.
 */
export async function findOutdated(lockfile: Lockfile, ctx: SourceContext, root: string): Promise<{ rows: OutdatedRow[]; unchecked: UncheckedRow[] }> {
  const rows: OutdatedRow[] = [];
  const unchecked: UncheckedRow[] = [];
  const memo = new Map<string, Promise<CheckedCandidate[]>>();
  const newFrom = new Map<string, { requested: string; checked: CheckedCandidate }>();
  for (const name of Object.keys(lockfile.agents).sort()) {
    const entry = lockfile.agents[name]!;
    const source = await sourceForEntry(entry, ctx);
    if (entry.version !== undefined && source.listVersions) {
      let listed: string[];
      try {
        listed = await source.listVersions(entry, ctx);
      } catch (error) {
        if (!offlineMissing(error, ctx)) throw error;
        unchecked.push({ name, source: entry.source, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      const versions = sortValidVersions(listed);
      const latest = versions[versions.length - 1];
      if (latest === undefined || !isNewer(latest, entry.version)) continue;
      const wanted = wantedVersion(versions, entry.requested) ?? entry.version;
      rows.push({ name, kind: 'version', current: entry.version, wanted, latest, requested: entry.requested, source: entry.source });
      continue;
    }
    let provided: CheckedCandidate[];
    try {
      provided = await resolveRequested(entry, ctx, { root, memo });
    } catch (error) {
      if (offlineMissing(error, ctx)) {
        unchecked.push({ name, source: entry.requested, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (!gone(error)) throw error;
      rows.push({
        name,
        kind: 'gone',
        current: entry.version ?? short(entry.integrity),
        wanted: '-',
        latest: '-',
        requested: entry.requested,
        source: entry.source,
      });
      continue;
    }
    const now = provided.findLast((c) => c.agent.name === name);
    if (now === undefined) {
      rows.push({
        name,
        kind: 'gone',
        current: entry.version ?? short(entry.integrity),
        wanted: '-',
        latest: '-',
        requested: entry.requested,
        source: entry.source,
      });
    } else {
      const integrity = now.candidate.integrity ?? computeIntegrity(now.candidate.bytes);
      if (integrity !== entry.integrity) {
        const latest = now.candidate.version ?? short(integrity);
        rows.push({
          name,
          kind: 'changed',
          current: entry.version ?? short(entry.integrity),
          wanted: latest,
          latest,
          requested: entry.requested,
          source: now.candidate.source,
        });
      }
    }
    for (const checked of provided) {
      if (!Object.hasOwn(lockfile.agents, checked.agent.name) && !newFrom.has(checked.agent.name))
        newFrom.set(checked.agent.name, { requested: entry.requested, checked });
    }
  }
  for (const [name, { requested, checked }] of [...newFrom].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const latest = checked.candidate.version ?? short(checked.candidate.integrity ?? computeIntegrity(checked.candidate.bytes));
    rows.push({ name, kind: 'new', current: '-', wanted: latest, latest, requested, source: checked.candidate.source });
  }
  return { rows, unchecked };
}
