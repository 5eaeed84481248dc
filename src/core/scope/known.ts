import { cacheGet } from '../io/cache.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import type { SourceContext } from '../sources/types.js';
import { type InstalledRecord, type InstalledState, readInstalledState } from './installed.js';

/** A version of an agent whose bytes agent-install can name. */
export interface KnownVersion {
  version?: string;
  source: string;
  /** Where agent-install knows it from. */
  from: 'installed' | 'bundled';
}

/**
 * What agent-install knows about bytes it did not just fetch: which version of an agent a file
 * holds (every bundled version, and what this clone installed before), what this clone last
 * installed, and the locked upstream bytes when they are at hand without the network.
 */
export interface KnownBytes {
  /** The version of agent `name` these bytes are, when agent-install can name one. */
  versionOf(name: string, integrity: string): Promise<KnownVersion | null>;
  /** What this clone last installed for `name`. */
  installed(name: string): InstalledRecord | undefined;
  /** Names this clone installed. */
  installedNames(): string[];
  /** The upstream bytes a lock entry records, from the cache or the bundled registry; null when only the network has them. */
  bytesOf(entry: LockEntry): Promise<Uint8Array | null>;
}

/** Knows nothing: every difference is an edit (tests of the planners, readers without a context). */
export const NOTHING_KNOWN: KnownBytes = {
  versionOf: async () => null,
  installed: () => undefined,
  installedNames: () => [],
  bytesOf: async () => null,
};

export function knownBytes(ctx: SourceContext, agentsDir: string, state: InstalledState = readInstalledState(ctx, agentsDir)): KnownBytes {
  // The bundled registry's code loads only when a file differs from its lock entry (not for a clean `list`).
  const bundled = new Map<string, Array<{ version: string; integrity: string; bytes: Uint8Array }>>();
  const bundledOf = async (name: string) => {
    let versions = bundled.get(name);
    if (versions === undefined) {
      const { bundledVersionsOf } = await import('../sources/registry/bundled.js');
      try {
        versions = bundledVersionsOf(ctx, name);
      } catch {
        versions = [];
      }
      bundled.set(name, versions);
    }
    return versions;
  };
  return {
    async versionOf(name, integrity) {
      const record = state[name];
      // Only upstream bytes name a version: a merge or accepted edits are the user's own.
      if (record !== undefined && record.integrity === integrity && record.entry.accepted === undefined && record.entry.integrity === integrity) {
        return { ...(record.entry.version !== undefined ? { version: record.entry.version } : {}), source: record.entry.source, from: 'installed' };
      }
      const found = (await bundledOf(name)).find((v) => v.integrity === integrity);
      return found ? { version: found.version, source: `${name}@${found.version}`, from: 'bundled' } : null;
    },
    installed: (name) => state[name],
    installedNames: () => Object.keys(state),
    async bytesOf(entry) {
      const cached = cacheGet(ctx, entry.integrity);
      if (cached !== null) return cached;
      if (entry.registry !== 'bundled') return null;
      const name = entry.source.slice(0, entry.source.lastIndexOf('@'));
      return (await bundledOf(name)).find((v) => v.integrity === entry.integrity)?.bytes ?? null;
    },
  };
}
