import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ES module helper shared with the stress script
import { makePackageCopy } from '../helpers/package-copy.mjs';
import { REPO_ROOT } from '../helpers/sandbox.js';

// What start-up loads, traced with a module-loader hook on the built CLI.
const BIN = path.join(REPO_ROOT, 'bin', 'agent-install.cjs');
const TRACE = path.join(REPO_ROOT, 'tests', 'helpers', 'trace-loads.mjs');
/** Runs the CLI with its clock a minute ahead: the files it finds have settled. */
const CLOCK_AHEAD = ['--import', path.join(REPO_ROOT, 'tests', 'helpers', 'clock-ahead.mjs')];
const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-startup-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { PATH: process.env.PATH!, HOME: work, NO_COLOR: '1', CI: 'true' };

function trace(args: string[], cwd = work, options: { node?: string[]; status?: number } = {}): string {
  const result = spawnSync(process.execPath, [...(options.node ?? []), '--import', TRACE, BIN, ...args], { cwd, env, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(options.status ?? 0);
  return result.stderr;
}

function loadedBy(args: string[], cwd = work, status = 0): string[] {
  return [...trace(args, cwd, { status }).matchAll(/loaded (file:\S+?\.[cm]?js)(?=loaded|\s|$)/g)].map((m) => fileURLToPath(m[1]!));
}

/** Node's own modules the command loaded beyond what node itself starts with. */
function builtinsLoadedBy(args: string[], cwd = work, node: string[] = []): string[] {
  return [...trace(args, cwd, { node }).matchAll(/^builtin (\S+)$/gm)].map((m) => m[1]!);
}

// The YAML parser (our own, in the validation group) and zod (its own file under dist/vendor/).
const heavy = (file: string) => {
  const text = readFileSync(file, 'utf8');
  return text.includes('Excessive aliasing') || text.includes('$ZodType');
};
const vendor = (files: string[]) =>
  files
    .filter((f) => f.includes(`${path.sep}vendor${path.sep}`))
    .map((f) => path.basename(f))
    .sort();

describe('start-up', () => {
  it.each([['--version'], ['-V'], ['--help'], ['-h']])('%s loads nothing but the bin shim', (flag) => {
    expect(loadedBy([flag])).toEqual([BIN]);
  });

  it('the help the shim prints is the CLI help', () => {
    const shim = spawnSync(process.execPath, [BIN, '--help'], { env, encoding: 'utf8' }).stdout;
    const full = spawnSync(process.execPath, [BIN, '--no-color', '--help'], { env, encoding: 'utf8' }).stdout;
    expect(shim).toBe(full);
  });

  it('list on a project of locked, unmodified agents loads the CLI and no library, nor help or usage errors', () => {
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    expect(spawnSync(process.execPath, [BIN, 'fastapi-backend-builder'], { cwd: project, env }).status).toBe(0);
    const loaded = loadedBy(['list'], project);
    expect(loaded).toEqual([BIN, path.join(REPO_ROOT, 'dist', 'cli.cjs')]);
  });

  it('list of settled, unchanged agents reads no agent file and loads no node:crypto; an edit still shows', () => {
    const project = path.join(work, 'settled-project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    expect(spawnSync(process.execPath, [BIN, 'fastapi-backend-builder'], { cwd: project, env }).status).toBe(0);
    // Files changed in the last 3 s are never remembered: rather than wait, these runs' clock is a minute ahead.
    expect(builtinsLoadedBy(['list'], project, CLOCK_AHEAD)).toContain('crypto'); // first run hashes and remembers
    expect(builtinsLoadedBy(['list'], project, CLOCK_AHEAD)).not.toContain('crypto');
    const file = path.join(project, '.claude', 'agents', 'fastapi-backend-builder.md');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('FastAPI', 'FastAPX')); // same size
    const listed = spawnSync(process.execPath, [BIN, 'list', '--json'], { cwd: project, env, encoding: 'utf8' });
    expect(JSON.parse(listed.stdout)[0].status).toBe('modified');
  });

  it('validate loads the YAML parser and zod, and none of the sources or their libraries', () => {
    const file = path.join(work, 'lone-agent.md');
    writeFileSync(file, '---\nname: lone\ndescription: Checks things.\n---\nBody.\n');
    const loaded = loadedBy(['validate', file]);
    expect(vendor(loaded)).toEqual(['zod-mini.cjs']);
    expect(loaded.filter(heavy).map((f) => path.basename(f))).toEqual(['core-agent-validate.cjs', 'zod-mini.cjs']);
    expect(loaded.map((f) => path.basename(f))).not.toContain('commands-add.cjs');
  });

  /** A project of 1,000 unmanaged agents: `list --json` prints more than 128 KB, twice what a pipe holds. Made once, read only. */
  let big: string | undefined;
  function bigProject(): string {
    if (big) return big;
    big = path.join(work, 'big-project');
    mkdirSync(path.join(big, '.claude', 'agents'), { recursive: true });
    for (let i = 0; i < 1000; i++)
      writeFileSync(path.join(big, '.claude', 'agents', `agent-${i}.md`), `---\nname: agent-${i}\ndescription: ${'Reviews code. '.repeat(20)}\n---\nBody.\n`);
    return big;
  }

  it('output to a reader that stops early ends quietly', () => {
    const project = bigProject();
    const full = spawnSync(process.execPath, [BIN, 'list', '--json'], { cwd: project, env, encoding: 'utf8' });
    expect(full.stdout.length).toBeGreaterThan(128 * 1024); // twice what a pipe holds: the writer meets EPIPE
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" list --json | head -c 1`], { cwd: project, env, encoding: 'utf8' });
    expect(result.stdout).toBe('[');
    expect(result.stderr).toBe('');
  });

  // A non-blocking stdout (set by some other program sharing the pipe) makes writes fail with
  // EAGAIN; the output then goes through Node's streams and arrives whole. Python sets the flag.
  const python = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!python)('output to a non-blocking pipe that is not read for a while arrives whole and in order', () => {
    const project = bigProject();
    const script = [
      'import os, subprocess, sys, time',
      'r, w = os.pipe()',
      'os.set_blocking(w, False)',
      'p = subprocess.Popen(sys.argv[1:], stdout=w, stderr=w)',
      'os.close(w)',
      'time.sleep(0.5)',
      'out = b""',
      'while True:',
      '    chunk = os.read(r, 65536)',
      '    if not chunk: break',
      '    out += chunk',
      'sys.stdout.buffer.write(out)',
      'sys.exit(p.wait())',
    ].join('\n');
    const result = spawnSync('python3', ['-c', script, process.execPath, BIN, 'list', '--json'], {
      cwd: project,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(result.status, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<{ name: string }>;
    expect(listed).toHaveLength(1000);
    expect(result.stdout.length).toBeGreaterThan(128 * 1024);
  });

  it('help for a command and usage errors load the help renderer and no library; a well-formed command line does not', () => {
    const help = path.join(REPO_ROOT, 'dist', 'cli-help.cjs');
    for (const [args, status] of [
      [['list', '--help'], 0],
      [['help', 'list'], 0],
      [['list', '--bogus'], 2],
      [['registry'], 2],
    ] as const) {
      const loaded = loadedBy([...args], work, status);
      expect(loaded, args.join(' ')).toContain(help);
      expect(vendor(loaded), args.join(' ')).toEqual([]);
    }
    const project = path.join(work, 'options-project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    expect(loadedBy(['-q', '--project', 'ls', '--no-color'], project)).not.toContain(help);
  });

  it('adding a bundled agent trusts the bytes the build validated and loads neither the YAML parser nor zod', () => {
    const project = path.join(work, 'add-project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    const loaded = loadedBy(['fastapi-backend-builder'], project);
    expect(loaded.filter(heavy)).toEqual([]);
    expect(vendor(loaded)).toEqual([]); // not even semver: a bare name and plain versions need none
  });

  it('adding a bundled agent loads no crypto, streams, child processes, networking or zlib', () => {
    const project = path.join(work, 'add-builtins');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    const builtins = builtinsLoadedBy(['fastapi-backend-builder'], project);
    expect(builtins.filter((m) => /^(crypto|stream|child_process|net|http|https|tls|zlib)$/.test(m))).toEqual([]);
    expect(existsSync(path.join(project, '.claude', 'agents', 'fastapi-backend-builder.md'))).toBe(true);
  });

  it('a version range loads semver, on first use', () => {
    const project = path.join(work, 'range-project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    expect(vendor(loadedBy(['fastapi-backend-builder@~1.0'], project))).toEqual(['semver.cjs']);
    expect(readFileSync(path.join(project, '.claude', 'agents.lock.json'), 'utf8')).toContain('"version": "1.0.0"');
  });

  it('add installs the bytes the build validated; a bundled file the build did not see, or whose size changed since, is validated at run time', () => {
    const pkg = path.join(work, 'tampered');
    const bin = makePackageCopy(pkg, {});
    cpSync(path.join(REPO_ROOT, 'agents'), path.join(pkg, 'agents'), { recursive: true });
    const agents = path.join(pkg, 'agents/fastapi-backend-builder');
    const garbage = 'no frontmatter: not an agent\n';
    // 1.0.0 changed but kept its size: the build's index is trusted (a package is used as built)
    const size = statSync(path.join(agents, '1.0.0.md')).size;
    writeFileSync(path.join(agents, '1.0.0.md'), `${'x'.repeat(size - 1)}\n`);
    writeFileSync(path.join(agents, '1.1.0.md'), garbage); // edited after the build: another size
    writeFileSync(path.join(agents, '1.2.0.md'), garbage); // never seen by the build
    const project = path.join(work, 'tampered-project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    for (const version of ['1.1.0', '1.2.0']) {
      const result = spawnSync(process.execPath, [bin, `fastapi-backend-builder@${version}`, '--json'], { cwd: project, env, encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(JSON.parse(result.stdout).error.code).toBe('INVALID_AGENT');
    }
    expect(spawnSync(process.execPath, [bin, 'fastapi-backend-builder@1.0.0'], { cwd: project, env }).status).toBe(0);
    const installed = readFileSync(path.join(project, '.claude/agents/fastapi-backend-builder.md'));
    expect(installed.equals(readFileSync(path.join(REPO_ROOT, 'agents/fastapi-backend-builder/1.0.0.md')))).toBe(true);
  });

  it('the checks above can see the heavy chunk when it is loaded', () => {
    const project = path.join(work, 'unmanaged');
    mkdirSync(path.join(project, '.claude', 'agents'), { recursive: true });
    spawnSync('sh', ['-c', `printf -- '---\\nname: mine\\ndescription: d\\n---\\nbody\\n' > ${path.join(project, '.claude/agents/mine.md')}`]);
    const loaded = loadedBy(['list'], project);
    expect(loaded.filter(heavy).length).toBeGreaterThan(0);
    expect(vendor(loaded)).toEqual(['zod-mini.cjs']);
  });
});
