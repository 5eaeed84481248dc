import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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
