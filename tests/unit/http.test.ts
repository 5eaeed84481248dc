import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { AgentInstallError } from '../../src/core/errors.js';
import { bypassesProxy, type FetchOptions, fetchBytes, isLoopbackHost, proxyFor } from '../../src/core/io/http.js';
import {
  type Certificate,
  closedPort,
  hasOpenssl,
  makeCertificate,
  redirectChain,
  startProxy,
  startServer,
  startStallingServer,
} from '../helpers/http-server.js';

function ctx(env: Record<string, string | undefined> = {}, extra: Partial<FetchOptions['ctx']> = {}): FetchOptions['ctx'] {
  return { env, ...extra };
}

/** The AgentInstallError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<AgentInstallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AgentInstallError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['localhost.', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['0.0.0.0', false],
    ['::', false],
    ['::2', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('NO_PROXY', () => {
  it.each([
    ['https://example.com/a', 'example.com', true],
    ['https://api.example.com/a', 'example.com', true],
    ['https://api.example.com/a', '.example.com', true],
    ['https://api.example.com/a', '*.example.com', true],
    ['https://notexample.com/a', 'example.com', false],
    ['https://example.com/a', 'other.org, example.com', true],
    ['https://example.com/a', 'other.org example.com', true],
    ['https://example.com/a', '*', true],
    ['https://example.com:8443/a', 'example.com:8443', true],
    ['https://example.com/a', 'example.com:8443', false],
    ['https://127.0.0.1:9/a', '127.0.0.1', true],
    ['https://[::1]:9/a', '::1', true],
    ['https://[::1]:9/a', '[::1]:9', true],
    ['https://example.com/a', '', false],
  ])('%s with NO_PROXY=%j → bypass %s', (url, noProxy, expected) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(expected);
  });

  it('https goes through HTTPS_PROXY (https_proxy first) unless NO_PROXY says otherwise; http never does', () => {
    const env = { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', NO_PROXY: 'internal.example' };
    expect(proxyFor(new URL('https://example.com/x'), env)?.host).toBe('lower:2');
    expect(proxyFor(new URL('https://example.com/x'), { HTTPS_PROXY: 'proxy:3128' })?.href).toBe('http://proxy:3128/');
    expect(proxyFor(new URL('https://a.internal.example/x'), env)).toBeNull();
    expect(proxyFor(new URL('http://127.0.0.1/x'), { ...env, HTTP_PROXY: 'http://p:1', http_proxy: 'http://p:1' })).toBeNull();
    expect(() => proxyFor(new URL('https://example.com/x'), { HTTPS_PROXY: 'socks5://p:1' })).toThrow(/Only http:\/\/ proxies/);
  });
});

describe('fetchBytes over loopback http', () => {
  it('returns the exact bytes and the final URL', async () => {
    const body = Buffer.from([0xef, 0xbb, 0xbf, 0x2d, 0x0d, 0x0a, 0x00, 0xff]);
    const server = await startServer({ '/a.md': body });
    const result = await fetchBytes(`${server.origin}/a.md`, { ctx: ctx() });
    expect(result.bytes.equals(body)).toBe(true);
    expect(result.url).toBe(`${server.origin}/a.md`);
    expect(result.status).toBe(200);
  });

  it('follows 5 redirects (relative ones too) and refuses the 6th', async () => {
    const server = await startServer({ '/final.md': 'done' });
    const five = redirectChain(server, 5, '/final.md');
    const result = await fetchBytes(five, { ctx: ctx() });
    expect(result.bytes.toString()).toBe('done');
    expect(result.url).toBe(`${server.origin}/final.md`);
    const error = await failure(fetchBytes(redirectChain(server, 6, '/final.md'), { ctx: ctx() }));
    expect(error.code).toBe('TOO_MANY_REDIRECTS');
    expect(server.requests.filter((p) => p === '/final.md')).toHaveLength(1);
  });

  it('refuses plain http to a host that is not loopback, before connecting', async () => {
    for (const url of ['http://example.com/agent.md', 'http://10.0.0.1/agent.md', 'http://127.0.0.1.nip.io/agent.md']) {
      const error = await failure(fetchBytes(url, { ctx: ctx() }));
      expect(error.code).toBe('INSECURE_URL');
      expect(error.hint).toMatch(/loopback/);
    }
    const server = await startServer({ '/away': (_req, res) => res.writeHead(301, { location: 'http://example.com/agent.md' }).end() });
    expect((await failure(fetchBytes(`${server.origin}/away`, { ctx: ctx() }))).code).toBe('INSECURE_URL');
    expect((await failure(fetchBytes('ftp://127.0.0.1/x', { ctx: ctx() }))).code).toBe('INVALID_SPEC');
  });

  it('maps statuses: 404 NOT_FOUND, 403 UNAUTHORIZED, 500 HTTP_ERROR', async () => {
    const server = await startServer({
      '/forbidden': (_req, res) => res.writeHead(403).end(),
      '/broken': (_req, res) => res.writeHead(500).end(),
    });
    expect((await failure(fetchBytes(`${server.origin}/missing`, { ctx: ctx() }))).code).toBe('NOT_FOUND');
    expect((await failure(fetchBytes(`${server.origin}/forbidden`, { ctx: ctx() }))).code).toBe('UNAUTHORIZED');
    expect((await failure(fetchBytes(`${server.origin}/broken`, { ctx: ctx() }))).code).toBe('HTTP_ERROR');
  });

  it('connection refused is NETWORK with a hint about proxies and --offline', async () => {
    const port = await closedPort();
    const error = await failure(fetchBytes(`http://127.0.0.1:${port}/a.md`, { ctx: ctx() }));
    expect(error.code).toBe('NETWORK');
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('connection refused');
    expect(error.hint).toMatch(/HTTPS_PROXY/);
    expect(error.hint).toMatch(/--offline/);
  });

  // The message names the limit that was armed (0.2 s, not the default 30 s); the test's own
  // timeout only bounds a fetch that never gives up.
  it('times out on a server that never answers (AGENT_INSTALL_TIMEOUT)', async () => {
    const server = await startServer({ '/hang': () => undefined });
    const error = await failure(fetchBytes(`${server.origin}/hang`, { ctx: ctx({ AGENT_INSTALL_TIMEOUT: '200' }) }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/no complete answer .* within 0.2 s/);
  }, 10_000);

  // Each byte arrives well within the limit, so an idle timeout alone would wait for ever.
  it('a server dribbling one byte at a time cannot outlive the deadline of the whole fetch', async () => {
    let sent = 0;
    const server = await startServer({
      '/slow': (_req, res) => {
        res.writeHead(200, { 'content-length': '100000' });
        const timer = setInterval(() => {
          sent++;
          res.write('x');
        }, 20);
        res.once('close', () => clearInterval(timer));
      },
    });
    const error = await failure(fetchBytes(`${server.origin}/slow`, { ctx: ctx({ AGENT_INSTALL_TIMEOUT: '300' }) }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/no complete answer .* within 0.3 s/);
    expect(error.hint).toMatch(/AGENT_INSTALL_TIMEOUT/);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(100_000);
  }, 10_000);

  it('the deadline covers redirects: each hop answering in time does not extend it', async () => {
    const server = await startServer();
    for (let i = 0; i < 5; i++) {
      server.route(`/hop${i}`, (_req, res) => {
        setTimeout(() => res.writeHead(302, { location: `/hop${i + 1}` }).end(), 120);
      });
    }
    server.route('/hop5', 'arrived');
    const error = await failure(fetchBytes(`${server.origin}/hop0`, { ctx: ctx({ AGENT_INSTALL_TIMEOUT: '300' }) }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/within 0.3 s/);
    expect(server.requests).not.toContain('/hop5');
  }, 10_000);

  it('a declared Content-Length over the cap is refused before reading', async () => {
    const server = await startServer({ '/big': (_req, res) => res.writeHead(200, { 'content-length': String(2 * 1_048_576) }).write('x') });
    const error = await failure(fetchBytes(`${server.origin}/big`, { ctx: ctx() }));
    expect(error.code).toBe('TOO_LARGE');
  });

  it('an endless body is cut just past the cap (1 MiB by default) and the connection closed', async () => {
    let sent = 0;
    let closed = 0;
    let firstClose: () => void = () => undefined;
    const closedOnce = new Promise<void>((resolve) => {
      firstClose = resolve;
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const server = await startServer({
      '/endless': (_req, res) => {
        let done = false;
        res.writeHead(200, { 'content-type': 'text/markdown' });
        res.once('close', () => {
          done = true;
          closed++;
          firstClose();
        });
        const pump = () => {
          // Without a Content-Length (chunked), as fast as the client reads, forever.
          while (!done && res.write(chunk)) sent += chunk.length;
          if (!done) res.once('drain', pump);
        };
        pump();
      },
    });
    const error = await failure(fetchBytes(`${server.origin}/endless`, { ctx: ctx() }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('1,048,576');
    // The server sees the connection closed (the test's timeout bounds one left open).
    await closedOnce;
    expect(closed).toBe(1);
    // Buffers in between hold a few hundred KiB at most; the client never read 2 MiB.
    expect(sent).toBeLessThan(2 * 1_048_576 + 1_048_576);
    const small = await failure(fetchBytes(`${server.origin}/endless`, { ctx: ctx(), maxBytes: 1000 }));
    expect(small.message).toContain('1,000 bytes');
  }, 10_000);

  it('--offline never connects', async () => {
    const server = await startServer({ '/a.md': 'x' });
    const error = await failure(fetchBytes(`${server.origin}/a.md`, { ctx: ctx({}, { offline: true }) }));
    expect(error.code).toBe('OFFLINE_MISSING');
    expect(error.message).toContain(`${server.origin}/a.md`);
    expect(server.requests).toEqual([]);
  });

  it('reports progress only for fetches slower than 500 ms (on a fake clock)', async () => {
    // Only the timers fetchBytes sets itself are fake; sockets keep Node's own timers.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    let release: () => void = () => undefined;
    const server = await startServer({
      '/fast': 'fast',
      '/slow': (_req, res) => {
        release = () => res.writeHead(200).end('slow');
      },
    });
    const messages: string[] = [];
    const progress = (m: string) => messages.push(m);
    await fetchBytes(`${server.origin}/fast`, { ctx: ctx({}, { progress }) });
    vi.advanceTimersByTime(10_000); // a timer left behind by the finished fetch would fire now
    expect(messages).toEqual([]);
    const slow = fetchBytes(`${server.origin}/slow`, { ctx: ctx({}, { progress }) });
    // Wait (on real I/O, not the fake clock) until the server holds the request.
    while (!server.requests.includes('/slow')) await new Promise((resolve) => setImmediate(resolve));
    vi.advanceTimersByTime(499);
    expect(messages).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(messages).toEqual([`Fetching ${server.origin}/slow…`]);
    release();
    expect((await slow).bytes.toString()).toBe('slow');
    vi.advanceTimersByTime(10_000);
    expect(messages).toHaveLength(1);
  });

  it('sends headers, and drops Authorization when a redirect leaves the origin', async () => {
    const seen: Array<string | undefined> = [];
    const other = await startServer({
      '/b': (req, res) => {
        seen.push(req.headers.authorization);
        res.end('b');
      },
    });
    const first = await startServer({
      '/same': (_req, res) => res.writeHead(302, { location: '/b' }).end(),
      '/b': (req, res) => {
        seen.push(req.headers.authorization);
        res.end('b');
      },
      // 127.0.0.1 → localhost is another origin
      '/away': (_req, res) => res.writeHead(302, { location: `http://localhost:${other.port}/b` }).end(),
    });
    await fetchBytes(`${first.origin}/same`, { ctx: ctx(), headers: { authorization: 'Bearer t' } });
    await fetchBytes(`${first.origin}/away`, { ctx: ctx(), headers: { authorization: 'Bearer t' } });
    expect(seen).toEqual(['Bearer t', undefined]);
  });
});

describe('fetchBytes against stalled TLS and proxies (the deadline, not an idle timer, ends them)', () => {
  it('a proxy that answers CONNECT and then stalls the TLS handshake', async () => {
    const proxy = await startStallingServer('answer');
    const error = await failure(fetchBytes('https://localhost:9/a.md', { ctx: ctx({ HTTPS_PROXY: proxy.url, AGENT_INSTALL_TIMEOUT: '300' }) }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain(`through the proxy 127.0.0.1:${proxy.port}`);
    expect(error.message).toMatch(/within 0.3 s/);
    expect(proxy.connections).toBe(1);
  }, 10_000);

  it('a proxy that never answers CONNECT', async () => {
    const proxy = await startStallingServer('silent');
    const error = await failure(fetchBytes('https://localhost:9/a.md', { ctx: ctx({ HTTPS_PROXY: proxy.url, AGENT_INSTALL_TIMEOUT: '300' }) }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/within 0.3 s/);
  }, 10_000);

  it('a server that accepts the connection and never starts the TLS handshake', async () => {
    const server = await startStallingServer('silent');
    const error = await failure(fetchBytes(`https://127.0.0.1:${server.port}/a.md`, { ctx: ctx({ AGENT_INSTALL_TIMEOUT: '300' }) }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/within 0.3 s/);
  }, 10_000);

  it.each([
    ['/dev/zero', /not a regular file/],
    ['/dev/null', /not a regular file/],
  ])('AGENT_INSTALL_CA_FILE=%s is refused unread', async (file, message) => {
    const error = await failure(fetchBytes('https://localhost:9/a.md', { ctx: ctx({ AGENT_INSTALL_CA_FILE: file }) }));
    expect(error.code).toBe('IO');
    expect(error.message).toMatch(message);
  });
});

describe.skipIf(!hasOpenssl())('fetchBytes over https (self-signed certificate made with openssl)', () => {
  let dir: string;
  let cert: Certificate;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'agent-install-cert-'));
    cert = makeCertificate(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trusts AGENT_INSTALL_CA_FILE; without it the certificate is refused (NETWORK)', async () => {
    const server = await startServer({ '/a.md': 'secure' }, { tls: cert });
    const ok = await fetchBytes(`${server.origin}/a.md`, { ctx: ctx({ AGENT_INSTALL_CA_FILE: cert.caFile }) });
    expect(ok.bytes.toString()).toBe('secure');
    const error = await failure(fetchBytes(`${server.origin}/a.md`, { ctx: ctx() }));
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/certificate/);
    expect(error.hint).toMatch(/AGENT_INSTALL_CA_FILE/);
  });

  it('never follows a redirect from https to http, even on loopback', async () => {
    const plain = await startServer({ '/a.md': 'plain' });
    const server = await startServer({ '/down': (_req, res) => res.writeHead(302, { location: `${plain.origin}/a.md` }).end() }, { tls: cert });
    const error = await failure(fetchBytes(`${server.origin}/down`, { ctx: ctx({ AGENT_INSTALL_CA_FILE: cert.caFile }) }));
    expect(error.code).toBe('INSECURE_REDIRECT');
    expect(plain.requests).toEqual([]);
  });

  it('tunnels through HTTPS_PROXY with CONNECT; NO_PROXY bypasses it', async () => {
    const server = await startServer({ '/a.md': 'via proxy' }, { tls: cert });
    const proxy = await startProxy();
    const env = { AGENT_INSTALL_CA_FILE: cert.caFile, HTTPS_PROXY: proxy.url };
    const result = await fetchBytes(`${server.origin}/a.md`, { ctx: ctx(env) });
    expect(result.bytes.toString()).toBe('via proxy');
    expect(proxy.connects).toEqual([`localhost:${server.port}`]);
    await fetchBytes(`${server.origin}/a.md`, { ctx: ctx({ ...env, NO_PROXY: 'example.org,localhost' }) });
    expect(proxy.connects).toHaveLength(1);
    expect(server.requests).toEqual(['/a.md', '/a.md']);
  });

  it('a proxy that cannot be reached is NETWORK naming the proxy', async () => {
    const server = await startServer({ '/a.md': 'x' }, { tls: cert });
    const port = await closedPort();
    const error = await failure(
      fetchBytes(`${server.origin}/a.md`, { ctx: ctx({ AGENT_INSTALL_CA_FILE: cert.caFile, https_proxy: `http://127.0.0.1:${port}` }) }),
    );
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain(`the proxy 127.0.0.1:${port}`);
    expect(server.requests).toEqual([]);
  });
});
