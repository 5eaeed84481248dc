import { statSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { loadValidate } from '../../agent/load.js';
import { nameProblem } from '../../agent/names.js';
import { readConfig } from '../../config.js';
import { AgentInstallError } from '../../errors.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES, readFileBounded, readTextBounded, readTextOrNull } from '../../io/bounded-read.js';
import { cacheFile, cacheGet, writeCacheFile } from '../../io/cache.js';
import { computeIntegrity, isIntegrity } from '../../io/integrity.js';
import { parseJsonFile } from '../../io/json.js';
import { expandPath, lockPath, resolveLockPath } from '../../lockfile/paths.js';
import { sortValidVersions } from '../../resolve/versions.js';
import { offlineMissing } from '../offline.js';
import type { Candidate, SourceContext } from '../types.js';

// ---------------------------------------------------------------------------------------------
// Static registries: an index.json on an HTTPS host or on disk (schema/registry-index.schema.json).

/** The `indexVersion` this agent-install reads and writes. */
export const INDEX_VERSION = 1;
/** Registry indexes may be larger than one agent file. */
const MAX_INDEX_BYTES = 16 * 1_048_576;

/** One published version of an agent: where its file is and what it must hash to. */
export interface IndexVersion {
  /** Relative to the index's URL (or folder), or absolute. */
  url: string;
  /** `sha256-<base64>` of the file's exact bytes. */
  integrity: string;
}

export interface IndexAgent {
  /** One line for `search`; optional. */
  description?: string;
  /** Exact semver version → file. */
  versions: Record<string, IndexVersion>;
}

/** A static registry's `index.json`. */
export interface RegistryIndex {
  indexVersion: number;
  /** By agent name; records without a prototype, so that `constructor` or `__proto__` are names like any other. */
  agents: Record<string, IndexAgent>;
}

/** An empty record without a prototype, for maps keyed by agent names or versions. */
export function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A static registry to search: where its index is, and how lock entries name it. */
export interface StaticRegistry {
  /** An `https://` URL, or an absolute path to an index.json. */
  location: string;
  /** The lock entry's `registry`: the URL, or the path as {@link lockPath} writes it. */
  id: string;
}

function indexInvalid(where: string, message: string): AgentInstallError {
  return new AgentInstallError(`${where}: ${message}`, {
    code: 'REGISTRY_INDEX_INVALID',
    hint: 'See schema/registry-index.schema.json; `agent-install registry build <dir>` writes a valid index.',
    details: { index: where },
  });
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Parses and checks an index.json. Unknown keys are ignored (newer indexes stay readable). */
export function parseRegistryIndex(text: string, where: string): RegistryIndex {
  const raw = parseJsonFile(text, where, 'REGISTRY_INDEX_INVALID');
  if (!isObject(raw)) throw indexInvalid(where, 'expected a JSON object');
  if (typeof raw.indexVersion !== 'number' || !Number.isInteger(raw.indexVersion) || raw.indexVersion < 1) {
    throw indexInvalid(where, '`indexVersion` is missing or not a positive integer');
  }
  if (raw.indexVersion > INDEX_VERSION) {
    throw new AgentInstallError(`${where} has indexVersion ${raw.indexVersion}; this agent-install reads up to ${INDEX_VERSION}.`, {
      code: 'REGISTRY_INDEX_TOO_NEW',
      hint: 'Upgrade agent-install (`npx agent-install@latest`).',
      details: { index: where },
    });
  }
  if (!isObject(raw.agents)) throw indexInvalid(where, '`agents` must be an object');
  const agents = emptyRecord<IndexAgent>();
  for (const [name, value] of Object.entries(raw.agents)) {
    const at = `agents.${name}`;
    const problem = nameProblem(name);
    if (problem !== null) throw indexInvalid(where, `${at}: unusable agent name (${problem})`);
    if (!isObject(value) || !isObject(value.versions)) throw indexInvalid(where, `${at}.versions must be an object`);
    const versions = emptyRecord<IndexVersion>();
    for (const [version, file] of Object.entries(value.versions)) {
      if (semver.valid(version) !== version) throw indexInvalid(where, `${at}.versions: "${version}" is not an exact semver version`);
      if (!isObject(file) || typeof file.url !== 'string' || file.url === '')
        throw indexInvalid(where, `${at}.versions.${version}.url must be a non-empty string`);
      if (typeof file.integrity !== 'string' || !isIntegrity(file.integrity)) {
        throw indexInvalid(where, `${at}.versions.${version}.integrity must be sha256-<base64>`);
      }
      versions[version] = { url: file.url, integrity: file.integrity };
    }
    agents[name] = { versions, ...(typeof value.description === 'string' ? { description: value.description } : {}) };
  }
  return { indexVersion: raw.indexVersion, agents };
}

const isUrl = (value: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(value);

/** A registry named on the command line or in a config file: URL as is, paths made absolute. */
function staticRegistry(value: string, base: string, ctx: SourceContext): StaticRegistry {
  if (isUrl(value)) {
    let href: string;
    try {
      href = new URL(value).href;
    } catch {
      throw new AgentInstallError(`Not a valid registry URL: ${value}`, {
        code: 'INVALID_REGISTRY',
        hint: 'Use https://host/path/index.json or a path to an index.json.',
      });
    }
    return { location: href, id: href };
  }
  let location = expandPath(value, base, ctx.home);
  try {
    if (statSync(location).isDirectory()) location = path.join(location, 'index.json');
  } catch {
    /* reported when the index is read */
  }
  return { location, id: lockPath(location, ctx) };
}

/**
 * The static registries to search after the bundled one, in order: `--registry` options, then
 * the project's config, then the user's (see config.ts). Duplicates are dropped.
 */
export function staticRegistries(ctx: SourceContext): StaticRegistry[] {
  const fromFlags = (ctx.registries ?? []).map((r) => staticRegistry(r, ctx.cwd, ctx));
  const fromConfig = readConfig(ctx, ctx.global === true).registries.map((r) => staticRegistry(r, ctx.cwd, ctx));
  const seen = new Set<string>();
  return [...fromFlags, ...fromConfig].filter((r) => !seen.has(r.location) && seen.add(r.location));
}

/** The registry a lock entry's `registry` names (relative paths are relative to the scope's root). */
export function lockedRegistry(id: string, ctx: SourceContext): StaticRegistry {
  return isUrl(id) ? { location: id, id } : { location: resolveLockPath(id, ctx), id };
}

/** Why a file an index lists could not be read, as a sentence (no raw `ENOENT: …, open '…'`). */
function localProblem(file: string, error: unknown): string {
  let cause: unknown = error;
  // The system error below the wrapping ones (it alone has a `syscall`).
  while (cause instanceof Error && (cause as NodeJS.ErrnoException).syscall === undefined && cause.cause !== undefined) cause = cause.cause;
  switch ((cause as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return `${file} does not exist`;
    case 'EACCES':
    case 'EPERM':
      return `${file} is not readable (permission denied)`;
    case 'EISDIR':
      return `${file} is a folder, not an agent file`;
    default:
      return (error as Error)?.message ?? String(error);
  }
}

/** Copies of remote indexes, so that `--offline` can still resolve names and list versions. */
function indexCachePath(ctx: SourceContext, url: string): string | null {
  // One file per index URL, named by the URL's sha256 in hex.
  return cacheFile(ctx, 'index-v1', `${Buffer.from(computeIntegrity(url).slice('sha256-'.length), 'base64').toString('hex')}.json`);
}

// One download of each index per command run.
const indexMemo = new WeakMap<object, Map<string, Promise<RegistryIndex>>>();

/** Loads a static registry's index: from disk, from its URL, or (`--offline`) from the cache. */
export function loadRegistryIndex(registry: StaticRegistry, ctx: SourceContext): Promise<RegistryIndex> {
  let memo = indexMemo.get(ctx);
  if (!memo) {
    memo = new Map();
    indexMemo.set(ctx, memo);
  }
  let loading = memo.get(registry.location);
  if (!loading) {
    loading = readIndex(registry, ctx);
    memo.set(registry.location, loading);
  }
  return loading;
}

async function readIndex(registry: StaticRegistry, ctx: SourceContext): Promise<RegistryIndex> {
  const { location } = registry;
  if (!isUrl(location)) {
    let text: string | null;
    try {
      text = readTextBounded(location, MAX_INDEX_BYTES, 'registry index');
      if (text === null) throw new Error('no such file');
    } catch (error) {
      if (error instanceof AgentInstallError && error.code === 'TOO_LARGE') throw error;
      throw new AgentInstallError(`Cannot read the registry index ${location}: ${(error as Error).message}`, {
        code: 'NOT_FOUND',
        hint: 'Check --registry and the `registries` of your agent-install config; a registry is an index.json (see `agent-install registry build`).',
        cause: error,
        details: { registry: location },
      });
    }
    return parseRegistryIndex(text, location);
  }
  const cached = indexCachePath(ctx, location);
  if (ctx.offline) {
    const text = cached === null ? null : readTextOrNull(cached, MAX_INDEX_BYTES);
    if (text === null) throw offlineMissing(`the registry index ${location}`, { registry: location });
    return parseRegistryIndex(text, location);
  }
  const { fetchBytes } = await import('../../io/http.js'); // HTTP code loads only for remote indexes
  const response = await fetchBytes(location, { maxBytes: MAX_INDEX_BYTES, headers: { accept: 'application/json' }, ctx, what: `registry index ${location}` });
  const index = parseRegistryIndex(response.bytes.toString('utf8'), location);
  try {
    if (cached !== null) writeCacheFile(ctx, cached, response.bytes, true);
  } catch {
    /* the cache is an optimisation */
  }
  return index;
}

/** The agent `name` of an index, if it lists one (an own key only, whatever the index was built from). */
function agentOf(index: RegistryIndex, name: string): IndexAgent | undefined {
  return Object.hasOwn(index.agents, name) ? index.agents[name] : undefined;
}

export function versionsOf(index: RegistryIndex, name: string): string[] {
  return sortValidVersions(Object.keys(agentOf(index, name)?.versions ?? {}));
}

export async function fetchFromIndex(
  registry: StaticRegistry,
  index: RegistryIndex,
  name: string,
  version: string,
  requested: string,
  ctx: SourceContext,
): Promise<Candidate> {
  const versions = agentOf(index, name)?.versions;
  const file = versions !== undefined && Object.hasOwn(versions, version) ? versions[version] : undefined;
  if (file === undefined) {
    throw new AgentInstallError(`${registry.id} no longer lists ${name}@${version}.`, {
      code: 'VERSION_NOT_FOUND',
      hint: `Available versions: ${versionsOf(index, name).join(', ') || '(none)'}.`,
      details: { registry: registry.id, name, version },
    });
  }
  const what = `${name}@${version} from ${registry.id}`;
  let bytes: Uint8Array | null = cacheGet(ctx, file.integrity);
  let origin = `${registry.id} (cache)`;
  if (bytes === null) {
    if (isUrl(registry.location) || isUrl(file.url)) {
      const url = new URL(file.url, isUrl(registry.location) ? registry.location : undefined).href;
      if (registry.location.startsWith('https:') && !url.startsWith('https:')) {
        // The same rule as for redirects: an https index never sends us to plain http.
        throw indexInvalid(registry.id, `agents.${name}.versions.${version}.url leaves https (${url})`);
      }
      if (ctx.offline) {
        throw offlineMissing(`${what} (${url})`, { url });
      }
      const { fetchBytes } = await import('../../io/http.js');
      bytes = (await fetchBytes(url, { maxBytes: MAX_AGENT_BYTES, ctx, what })).bytes;
      origin = url;
    } else {
      const local = path.resolve(path.dirname(registry.location), decodeURIComponent(file.url));
      try {
        const read = readFileBounded(local, MAX_AGENT_BYTES);
        if (read.bytes === null) throw new Error(`the file is ${read.size.toLocaleString('en-US')} bytes; Claude Code skips agent files over 1 MiB`);
        bytes = read.bytes;
      } catch (error) {
        throw new AgentInstallError(`Cannot read ${what}: ${localProblem(local, error)}.`, {
          code: 'NOT_FOUND',
          hint: 'The index lists a file that is not there as it says: restore the file, or rebuild the index with `agent-install registry build`.',
          cause: error,
          details: { path: local },
        });
      }
      origin = local;
    }
    const actual = computeIntegrity(bytes);
    if (actual !== file.integrity) {
      throw new AgentInstallError(`Integrity mismatch for ${what}: the index says ${file.integrity}, the file is ${actual}.`, {
        code: 'INTEGRITY_MISMATCH',
        hint: 'The file changed after the index was built. Nothing was written. Rebuild the index (`agent-install registry build`) or restore the file.',
        details: { expected: file.integrity, actual, registry: registry.id },
      });
    }
  }
  const { checkAgentBytes } = await loadValidate();
  const named = checkAgentBytes(bytes, { fileName: `${name}.md` }).name;
  if (named !== undefined && named !== name) {
    throw indexInvalid(registry.id, `agents.${name}.versions.${version} is a file named "${named}"`);
  }
  return { origin, version, requested, source: `${name}@${version}`, bytes, fileName: `${name}.md`, registry: registry.id };
}
