import path from 'node:path';
import { loadValidate } from '../agent/load.js';
import { AgentInstallError } from '../errors.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../io/bounded-read.js';
import { cacheGet } from '../io/cache.js';
import { assertFetchableUrl, fetchBytes } from '../io/http.js';
import { computeIntegrity, isIntegrity } from '../io/integrity.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { claimsUrl } from './claims.js';
import { installedFileName } from './local.js';
import { offlineMissing } from './offline.js';
import type { Candidate, Source, SourceContext, SourceSpec } from './types.js';

export interface UrlSpec extends SourceSpec {
  source: 'url';
  /** The URL without its fragment. */
  url: string;
  /** `#sha256-<base64>`: the bytes must have this integrity. */
  integrity?: string;
}

/**
 * `https://host/path/agent.md`, optionally `#sha256-<base64>`. Plain `http://` parses too, so
 * that the refusal (non-loopback hosts) is a clear error rather than "cannot understand".
 */
export function parseUrlSpec(raw: string): UrlSpec | null {
  if (!claimsUrl(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AgentInstallError(`Not a valid URL: ${raw}`, { code: 'INVALID_SPEC', hint: 'Write https://host/path/agent.md.' });
  }
  if (url.username || url.password) {
    throw new AgentInstallError(`Refusing a URL with credentials in it: ${url.protocol}//…@${url.host}${url.pathname}`, {
      code: 'INVALID_SPEC',
      hint: 'Credentials in a URL would be written to the lockfile. Host the agent where it can be read without them.',
    });
  }
  const fragment = decodeURIComponent(url.hash.slice(1));
  url.hash = '';
  if (fragment === '') return { source: 'url', raw, url: url.href };
  if (!isIntegrity(fragment)) {
    throw new AgentInstallError(`Unexpected #${fragment} in ${raw}.`, {
      code: 'INVALID_SPEC',
      hint: 'The only fragment understood after a URL is an integrity pin: #sha256-<base64 of 32 bytes>.',
    });
  }
  return { source: 'url', raw, url: url.href, integrity: fragment };
}

/** The file name a URL suggests (`agent.md` when its path has none). */
function fileNameOf(url: string): string {
  let base = '';
  try {
    base = decodeURIComponent(path.posix.basename(new URL(url).pathname));
  } catch {
    base = '';
  }
  return base === '' || /[\\/\0]/.test(base) ? 'agent.md' : base;
}

async function installedName(bytes: Uint8Array, fallback: string): Promise<string> {
  const { checkAgentBytes } = await loadValidate();
  return installedFileName(fallback, checkAgentBytes(bytes).name);
}

function pinMismatch(spec: UrlSpec, actual: string, finalUrl: string): AgentInstallError {
  return new AgentInstallError(
    `Integrity mismatch for ${spec.url}: the URL pins ${spec.integrity}, the server sent ${actual}${finalUrl !== spec.url ? ` (from ${finalUrl})` : ''}.`,
    {
      code: 'INTEGRITY_MISMATCH',
      hint: 'The file changed since the pin was written. Nothing was written. Check the change, then pin the new integrity (or drop the #sha256- part).',
      details: { url: spec.url, expected: spec.integrity, actual },
    },
  );
}

function offlineMissingUrl(url: string, what: string): AgentInstallError {
  return offlineMissing(
    `${what} (${url})`,
    { url },
    'Run once without --offline to cache it; only URLs pinned with #sha256-… (or locked in the lockfile) can be found in the cache.',
  );
}

async function download(spec: UrlSpec, requested: string, ctx: SourceContext, what: string): Promise<Candidate> {
  if (spec.integrity !== undefined) {
    const cached = cacheGet(ctx, spec.integrity);
    if (cached !== null)
      return {
        origin: `${spec.url} (cache)`,
        requested,
        source: `${spec.url}#${spec.integrity}`,
        bytes: cached,
        fileName: await installedName(cached, fileNameOf(spec.url)),
      };
  }
  assertFetchableUrl(new URL(spec.url), what);
  if (ctx.offline) throw offlineMissingUrl(spec.url, what);
  const response = await fetchBytes(spec.url, { maxBytes: MAX_AGENT_BYTES, ctx, what });
  const integrity = computeIntegrity(response.bytes);
  if (spec.integrity !== undefined && integrity !== spec.integrity) throw pinMismatch(spec, integrity, response.url);
  // `source` is the URL that answered, pinned: pasted into `add` it demands exactly these bytes.
  return {
    origin: response.url,
    requested,
    source: `${response.url}#${integrity}`,
    bytes: response.bytes,
    fileName: await installedName(response.bytes, fileNameOf(response.url)),
  };
}

// The caller of fetchLocked checks the lock's integrity itself, with its own message.
const unpinned = (spec: UrlSpec): UrlSpec => ({ source: 'url', raw: spec.raw, url: spec.url });

/**
 * Agent files on HTTPS hosts (plain http only for loopback). The lockfile records the final URL
 * after redirects plus its integrity as `source`, and what was asked for as `requested`.
 */
export const urlSource: Source<UrlSpec> = {
  id: 'url',
  parse: (raw) => parseUrlSpec(raw),
  async resolve(spec, ctx) {
    return [await download(spec, spec.raw, ctx, `agent ${spec.raw}`)];
  },
  async fetchLocked(entry: LockEntry, ctx) {
    const spec = parseUrlSpec(entry.source);
    if (spec === null) throw new AgentInstallError(`Lock entry source "${entry.source}" is not a URL.`, { code: 'LOCKFILE_INVALID' });
    const what = `${entry.path} (${entry.source})`;
    try {
      return { ...(await download(unpinned(spec), entry.requested, ctx, what)), source: entry.source };
    } catch (error) {
      // The final URL of a redirect can expire (signed download links): ask for what was requested.
      const requested = claimsUrl(entry.requested) ? parseUrlSpec(entry.requested) : null;
      const retry = error instanceof AgentInstallError && ['NOT_FOUND', 'UNAUTHORIZED', 'HTTP_ERROR'].includes(error.code);
      if (!retry || requested === null || requested.url === spec.url) throw error;
      return { ...(await download(unpinned(requested), entry.requested, ctx, what)), source: entry.source };
    }
  },
};
