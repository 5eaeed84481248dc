import { createHash } from 'node:crypto';
import path from 'node:path';
import semver from 'semver';
import { AgentInstallError } from '../../errors.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../../io/bounded-read.js';
import { fetchBytes } from '../../io/http.js';
import { authFor, loadNpmConfig, type NpmConfig, registryFor } from '../../io/npmrc.js';
import { readTgz, type TarEntry } from '../../io/tar.js';
import type { LockEntry } from '../../lockfile/lockfile.js';
import { requestedFor, sortValidVersions } from '../../resolve/versions.js';
import { type AgentBytes, defaultAgentDir, keepLoadableAgents, nearbyAgentFiles, normalizeInnerPath, selectFiles, type TreeFile } from '../agent-tree.js';
import { claimsNpm } from '../claims.js';
import { offlineMissing } from '../offline.js';
import type { Candidate, Source, SourceContext, SourceSpec } from '../types.js';

const offlineMissingFor = (what: string) => offlineMissing(what, { missing: what });

/** Largest package tarball downloaded. */
export const MAX_TARBALL_BYTES = 20 * 1_048_576;
/** Largest packument (the package's version list) downloaded. */
export const MAX_PACKUMENT_BYTES = 50 * 1_048_576;

/**
 * `npm:<package>[@<range or dist-tag>][/<file or folder>]`, e.g. `npm:@acme/agents@^1/agents/x.md`.
 */
export interface NpmSpec extends SourceSpec {
  source: 'npm';
  name: string;
  /** A semver range; undefined for none. */
  range?: string;
  /** A dist-tag (`latest`, `next`). */
  tag?: string;
  /** File or folder inside the package, normalised. */
  path?: string;
}

// validate-npm-package-name: URL-safe characters, no leading `.` or `_`; old packages may have capitals.
const NAME_PART = '[A-Za-z0-9~-][A-Za-z0-9._~-]*';
const SPEC = new RegExp(`^npm:((?:@${NAME_PART}/)?${NAME_PART})(?:@([^/]*))?(?:/(.*))?$`);

function invalid(raw: string, why: string): AgentInstallError {
  return new AgentInstallError(`Invalid npm spec ${JSON.stringify(raw)}: ${why}.`, {
    code: 'INVALID_SPEC',
    hint: 'Use npm:<package>[@<range>][/<path inside the package>], e.g. npm:@acme/agents@^1.2/agents/reviewer.md.',
  });
}

/** Parses an `npm:` spec; null for other specs, an error for a malformed `npm:` one. */
export function parseNpmSpec(raw: string): NpmSpec | null {
  if (!claimsNpm(raw)) return null;
  const match = SPEC.exec(raw);
  if (!match) throw invalid(raw, 'not a package name');
  const [, name, version, inner] = match;
  if (name!.length > 214) throw invalid(raw, 'a package name has at most 214 characters');
  const spec: NpmSpec = { source: 'npm', raw, name: name! };
  if (version !== undefined) {
    if (version === '') throw invalid(raw, 'nothing after "@"');
    if (semver.validRange(version) !== null) spec.range = version;
    else if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) spec.tag = version;
    else throw invalid(raw, `"${version}" is neither a version range nor a dist-tag`);
  }
  if (inner !== undefined && inner !== '') {
    const normalized = normalizeInnerPath(inner);
    if (normalized === null) throw invalid(raw, `"${inner}" is not a path inside the package`);
    spec.path = normalized;
  }
  return spec;
}

/** The lock entry's `source`: the exact version and the exact file. */
export function formatNpmSource(name: string, version: string, file: string): string {
  return `npm:${name}@${version}/${file}`;
}

/** The subset of a packument agent-install reads. */
export interface Packument {
  name: string;
  'dist-tags'?: Record<string, string>;
  versions: Record<string, { version: string; dist?: { tarball?: string; integrity?: string; shasum?: string } }>;
}

/**
 * The version npm would install for a range or tag: a dist-tag is that version; a range takes
 * the `latest` tag when it satisfies the range, else the newest satisfying version; none = `latest`.
 */
export function pickNpmVersion(packument: Packument, spec: Pick<NpmSpec, 'name' | 'range' | 'tag'>): string {
  const versions = sortValidVersions(Object.keys(packument.versions));
  const tags = packument['dist-tags'] ?? {};
  const latest = tags.latest;
  if (spec.tag !== undefined) {
    const version = tags[spec.tag];
    if (version === undefined || !packument.versions[version]) {
      throw new AgentInstallError(`${spec.name} has no dist-tag "${spec.tag}".`, {
        code: 'VERSION_NOT_FOUND',
        hint: `Dist-tags: ${
          Object.entries(tags)
            .map(([t, v]) => `${t} (${v})`)
            .join(', ') || '(none)'
        }.`,
      });
    }
    return version;
  }
  const range = spec.range ?? '*';
  if (latest !== undefined && packument.versions[latest] && semver.satisfies(latest, range)) return latest;
  const picked = semver.maxSatisfying(versions, range);
  if (picked === null) {
    throw new AgentInstallError(`No version of ${spec.name} matches ${spec.range ?? 'latest'}.`, {
      code: 'VERSION_NOT_FOUND',
      hint: `Available versions: ${versions.join(', ') || '(none)'}.`,
      details: { name: spec.name, range: spec.range, available: versions },
    });
  }
  return picked;
}

/** npm records `^<version>` for a bare name and for dist-tags; ranges as written. */
export function npmRequested(spec: Pick<NpmSpec, 'range'>, version: string): string {
  return requestedFor(spec.range, version);
}

/**
 * Checks `bytes` against a packument's `dist.integrity` (SRI; the strongest of sha512, sha384,
 * sha256 is used), or, for old packages without one, `dist.shasum` (sha1 hex).
 */
export function verifyTarball(bytes: Uint8Array, dist: { integrity?: string; shasum?: string }, what: string): void {
  const sri = (dist.integrity ?? '')
    .split(/\s+/)
    .map((part) => /^(sha512|sha384|sha256)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]!.slice(3)) - Number(a[1]!.slice(3)));
  let expected: string;
  let actual: string;
  if (sri.length > 0) {
    const [, algorithm, digest] = sri[0]!;
    expected = `${algorithm}-${digest}`;
    actual = `${algorithm}-${createHash(algorithm!).update(bytes).digest('base64')}`;
  } else if (dist.shasum && /^[0-9a-f]{40}$/i.test(dist.shasum)) {
    expected = `sha1:${dist.shasum.toLowerCase()}`;
    actual = `sha1:${createHash('sha1').update(bytes).digest('hex')}`;
  } else {
    throw new AgentInstallError(`${what} has no integrity in the registry (dist.integrity).`, {
      code: 'NPM_NO_INTEGRITY',
      hint: 'agent-install reads a tarball only after checking it; republish the package from a current npm.',
    });
  }
  if (actual !== expected) {
    throw new AgentInstallError(`Integrity mismatch for ${what}: the registry says ${expected}, the download is ${actual}.`, {
      code: 'INTEGRITY_MISMATCH',
      hint: 'The tarball was altered or truncated on the way (a proxy or a broken mirror?). Nothing was written.',
      details: { expected, actual },
    });
  }
}

/** Per command run: the npm configuration, packuments and unpacked tarballs, fetched once. */
interface RunState {
  config: NpmConfig;
  packuments: Map<string, Promise<{ packument: Packument; registry: string }>>;
  tarballs: Map<string, Promise<TarEntry[]>>;
}

const states = new WeakMap<SourceContext, RunState>();

function stateFor(ctx: SourceContext): RunState {
  let state = states.get(ctx);
  if (!state) {
    const prefix = path.dirname(path.dirname(process.execPath));
    state = {
      config: loadNpmConfig({ cwd: ctx.cwd, home: ctx.home, env: ctx.env, global: ctx.global === true, prefix }),
      packuments: new Map(),
      tarballs: new Map(),
    };
    states.set(ctx, state);
  }
  return state;
}

/**
 * The context for {@link fetchBytes}: npm's `cafile`, `https-proxy` (else `proxy`) and
 * `noproxy` settings become the variables the HTTP client reads, unless those are set already.
 */
function fetchContext(state: RunState, ctx: SourceContext): SourceContext {
  const s = state.config.settings;
  const env = { ...ctx.env };
  const cafile = s.get('cafile')?.value;
  if (cafile && !env.AGENT_INSTALL_CA_FILE) env.AGENT_INSTALL_CA_FILE = cafile;
  const proxy = s.get('https-proxy')?.value ?? s.get('proxy')?.value;
  if (proxy && !env.https_proxy && !env.HTTPS_PROXY) env.HTTPS_PROXY = proxy;
  const noproxy = s.get('noproxy')?.value;
  if (noproxy && !env.no_proxy && !env.NO_PROXY) env.NO_PROXY = noproxy;
  return { ...ctx, env };
}

function authHeaders(state: RunState, url: string, registry: string): Record<string, string> {
  const auth = authFor(state.config, url, registry);
  return auth ? { authorization: auth.header } : {};
}

function rethrowHttp(error: unknown, state: RunState, name: string, url: string, registry: string): never {
  if (!(error instanceof AgentInstallError)) throw error;
  const auth = authFor(state.config, url, registry);
  const host = new URL(registry).host;
  const configHint = `Configure it in an .npmrc (${state.config.files.join(', ') || 'none was found'}): \`@scope:registry=<url>\` and \`//${host}/:_authToken=<token>\` (use \${NPM_TOKEN} to keep the token out of the file).`;
  if (error.code === 'NOT_FOUND') {
    throw new AgentInstallError(`npm package ${name} not found in ${registry}.`, {
      code: 'PACKAGE_NOT_FOUND',
      hint: `Check the name${/^@/.test(name) ? ' and which registry serves its scope' : ''}. A private package also looks like this without credentials. ${configHint}`,
      cause: error,
      details: { name, registry },
    });
  }
  if (error.code === 'UNAUTHORIZED') {
    throw new AgentInstallError(
      `${registry} refused access to ${name} (${auth ? `with the credentials from ${auth.where}` : 'no credentials were configured for it'}).`,
      {
        code: 'NPM_AUTH',
        hint: auth ? 'The token may be expired or lack read access; log in again (npm login) or replace it.' : configHint,
        cause: error,
        details: { name, registry },
      },
    );
  }
  throw error;
}

async function fetchPackument(name: string, ctx: SourceContext): Promise<{ packument: Packument; registry: string }> {
  const state = stateFor(ctx);
  const registry = registryFor(state.config, name).value;
  const url = `${registry}${name.replace('/', '%2f')}`;
  let pending = state.packuments.get(url);
  if (!pending) {
    pending = (async () => {
      if (ctx.offline) throw offlineMissingFor(`npm package ${name} (${registry})`);
      let bytes: Buffer;
      try {
        ({ bytes } = await fetchBytes(url, {
          maxBytes: MAX_PACKUMENT_BYTES,
          headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*', ...authHeaders(state, url, registry) },
          ctx: fetchContext(state, ctx),
          what: `npm package ${name}`,
        }));
      } catch (error) {
        rethrowHttp(error, state, name, url, registry);
      }
      let packument: Packument;
      try {
        packument = JSON.parse(bytes.toString('utf8')) as Packument;
      } catch (error) {
        throw new AgentInstallError(`${registry} answered for ${name} with something that is not JSON.`, {
          code: 'NPM_REGISTRY_INVALID',
          hint: 'Check the registry URL in your .npmrc.',
          cause: error,
        });
      }
      if (packument === null || typeof packument !== 'object' || typeof packument.versions !== 'object' || packument.versions === null) {
        throw new AgentInstallError(`${registry} answered for ${name} without a version list.`, {
          code: 'NPM_REGISTRY_INVALID',
          hint: 'Check the registry URL in your .npmrc.',
        });
      }
      return { packument, registry };
    })();
    state.packuments.set(url, pending);
  }
  return pending;
}

/** Downloads, verifies and unpacks one version's tarball (verification before any reading). */
async function fetchPackageFiles(name: string, version: string, ctx: SourceContext): Promise<TarEntry[]> {
  const state = stateFor(ctx);
  const { packument, registry } = await fetchPackument(name, ctx);
  const manifest = packument.versions[version];
  if (!manifest) {
    const versions = sortValidVersions(Object.keys(packument.versions));
    throw new AgentInstallError(`${name}@${version} is not in ${registry}.`, {
      code: 'VERSION_NOT_FOUND',
      hint: `Available versions: ${versions.join(', ') || '(none)'}. A version can be unpublished.`,
    });
  }
  const tarball = manifest.dist?.tarball;
  if (!tarball) throw new AgentInstallError(`${registry} has no tarball for ${name}@${version}.`, { code: 'NPM_REGISTRY_INVALID' });
  const what = `${name}@${version}`;
  let pending = state.tarballs.get(tarball);
  if (!pending) {
    pending = (async () => {
      let bytes: Buffer;
      try {
        ({ bytes } = await fetchBytes(tarball, {
          maxBytes: MAX_TARBALL_BYTES,
          headers: authHeaders(state, tarball, registry),
          ctx: fetchContext(state, ctx),
          what: `the tarball of ${what}`,
        }));
      } catch (error) {
        if (error instanceof AgentInstallError && error.code === 'TOO_LARGE') {
          throw new AgentInstallError(`The tarball of ${what} is larger than ${MAX_TARBALL_BYTES / 1_048_576} MiB.`, {
            code: 'TOO_LARGE',
            hint: 'An agent package should hold agents; publish them in a smaller package.',
            cause: error,
          });
        }
        rethrowHttp(error, state, name, tarball, registry);
      }
      verifyTarball(bytes, manifest.dist ?? {}, `the tarball of ${what}`);
      return readTgz(bytes, { strip: 1, maxFileBytes: MAX_AGENT_BYTES, what: `the tarball of ${what}` });
    })();
    state.tarballs.set(tarball, pending);
  }
  return pending;
}

/**
 * The folder an author points at with `"claudeAgents": "<file or folder>"` in package.json, else
 * `.claude/agents/`, else `agents/`, else the package root (without node_modules/).
 */
function packageDefaultDir(entries: TarEntry[], files: TreeFile[], what: string): { dir: string; files: TreeFile[] } {
  const pkg = entries.find((e) => e.path === 'package.json' && e.bytes);
  if (pkg?.bytes) {
    let declared: unknown;
    try {
      declared = (JSON.parse(Buffer.from(pkg.bytes).toString('utf8')) as { claudeAgents?: unknown }).claudeAgents;
    } catch {
      declared = undefined;
    }
    if (declared !== undefined) {
      const dir = typeof declared === 'string' ? normalizeInnerPath(declared.replace(/^\.\//, '')) : null;
      if (dir === null) {
        throw new AgentInstallError(`The "claudeAgents" field of ${what}'s package.json is not a path inside the package.`, {
          code: 'NPM_PACKAGE_INVALID',
          hint: 'It should name a file or folder, e.g. "claudeAgents": "agents". Name the path in the spec instead: npm:<package>/<path>.',
        });
      }
      return { dir, files };
    }
  }
  const dir = defaultAgentDir(files);
  return { dir, files: dir === '' ? files.filter((f) => !f.path.startsWith('node_modules/') && !f.path.includes('/node_modules/')) : files };
}

interface ReadOptions {
  name: string;
  version: string;
  inner: string | undefined;
  requested: string;
  ctx: SourceContext;
  fileOnly?: boolean;
}

async function readCandidates({ name, version, inner, requested, ctx, fileOnly }: ReadOptions): Promise<Candidate[]> {
  const what = `${name}@${version}`;
  const entries = await fetchPackageFiles(name, version, ctx);
  const all: TreeFile[] = entries
    .filter((e) => e.type === 'file' || e.type === 'symlink' || e.type === 'hardlink')
    .map((e) => ({ path: e.path, size: e.size, ...(e.type !== 'file' ? { special: 'symlink' as const } : {}) }));
  const { dir, files } = inner === undefined ? packageDefaultDir(entries, all, what) : { dir: inner, files: all };
  const selection = selectFiles(files, dir);
  if (selection === null || (fileOnly && selection.kind !== 'file')) {
    throw new AgentInstallError(`${dir} not found in ${what}.`, {
      code: 'PATH_NOT_FOUND',
      hint: `Check the path (relative to the package root, case-sensitive); ${nearbyAgentFiles(all)}.`,
      details: { name, version, path: dir },
    });
  }
  const bytesOf = new Map(entries.filter((e) => e.bytes).map((e) => [e.path, e.bytes!]));
  let items: AgentBytes[];
  if (selection.kind === 'file') {
    const file = selection.file;
    if (file.special) {
      throw new AgentInstallError(`${file.path} in ${what} is a link, not an agent file.`, {
        code: 'INVALID_AGENT',
        hint: 'Name the file the link points to.',
      });
    }
    const bytes = bytesOf.get(file.path);
    if (!bytes) {
      throw new AgentInstallError(`${file.path} in ${what} is ${file.size.toLocaleString('en-US')} bytes; Claude Code skips agent files over 1 MiB.`, {
        code: 'INVALID_AGENT',
        hint: 'Name an agent file, not some other file of the package.',
      });
    }
    items = [{ path: file.path, bytes }];
  } else {
    items = await keepLoadableAgents(
      selection.files.map((f) => ({ path: f.path, bytes: bytesOf.get(f.path)! })),
      selection.skipped,
      dir === '' ? what : `${dir}/ of ${what}`,
      ctx.warn,
    );
  }
  return items.map(({ path: file, bytes }) => ({
    origin: `npm ${what}`,
    version,
    requested,
    source: formatNpmSource(name, version, file),
    bytes,
    fileName: path.posix.basename(file),
  }));
}

function lockedSpec(entry: LockEntry): NpmSpec & { range: string; path: string } {
  let spec: NpmSpec | null = null;
  try {
    spec = parseNpmSpec(entry.source);
  } catch {
    spec = null;
  }
  if (!spec || spec.range === undefined || semver.valid(spec.range) !== spec.range || spec.path === undefined) {
    throw new AgentInstallError(`Lock entry source "${entry.source}" is not an exact npm version and file.`, {
      code: 'LOCKFILE_INVALID',
      hint: 'Expected npm:<package>@<version>/<file>; remove the entry and add the agent again.',
    });
  }
  return spec as NpmSpec & { range: string; path: string };
}

export const npmSource: Source<NpmSpec> = {
  id: 'npm',
  parse: (raw) => parseNpmSpec(raw),
  async resolve(spec, ctx) {
    if (ctx.offline) throw offlineMissingFor(spec.raw);
    const { packument } = await fetchPackument(spec.name, ctx);
    const version = pickNpmVersion(packument, spec);
    return readCandidates({ name: spec.name, version, inner: spec.path, requested: npmRequested(spec, version), ctx });
  },
  async fetchLocked(entry, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(entry.source);
    const [candidate] = await readCandidates({ name: spec.name, version: spec.range, inner: spec.path, requested: entry.requested, ctx, fileOnly: true });
    return candidate!;
  },
  async listVersions(entry, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(`the versions of npm package ${spec.name}`);
    const { packument } = await fetchPackument(spec.name, ctx);
    return sortValidVersions(Object.keys(packument.versions));
  },
  async fetchVersion(entry, version, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(`npm:${spec.name}@${version}`);
    const [candidate] = await readCandidates({ name: spec.name, version, inner: spec.path, requested: entry.requested, ctx, fileOnly: true });
    return candidate!;
  },
};
