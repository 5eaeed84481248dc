import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT } from '../helpers/sandbox.js';

// Standard output that cannot be written, as the built CLI meets it: /dev/full (every write is
// ENOSPC) and a pipe whose reader is gone (EPIPE).
const BIN = path.join(REPO_ROOT, 'bin', 'agent-install.cjs');
const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-output-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { PATH: process.env.PATH!, HOME: path.join(work, 'home'), NO_COLOR: '1', CI: 'true' };
const FULL_LINE = 'error Cannot write to standard output: ENOSPC: no space left on device, write\n';

function project(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, '.git'), { recursive: true });
  mkdirSync(env.HOME, { recursive: true });
  return dir;
}

/** Runs the built CLI with stdout on /dev/full. */
function toDevFull(args: string[], cwd: string) {
  const fd = openSync('/dev/full', 'w');
  try {
    return spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!existsSync('/dev/full'))('stdout on /dev/full', () => {
  it.each([[['list']], [['list', '--json']], [['search']], [['info', 'fastapi-backend-builder']], [['--version']], [['--help']], [['validate', '--help']]])(
    '%j: exit 1 and one line on stderr, no stack',
    (args) => {
      const dir = project(`full-${args.join('-')}`);
      expect(spawnSync(process.execPath, [BIN, 'fastapi-backend-builder'], { cwd: dir, env }).status).toBe(0);
      const result = toDevFull(args, dir);
      expect(result.stderr).toBe(FULL_LINE);
      expect(result.status).toBe(1);
    },
  );

  it('add stops at its first line, before anything is written', () => {
    const dir = project('full-add');
    const result = toDevFull(['add', 'fastapi-backend-builder'], dir);
    expect(result.stderr).toBe(FULL_LINE);
    expect(result.status).toBe(1);
    expect(existsSync(path.join(dir, '.claude', 'agents', 'fastapi-backend-builder.md'))).toBe(false);
    expect(existsSync(path.join(dir, '.claude', 'agents.lock.json'))).toBe(false);
  });

  it('an error on stderr is still reported when stdout is full', () => {
    const dir = project('full-error');
    const result = toDevFull(['info', 'no-such-agent'], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error Agent "no-such-agent" not found/);
  });
});

describe('a reader that goes away (EPIPE)', () => {
  it('ends the output quietly and keeps the exit code', async () => {
    const dir = project('pipe');
    expect(spawnSync(process.execPath, [BIN, 'fastapi-backend-builder'], { cwd: dir, env }).status).toBe(0);
    for (const args of [['list'], ['search'], ['--help'], ['verify', '--json']]) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // nobody reads: the child's first write fails with EPIPE
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr, args.join(' ')).toBe('');
      expect(code, args.join(' ')).toBe(0);
    }
  });
});

describe('main, with a stdout that throws', () => {
  const failing = (code: string) => ({
    write() {
      throw Object.assign(new Error(`${code}: i/o error, write`), { code, syscall: 'write' });
    },
  });

  it.each([[['--version']], [['list', '--json']], [['search']], [['--help']]])('%j: one line on stderr, exit 1', async (args) => {
    let stderr = '';
    const code = await main(args, {
      stdout: failing('EIO'),
      stderr: { write: (t: string) => (stderr += t) },
      cwd: work,
      env,
    });
    expect(code).toBe(1);
    expect(stderr).toBe('error Cannot write to standard output: EIO: i/o error, write\n');
  });
});
