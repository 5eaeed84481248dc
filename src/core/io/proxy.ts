import type http from 'node:http';
import { isIP, type Socket } from 'node:net';
import type tls from 'node:tls';
import { AgentInstallError } from '../errors.js';
import type { NetModules } from './net.js';

export function hostOf(url: URL): string {
  const h = url.hostname.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

export function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Does `NO_PROXY` exempt this host? Entries are separated by commas or spaces: `*` (everything),
 * a host or domain (`example.com` also matches `a.example.com`; a leading `.` or `*.` is
 * allowed), optionally with `:port`. IP addresses match exactly; CIDR ranges are not supported.
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = hostOf(url);
  const port = portOf(url);
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      if (bracketed[2]) entryPort = Number(bracketed[2]);
    } else if (isIP(entry) !== 6) {
      const withPort = /^(.*):(\d+)$/.exec(entry);
      if (withPort) {
        entry = withPort[1]!;
        entryPort = Number(withPort[2]);
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    entry = entry.replace(/^\*?\./, '');
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/**
 * The proxy for `url`, or null: `https_proxy` / `HTTPS_PROXY` for `https:` URLs unless `no_proxy`
 * / `NO_PROXY` exempts the host. Plain `http:` (loopback only) never goes through a proxy: a
 * loopback address means something else on the proxy's machine.
 */
export function proxyFor(url: URL, env: Record<string, string | undefined>): URL | null {
  if (url.protocol !== 'https:') return null;
  const raw = env.https_proxy || env.HTTPS_PROXY;
  if (!raw) return null;
  if (bypassesProxy(url, env.no_proxy ?? env.NO_PROXY)) return null;
  let proxy: URL;
  try {
    proxy = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new AgentInstallError(`HTTPS_PROXY is not a URL: ${raw}`, { code: 'PROXY_INVALID', hint: 'Set HTTPS_PROXY to http://host:port (or unset it).' });
  }
  if (proxy.protocol !== 'http:') {
    throw new AgentInstallError(`Only http:// proxies are supported (HTTPS_PROXY=${raw}).`, {
      code: 'PROXY_INVALID',
      hint: 'Use an http://host:port proxy; the connection to the target host is still TLS, tunnelled with CONNECT.',
    });
  }
  return proxy;
}

/**
 * Opens a TLS connection to `url`'s host through an http:// proxy (CONNECT tunnel). Aborting
 * `deadline` tears down whatever is open — the CONNECT request, the tunnel, a TLS handshake the
 * far end never finishes — and rejects with its reason.
 */
export function tunnel(url: URL, proxy: URL, ca: string[] | undefined, { http, tls }: NetModules, deadline: AbortSignal): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    let open: { destroy(): void } | undefined;
    const onDeadline = () => {
      open?.destroy();
      reject(deadline.reason);
    };
    if (deadline.aborted) return onDeadline();
    deadline.addEventListener('abort', onDeadline, { once: true });
    const done = (socket: tls.TLSSocket | null, error?: unknown) => {
      deadline.removeEventListener('abort', onDeadline);
      if (socket) resolve(socket);
      else reject(error);
    };
    const target = `${url.hostname.startsWith('[') ? url.hostname : hostOf(url)}:${portOf(url)}`;
    const headers: Record<string, string> = { host: target };
    if (proxy.username || proxy.password) {
      const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const request = http.request({ host: hostOf(proxy), port: portOf(proxy), method: 'CONNECT', path: target, headers });
    open = request;
    request.once('error', (error) => done(null, error));
    request.once('connect', (response: http.IncomingMessage, socket: Socket) => {
      open = socket;
      if (response.statusCode !== 200) {
        socket.destroy();
        done(
          null,
          new AgentInstallError(`The proxy ${proxy.host} refused to connect to ${target} (HTTP ${response.statusCode}).`, {
            code: 'NETWORK',
            hint:
              response.statusCode === 407
                ? 'The proxy wants credentials: put them in HTTPS_PROXY (http://user:password@host:port).'
                : 'Check HTTPS_PROXY and NO_PROXY.',
            details: { url: url.href, proxy: proxy.host, status: response.statusCode },
          }),
        );
        return;
      }
      const host = hostOf(url);
      const secure = tls.connect({ socket, host, ...(isIP(host) === 0 ? { servername: host } : {}), ...(ca ? { ca } : {}), ALPNProtocols: ['http/1.1'] });
      open = secure;
      secure.once('secureConnect', () => done(secure));
      secure.once('error', (error) => done(null, error));
    });
    request.end();
  });
}
