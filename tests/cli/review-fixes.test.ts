import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { makeRegistryRoot } from '../helpers/registry.js';
import { agentText, makeSandbox, SEED, sameBytes } from '../helpers/sandbox.js';

const LOCK = '.claude/agents.lock.json';
const lock = (sb: ReturnType<typeof makeSandbox>) => JSON.parse(sb.read(LOCK));
const writeLock = (sb: ReturnType<typeof makeSandbox>, value: unknown) => writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(value, null, 2)}\n`);

describe('lockfile paths never lead outside the agents folder', () => {
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

describe('install --frozen', () => {
  it('exits 3 when an entry would be rewritten, even in canonical form', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const value = lock(sb);
    delete value.agents['fastapi-backend-builder'].registry;
    writeLock(sb, value);
    const before = sb.read(LOCK);
    const frozen = await sb.run(['install', '--frozen', '--json']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.json().error.code).toBe('FROZEN_LOCKFILE_CHANGED');
    expect(sb.read(LOCK)).toBe(before);
    expect((await sb.run(['install'])).exitCode).toBe(0);
    expect(lock(sb).agents['fastapi-backend-builder'].registry).toBe('bundled');
  });
});

describe('upgrade', () => {
  it('does not re-create a moved agent next to its moved copy', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    mkdirSync(path.join(sb.project, '.claude/agents/team'));
    renameSync(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'), path.join(sb.project, '.claude/agents/team/fastapi.md'));
    const result = await sb.run(['upgrade', '--latest', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('NAME_TAKEN');
    expect(existsSync(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'))).toBe(false);
  });

  it('skips an agent another run changed while this one waited for the lock', async () => {
    const { planUpgrade } = await import('../../src/core/plan/upgrade.js');
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const before = lock(sb).agents['fastapi-backend-builder'];
    const scope = (await import('../../src/core/scope/scope.js')).projectScope({ cwd: sb.project, home: sb.home });
    const now = { lockfileVersion: 2, agents: { 'fastapi-backend-builder': { ...before, version: '1.1.0', source: 'fastapi-backend-builder@1.1.0' } } };
    const { takeSnapshot } = await import('../../src/core/scope/snapshot.js');
    const { plan } = planUpgrade(
      await takeSnapshot(scope, now),
      [
        {
          name: 'fastapi-backend-builder',
          entry: before,
          base: SEED,
          theirs: {
            candidate: { origin: 'x', requested: '^1.0.0', source: 'fastapi-backend-builder@1.1.0', bytes: SEED, fileName: 'x.md', version: '1.1.0' },
            agent: { name: 'fastapi-backend-builder' },
            warnings: [],
          },
        },
      ],
      { force: false, mergeMarkers: false },
    );
    expect(plan.actions).toEqual([expect.objectContaining({ type: 'skip', reason: expect.stringContaining('another run') })]);
  });
});

describe('scopes', () => {
  it('the home folder outside a git repository is not a project', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder', '--json'], { cwd: sb.home });
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('NOT_A_PROJECT');
    expect(existsSync(path.join(sb.home, '.claude'))).toBe(false);
    expect((await sb.run(['-g', 'fastapi-backend-builder'], { cwd: sb.home })).exitCode).toBe(0);
    const rows = (await sb.run(['list', '--json'], { cwd: sb.home })).json();
    expect(rows).toEqual([expect.objectContaining({ scope: 'user', status: 'ok' })]);
  });
});

describe('add', () => {
  const two = () => makeRegistryRoot({ alpha: { '1.0.0': agentText('alpha') }, beta: { '1.0.0': agentText('beta') } });

  it('installs several specs in one call', async () => {
    const sb = makeSandbox({ packageRoot: two() });
    const result = await sb.run(['alpha', 'beta', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.json().actions.map((a: any) => [a.action, a.name])).toEqual([
      ['create', 'alpha'],
      ['create', 'beta'],
    ]);
    expect(Object.keys(lock(sb).agents)).toEqual(['alpha', 'beta']);
  });

  it('is all or nothing: one refused spec writes none of them', async () => {
    const sb = makeSandbox({ packageRoot: two(), tree: { '.claude/agents/beta.md': 'my own file\n' } });
    const result = await sb.run(['alpha', 'beta', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error).toMatchObject({ code: 'NOT_OWNED', details: { refusals: [expect.objectContaining({ name: 'beta' })] } });
    expect(existsSync(path.join(sb.project, '.claude/agents/alpha.md'))).toBe(false);
    expect(existsSync(path.join(sb.project, LOCK))).toBe(false);
  });

  it('refuses a folder where the agent file would go, without a stack trace', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'), { recursive: true });
    const result = await sb.run(['fastapi-backend-builder']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('is a folder');
    expect(result.stderr).not.toContain('internal error');
  });

  it('a mistyped command is a usage error (exit 2) that names the command', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['lsit']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('agent-install list');
    expect((await sb.run(['no-such-agent-at-all'])).exitCode).toBe(1);
  });
});

describe('diff keeps a byte-order mark visible', () => {
  it('a BOM added locally is a difference', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    writeFileSync(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), SEED]));
    expect((await sb.run(['diff', '--base', '--exit-code'])).exitCode).toBe(3);
    expect((await sb.run(['verify'])).exitCode).toBe(3);
  });
});

describe('--json on exit 3', () => {
  it('verify drift carries ok: false and an error object next to the data', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    writeFileSync(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'), `${SEED.toString()}\nmore\n`);
    const doc = (await sb.run(['verify', '--json'])).json();
    expect(doc).toMatchObject({ ok: false, drift: 1, error: { code: 'DRIFT' } });
    const outdated = await sb.run(['outdated', '--exit-code', '--json']);
    expect(outdated.exitCode).toBe(3);
    expect(outdated.json()).toMatchObject({ ok: false, error: { code: 'OUTDATED' }, outdated: [expect.any(Object)] });
  });
});

describe('colour', () => {
  it('FORCE_COLOR colours stdout; NO_COLOR and --no-color do not; stderr follows its own terminal', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const forced = await sb.run(['list'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    expect((await sb.run(['list', '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await sb.run(['list'], { env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    const error = await sb.run(['rm', 'nope'], { env: { FORCE_COLOR: '1' } });
    expect(error.stderr).toMatch(/\u001b\[31merror/);
    expect(sameBytes(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'), SEED)).toBe(true);
    expect(computeIntegrity(SEED)).toBe(lock(sb).agents['fastapi-backend-builder'].integrity);
  });
});
