/**
 * The one HTTP client of agent-install (HTTPS sources, static registries, git/npm sources).
 * Built on node:http/https/net/tls only: redirects (at most 5, never https → http), one deadline
 * for the whole fetch (DNS, connect, proxy CONNECT, TLS handshake, headers, body, every redirect),
 * a body cap enforced while streaming, `HTTPS_PROXY` / `NO_PROXY` with a CONNECT
 * tunnel, and plain `http:` only for loopback hosts.
 */

import type { LookupAddress } from 'node:dns';
import type http from 'node:http';
import type https from 'node:https';
import { isIP } from 'node:net';
import type tls from 'node:tls';
import { seconds } from '../duration.js';
import { milliseconds } from '../env.js';
import { AgentInstallError } from '../errors.js';
import { offlineMissing } from '../sources/offline.js';
import type { SourceContext } from '../sources/types.js';
import { readTextBounded } from './bounded-read.js';
import { loadNet, type NetModules } from './net.js';
import { proxyFor, tunnel } from './proxy.js';

export { bypassesProxy, proxyFor } from './proxy.js';

/** Redirects followed before giving up (the 6th is an error). */
export const MAX_REDIRECTS = 5;
/** Default deadline of one fetch, from the first connection to the last body byte; `AGENT_INSTALL_TIMEOUT` (milliseconds) overrides it. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default body cap: the largest agent file Claude Code loads. */
export const DEFAULT_MAX_BYTES = 1_048_576;
/** A PEM bundle of every public CA is about 200 KB; a larger CA file is refused unread. */
const MAX_CA_FILE_BYTES = 4 * 1_048_576;
/** Fetches slower than this show a progress line (stderr, TTY only). */
const PROGRESS_AFTER_MS = 500;

export interface FetchOptions {
  /** Abort as soon as the body grows past this many bytes (default 1 MiB). */
  maxBytes?: number;
  /** Extra request headers. `authorization` is dropped when a redirect leaves the original origin. */
  headers?: Record<string, string>;
  /** `env` (timeouts, proxies, `AGENT_INSTALL_CA_FILE`), `offline` (refuse) and `progress`. */
  ctx: Pick<SourceContext, 'env'> & Partial<Pick<SourceContext, 'offline' | 'progress'>>;
  /** What is being fetched, for messages (`agent https://…`, `registry index …`); defaults to the URL. */
  what?: string;
}

export interface FetchResult {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
}

/**
 * True for hosts that never leave this machine: `localhost`, 127.0.0.0/8 and `::1` (also written
 * `[::1]` or as an IPv4-mapped `::ffff:127.x.x.x`). Plain `http:` is allowed only for these.
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost') return true;
  if (h.startsWith('::ffff:')) h = h.slice('::ffff:'.length);
  if (isIP(h) === 4) return h.split('.')[0] === '127';
  if (isIP(h) === 6) return /^(0{0,4}:){7}0{0,3}1$|^::1$|^(0{0,4}:){1,6}:0{0,3}1$/.test(h);
  return false;
}

function timeoutMs(env: Record<string, string | undefined>): number {
  return milliseconds(env, 'AGENT_INSTALL_TIMEOUT', DEFAULT_TIMEOUT_MS);
}

function extraCa(env: Record<string, string | undefined>, { tls }: NetModules): string[] | undefined {
  const file = env.AGENT_INSTALL_CA_FILE;
  if (!file) return undefined;
  let pem: string | null;
  try {
    pem = readTextBounded(file, MAX_CA_FILE_BYTES, 'certificate file');
  } catch (error) {
    throw new AgentInstallError(`Cannot use AGENT_INSTALL_CA_FILE ${file}: ${(error as Error).message}`, { code: 'IO', cause: error, details: { path: file } });
  }
  if (pem === null) throw new AgentInstallError(`Cannot read AGENT_INSTALL_CA_FILE ${file}: no such file.`, { code: 'IO', details: { path: file } });
  return [...tls.rootCertificates, pem];
}

/** `localhost` over plain http must really be loopback, whatever the resolver says. */
function loopbackOnlyLookup(
  dnsLookup: NetModules['dnsLookup'],
  hostname: string,
  options: { all?: boolean } & object,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  dnsLookup(hostname, { all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const safe = addresses.filter((a) => isLoopbackHost(a.address));
    if (safe.length === 0) {
      const refused = Object.assign(new Error(`${hostname} does not resolve to a loopback address`), { code: 'ENOTLOOPBACK' });
      return callback(refused, '', 0);
    }
    if (options.all) return callback(null, safe);
    callback(null, safe[0]!.address, safe[0]!.family);
  });
}

function describeNetworkError(error: NodeJS.ErrnoException, url: URL, proxy: URL | null, ms: number): string {
  const where = proxy ? `${url.host} (through the proxy ${proxy.host})` : url.host;
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${proxy && error.message.includes(proxy.hostname) ? proxy.hostname : url.hostname}`;
    case 'ECONNREFUSED':
      return `connection refused by ${proxy ? `the proxy ${proxy.host}` : url.host}`;
    case 'ECONNRESET':
      return `the connection to ${where} was reset`;
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'EDEADLINE':
      return `no complete answer from ${where} within ${seconds(ms)}`;
    default:
      if (/certificate|self.signed|CERT_|unable to (get|verify)/i.test(`${error.code ?? ''} ${error.message}`)) {
        return `the TLS certificate of ${url.hostname} is not trusted (${error.message})`;
      }
      return `cannot reach ${where} (${error.code ?? error.message})`;
  }
}

function networkError(error: unknown, url: URL, what: string, proxy: URL | null, ms: number): AgentInstallError {
  if (error instanceof AgentInstallError) return error;
  const err = error as NodeJS.ErrnoException;
  const certificate = /certificate|self.signed|CERT_/i.test(`${err.code ?? ''} ${err.message}`);
  return new AgentInstallError(`Cannot fetch ${what}: ${describeNetworkError(err, url, proxy, ms)}.`, {
    code: 'NETWORK',
    hint: certificate
      ? "Point AGENT_INSTALL_CA_FILE at the PEM file of your organisation's certificate authority."
      : err.code === 'EDEADLINE' || err.code === 'ETIMEDOUT'
        ? 'A slow link may need more time: AGENT_INSTALL_TIMEOUT (milliseconds, default 30000) is the limit of one fetch. Without a network use --offline, which installs from the cache.'
        : 'Check the URL and your connection. Behind a proxy set HTTPS_PROXY (and NO_PROXY); without a network use --offline, which installs from the cache.',
    cause: error,
    details: { url: url.href, ...(err.code ? { errno: err.code } : {}) },
  });
}

function statusError(status: number, url: URL, what: string): AgentInstallError {
  if (status === 404 || status === 410) {
    return new AgentInstallError(`Not found: ${what} (HTTP ${status} from ${url.href}).`, {
      code: 'NOT_FOUND',
      hint: 'Check the URL; the file may have moved or been removed.',
      details: { url: url.href, status },
    });
  }
  if (status === 401 || status === 403) {
    return new AgentInstallError(`Access denied to ${what} (HTTP ${status} from ${url.href}).`, {
      code: 'UNAUTHORIZED',
      hint: 'The host wants credentials agent-install does not send for this source.',
      details: { url: url.href, status },
    });
  }
  return new AgentInstallError(`Cannot fetch ${what}: HTTP ${status} from ${url.href}.`, {
    code: 'HTTP_ERROR',
    hint: status >= 500 ? 'The server failed; try again later.' : 'Check the URL.',
    details: { url: url.href, status },
  });
}

/** Refuses anything but https, and plain http to a non-loopback host. */
export function assertFetchableUrl(url: URL, what: string): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return;
    throw new AgentInstallError(`Refusing plain http:// for ${what}: ${url.href}`, {
      code: 'INSECURE_URL',
      hint: 'Use https://. Plain http is accepted only for loopback hosts (localhost, 127.0.0.1, ::1).',
      details: { url: url.href },
    });
  }
  throw new AgentInstallError(`Unsupported URL scheme ${url.protocol} for ${what}: ${url.href}`, {
    code: 'INVALID_SPEC',
    hint: 'Use an https:// URL.',
    details: { url: url.href },
  });
}

interface Hop {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
  location?: string;
}

function requestOnce(
  url: URL,
  headers: Record<string, string>,
  maxBytes: number,
  what: string,
  env: Record<string, string | undefined>,
  net: NetModules,
  deadline: AbortSignal,
): Promise<Hop> {
  const { http, https } = net;
  const ms = timeoutMs(env);
  const proxy = proxyFor(url, env);
  const ca = url.protocol === 'https:' ? extraCa(env, net) : undefined;
  return new Promise<Hop>((resolve, reject) => {
    let settled = false;
    let request: http.ClientRequest | undefined;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener('abort', onDeadline);
      request?.destroy();
      // Whatever error the torn-down socket raised, the cause is the deadline.
      const cause = deadline.aborted ? deadline.reason : error;
      reject(cause instanceof AgentInstallError ? cause : networkError(cause, url, what, proxy, ms));
    };
    const onDeadline = () => fail(deadline.reason);
    if (deadline.aborted) return onDeadline();
    deadline.addEventListener('abort', onDeadline, { once: true });
    const succeed = (hop: Hop) => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener('abort', onDeadline);
      resolve(hop);
      request?.destroy();
    };
    const start = (socket?: tls.TLSSocket) => {
      if (settled) {
        socket?.destroy();
        return;
      }
      const options: https.RequestOptions = {
        method: 'GET',
        headers: { 'user-agent': 'agent-install', accept: '*/*', ...headers },
      };
      if (socket) {
        // No agent: the request runs on the tunnelled socket.
        options.createConnection = () => socket;
      } else {
        // A fresh agent per request: no pooled keep-alive sockets outlive the fetch.
        options.agent = false;
        if (url.protocol === 'https:') {
          if (ca) options.ca = ca;
        } else {
          options.lookup = loopbackOnlyLookup.bind(null, net.dnsLookup) as unknown as NetModules['dnsLookup'];
        }
      }
      const req = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && location !== undefined) {
          response.resume();
          succeed({ status, headers: response.headers, bytes: Buffer.alloc(0), location });
          return;
        }
        if (status < 200 || status >= 300) {
          response.resume();
          fail(statusError(status, url, what));
          return;
        }
        const tooLarge = () =>
          new AgentInstallError(`${what} is larger than ${maxBytes.toLocaleString('en-US')} bytes; stopped downloading (${url.href}).`, {
            code: 'TOO_LARGE',
            hint: maxBytes === DEFAULT_MAX_BYTES ? 'Claude Code skips agent files over 1 MiB; this cannot be an agent.' : 'Check the URL.',
            details: { url: url.href, maxBytes },
          });
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          fail(tooLarge());
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(tooLarge());
            return;
          }
          chunks.push(chunk);
        });
        response.once('end', () => {
          if (settled) return;
          if (!response.complete) return fail(Object.assign(new Error('connection closed before the whole file arrived'), { code: 'ECONNRESET' }));
          succeed({ status, headers: response.headers, bytes: Buffer.concat(chunks, size) });
        });
        response.once('error', fail);
        response.once('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      });
      request = req;
      req.once('error', fail);
      req.end();
    };
    if (proxy) tunnel(url, proxy, ca, net, deadline).then(start, fail);
    else start();
  });
}

/**
 * GETs `url` and returns the exact body bytes. https:// always; http:// only for loopback hosts.
 * Follows at most {@link MAX_REDIRECTS} redirects (never from https to http), aborts past
 * `maxBytes` while streaming, gives up when the whole fetch (every hop: connection, proxy CONNECT,
 * TLS handshake, headers and body) has not finished within `AGENT_INSTALL_TIMEOUT` ms (default
 * 30 s) — a server that sends one byte at a time cannot keep it alive — tunnels through `HTTPS_PROXY` unless `NO_PROXY` exempts the host, and
 * trusts `AGENT_INSTALL_CA_FILE` in addition to the built-in CAs.
 *
 * Throws {@link AgentInstallError} with code `OFFLINE_MISSING` (`ctx.offline`), `INSECURE_URL`,
 * `NETWORK` (cannot reach the host, timeout, TLS), `NOT_FOUND` (404/410), `UNAUTHORIZED`
 * (401/403), `HTTP_ERROR` (other statuses), `TOO_MANY_REDIRECTS`, `INSECURE_REDIRECT` or
 * `TOO_LARGE`. Bodies are requested without content encoding, so the bytes are the file's.
 */
export async function fetchBytes(url: string, options: FetchOptions): Promise<FetchResult> {
  const { ctx } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new AgentInstallError(`Not a URL: ${url}`, { code: 'INVALID_SPEC', hint: 'Use an absolute https:// URL.' });
  }
  const what = options.what ?? current.href;
  assertFetchableUrl(current, what);
  if (ctx.offline) {
    throw offlineMissing(`${what} (${current.href})`, { url: current.href });
  }
  const net = await loadNet();
  const origin = current.origin;
  let headers = { ...(options.headers ?? {}) };
  const progress = setTimeout(() => ctx.progress?.(`Fetching ${current.href}…`), PROGRESS_AFTER_MS);
  progress.unref();
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(Object.assign(new Error('deadline passed'), { code: 'EDEADLINE' })), timeoutMs(ctx.env));
  try {
    for (let redirects = 0; ; redirects++) {
      const hop = await requestOnce(current, headers, maxBytes, what, ctx.env, net, controller.signal);
      if (hop.location === undefined) return { url: current.href, status: hop.status, headers: hop.headers, bytes: hop.bytes };
      if (redirects >= MAX_REDIRECTS) {
        throw new AgentInstallError(`Too many redirects fetching ${what} (more than ${MAX_REDIRECTS}, last to ${hop.location}).`, {
          code: 'TOO_MANY_REDIRECTS',
          hint: 'Use the final URL directly, or fix the redirect loop on the server.',
          details: { url: current.href },
        });
      }
      let next: URL;
      try {
        next = new URL(hop.location, current);
      } catch {
        throw new AgentInstallError(`${current.href} redirects to an invalid URL: ${hop.location}`, { code: 'HTTP_ERROR', details: { url: current.href } });
      }
      if (current.protocol === 'https:' && next.protocol !== 'https:') {
        throw new AgentInstallError(`Refusing the redirect from ${current.href} to ${next.href}: it leaves https.`, {
          code: 'INSECURE_REDIRECT',
          hint: 'agent-install never follows a redirect from https to plain http. Fix the server or use a URL that stays on https.',
          details: { url: current.href, location: next.href },
        });
      }
      assertFetchableUrl(next, what);
      // Credentials are for the origin they were given for (curl and npm do the same).
      if (next.origin !== origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      current = next;
    }
  } finally {
    clearTimeout(progress);
    clearTimeout(deadline);
  }
}
