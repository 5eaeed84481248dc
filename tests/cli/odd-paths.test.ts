import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentText, makeSandbox, REPO_ROOT, type Sandbox } from '../helpers/sandbox.js';

// Every case runs the built CLI in its own process: a read that blocks on a FIFO or a mkdir that
// spins under /proc would otherwise stall the test worker itself. `guardMs` only decides that a
// run hung (it is killed and the test fails); no assertion is about how fast a run was.
const BIN = path.join(REPO_ROOT, 'bin', 'agent-install.cjs');
const AGENT = '.claude/agents/fastapi-backend-builder.md';
const LOCK = '.claude/agents.lock.json';

interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  hung: boolean;
}

function runBin(sb: Sandbox, argv: string[], options: { cwd?: string; env?: Record<string, string | undefined>; guardMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...sb.env, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: options.cwd ?? sb.project, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const guard = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, options.guardMs ?? 20_000);
    child.once('close', (exitCode) => {
      clearTimeout(guard);
      resolve({ exitCode, stdout, stderr, hung });
    });
  });
}

/** A clear failure: it ended, with exit 1 and a message that is not a stack trace. */
function expectClearError(run: Run, message: RegExp): void {
  expect(run.hung, 'the run hung').toBe(false);
  expect(run.exitCode, run.stderr).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

function expectOk(run: Run): void {
  expect(run.hung, 'the run hung').toBe(false);
  expect(run.exitCode, run.stderr).toBe(0);
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

describe('odd homes and cache folders: no spin, nothing created from scratch', () => {
  const PROC = '/proc/self/no-such/deeper';

  it.each([
    ['HOME', { HOME: PROC }],
    ['XDG_CACHE_HOME', { XDG_CACHE_HOME: PROC }],
    ['AGENT_INSTALL_CACHE', { AGENT_INSTALL_CACHE: PROC }],
  ])(
    '%s under /proc: a project install works without a cache',
    async (_name, env) => {
      const sb = makeSandbox();
      expectOk(await runBin(sb, ['fastapi-backend-builder'], { env }));
      expect(sb.exists(AGENT)).toBe(true);
      expectOk(await runBin(sb, ['verify'], { env }));
    },
    60_000,
  );

  it('HOME under /proc: the user scope is a clear error', async () => {
    const sb = makeSandbox();
    expectClearError(await runBin(sb, ['-g', 'fastapi-backend-builder'], { env: { HOME: PROC } }), /home folder .* does not exist/);
  }, 30_000);

  it('CLAUDE_CONFIG_DIR under /proc: the user scope is a clear error', async () => {
    const sb = makeSandbox();
    expectClearError(await runBin(sb, ['-g', 'fastapi-backend-builder'], { env: { CLAUDE_CONFIG_DIR: PROC } }), /Cannot create .*does not exist/);
  }, 30_000);

  it('-C under /proc is a clear error', async () => {
    const sb = makeSandbox();
    for (const argv of [
      ['-C', PROC, 'fastapi-backend-builder'],
      ['-C', PROC, 'list'],
      ['-C', PROC, 'verify'],
    ]) {
      const run = await runBin(sb, argv);
      expect(run.hung, argv.join(' ')).toBe(false);
      expect(run.exitCode, `${argv.join(' ')}: ${run.stderr}`).not.toBe(0);
      expect(run.stderr).toMatch(/proc/);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
  }, 60_000);

  it.each([
    ['relative', 'relative-home'],
    ['empty', ''],
  ])(
    'a %s HOME is not a home: nothing is created in the working folder, -g says why',
    async (_kind, home) => {
      const sb = makeSandbox();
      expectOk(await runBin(sb, ['fastapi-backend-builder'], { env: { HOME: home } }));
      expect(sb.exists(AGENT)).toBe(true);
      // Neither a cache nor a home made below the project.
      expect(existsSync(path.join(sb.project, 'relative-home'))).toBe(false);
      expect(existsSync(path.join(sb.project, '.cache'))).toBe(false);
      expectClearError(await runBin(sb, ['-g', 'list'], { env: { HOME: home } }), /is not an absolute path/);
    },
    60_000,
  );

  it('a missing HOME is never created, and the project install still works', async () => {
    const sb = makeSandbox();
    const home = path.join(sb.root, 'gone', 'home');
    expectOk(await runBin(sb, ['fastapi-backend-builder'], { env: { HOME: home } }));
    expect(existsSync(path.join(sb.root, 'gone'))).toBe(false);
  }, 30_000);

  it('a missing cache folder is made below an existing parent, and only there', async () => {
    const sb = makeSandbox();
    const cache = path.join(sb.root, 'xdg');
    expectOk(await runBin(sb, ['fastapi-backend-builder'], { env: { XDG_CACHE_HOME: cache } }));
    expect(existsSync(path.join(cache, 'agent-install'))).toBe(true);
    const deep = path.join(sb.root, 'a', 'b', 'xdg');
    expectOk(await runBin(sb, ['remove', 'fastapi-backend-builder'], { env: { XDG_CACHE_HOME: deep } }));
    expect(existsSync(path.join(sb.root, 'a'))).toBe(false);
  }, 30_000);
});

describe('bounded reads: FIFOs, devices and huge files are clear errors at once', () => {
  it.each([
    ['a FIFO', (file: string) => mkfifo(file)],
    ['a link to /dev/zero', (file: string) => symlinkSync('/dev/zero', file)],
  ])(
    'the project config file is %s',
    async (_kind, make) => {
      const sb = makeSandbox();
      mkdirSync(path.join(sb.project, '.claude'));
      make(path.join(sb.project, '.claude', 'agent-install.json'));
      // The configured registries are read when a name is looked up beyond the bundled registry.
      expectClearError(await runBin(sb, ['search', 'fastapi']), /not a regular file/);
      expectClearError(await runBin(sb, ['no-such-agent']), /not a regular file/);
      expect(sb.exists('.claude/agents')).toBe(false);
      // Released: nothing is left holding the scope.
      expect(sb.exists(`${LOCK}.lock`)).toBe(false);
    },
    30_000,
  );

  it.each([
    ['a FIFO', (file: string) => mkfifo(file)],
    ['a link to /dev/zero', (file: string) => symlinkSync('/dev/zero', file)],
  ])(
    'the lockfile is %s: every command says so',
    async (_kind, make) => {
      const sb = makeSandbox();
      mkdirSync(path.join(sb.project, '.claude'));
      make(path.join(sb.project, LOCK));
      for (const argv of [['verify'], ['list'], ['install'], ['install', '--frozen'], ['fastapi-backend-builder'], ['outdated']]) {
        const run = await runBin(sb, argv);
        expect(run.hung, argv.join(' ')).toBe(false);
        expect(run.exitCode, `${argv.join(' ')}: ${run.stderr}`).not.toBe(0);
        expect(run.stderr).toMatch(/not a regular file|symbolic link/);
      }
    },
    90_000,
  );

  it.each([
    ['--registry', (file: string) => ['--registry', file, 'no-such-agent']],
    // In the user scope: a project may name no local file outside it (LOCAL_PATH_OUTSIDE).
    ['a local spec', (file: string) => ['-g', file]],
  ])(
    '%s naming a FIFO or /dev/zero',
    async (_kind, argvFor) => {
      const sb = makeSandbox();
      const fifo = path.join(sb.root, 'pipe.md');
      mkfifo(fifo);
      expectClearError(await runBin(sb, argvFor(fifo)), /not a regular file/);
      expectClearError(await runBin(sb, argvFor('/dev/zero')), /not a regular file/);
    },
    30_000,
  );

  it('a registry index that lists an agent file which is a FIFO', async () => {
    const sb = makeSandbox();
    const registry = path.join(sb.root, 'registry');
    mkdirSync(registry);
    mkfifo(path.join(registry, 'pipe.md'));
    writeFileSync(
      path.join(registry, 'index.json'),
      JSON.stringify({ indexVersion: 1, agents: { pipe: { versions: { '1.0.0': { url: 'pipe.md', integrity: `sha256-${'A'.repeat(43)}=` } } } } }),
    );
    expectClearError(await runBin(sb, ['--registry', path.join(registry, 'index.json'), 'pipe']), /not a regular file/);
  }, 30_000);

  it('an .npmrc that is a FIFO is an error for npm: specs, not a hang', async () => {
    const sb = makeSandbox();
    mkfifo(path.join(sb.project, '.npmrc'));
    expectClearError(await runBin(sb, ['npm:some-agent']), /not a regular file/);
  }, 30_000);

  it('a locked agent replaced by a FIFO, or by a sparse file over 2 GiB: commands end with a clear answer', async () => {
    const sb = makeSandbox();
    sb.write({ 'src/a.md': agentText('a'), 'src/b.md': agentText('b') });
    expectOk(await runBin(sb, ['./src/a.md', './src/b.md']));
    const a = path.join(sb.project, '.claude/agents/a.md');
    const b = path.join(sb.project, '.claude/agents/b.md');
    execFileSync('rm', [a]);
    mkfifo(a);
    // 3 GiB of nothing: Node cannot even read it whole (ERR_FS_FILE_TOO_LARGE).
    execFileSync('truncate', ['-s', '3G', b]);
    const lockBefore = readFileSync(path.join(sb.project, LOCK), 'utf8');
    for (const argv of [['verify'], ['list'], ['diff'], ['install', '--frozen'], ['upgrade'], ['remove', 'a'], ['install']]) {
      const run = await runBin(sb, argv);
      expect(run.hung, argv.join(' ')).toBe(false);
      expect(run.exitCode, `${argv.join(' ')}: ${run.stderr}`).not.toBeNull();
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+|ERR_FS_FILE_TOO_LARGE|Internal error/i);
      // verify reports drift (3); install --frozen refuses to replace bytes it cannot read (1).
      if (argv[0] === 'verify') expect(run.exitCode).toBe(3);
      if (argv[1] === '--frozen') expect(run.exitCode).toBe(1);
      if (argv[0] === 'diff') expect(run.stdout).toMatch(/cannot read .*b\.md: it is 3,221,225,472 bytes/);
    }
    // Neither file was replaced without --force: a FIFO and a huge file are not agent-install's bytes.
    expect(readFileSync(path.join(sb.project, LOCK), 'utf8')).toBe(lockBefore);
  }, 120_000);
});

describe('bounded parsing: JSON that would cost gigabytes is refused unparsed', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  it.each([
    ['nested 2,000,000 levels deep', `{"lockfileVersion":2,"agents":{},"x":${deep(2_000_000)}}`, /nests deeper than 64 levels/],
    ['holding 3,000,000 empty arrays', `{"lockfileVersion":2,"agents":{},"x":[${Array(3_000_000).fill('[]').join(',')}]}`, /more than 2,000,000 values/],
  ])(
    'a lockfile %s',
    async (_kind, text, message) => {
      const sb = makeSandbox();
      mkdirSync(path.join(sb.project, '.claude'));
      writeFileSync(path.join(sb.project, LOCK), text);
      for (const argv of [['verify'], ['install', '--frozen'], ['list']]) {
        const run = await runBin(sb, argv);
        expect(run.hung, argv.join(' ')).toBe(false);
        expect(run.exitCode, argv.join(' ')).toBe(1);
        expect(run.stderr).toMatch(message);
      }
    },
    60_000,
  );

  it('a registry index and a config file nested too deep', async () => {
    const sb = makeSandbox();
    writeFileSync(path.join(sb.root, 'index.json'), `{"indexVersion":1,"agents":${deep(100)}}`);
    expectClearError(await runBin(sb, ['--registry', path.join(sb.root, 'index.json'), 'no-such-agent']), /nests deeper than 64 levels/);
    sb.write({ '.claude/agent-install.json': `{"registries":${deep(100)}}` });
    expectClearError(await runBin(sb, ['search', 'x']), /nests deeper than 64 levels/);
  }, 30_000);
});
