import { mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { makeSandbox, REPO_ROOT, SEED, sameBytes } from '../helpers/sandbox.js';

const AGENT = '.claude/agents/fastapi-backend-builder.md';
const LOCK = '.claude/agents.lock.json';
const V110 = readFileSync(path.join(REPO_ROOT, 'agents/fastapi-backend-builder/1.1.0.md'));

describe('version specs', () => {
  it.each([
    ['fastapi-backend-builder@1.0.0', '1.0.0', '1.0.0'],
    ['fastapi-backend-builder@^1.0', '1.1.0', '^1.0'],
    ['fastapi-backend-builder@~1.0.0', '1.0.0', '~1.0.0'],
    ['fastapi-backend-builder@~1.1.0', '1.1.0', '~1.1.0'],
    ['fastapi-backend-builder@latest', '1.1.0', '^1.1.0'],
    ['fastapi-backend-builder', '1.1.0', '^1.1.0'],
  ])('%s installs %s, requested %s', async (spec, version, requested) => {
    const sb = makeSandbox();
    expect((await sb.run([spec])).exitCode).toBe(0);
    const entry = JSON.parse(sb.read(LOCK)).agents['fastapi-backend-builder'];
    expect(entry).toMatchObject({ version, requested, source: `fastapi-backend-builder@${version}`, registry: 'bundled' });
    expect(sameBytes(path.join(sb.project, AGENT), version === '1.0.0' ? SEED : V110)).toBe(true);
  });

  it('a version that does not exist is exit 1 listing the available versions', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder@2']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Available versions: 1.0.0, 1.1.0');
  });
});

describe('install from the lockfile', () => {
  async function lockedProject() {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    return sb;
  }

  it('restores deleted files at the locked version, in a clone with only the lockfile', async () => {
    const sb = await lockedProject();
    rmSync(path.join(sb.project, '.claude/agents'), { recursive: true });
    const lockBefore = sb.read(LOCK);
    for (const argv of [['install', '--frozen'], ['install']]) {
      const result = await sb.run(argv);
      expect(result.exitCode).toBe(0);
      expect(sameBytes(path.join(sb.project, AGENT), SEED)).toBe(true);
      expect(sb.read(LOCK)).toBe(lockBefore);
      unlinkSync(path.join(sb.project, AGENT));
    }
  });

  it('with the agent files committed too, is a no-op', async () => {
    const sb = await lockedProject();
    const result = await sb.run(['install', '--frozen']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Everything matches the lockfile.');
  });

  it('an integrity mismatch is exit 1 and writes nothing', async () => {
    const sb = await lockedProject();
    unlinkSync(path.join(sb.project, AGENT));
    const lock = JSON.parse(sb.read(LOCK));
    lock.agents['fastapi-backend-builder'].integrity = computeIntegrity('something else');
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(lock, null, 2)}\n`);
    const result = await sb.run(['install', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('INTEGRITY_MISMATCH');
    expect(sb.exists(AGENT)).toBe(false);
  });

  it('--frozen exits 3 on an edited file; plain install refuses; --force restores', async () => {
    const sb = await lockedProject();
    writeFileSync(path.join(sb.project, AGENT), 'edited\n');
    const frozen = await sb.run(['install', '--frozen']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.stderr).toContain('has local edits');
    const plain = await sb.run(['install']);
    expect(plain.exitCode).toBe(1);
    expect(sb.read(AGENT)).toBe('edited\n');
    const forced = await sb.run(['install', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(sameBytes(path.join(sb.project, AGENT), SEED)).toBe(true);
  });

  it('--frozen exits 3 when the lockfile would change (an older lockfileVersion); install migrates it', async () => {
    const sb = await lockedProject();
    const lock = JSON.parse(sb.read(LOCK));
    delete lock.agents['fastapi-backend-builder'].registry;
    lock.lockfileVersion = 1;
    writeFileSync(path.join(sb.project, LOCK), JSON.stringify(lock));
    const frozen = await sb.run(['install', '--frozen', '--json']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.json().error.code).toBe('FROZEN_LOCKFILE_CHANGED');
    const plain = await sb.run(['install']);
    expect(plain.exitCode).toBe(0);
    expect(JSON.parse(sb.read(LOCK))).toMatchObject({ lockfileVersion: 2, agents: { 'fastapi-backend-builder': { registry: 'bundled' } } });
    expect((await sb.run(['install', '--frozen'])).exitCode).toBe(0);
  });

  it('--frozen exits 3 when an entry would be rewritten, even in canonical form', async () => {
    const sb = await lockedProject();
    const lock = JSON.parse(sb.read(LOCK));
    delete lock.agents['fastapi-backend-builder'].registry;
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(lock, null, 2)}\n`);
    const before = sb.read(LOCK);
    const frozen = await sb.run(['install', '--frozen', '--json']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.json().error.code).toBe('FROZEN_LOCKFILE_CHANGED');
    expect(sb.read(LOCK)).toBe(before);
    expect((await sb.run(['install'])).exitCode).toBe(0);
    expect(JSON.parse(sb.read(LOCK)).agents['fastapi-backend-builder'].registry).toBe('bundled');
  });

  it('with specs is add', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['install', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    expect(sb.exists(AGENT)).toBe(true);
  });

  it('refuses a lockfile written by a newer agent-install', async () => {
    const sb = makeSandbox();
    sb.write({ [LOCK]: '{"lockfileVersion": 3, "agents": {}}\n' });
    const result = await sb.run(['install']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Upgrade agent-install');
  });
});

describe('verify', () => {
  it('reports ok / modified / missing / moved / unmanaged, exit 3 on drift', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    let result = await sb.run(['verify', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({ ok: true, drift: 0, agents: [{ name: 'fastapi-backend-builder', status: 'ok' }] });

    writeFileSync(path.join(sb.project, AGENT), `${SEED.toString()}\nextra\n`);
    result = await sb.run(['verify']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/modified\s+fastapi-backend-builder/);
    expect((await sb.run(['verify', '--allow-modified'])).exitCode).toBe(0);

    writeFileSync(path.join(sb.project, AGENT), SEED);
    mkdirSync(path.join(sb.project, '.claude/agents/team'));
    renameSync(path.join(sb.project, AGENT), path.join(sb.project, '.claude/agents/team/fastapi.md'));
    result = await sb.run(['verify', '--json']);
    expect(result.exitCode).toBe(3);
    expect(result.json().agents).toEqual([expect.objectContaining({ status: 'moved', movedTo: 'team/fastapi.md', drift: true })]);
    // install follows the move (the same bytes elsewhere) instead of writing a second file
    expect((await sb.run(['install', '--frozen'])).exitCode).toBe(3);
    expect((await sb.run(['install'])).exitCode).toBe(0);
    expect(JSON.parse(sb.read(LOCK)).agents['fastapi-backend-builder'].path).toBe('team/fastapi.md');
    expect((await sb.run(['verify'])).exitCode).toBe(0);

    rmSync(path.join(sb.project, '.claude/agents/team'), { recursive: true });
    sb.write({ '.claude/agents/mine.md': '---\nname: mine\ndescription: mine\n---\nbody\n' });
    result = await sb.run(['verify', '--json']);
    expect(result.exitCode).toBe(3);
    const statuses = Object.fromEntries(result.json().agents.map((a: any) => [a.name, [a.status, a.drift]]));
    expect(statuses).toEqual({ 'fastapi-backend-builder': ['missing', true], mine: ['unmanaged', false] });
  });
});

describe('--json on exit 3', () => {
  it('verify drift carries ok: false and an error object next to the data', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    writeFileSync(path.join(sb.project, AGENT), `${SEED.toString()}\nmore\n`);
    const doc = (await sb.run(['verify', '--json'])).json();
    expect(doc).toMatchObject({ ok: false, drift: 1, error: { code: 'DRIFT' } });
    const outdated = await sb.run(['outdated', '--exit-code', '--json']);
    expect(outdated.exitCode).toBe(3);
    expect(outdated.json()).toMatchObject({ ok: false, error: { code: 'OUTDATED' }, outdated: [expect.any(Object)] });
  });
});

describe('outdated', () => {
  it('shows current, wanted and latest; --exit-code exits 3', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const result = await sb.run(['outdated', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.json().outdated).toEqual([
      expect.objectContaining({ name: 'fastapi-backend-builder', current: '1.0.0', wanted: '1.0.0', latest: '1.1.0', requested: '1.0.0' }),
    ]);
    expect((await sb.run(['outdated', '--exit-code'])).exitCode).toBe(3);
  });

  it('wanted follows the requested range; up to date says so', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@~1.0.0']);
    const lock = JSON.parse(sb.read(LOCK));
    lock.agents['fastapi-backend-builder'].requested = '^1.0.0';
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(lock, null, 2)}\n`);
    expect((await sb.run(['outdated', '--json'])).json().outdated[0]).toMatchObject({ current: '1.0.0', wanted: '1.1.0', latest: '1.1.0' });

    const fresh = makeSandbox();
    await fresh.run(['fastapi-backend-builder']);
    const upToDate = await fresh.run(['outdated', '--exit-code']);
    expect(upToDate.exitCode).toBe(0);
    expect(upToDate.stdout).toContain('All agents are up to date.');
  });
});

describe('lockfile', () => {
  it('is deterministic and matches the shipped JSON Schema', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const first = sb.read(LOCK);
    await sb.run(['rm', 'fastapi-backend-builder']);
    await sb.run(['fastapi-backend-builder@1.0.0']);
    expect(sb.read(LOCK)).toBe(first);
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schema/lockfile.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(JSON.parse(first)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ lockfileVersion: 2, agents: { x: { requested: '1', source: 'x@1', integrity: 'nope', path: '../x.md' } } })).toBe(false);
    // An entry with accepted edits matches it too.
    writeFileSync(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'), `${SEED.toString()}\nOur note.\n`);
    expect((await sb.run(['accept', 'fastapi-backend-builder'])).exitCode).toBe(0);
    const accepted = JSON.parse(sb.read(LOCK));
    expect(accepted.agents['fastapi-backend-builder'].accepted).toMatch(/^sha256-/);
    expect(validate(accepted), JSON.stringify(validate.errors)).toBe(true);
  });
});
