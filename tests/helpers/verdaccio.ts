import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { freePort, waitForPort } from './git.js';
import { REPO_ROOT, type Tree, writeTree } from './sandbox.js';

const execFileAsync = promisify(execFile);

/**
 * A real npm registry (verdaccio, a devDependency) on 127.0.0.1 with its own temporary storage:
 * no uplinks (it never reaches the internet), htpasswd users, scoped packages (`@acme/*`)
 * readable only when authenticated, everything else readable by anyone, publishing only when
 * authenticated.
 */
export interface Verdaccio {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  host: string;
  storage: string;
  /** Creates a user through the registry's own `npm adduser` endpoint and returns its token. */
  addUser(name: string, password: string): Promise<string>;
  /** `npm publish` of a package built from a file tree, as `token`'s user. */
  publish(tree: Tree, token: string): Promise<void>;
  /**
   * The same publish without starting npm (half a second each): a tarball laid out as npm packs
   * one (everything under `package/`, ustar, gzip) and the document `npm publish` sends, PUT to
   * the registry's own publish endpoint.
   */
  publishDirect(tree: Tree, token: string): Promise<void>;
  stop(): Promise<void>;
}

const CONFIG = `
storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 100
uplinks: {}
packages:
  '@acme/*':
    access: $authenticated
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
web:
  enable: false
log: { type: stdout, format: pretty, level: error }
`;

/** npm with nothing of the developer's configuration: its own HOME, cache and userconfig. */
function npmEnv(dir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    npm_config_cache: path.join(dir, 'npm-cache'),
    npm_config_userconfig: path.join(dir, '.npmrc'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_loglevel: 'error',
  };
}

export async function startVerdaccio(): Promise<Verdaccio> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-verdaccio-')));
  mkdirSync(path.join(root, 'storage'));
  writeFileSync(path.join(root, 'config.yaml'), CONFIG);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}/`;
  const bin = path.join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', path.join(root, 'config.yaml'), '--listen', host], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: root, NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  try {
    await waitForPort(port, 20_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let published = 0;
  return {
    url,
    host,
    storage: path.join(root, 'storage'),
    async addUser(name, password) {
      const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, password }),
      });
      const body = (await response.json()) as { token?: string; error?: string };
      if (!response.ok || !body.token) throw new Error(`verdaccio adduser failed: ${response.status} ${JSON.stringify(body)}`);
      return body.token;
    },
    async publish(tree, token) {
      const dir = path.join(root, 'publish', String(published++));
      writeTree(dir, tree);
      writeFileSync(path.join(dir, '.npmrc'), `//${host}/:_authToken=${token}\n`);
      await execFileAsync('npm', ['publish', '--registry', url, '--ignore-scripts'], { cwd: dir, env: npmEnv(dir), timeout: 60_000 });
    },
    async publishDirect(tree, token) {
      const manifest = JSON.parse(String(tree['package.json'])) as { name: string; version: string; description?: string };
      const tarball = packTarball(tree);
      const unscoped = manifest.name.replace(/^@[^/]+\//, '');
      const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
      const shasum = createHash('sha1').update(tarball).digest('hex');
      const version = {
        ...manifest,
        _id: `${manifest.name}@${manifest.version}`,
        dist: { integrity, shasum, tarball: `${url}${manifest.name}/-/${unscoped}-${manifest.version}.tgz` },
      };
      const body = {
        _id: manifest.name,
        name: manifest.name,
        description: manifest.description,
        'dist-tags': { latest: manifest.version },
        versions: { [manifest.version]: version },
        access: null,
        _attachments: {
          [`${manifest.name}-${manifest.version}.tgz`]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length },
        },
      };
      const response = await fetch(`${url}${manifest.name.replace('/', '%2f')}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`verdaccio publish of ${manifest.name}@${manifest.version} failed: ${response.status} ${await response.text()}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

/** One ustar header for a regular file (mode 0644, owner 0, npm's fixed date), then its data padded to 512 bytes. */
function tarEntry(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(`${(499162500).toString(8).padStart(11, '0')}\0`, 136); // 1985-10-26T08:15:00Z, as npm pack writes
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header, padded]);
}

/** A package tarball as npm packs it: every file under `package/`, sorted, gzipped. */
function packTarball(tree: Tree): Buffer {
  const entries = Object.keys(tree)
    .sort()
    .map((file) => tarEntry(`package/${file}`, Buffer.from(tree[file]!)));
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}
