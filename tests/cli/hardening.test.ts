import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { makeRegistryRoot } from '../helpers/registry.js';
import { agentText, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

const AGENT = '.claude/agents/fastapi-backend-builder.md';
const LOCK = '.claude/agents.lock.json';

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('symbolic links', () => {
  it('refuses a project agents folder that resolves outside the project', async () => {
    const sb = makeSandbox();
    const outside = path.join(sb.root, 'elsewhere');
    mkdirSync(outside);
    mkdirSync(path.join(sb.project, '.claude'));
    symlinkSync(outside, path.join(sb.project, '.claude', 'agents'));
    const result = await sb.run(['fastapi-backend-builder', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('AGENTS_DIR_OUTSIDE_PROJECT');
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('lockfile paths never lead outside the agents folder', () => {
  const lock = (sb: Sandbox) => JSON.parse(sb.read(LOCK));
  const writeLock = (sb: Sandbox, value: unknown) => writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(value, null, 2)}\n`);

  it('a committed symlinked subfolder cannot make install write or remove delete elsewhere', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const outside = path.join(sb.root, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'fastapi-backend-builder.md'), 'victim\n');
    symlinkSync(outside, path.join(sb.project, '.claude/agents/sub'));
    const value = lock(sb);
    value.agents['fastapi-backend-builder'].path = 'sub/fastapi-backend-builder.md';
    writeLock(sb, value);
    for (const argv of [
      ['install', '--force'],
      ['remove', 'fastapi-backend-builder', '--force'],
      ['upgrade', '--latest', '--force'],
    ]) {
      const result = await sb.run([...argv, '--json']);
      expect(result.exitCode, argv.join(' ')).toBe(1);
      expect(result.json().error.code).toBe('PATH_OUTSIDE_SCOPE');
    }
    expect(readFileSync(path.join(outside, 'fastapi-backend-builder.md'), 'utf8')).toBe('victim\n');
    expect(readdirSync(outside)).toEqual(['fastapi-backend-builder.md']);
  });

  it.each(['../escape.md', '/etc/x.md', 'a/../../x.md', 'x.txt', 'a\\\\b.md'])(
    'a lock entry with path %j is refused when the lockfile is read',
    async (bad) => {
      const sb = makeSandbox();
      await sb.run(['fastapi-backend-builder@1.0.0']);
      const value = lock(sb);
      value.agents['fastapi-backend-builder'].path = bad;
      writeLock(sb, value);
      const result = await sb.run(['list', '--json']);
      expect(result.exitCode).toBe(1);
      expect(result.json().error.code).toBe('LOCKFILE_INVALID');
    },
  );
});

describe('hostile names', () => {
  it('refuses a name differing only in case from an existing file', async () => {
    const packageRoot = makeRegistryRoot({ reviewer: { '1.0.0': agentText('reviewer') } });
    const sb = makeSandbox({ packageRoot, tree: { '.claude/agents/Reviewer.md': agentText('Reviewer') } });
    const result = await sb.run(['reviewer', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('NAME_CASE_CLASH');
    expect(readdirSync(path.join(sb.project, '.claude/agents'))).toEqual(['Reviewer.md']);
  });

  it.each([
    ['../escape', 'path separator'],
    ['a/b', 'path separator'],
    ['con', 'reserved device name'],
    ['x\u0001y', 'control character'],
    ['.hidden', 'starts with `.`'],
    ['x'.repeat(200), 'longer than 128'],
  ])('refuses an agent whose name is %j before writing anything', async (name, reason) => {
    // A registry folder can only hold safe names, so the name comes from the agent's frontmatter.
    const packageRoot = makeRegistryRoot({ innocent: { '1.0.0': `---\nname: ${JSON.stringify(name)}\ndescription: d\n---\nbody\n` } });
    const sb = makeSandbox({ packageRoot });
    const result = await sb.run(['innocent']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(reason);
    expect(existsSync(path.join(sb.project, '.claude'))).toBe(false);
  });
});

describe('the scope lock', () => {
  it('waits for another run, says so, and gives up after the timeout (on a fake clock)', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, '.claude'));
    // A live process holds the lock: this test's own pid.
    writeFileSync(
      path.join(sb.project, '.claude/agents.lock.json.lock'),
      JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), started: Date.now() }),
    );
    // The clock and the waits between attempts are fake: the run's time passes only when the
    // test moves it from one pending wait to the next, and I/O keeps its real pace.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const started = Date.now();
    let settled = false;
    const running = sb.run(['fastapi-backend-builder'], { env: { AGENT_INSTALL_LOCK_TIMEOUT: '400' } }).finally(() => {
      settled = true;
    });
    while (!settled) {
      if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
      else await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await running;
    const waited = Date.now() - started;
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Waiting for process');
    expect(result.stderr).toContain('Timed out');
    // It waited out the 400 ms, and gave up at the first attempt after them (waits grow to 250 ms).
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(waited).toBeLessThan(400 + 250);
    expect(sb.exists(AGENT)).toBe(false);
  });

  it('recovers a lock left by a process that died', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, '.claude'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(
      path.join(sb.project, '.claude/agents.lock.json.lock'),
      JSON.stringify({ pid: Number(dead.stdout), host: (await import('node:os')).hostname(), started: Date.now() }),
    );
    const result = await sb.run(['fastapi-backend-builder'], { env: { AGENT_INSTALL_LOCK_TIMEOUT: '2000' } });
    expect(result.exitCode).toBe(0);
    expect(sb.exists('.claude/agents.lock.json.lock')).toBe(false);
  });

  it('removes temporary files left by killed runs beside locked files in subfolders too', async () => {
    const sb = makeSandbox({ tree: { 'team/reviewer.md': agentText('reviewer') } });
    await sb.run(['./team/reviewer.md']);
    const lockfile = JSON.parse(sb.read('.claude/agents.lock.json'));
    lockfile.agents.reviewer.path = 'team/reviewer.md';
    sb.write({ '.claude/agents.lock.json': JSON.stringify(lockfile), '.claude/agents/team/reviewer.md': agentText('reviewer') });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const leftover = `.claude/agents/team/.reviewer.md.agent-install-${dead}-89abcdef.tmp`;
    sb.write({ [leftover]: 'half written' });
    expect((await sb.run(['fastapi-backend-builder'])).exitCode).toBe(0);
    expect(sb.exists(leftover)).toBe(false);
  });

  it('removes temporary files left by killed runs', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const leftover = `.fastapi-backend-builder.md.agent-install-${dead}-0123abcd.tmp`;
    sb.write({ [`.claude/agents/${leftover}`]: 'half written' });
    expect((await sb.run(['fastapi-backend-builder@1.1.0'])).exitCode).toBe(0);
    expect(sb.exists(`.claude/agents/${leftover}`)).toBe(false);
    expect(listTree(path.join(sb.project, '.claude')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('hostile environment', () => {
  it('a missing HOME is a clear error for -g, and list still shows the project', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder']);
    const env = { HOME: path.join(sb.root, 'no-such-home') };
    const global = await sb.run(['-g', 'fastapi-backend-builder', '--json'], { env });
    expect(global.exitCode).toBe(1);
    expect(global.json().error.code).toBe('NO_HOME');
    expect(existsSync(env.HOME)).toBe(false);
    const list = await sb.run(['list', '--json'], { env });
    expect(list.exitCode).toBe(0);
    expect(list.json()).toEqual([expect.objectContaining({ scope: 'project', status: 'ok' })]);
  });

  // Real file systems where this machine allows mounting them (CI runs as root), else skipped with a note.
  function mountTmpfs(sb: Sandbox, dir: string, options: string): boolean {
    mkdirSync(dir, { recursive: true });
    const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    if (result.status !== 0) return false;
    onTestFinished(() => {
      spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
    });
    void sb;
    return true;
  }
  const canMount = spawnSync('sh', ['-c', 'command -v mount && [ "$(id -u)" = 0 ]'], { stdio: 'ignore' }).status === 0;

  it.runIf(canMount)('a full disk: exit 1 with a clear message, nothing half-written', async (ctx) => {
    const sb = makeSandbox();
    const project = path.join(sb.root, 'small');
    if (!mountTmpfs(sb, project, 'size=48k')) ctx.skip('this machine does not allow mounting a tmpfs');
    mkdirSync(path.join(project, '.git'));
    expect((await sb.run(['fastapi-backend-builder@1.0.0'], { cwd: project })).exitCode).toBe(0);
    const lockBefore = readFileSync(path.join(project, LOCK), 'utf8');
    const before = readFileSync(path.join(project, AGENT));
    // Fill the disk, leaving less room than the new version needs.
    spawnSync('dd', ['if=/dev/zero', `of=${path.join(project, 'filler')}`, 'bs=1k', 'count=1000'], { stdio: 'ignore' });
    const result = await sb.run(['fastapi-backend-builder@1.1.0', '--force'], { cwd: project });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/disk is full|ENOSPC/);
    expect(readFileSync(path.join(project, AGENT)).equals(before)).toBe(true);
    expect(readFileSync(path.join(project, LOCK), 'utf8')).toBe(lockBefore);
    expect(listTree(path.join(project, '.claude')).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it.runIf(canMount)('a read-only folder: exit 1 with a clear message, nothing changed', async (ctx) => {
    const sb = makeSandbox();
    const project = path.join(sb.root, 'readonly');
    if (!mountTmpfs(sb, project, 'size=1m')) ctx.skip('this machine does not allow mounting a tmpfs');
    mkdirSync(path.join(project, '.git'));
    expect((await sb.run(['fastapi-backend-builder@1.0.0'], { cwd: project })).exitCode).toBe(0);
    execFileSync('mount', ['-o', 'remount,ro', project]);
    const before = listTree(project);
    for (const argv of [['fastapi-backend-builder@1.1.0'], ['remove', 'fastapi-backend-builder'], ['upgrade', '--latest']]) {
      const result = await sb.run(argv, { cwd: project });
      expect(result.exitCode, argv.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/read-only|EROFS/);
    }
    expect(listTree(project)).toEqual(before);
  });
});
