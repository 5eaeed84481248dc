import path from 'node:path';
import { checkAgentBytes, type Grants, grantsOf } from '../agent/validate.js';
import { rankSuggestions } from '../did-you-mean.js';
import { AgentInstallError } from '../errors.js';
import { readFileBounded } from '../io/bounded-read.js';
import { bundledAgentsDir, listBundledAgents, listBundledVersions } from '../sources/registry/bundled.js';
import { loadRegistryIndex, type RegistryIndex, staticRegistries } from '../sources/registry/index-file.js';
import { registrySource } from '../sources/registry/source.js';
import { BUNDLED } from '../sources/registry/spec.js';
import type { SourceContext } from '../sources/types.js';
import { sortValidVersions } from './versions.js';

/** What one version's frontmatter says, as Claude Code reads it. */
export interface AgentDetails {
  version: string;
  /** The whole description, each literal `\n` turned into a newline (as Claude Code shows it). */
  description: string;
  /** null: not set (Claude Code's default applies). */
  model: string | null;
  /** null: all tools (no `tools` key, or `*`); [] : none. */
  tools: string[] | null;
  /** null: none, or one Claude Code drops. */
  color: string | null;
  /** What the agent may do as Claude Code applies the file (docs/grants.md). */
  grants: Grants;
}

/** An agent the registries offer: the registry that owns its name and every version there. */
export interface CatalogAgent {
  name: string;
  /** `bundled`, or the static registry's id (its URL, or its path as the lockfile writes it). */
  registry: string;
  /** Exact versions, ascending. */
  versions: string[];
  latest: string;
  /**
   * The latest version's description: from its file for the bundled registry, from the index for
   * static registries (where `registry build` keeps only the first line); '' when unknown.
   */
  description: string;
  /** The latest version's frontmatter, when its file was read (bundled agents). */
  details?: AgentDetails;
}

/** A static registry whose index could not be read; the catalog lists the others. */
export interface CatalogFailure {
  registry: string;
  error: AgentInstallError;
}

export interface Catalog {
  /** In registry order (bundled first, then static registries as `add` searches them), by name within one. */
  agents: CatalogAgent[];
  /** Every registry searched, in order: `bundled`, then the static registries' ids (also those in `failures`). */
  registries: string[];
  failures: CatalogFailure[];
}

function detailsOf(bytes: Uint8Array, name: string, version: string): AgentDetails | undefined {
  const check = checkAgentBytes(bytes, { fileName: `${name}.md` });
  const agent = check.agent;
  if (agent === null) return undefined;
  return {
    version,
    description: agent.description,
    model: agent.model ?? null,
    tools: agent.tools ?? null,
    color: agent.color ?? null,
    grants: grantsOf(check.effective),
  };
}

function bundledAgent(ctx: SourceContext, name: string): CatalogAgent | null {
  const versions = listBundledVersions(ctx, name);
  const latest = versions.at(-1);
  if (latest === undefined) return null;
  let details: AgentDetails | undefined;
  try {
    details = detailsOf(readFileBounded(path.join(bundledAgentsDir(ctx), name, `${latest}.md`)).bytes ?? new Uint8Array(), name, latest);
  } catch {
    details = undefined;
  }
  return { name, registry: BUNDLED, versions, latest, description: details?.description ?? '', ...(details ? { details } : {}) };
}

/**
 * Every agent the registries offer, resolved the way `add` resolves names: the bundled registry
 * first, then each static registry in order; the first registry that lists a name owns it.
 * Remote indexes come from the cache with `--offline`. An index that cannot be read is reported
 * in `failures`, not thrown, so the other registries can still be browsed.
 */
export async function loadCatalog(ctx: SourceContext): Promise<Catalog> {
  const agents: CatalogAgent[] = [];
  const owned = new Set<string>();
  for (const name of listBundledAgents(ctx)) {
    const agent = bundledAgent(ctx, name);
    if (agent === null) continue;
    agents.push(agent);
    owned.add(name);
  }
  const failures: CatalogFailure[] = [];
  const registries = [BUNDLED];
  for (const registry of staticRegistries(ctx)) {
    registries.push(registry.id);
    let index: RegistryIndex;
    try {
      index = await loadRegistryIndex(registry, ctx);
    } catch (error) {
      if (!(error instanceof AgentInstallError)) throw error;
      failures.push({ registry: registry.id, error });
      continue;
    }
    for (const name of Object.keys(index.agents).sort()) {
      if (owned.has(name)) continue;
      const entry = index.agents[name]!;
      const versions = sortValidVersions(Object.keys(entry.versions));
      const latest = versions.at(-1);
      if (latest === undefined) continue;
      owned.add(name);
      agents.push({ name, registry: registry.id, versions, latest, description: entry.description ?? '' });
    }
  }
  return { agents, registries, failures };
}

/**
 * The frontmatter of one version, from the registry that owns the agent (bundled file, cache,
 * disk or network; integrity-checked like `add`). Throws what fetching throws, e.g.
 * `OFFLINE_MISSING` when `--offline` and the file is not cached.
 */
export async function readAgentDetails(agent: CatalogAgent, version: string, ctx: SourceContext): Promise<AgentDetails | undefined> {
  if (agent.details?.version === version) return agent.details;
  // The lock-entry path of the registry source fetches from exactly the registry named in it.
  const candidate = await registrySource.fetchVersion!(
    { source: `${agent.name}@${version}`, requested: version, version, integrity: '', path: `${agent.name}.md`, registry: agent.registry },
    version,
    ctx,
  );
  return detailsOf(candidate.bytes, agent.name, version);
}

/** How well an agent matches a search: lower is better; null = no match. */
function matchRank(agent: CatalogAgent, query: string, terms: string[]): number | null {
  const name = agent.name.toLowerCase();
  const description = agent.description.toLowerCase();
  if (!terms.every((term) => name.includes(term) || description.includes(term))) return null;
  if (name === query) return 0;
  if (name.startsWith(query)) return 1;
  if (name.includes(query)) return 2;
  if (terms.some((term) => name.includes(term))) return 3;
  return 4;
}

/**
 * Agents whose name or description contains every word of `query` (case-insensitive), name
 * matches first (exact, prefix, anywhere, one word), then description matches; ties keep the
 * catalog order. An empty query matches everything, in catalog order.
 */
export function searchCatalog(agents: CatalogAgent[], query: string): CatalogAgent[] {
  const normalized = query.trim().toLowerCase().replace(/\s+/g, ' ');
  if (normalized === '') return [...agents];
  const terms = normalized.split(' ');
  return agents
    .map((agent, order) => ({ agent, order, rank: matchRank(agent, normalized, terms) }))
    .filter((hit): hit is { agent: CatalogAgent; order: number; rank: number } => hit.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map((hit) => hit.agent);
}

/**
 * The agent name closest to `input`: one containing it (`fastapi` → `fastapi-backend-builder`),
 * else the nearest by edit distance, also comparing with each `-`-separated word of the names
 * (`fastpi` → `fastapi-backend-builder`).
 */
export function suggestAgentName(input: string, names: string[]): string | undefined {
  const wanted = input.trim().toLowerCase();
  if (wanted.length >= 3) {
    const containing = names.find((name) => name !== input && name.toLowerCase().includes(wanted));
    if (containing !== undefined) return containing;
  }
  const owners = new Map<string, string>();
  for (const name of names) if (!owners.has(name)) owners.set(name, name);
  for (const name of names) {
    for (const word of name.split('-')) if (word.length >= 3 && !owners.has(word)) owners.set(word, name);
  }
  const best = rankSuggestions(input.trim(), owners.keys())[0];
  return best === undefined ? undefined : owners.get(best);
}

/** The catalog entry named exactly `name`. */
export function findCatalogAgent(catalog: Catalog, name: string): CatalogAgent | undefined {
  return catalog.agents.find((agent) => agent.name === name);
}
