import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { type CheckAgentBytes, loadValidate } from '../../agent/load.js';
import { nameProblem } from '../../agent/names.js';
import type { Issue } from '../../agent/validate.js';
import { readConfig } from '../../config.js';
import { suggest } from '../../did-you-mean.js';
import { AgentInstallError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../../io/bounded-read.js';
import { cacheDir, cacheGet } from '../../io/cache.js';
import { computeIntegrity, isIntegrity } from '../../io/integrity.js';
import { parseJsonFile, stringifyDeterministic } from '../../io/json.js';
import type { LockEntry } from '../../lockfile/lockfile.js';
import { expandPath, lockPath, resolveLockPath } from '../local.js';
import { offlineMissing } from '../offline.js';
import type { Candidate, Source, SourceContext, SourceSpec } from '../types.js';

export interface RegistrySpec extends SourceSpec {
  source: 'registry';
  name: string;
  /** A semver range, an exact version, or `latest`; undefined for a bare name. */
  range?: string;
}

// `name`, `name@1.2.0`, `name@^1.2`, `name@latest`. Anything with `/`, `:` or a leading `.` is another source's.
const SPEC = /^([A-Za-z0-9_][A-Za-z0-9._-]*)(?:@(.+))?$/;

/** The `registry` value of lock entries resolved from the bundled registry. */
export const BUNDLED = 'bundled';

export function parseRegistrySpec(raw: string): RegistrySpec | null {
  const match = SPEC.exec(raw);
  if (!match) return null;
  const [, name, range] = match;
  if (nameProblem(name!) !== null) return null;
  return range === undefined ? { source: 'registry', raw, name: name! } : { source: 'registry', raw, name: name!, range };
}

/** The bundled registry: `agents/<name>/<version>.md` inside the package. */
export function bundledAgentsDir(ctx: SourceContext): string {
  return path.join(ctx.packageRoot, 'agents');
}

export function listBundledAgents(ctx: SourceContext): string[] {
  try {
    return readdirSync(bundledAgentsDir(ctx), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

// Plain `x.y.z` versions (no prerelease or build, each part a safe integer) are sorted and picked
// without semver, which costs about 4 ms to load: `add <name>` needs it only for real ranges.
const PLAIN_VERSION = /^(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})$/;
const LOOKS_LIKE_VERSION = /^\d+\.\d+\.\d+/;

export function comparePlainVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
}

/** Versions of a bundled agent, ascending. */
export function listBundledVersions(ctx: SourceContext, name: string): string[] {
  let files: string[];
  try {
    files = readdirSync(path.join(bundledAgentsDir(ctx), name));
  } catch {
    return [];
  }
  const names = files.filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
  // CHANGELOG.md and the like are not versions; anything version-like but not plain needs semver.
  if (!names.some((v) => !PLAIN_VERSION.test(v) && LOOKS_LIKE_VERSION.test(v))) return names.filter((v) => PLAIN_VERSION.test(v)).sort(comparePlainVersions);
  return names.filter((v) => semver.valid(v) === v).sort(semver.compare);
}

function notFound(name: string, ctx: SourceContext, searched: Array<{ id: string; names: string[] }> = []): AgentInstallError {
  const available = [...new Set([...listBundledAgents(ctx), ...searched.flatMap((r) => r.names)])].sort();
  const close = suggest(name, available);
  const where = searched.length === 0 ? 'the bundled registry' : `the bundled registry or ${searched.map((r) => r.id).join(', ')}`;
  return new AgentInstallError(`Agent "${name}" not found in ${where}.`, {
    code: 'AGENT_NOT_FOUND',
    hint: `${close ? `Did you mean "${close}"? ` : ''}Available: ${available.join(', ') || '(none)'}. See \`agent-install search\`.`,
    details: { name, available, registries: [BUNDLED, ...searched.map((r) => r.id)] },
  });
}

/** Picks a version: exact, range, or `latest`/none = the newest. Throws listing the available versions. */
export function pickVersion(name: string, versions: string[], range: string | undefined): string {
  const wanted = range === undefined || range === 'latest' ? '*' : range;
  if (wanted === '*' && versions.length > 0 && versions.every((v) => PLAIN_VERSION.test(v)))
    return versions.reduce((a, b) => (comparePlainVersions(a, b) >= 0 ? a : b));
  if (semver.validRange(wanted) === null) {
    throw new AgentInstallError(`"${range}" is not a version or version range for ${name}.`, {
      code: 'INVALID_VERSION_RANGE',
      hint: `Use an exact version (1.0.0), a range (^1.0, ~1.1.0) or latest. Available: ${versions.join(', ')}.`,
    });
  }
  const picked = semver.maxSatisfying(versions, wanted);
  if (picked === null) {
    throw new AgentInstallError(`No version of ${name} matches ${range}.`, {
      code: 'VERSION_NOT_FOUND',
      hint: `Available versions: ${versions.join(', ')}.`,
      details: { name, range, available: versions },
    });
  }
  return picked;
}

/** Bare names and `latest` are recorded as `^<version>`, as npm does. */
export function requestedFor(range: string | undefined, version: string): string {
  return range === undefined || range === 'latest' ? `^${version}` : range;
}

/**
 * `dist/bundled-index.json`, written at build time: name → version → the text and integrity of
 * every bundled file that passed validation with no issues.
 */
type BuildIndex = Record<string, Record<string, { integrity: string; text: string }>>;
const checkedAtBuild = new Map<string, BuildIndex | null>();

/**
 * What the build validated for this file, unless the file's size no longer matches (an agent
 * edited in a checkout without rebuilding): then it is read and validated like any other file.
 * (File times cannot tell: npm stamps every file it extracts with the time of extraction.)
 */
function checkedByBuild(ctx: SourceContext, name: string, version: string, file: string): { integrity: string; text: string } | undefined {
  let index = checkedAtBuild.get(ctx.packageRoot);
  if (index === undefined) {
    try {
      index = JSON.parse(readFileSync(path.join(ctx.packageRoot, 'dist', 'bundled-index.json'), 'utf8')) as BuildIndex;
    } catch {
      index = null; // running from source, or a registry without a build: validate at run time
    }
    checkedAtBuild.set(ctx.packageRoot, index);
  }
  const checked = index?.[name]?.[version];
  if (checked === undefined) return undefined;
  try {
    return statSync(file).size === Buffer.byteLength(checked.text, 'utf8') ? checked : undefined;
  } catch {
    return undefined; // the file is gone: reported by the read below
  }
}

function readBundled(ctx: SourceContext, name: string, version: string, requested: string): Candidate {
  const base = {
    origin: 'bundled registry',
    version,
    requested,
    source: `${name}@${version}`,
    fileName: `${name}.md`,
    registry: BUNDLED,
    alwaysAvailable: true,
  };
  const file = path.join(bundledAgentsDir(ctx), name, `${version}.md`);
  // What the build validated is installed as it was validated: no parsing, no hashing (fast `add`).
  const checked = checkedByBuild(ctx, name, version, file);
  if (checked !== undefined) return { ...base, bytes: Buffer.from(checked.text, 'utf8'), integrity: checked.integrity, checkedName: name };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new AgentInstallError(`Bundled agent ${name}@${version} is missing (${file}).`, {
      code: 'AGENT_NOT_FOUND',
      hint: `Available versions: ${listBundledVersions(ctx, name).join(', ') || '(none)'}.`,
      cause: error,
    });
  }
  return { ...base, bytes };
}

function lockedName(entry: LockEntry): RegistrySpec {
  const spec = parseRegistrySpec(entry.source);
  if (!spec || spec.range === undefined) {
    throw new AgentInstallError(`Lock entry source "${entry.source}" is not a registry version.`, { code: 'LOCKFILE_INVALID' });
  }
  return spec;
}

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
  agents: Record<string, IndexAgent>;
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
  const agents: Record<string, IndexAgent> = {};
  for (const [name, value] of Object.entries(raw.agents)) {
    const at = `agents.${name}`;
    const problem = nameProblem(name);
    if (problem !== null) throw indexInvalid(where, `${at}: unusable agent name (${problem})`);
    if (!isObject(value) || !isObject(value.versions)) throw indexInvalid(where, `${at}.versions must be an object`);
    const versions: Record<string, IndexVersion> = {};
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

/** Copies of remote indexes, so that `--offline` can still resolve names and list versions. */
function indexCachePath(ctx: SourceContext, url: string): string {
  // One file per index URL, named by the URL's sha256 in hex.
  return path.join(cacheDir(ctx), 'index-v1', `${Buffer.from(computeIntegrity(url).slice('sha256-'.length), 'base64').toString('hex')}.json`);
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
    let text: string;
    try {
      text = readFileSync(location, 'utf8');
    } catch (error) {
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
    let text: string;
    try {
      text = readFileSync(cached, 'utf8');
    } catch {
      throw offlineMissing(`the registry index ${location}`, { registry: location });
    }
    return parseRegistryIndex(text, location);
  }
  const { fetchBytes } = await import('../../io/http.js'); // HTTP code loads only for remote indexes
  const response = await fetchBytes(location, { maxBytes: MAX_INDEX_BYTES, headers: { accept: 'application/json' }, ctx, what: `registry index ${location}` });
  const index = parseRegistryIndex(response.bytes.toString('utf8'), location);
  try {
    writeFileAtomic(cached, response.bytes);
  } catch {
    /* the cache is an optimisation */
  }
  return index;
}

function versionsOf(index: RegistryIndex, name: string): string[] {
  return Object.keys(index.agents[name]?.versions ?? {}).sort(semver.compare);
}

async function fetchFromIndex(
  registry: StaticRegistry,
  index: RegistryIndex,
  name: string,
  version: string,
  requested: string,
  ctx: SourceContext,
): Promise<Candidate> {
  const file = index.agents[name]?.versions[version];
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
        bytes = readFileSync(local);
      } catch (error) {
        throw new AgentInstallError(`Cannot read ${what}: ${(error as Error).message}`, { code: 'NOT_FOUND', cause: error, details: { path: local } });
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

// ---------------------------------------------------------------------------------------------
// `agent-install registry build`: a folder laid out like the bundled registry → index.json.

export interface BuildIndexOptions {
  /** Where the index will be written; relative file URLs are relative to its folder. */
  outFile: string;
  /** Write absolute URLs under this base instead (`https://agents.example.com/`). */
  baseUrl?: string;
}

export interface BuiltIndex {
  index: RegistryIndex;
  /** The serialised index (deterministic JSON). */
  text: string;
  /** Files under agents/ that are not `<name>/<version>.md` (e.g. CHANGELOG.md), relative to the folder. */
  ignored: string[];
  warnings: Array<{ file: string; issue: Issue }>;
}

/** Agent names and versions stay readable in URLs; anything unusual is percent-encoded. */
const encodePath = (relative: string): string => relative.split('/').map(encodeURIComponent).join('/');

/**
 * Builds an index.json from `<dir>/agents/<name>/<version>.md`. Every file must load in Claude
 * Code and be named after its folder; any error fails the whole build (nothing is returned to
 * write). Output is deterministic: sorted keys, no timestamps.
 */
export function buildRegistryIndex(dir: string, options: BuildIndexOptions, checkAgentBytes: CheckAgentBytes): BuiltIndex {
  const agentsDir = path.join(dir, 'agents');
  let names: string[];
  try {
    names = readdirSync(agentsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (error) {
    throw new AgentInstallError(`No agents/ folder in ${dir}.`, {
      code: 'NOT_FOUND',
      hint: 'A registry folder holds agents/<name>/<version>.md, e.g. agents/code-reviewer/1.0.0.md.',
      cause: error,
    });
  }
  let base: URL | undefined;
  if (options.baseUrl !== undefined) {
    try {
      base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    } catch {
      throw new AgentInstallError(`--base-url is not a URL: ${options.baseUrl}`, {
        code: 'USAGE',
        exitCode: 2,
        hint: 'Use e.g. --base-url https://agents.example.com/',
      });
    }
  }
  const outDir = path.dirname(path.resolve(options.outFile));
  const agents: Record<string, IndexAgent> = {};
  const ignored: string[] = [];
  const warnings: BuiltIndex['warnings'] = [];
  const errors: string[] = [];
  for (const name of names) {
    const relativeDir = `agents/${name}`;
    const problem = nameProblem(name);
    if (problem !== null) {
      errors.push(`${relativeDir}: unusable agent name (${problem})`);
      continue;
    }
    const versions: Record<string, IndexVersion> = {};
    let newest: { version: string; description: string } | undefined;
    for (const fileName of readdirSync(path.join(agentsDir, name)).sort()) {
      const relative = `${relativeDir}/${fileName}`;
      const version = fileName.endsWith('.md') ? fileName.slice(0, -3) : '';
      if (semver.valid(version) !== version || version === '') {
        ignored.push(relative);
        continue;
      }
      const file = path.join(agentsDir, name, fileName);
      const bytes = readFileSync(file);
      const check = checkAgentBytes(bytes, { fileName: `${name}.md` });
      for (const issue of check.issues) {
        if (issue.severity === 'error') errors.push(`${relative}:${issue.line}:${issue.column}: ${issue.message}`);
        else warnings.push({ file: relative, issue });
      }
      if (check.agent === null) continue;
      if (check.agent.name !== name) {
        errors.push(`${relative}: the agent is named "${check.agent.name}", but its folder says "${name}"`);
        continue;
      }
      const url = base ? new URL(encodePath(relative), base).href : encodePath(path.relative(outDir, file).split(path.sep).join('/'));
      versions[version] = { url, integrity: computeIntegrity(bytes) };
      if (newest === undefined || semver.gt(version, newest.version)) newest = { version, description: check.agent.description };
    }
    if (newest === undefined) continue;
    const description = newest.description.split('\n')[0]!.trim();
    agents[name] = { versions, ...(description ? { description: description.length > 200 ? `${description.slice(0, 199)}…` : description } : {}) };
  }
  if (errors.length > 0) {
    throw new AgentInstallError(`Cannot build the index of ${dir}:\n${errors.map((e) => `  ${e}`).join('\n')}`, {
      code: 'INVALID_AGENT',
      hint: 'Fix these files (`agent-install validate <file>` explains each); nothing was written.',
      details: { errors },
    });
  }
  const index: RegistryIndex = { indexVersion: INDEX_VERSION, agents };
  return { index, text: stringifyDeterministic(index), ignored, warnings };
}
