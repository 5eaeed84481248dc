import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { type Tree, writeTree } from './sandbox.js';

/** git for building fixtures: no user or system config, fixed identity and dates. */
export const FIXTURE_GIT_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.invalid',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  LC_ALL: 'C',
};

export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: FIXTURE_GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A working repository whose history a test writes commit by commit. */
export interface FixtureRepo {
  dir: string;
  /** Writes `tree` (null deletes a file), commits everything and returns the commit id. */
  commit(tree: Record<string, string | Uint8Array | null>, message?: string): string;
  tag(name: string, options?: { annotated?: boolean; commit?: string }): void;
  branch(name: string, from?: string): void;
  checkout(name: string): void;
  /** A bare clone at `<dir>` for serving (git daemon serves bare repositories under its base path). */
  publish(dir: string): void;
}

export function makeRepo(dir: string, defaultBranch = 'main'): FixtureRepo {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', `--initial-branch=${defaultBranch}`]);
  return {
    dir,
    commit(tree, message = 'change') {
      const files: Tree = {};
      for (const [file, contents] of Object.entries(tree)) {
        if (contents === null) rmSync(path.join(dir, file), { force: true });
        else files[file] = contents;
      }
      writeTree(dir, files);
      git(dir, ['add', '--all']);
      git(dir, ['commit', '--quiet', '--allow-empty', '-m', message]);
      return git(dir, ['rev-parse', 'HEAD']);
    },
    tag(name, options = {}) {
      const args = options.annotated ? ['tag', '-a', '-m', name, name] : ['tag', name];
      git(dir, options.commit ? [...args, options.commit] : args);
    },
    branch(name, from = 'HEAD') {
      git(dir, ['branch', name, from]);
    },
    checkout(name) {
      git(dir, ['checkout', '--quiet', name]);
    },
    publish(target) {
      rmSync(target, { recursive: true, force: true });
      mkdirSync(path.dirname(target), { recursive: true });
      git(path.dirname(target), ['clone', '--quiet', '--bare', dir, target]);
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 10_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface GitDaemon {
  port: number;
  /** `git://127.0.0.1:<port>/<name>` */
  url(name: string): string;
  stop(): Promise<void>;
}

/** `git daemon` serving every repository under `base` on 127.0.0.1 (read-only, git:// protocol). */
export async function startGitDaemon(base: string): Promise<GitDaemon> {
  const port = await freePort();
  const child = spawn(
    'git',
    ['daemon', '--reuseaddr', `--base-path=${base}`, '--export-all', `--port=${port}`, '--listen=127.0.0.1', '--informative-errors', base],
    { env: FIXTURE_GIT_ENV, stdio: 'ignore' },
  );
  await waitForPort(port, 10_000, child);
  return {
    port,
    url: (name) => `git://127.0.0.1:${port}/${name}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
