import { statSync } from 'node:fs';
import path from 'node:path';
import { suggest } from '../../did-you-mean.js';
import { AgentInstallError } from '../../errors.js';
import type { LockEntry } from '../../lockfile/lockfile.js';
import { pickVersion, requestedFor } from '../../resolve/versions.js';
import type { Source, SourceContext } from '../types.js';
import { listBundledAgents, listBundledVersions, readBundled } from './bundled.js';
import { fetchFromIndex, loadRegistryIndex, lockedRegistry, type RegistryIndex, type StaticRegistry, staticRegistries, versionsOf } from './index-file.js';
import { BUNDLED, parseRegistrySpec, type RegistrySpec } from './spec.js';

/**
 * A bare word is a registry name; a user who meant the file or folder of that name (`agents`,
 * `reviewer.md`) is told how to write it as a path.
 */
function pathHint(name: string, ctx: SourceContext): string | null {
  let kind: string | null = null;
  try {
    kind = statSync(path.resolve(ctx.cwd, name)).isDirectory() ? 'folder' : 'file';
  } catch {
    kind = null;
  }
  if (kind !== null) return `There is a ${kind} ${name} here: to add from it, write it as a path, ./${name}. `;
  if (name.endsWith('.md')) return `To add a file, write it as a path (./${name}); there is no ${name} here. `;
  if (name.endsWith('.json')) return `To use a registry index, pass --registry ./${name} and an agent name. `;
  return null;
}

function notFound(name: string, ctx: SourceContext, searched: Array<{ id: string; names: string[] }> = []): AgentInstallError {
  const available = [...new Set([...listBundledAgents(ctx), ...searched.flatMap((r) => r.names)])].sort();
  const close = suggest(name, available);
  const where = searched.length === 0 ? 'the bundled registry' : `the bundled registry or ${searched.map((r) => r.id).join(', ')}`;
  return new AgentInstallError(`Agent "${name}" not found in ${where}.`, {
    code: 'AGENT_NOT_FOUND',
    hint: `${pathHint(name, ctx) ?? (close ? `Did you mean "${close}"? ` : '')}Available: ${available.join(', ') || '(none)'}. See \`agent-install search\`.`,
    details: { name, available, registries: [BUNDLED, ...searched.map((r) => r.id)] },
  });
}

function lockedName(entry: LockEntry): RegistrySpec {
  const spec = parseRegistrySpec(entry.source);
  if (!spec || spec.range === undefined) {
    throw new AgentInstallError(`Lock entry source "${entry.source}" is not a registry version.`, { code: 'LOCKFILE_INVALID' });
  }
  return spec;
}

/** The registry a lock entry came from: bundled (also when unrecorded), or a static one. */
async function lockedIndex(entry: LockEntry, ctx: SourceContext): Promise<{ registry: StaticRegistry; index: RegistryIndex } | null> {
  if (entry.registry === undefined || entry.registry === BUNDLED) return null;
  const registry = lockedRegistry(entry.registry, ctx);
  return { registry, index: await loadRegistryIndex(registry, ctx) };
}

/**
 * Agents by name: the bundled registry first, then each static registry in order. The first
 * registry that lists a name owns it (versions are never mixed across registries), so a name
 * resolves the same way whatever the other registries publish.
 */
export const registrySource: Source<RegistrySpec> = {
  id: 'registry',
  parse: (raw) => parseRegistrySpec(raw),
  async resolve(spec, ctx) {
    const bundled = listBundledVersions(ctx, spec.name);
    if (bundled.length > 0) {
      const version = pickVersion(spec.name, bundled, spec.range);
      return [readBundled(ctx, spec.name, version, requestedFor(spec.range, version))];
    }
    const searched: Array<{ id: string; names: string[] }> = [];
    for (const registry of staticRegistries(ctx)) {
      const index = await loadRegistryIndex(registry, ctx);
      const versions = versionsOf(index, spec.name);
      if (versions.length === 0) {
        searched.push({ id: registry.id, names: Object.keys(index.agents) });
        continue;
      }
      const version = pickVersion(spec.name, versions, spec.range);
      return [await fetchFromIndex(registry, index, spec.name, version, requestedFor(spec.range, version), ctx)];
    }
    throw notFound(spec.name, ctx, searched);
  },
  async fetchLocked(entry, ctx) {
    const spec = lockedName(entry);
    const found = await lockedIndex(entry, ctx);
    if (found === null) return readBundled(ctx, spec.name, spec.range!, entry.requested);
    return fetchFromIndex(found.registry, found.index, spec.name, spec.range!, entry.requested, ctx);
  },
  async listVersions(entry, ctx) {
    const name = lockedName(entry).name;
    const found = await lockedIndex(entry, ctx);
    return found === null ? listBundledVersions(ctx, name) : versionsOf(found.index, name);
  },
  async fetchVersion(entry, version, ctx) {
    const name = lockedName(entry).name;
    const found = await lockedIndex(entry, ctx);
    if (found === null) return readBundled(ctx, name, version, entry.requested);
    return fetchFromIndex(found.registry, found.index, name, version, entry.requested, ctx);
  },
};
