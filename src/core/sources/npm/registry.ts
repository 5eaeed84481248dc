/** Talking to npm registries as npm does: the user's .npmrc, packuments, verified tarballs. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AgentInstallError } from '../../errors.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../../io/bounded-read.js';
import { fetchBytes } from '../../io/http.js';
import { jsonShapeProblem } from '../../io/json.js';
import { authFor, loadNpmConfig, type NpmConfig, registryFor } from '../../io/npmrc.js';
import { readTgz, type TarEntry } from '../../io/tar.js';
import { sortValidVersions } from '../../resolve/versions.js';
import { offlineMissing } from '../offline.js';
import type { SourceContext } from '../types.js';
import type { Packument } from './spec.js';

/** Packuments of popular packages list thousands of versions; still nothing like a JSON bomb. */
const PACKUMENT_LIMITS = { maxDepth: 64, maxValues: 4_000_000 };

export const offlineMissingFor = (what: string) => offlineMissing(what, { missing: what });

/** Largest package tarball downloaded. */
export const MAX_TARBALL_BYTES = 20 * 1_048_576;
/** Largest packument (the package's version list) downloaded. */
export const MAX_PACKUMENT_BYTES = 50 * 1_048_576;

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
  const configHint = `Configure it in ${state.config.configFile ?? 'an .npmrc'}: \`@scope:registry=<url>\` and \`//${host}/:_authToken=<token>\` (use \${NPM_TOKEN} to keep the token out of the file).`;
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

export async function fetchPackument(name: string, ctx: SourceContext): Promise<{ packument: Packument; registry: string }> {
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
        const text = bytes.toString('utf8');
        const shape = jsonShapeProblem(text, PACKUMENT_LIMITS);
        if (shape !== null) throw new Error(shape);
        packument = JSON.parse(text) as Packument;
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
export async function fetchPackageFiles(name: string, version: string, ctx: SourceContext): Promise<TarEntry[]> {
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
