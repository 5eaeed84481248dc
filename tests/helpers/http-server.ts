import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** A response body, or a handler for full control (redirects, hangs, endless bodies). */
export type Route = string | Uint8Array | ((req: http.IncomingMessage, res: http.ServerResponse) => void);

export interface TestServer {
  /** `http://127.0.0.1:<port>` (or `https://localhost:<port>`), no trailing slash. */
  origin: string;
  port: number;
  /** Paths requested so far, in order. */
  requests: string[];
  /** Adds or replaces a route. */
  route(pathname: string, route: Route): void;
  close(): Promise<void>;
}

export interface Certificate {
  key: string;
  cert: string;
  /** The PEM file to trust (AGENT_INSTALL_CA_FILE). */
  caFile: string;
}

function track(server: net.Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function closer(server: net.Server, sockets: Set<Socket>): () => Promise<void> {
  let closed: Promise<void> | undefined;
  return () => {
    closed ??= new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
    return closed;
  };
}

/**
 * A real HTTP(S) server on loopback with an ephemeral port, closed when the test finishes.
 * Unknown paths are 404.
 */
export async function startServer(routes: Record<string, Route> = {}, options: { tls?: Certificate } = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(pathname);
    const route = table.get(pathname);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } else if (typeof route === 'function') {
      route(req, res);
    } else {
      res.writeHead(200, { 'content-type': 'text/markdown' }).end(route);
    }
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = closer(server, sockets);
  onTestFinished(close);
  return {
    origin: options.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    port,
    requests,
    route: (pathname, route) => void table.set(pathname, route),
    close,
  };
}

/** A port nothing listens on (a server was there a moment ago). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `host:port` of every CONNECT request. */
  connects: string[];
}

/** A CONNECT-only forward proxy on loopback (what HTTPS_PROXY points at). */
export async function startProxy(): Promise<TestProxy> {
  const connects: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  const sockets = track(server);
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    sockets.add(client);
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(closer(server, sockets));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connects };
}

/** True when `openssl` can be run (HTTPS tests need it to make a certificate). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed certificate for `localhost` and 127.0.0.1, made with openssl at test time in `dir`. */
export function makeCertificate(dir: string): Certificate {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), caFile: cert };
}

/** A handler that redirects `count` times (`/r/<n>` → `/r/<n-1>` … → `target`). */
export function redirectChain(server: TestServer, count: number, target: string): string {
  for (let n = count; n >= 1; n--) {
    const next = n === 1 ? target : `/r/${n - 1}`;
    server.route(`/r/${n}`, (_req, res) => res.writeHead(302, { location: next }).end());
  }
  return `${server.origin}/r/${count}`;
}

export interface StallingServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections: number;
}

/**
 * A TCP server that accepts connections and then stalls, as a broken proxy or TLS endpoint does.
 * `connect: 'answer'` replies `200 Connection Established` to the first bytes (a proxy that
 * answers CONNECT and then never forwards a byte, so the TLS handshake stalls); `'silent'` never
 * writes anything.
 */
export async function startStallingServer(mode: 'answer' | 'silent'): Promise<StallingServer> {
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    socket.on('error', () => undefined);
    if (mode === 'answer') socket.once('data', () => socket.write('HTTP/1.1 200 Connection Established\r\n\r\n'));
  });
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(closer(server, sockets));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return state.connections;
    },
  };
}
