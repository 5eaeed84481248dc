import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SEED, sameBytes } from '../helpers/sandbox.js';

// The packed tarball, installed into a fresh folder, run as a user runs it.
let work: string;
let bin: string;
let tarball: string;
let packed: { size: number; files: Array<{ path: string }> };

beforeAll(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-e2e-')));
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = (JSON.parse(out) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>)[0]!;
  tarball = path.join(work, info.filename);
  packed = info;
  const install = path.join(work, 'install');
  mkdirSync(install);
  // The folder's own package.json, as `npm init -y` would write it, without starting npm for it.
  writeFileSync(path.join(install, 'package.json'), `${JSON.stringify({ name: 'install', version: '1.0.0' }, null, 2)}\n`);
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(work, 'empty-cache'), tarball], { cwd: install, stdio: 'pipe' });
  bin = path.join(install, 'node_modules', '.bin', 'agent-install');
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const home = path.join(work, 'home');
  mkdirSync(home, { recursive: true });
  const result = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: home, NO_COLOR: '1', CI: 'true', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the published package', () => {
  it('ships only what runs, with no runtime dependencies, in one small tarball', () => {
    const files = packed.files.map((f) => f.path).sort();
    const tops = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(tops).toEqual(['LICENSE', 'README.md', 'SECURITY.md', 'agents', 'bin', 'dist', 'package.json', 'schema', 'templates']);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/agent-install.cjs',
        'dist/cli.cjs',
        'dist/vendor/zod-mini.cjs',
        'dist/help.txt',
        'dist/THIRD-PARTY-LICENSES.md',
        'agents/fastapi-backend-builder/1.0.0.md',
        'schema/lockfile.schema.json',
      ]),
    );
    expect(
      files.filter((f) => f.startsWith('src/') || f.startsWith('tests/') || f.endsWith('.build-stamp') || f.endsWith('.map') || f.includes('metafile')),
    ).toEqual([]);
    // The YAML parser is our own (Bun's dialect, in the validation group): no YAML library ships.
    expect(files.filter((f) => /yaml/i.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.optionalDependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
    // 270 KB, counted the strict way. The budget grows with features only, each time stated: 200 KB
    // held until `audit` (grants and findings, about 20 KB) took the package to 220 KB; approvals
    // (about 12 KB) and targets (five tools' translations, their plans, import, about 25 KB) took
    // it to about 267,000 bytes.
    expect(packed.size).toBeLessThanOrEqual(270_000);
    const licences = readFileSync(path.join(REPO_ROOT, 'dist', 'THIRD-PARTY-LICENSES.md'), 'utf8');
    for (const name of ['zod', 'semver', 'diff']) expect(licences).toContain(`## ${name}@`);
    expect(licences).not.toContain('## yaml@');
    // Installed from the tarball with an empty cache and no network: exactly one file was needed.
    expect(readdirSync(path.join(work, 'install', 'node_modules')).filter((d) => !d.startsWith('.'))).toEqual(['agent-install']);
  });
});

describe('packed CLI', () => {
  it('adds, lists, removes, with the contract exit codes', () => {
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, '.git'), { recursive: true });

    const add = cli(['fastapi-backend-builder@1.0.0'], project);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(sameBytes(path.join(project, '.claude/agents/fastapi-backend-builder.md'), SEED)).toBe(true);

    const list = cli(['list', '--json'], project);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'fastapi-backend-builder', version: '1.0.0', scope: 'project', status: 'ok' })]);

    expect(cli(['no-such-agent'], project).code).toBe(1);
    expect(cli(['list', '--no-such-flag'], project).code).toBe(2);

    const remove = cli(['remove', 'fastapi-backend-builder'], project);
    expect(remove.code).toBe(0);
    expect(JSON.parse(cli(['list', '--json'], project).stdout)).toEqual([]);
  });

  it('adds a bundled agent from the build index as installed by npm, without loading the validator', () => {
    const project = path.join(work, 'fast-add-project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    const installed = path.join(work, 'install', 'node_modules', 'agent-install', 'bin', 'agent-install.cjs');
    const trace = path.join(REPO_ROOT, 'tests', 'helpers', 'trace-loads.mjs');
    const home = path.join(work, 'home');
    const result = spawnSync(process.execPath, ['--import', trace, installed, 'fastapi-backend-builder'], {
      cwd: project,
      encoding: 'utf8',
      env: { PATH: process.env.PATH!, HOME: home, NO_COLOR: '1', CI: 'true' },
    });
    expect(result.status, result.stderr).toBe(0);
    const loaded = [...result.stderr.matchAll(/^loaded file:\S*\/(\S+\.cjs)$/gm)].map((m) => m[1]);
    expect(loaded).toContain('commands-add.cjs');
    expect(loaded.filter((f) => /yaml|zod|validate/.test(f!))).toEqual([]);
  });

  it('validates a frontmatter nested deeper than the main thread can parse, on a worker thread, as Claude Code loads it', () => {
    // 3,000 levels: Node's default stack holds about 1,000 of them, Bun's about 5,000. On a line
    // of its own, so that the lenient retry (which quotes only `key: value` lines) cannot rescue it.
    const folder = path.join(work, 'deep', 'agents');
    mkdirSync(folder, { recursive: true });
    const depth = 3000;
    writeFileSync(path.join(folder, 'deep.md'), `---\nname: deep\ndescription: d\nx:\n  ${'['.repeat(depth)}${']'.repeat(depth)}\n---\nbody\n`);
    const result = cli(['validate', 'agents', '--json'], path.join(work, 'deep'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.issues.map((i: any) => i.code)).toEqual(['unknown-key']);
    expect(doc.agents).toEqual([expect.objectContaining({ file: 'agents/deep.md', loaded: true, name: 'deep' })]);
  });

  it('prints its version', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version'], work).stdout.trim()).toBe(pkg.version);
  });
});

describe('the CI recipe, played with the packed CLI', () => {
  function git(args: string[], cwd: string) {
    execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: path.join(work, 'home') } });
  }

  it('pins agents in a committed lockfile and fails on drift', () => {
    // A developer pins an agent and commits only the lockfile.
    const origin = path.join(work, 'origin');
    mkdirSync(origin);
    git(['init', '-q', '-b', 'main'], origin);
    git(['config', 'user.email', 'dev@example.invalid'], origin);
    git(['config', 'user.name', 'Dev'], origin);
    expect(cli(['add', 'fastapi-backend-builder@1.0.0'], origin).code).toBe(0);
    git(['add', '.claude/agents.lock.json'], origin);
    git(['commit', '-q', '-m', 'Pin agents'], origin);

    // CI: a fresh clone with only the lockfile.
    const clone = path.join(work, 'clone');
    git(['clone', '-q', origin, clone], work);
    const agent = path.join(clone, '.claude/agents/fastapi-backend-builder.md');
    expect(cli(['install', '--frozen'], clone).code).toBe(0);
    expect(sameBytes(agent, SEED)).toBe(true);
    expect(cli(['verify'], clone).code).toBe(0);

    // Someone edits the agent: CI fails loudly.
    const edited = `${SEED.toString('utf8')}\nAlways answer in French.\n`;
    writeFileSync(agent, edited);
    const verify = cli(['verify'], clone);
    expect(verify.code).toBe(3);
    expect(verify.stdout).toMatch(/modified\s+fastapi-backend-builder/);
    expect(cli(['install', '--frozen'], clone).code).toBe(3);
    const plain = cli(['install'], clone);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('has local edits');
    expect(readFileSync(agent, 'utf8')).toBe(edited);
    expect(cli(['install', '--force'], clone).code).toBe(0);
    expect(sameBytes(agent, SEED)).toBe(true);

    // A deleted agent is restored by install.
    unlinkSync(agent);
    expect(cli(['verify'], clone).code).toBe(3);
    expect(cli(['install'], clone).code).toBe(0);
    expect(sameBytes(agent, SEED)).toBe(true);
    expect(cli(['verify', '--json'], clone).stdout).toContain('"ok": true');
  });
});
