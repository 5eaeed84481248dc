import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { processStartOf } from '../../src/core/scope/lock-holder.js';
import { makeSandbox, type Sandbox } from '../helpers/sandbox.js';
// @ts-expect-error -- plain ES module scripts shared with `npm run stress`
import { runReadersBesideWriters } from '../stress/readers-stress.mjs';
// @ts-expect-error -- plain ES module scripts shared with `npm run stress`
import { deadPid, leftoversIn, runStaleLockRounds } from '../stress/stale-lock-stress.mjs';

const NAME = 'fastapi-backend-builder';
const LOCKFILE_LOCK = '.claude/agents.lock.json.lock';
const BREAKING = '.claude/agents.lock.json.lock.breaking';
const SHORT = { AGENT_INSTALL_LOCK_TIMEOUT: '300' };
const HOUR_AGO = Date.now() / 1000 - 3600;

function lockAt(sb: Sandbox, holder: unknown, mtimeSeconds?: number): string {
  mkdirSync(path.join(sb.project, '.claude'), { recursive: true });
  const file = path.join(sb.project, LOCKFILE_LOCK);
  writeFileSync(file, typeof holder === 'string' ? holder : JSON.stringify(holder));
  if (mtimeSeconds !== undefined) utimesSync(file, mtimeSeconds, mtimeSeconds);
  return readFileSync(file, 'utf8');
}

/** A process of this machine that is alive and stopped (as by Ctrl-Z), ended when the test finishes. */
function stoppedProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  onTestFinished(() => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  });
  child.kill('SIGSTOP');
  return child;
}

describe('the scope lock is never broken for its age', () => {
  it('a holder stopped for an hour keeps its lock: writers and readers time out, the lock is intact', async () => {
    const sb = makeSandbox();
    const child = stoppedProcess();
    const since = processStartOf(child.pid!);
    const text = lockAt(
      sb,
      { pid: child.pid, host: hostname(), started: Date.now() - 3_600_000, token: 'aaaaaaaaaaaaaaaa', ...(since ? { since } : {}) },
      HOUR_AGO,
    );
    const add = await sb.run([NAME, '--json'], { env: SHORT });
    expect(add.exitCode).toBe(1);
    expect(add.json().error).toMatchObject({ code: 'LOCK_TIMEOUT', details: { holder: { pid: child.pid } } });
    expect(add.json().error.hint).toContain('never breaks the lock of a running process');
    const verify = await sb.run(['verify', '--json'], { env: SHORT });
    expect(verify.exitCode).toBe(1);
    expect(verify.json().error.code).toBe('LOCK_TIMEOUT');
    expect(readFileSync(path.join(sb.project, LOCKFILE_LOCK), 'utf8')).toBe(text);
    expect(sb.exists(`.claude/agents/${NAME}.md`)).toBe(false);
  });

  it.runIf(existsSync('/proc/self/stat'))('a pid that now belongs to another process is not the holder: the lock is taken over', async () => {
    const sb = makeSandbox();
    // This very process is alive, but did not start at the time the lock records.
    lockAt(sb, { pid: process.pid, host: hostname(), started: Date.now(), token: 'bbbbbbbbbbbbbbbb', since: '1' });
    const add = await sb.run([NAME], { env: SHORT });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(leftoversIn(path.join(sb.project, '.claude'))).toEqual([]);
  });

  it('a lock taken on another machine is never broken: the timeout says how to remove it by hand', async () => {
    const sb = makeSandbox();
    const text = lockAt(sb, { pid: 4242, host: 'build-7.elsewhere.example', started: 0, token: 'cccccccccccccccc' }, HOUR_AGO / 2);
    const add = await sb.run([NAME, '--json'], { env: SHORT });
    expect(add.exitCode).toBe(1);
    const { error } = add.json();
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.message).toContain('process 4242 on build-7.elsewhere.example');
    expect(error.hint).toContain('another machine (build-7.elsewhere.example)');
    expect(error.hint).toContain(`delete ${path.join(sb.project, LOCKFILE_LOCK)}`);
    expect(readFileSync(path.join(sb.project, LOCKFILE_LOCK), 'utf8')).toBe(text);
  });

  it('a lock file that names no holder is waited for while it may still be written, and taken over once unchanged for 2 s', async () => {
    const sb = makeSandbox();
    // Its mtime is in the future: however slow this machine, it has not settled.
    lockAt(sb, '', Date.now() / 1000 + 3600);
    const waiting = await sb.run([NAME, '--json'], { env: SHORT });
    expect(waiting.json().error.code).toBe('LOCK_TIMEOUT');
    expect(sb.exists(LOCKFILE_LOCK)).toBe(true);
    utimesSync(path.join(sb.project, LOCKFILE_LOCK), HOUR_AGO, HOUR_AGO);
    const add = await sb.run([NAME], { env: SHORT });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(leftoversIn(path.join(sb.project, '.claude'))).toEqual([]);
  });
});

describe('the breaking mutex', () => {
  const staleLock = (sb: Sandbox) => lockAt(sb, { pid: deadPid(), host: hostname(), started: Date.now(), token: 'dddddddddddddddd' });
  const owner = (sb: Sandbox, pid: number, token: string) => {
    mkdirSync(path.join(sb.project, BREAKING), { recursive: true });
    writeFileSync(path.join(sb.project, BREAKING, `owner-${token}.json`), JSON.stringify({ pid, host: hostname(), started: Date.now(), token }));
  };

  it('left by a breaker that died: cleared, and the stale lock taken over', async () => {
    const sb = makeSandbox();
    staleLock(sb);
    owner(sb, deadPid(), 'eeeeeeeeeeeeeeee');
    const add = await sb.run([NAME], { env: SHORT });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(leftoversIn(path.join(sb.project, '.claude'))).toEqual([]);
  });

  it('held by a live process: waited for, and the stale lock is not touched without it', async () => {
    const sb = makeSandbox();
    const text = staleLock(sb);
    owner(sb, process.pid, 'ffffffffffffffff');
    const add = await sb.run([NAME, '--json'], { env: SHORT });
    expect(add.json().error).toMatchObject({ code: 'LOCK_TIMEOUT' });
    expect(add.json().error.message).toContain('agents.lock.json.lock.breaking');
    expect(readFileSync(path.join(sb.project, LOCKFILE_LOCK), 'utf8')).toBe(text);
  });

  it('an owner file that is a FIFO (planted, say, in a clone) is nothing agent-install made: waited on until the timeout, never read', async () => {
    const sb = makeSandbox();
    const text = staleLock(sb);
    mkdirSync(path.join(sb.project, BREAKING), { recursive: true });
    execFileSync('mkfifo', [path.join(sb.project, BREAKING, 'owner-0123456789abcdef.json')]);
    const add = await sb.run([NAME, '--json'], { env: SHORT });
    expect(add.json().error).toMatchObject({ code: 'LOCK_TIMEOUT' });
    expect(readFileSync(path.join(sb.project, LOCKFILE_LOCK), 'utf8')).toBe(text);
  });

  it.each([
    ['to nowhere', false],
    ['to a folder outside holding a dead owner file', true],
  ])('a breaking mutex that is a link %s ends at the timeout, and nothing is deleted through it', async (_kind, outside) => {
    const sb = makeSandbox();
    lockAt(sb, '', HOUR_AGO); // names no holder, unchanged for an hour: stale
    const target = path.join(sb.root, 'outside');
    const ownerFile = path.join(target, 'owner-0123456789abcdef.json');
    if (outside) {
      mkdirSync(target);
      writeFileSync(ownerFile, JSON.stringify({ pid: deadPid(), host: hostname(), started: 0, token: '0123456789abcdef' }));
    }
    symlinkSync(outside ? target : path.join(sb.root, 'nonexistent'), path.join(sb.project, BREAKING));
    const add = await sb.run([NAME, '--json'], { env: SHORT });
    expect(add.json().error).toMatchObject({ code: 'LOCK_TIMEOUT' });
    expect(add.json().error.hint).toMatch(/not a lock file agent-install wrote/);
    if (outside) expect(existsSync(ownerFile)).toBe(true);
  });

  it('a lock file that is a FIFO is waited on until the timeout, never read', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, '.claude'));
    execFileSync('mkfifo', [path.join(sb.project, LOCKFILE_LOCK)]);
    const add = await sb.run([NAME, '--json'], { env: SHORT });
    expect(add.json().error).toMatchObject({ code: 'LOCK_TIMEOUT' });
    expect(sb.exists('.claude/agents')).toBe(false);
  });

  it('an empty mutex folder, and the temporary folder of a breaker killed mid-way, are cleaned up', async () => {
    const sb = makeSandbox();
    staleLock(sb);
    mkdirSync(path.join(sb.project, BREAKING));
    const temp = `.claude/.agents.lock.json.lock.breaking.agent-install-${deadPid()}-0123abcd.tmp`;
    mkdirSync(path.join(sb.project, temp));
    writeFileSync(path.join(sb.project, temp, 'owner-0123456789abcdef.json'), '{}');
    const add = await sb.run([NAME], { env: SHORT });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(readdirSync(path.join(sb.project, '.claude')).sort()).toEqual(['agents', 'agents.lock.json']);
  });
});

// Short runs; `npm run stress` runs 30 writers × 100 rounds, and readers beside 12 writers.
describe('parallel runs of the built CLI', () => {
  it('8 adds at once on a scope whose lock a dead run left, 2 rounds: no entry lost, nothing left over', async () => {
    const stats = await runStaleLockRounds({ writers: 8, rounds: 2 });
    expect(stats.firstFailures).toEqual([]);
    expect(stats).toMatchObject({ rounds: 2, runs: 16, failedRuns: 0, lostEntries: 0, missingFiles: 0, leftovers: [] });
  }, 120_000);

  it('verify and list beside 3 writers never report drift that never was', async () => {
    const stats = await runReadersBesideWriters({ writers: 3, iterations: 4, readers: 2 });
    expect(stats.failedWriters).toEqual([]);
    expect(stats.firstFalseReports).toEqual([]);
    expect(stats.writerRuns).toBe(12);
    expect(stats.reads).toBeGreaterThan(2);
  }, 120_000);
});
