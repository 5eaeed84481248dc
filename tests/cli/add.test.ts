import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { makeRegistryRoot } from '../helpers/registry.js';
import { agentText, LATEST, makeSandbox, SEED, sameBytes } from '../helpers/sandbox.js';

const AGENT = '.claude/agents/fastapi-backend-builder.md';
const LOCK = '.claude/agents.lock.json';
const alphaAndBeta = () => makeRegistryRoot({ alpha: { '1.0.0': agentText('alpha') }, beta: { '1.0.0': agentText('beta') } });

describe('add', () => {
  it('installs the bundled agent byte for byte and locks it', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Installing into ${path.join(sb.project, '.claude', 'agents')}`);
    expect(sameBytes(path.join(sb.project, AGENT), LATEST)).toBe(true);
    const lock = JSON.parse(sb.read(LOCK));
    expect(lock.lockfileVersion).toBe(2);
    expect(lock.agents['fastapi-backend-builder']).toMatchObject({
      path: 'fastapi-backend-builder.md',
      integrity: computeIntegrity(LATEST),
      source: expect.stringMatching(/^fastapi-backend-builder@\d+\.\d+\.\d+$/),
      requested: expect.stringMatching(/^\^\d+\.\d+\.\d+$/),
    });
    expect(sb.read(LOCK).endsWith('}\n')).toBe(true);
  });

  it('is the same as `add`, and a second run is a no-op that says so', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', 'fastapi-backend-builder'])).exitCode).toBe(0);
    const lockBefore = sb.read(LOCK);
    const again = await sb.run(['fastapi-backend-builder']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Nothing to do.');
    expect(sb.read(LOCK)).toBe(lockBefore);
  });

  it('installs into a subfolder run from the nearest project root', async () => {
    const sb = makeSandbox({ tree: { 'src/app/.keep': '' } });
    const result = await sb.run(['fastapi-backend-builder'], { cwd: path.join(sb.project, 'src', 'app') });
    expect(result.exitCode).toBe(0);
    expect(sb.exists(AGENT)).toBe(true);
  });

  it('-g writes to ~/.claude, or to $CLAUDE_CONFIG_DIR when set', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['-g', 'fastapi-backend-builder'])).exitCode).toBe(0);
    expect(sb.exists('.claude/agents/fastapi-backend-builder.md', sb.home)).toBe(true);
    expect(sb.exists('.claude/agents.lock.json', sb.home)).toBe(true);
    expect(sb.exists(AGENT)).toBe(false);

    const config = path.join(sb.root, 'config');
    expect((await sb.run(['add', 'fastapi-backend-builder', '--global'], { env: { CLAUDE_CONFIG_DIR: config } })).exitCode).toBe(0);
    expect(sb.exists('agents/fastapi-backend-builder.md', config)).toBe(true);
    expect(sb.exists('agents.lock.json', config)).toBe(true);
  });

  it('the home folder outside a git repository is not a project; -g installs there', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder', '--json'], { cwd: sb.home });
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('NOT_A_PROJECT');
    expect(existsSync(path.join(sb.home, '.claude'))).toBe(false);
    expect((await sb.run(['-g', 'fastapi-backend-builder'], { cwd: sb.home })).exitCode).toBe(0);
    const rows = (await sb.run(['list', '--json'], { cwd: sb.home })).json();
    expect(rows).toEqual([expect.objectContaining({ scope: 'user', status: 'ok' })]);
  });

  it('-v also prints the source, requested range and integrity of each agent', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder@1.0.0', '-v']);
    expect(result.stdout).toContain(`source fastapi-backend-builder@1.0.0  requested 1.0.0  ${computeIntegrity(SEED)}  registry bundled`);
    expect((await sb.run(['rm', 'fastapi-backend-builder'])).stdout).not.toContain('source ');
  });

  it('--dry-run writes nothing and says what it would do', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['add', 'fastapi-backend-builder', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/would create\s+fastapi-backend-builder@/);
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(sb.exists('.claude')).toBe(false);
  });

  it('installs several specs in one call, including exact versions', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--json']);
    expect(result.exitCode).toBe(0);
    const doc = result.json();
    expect(doc.ok).toBe(true);
    expect(doc.actions).toEqual([expect.objectContaining({ action: 'create', name: 'fastapi-backend-builder', version: '1.0.0', requested: '1.0.0' })]);
  });

  it('refuses to overwrite a file it does not own, and --force overwrites it', async () => {
    const sb = makeSandbox({ tree: { [AGENT]: 'my own notes\n' } });
    const refused = await sb.run(['fastapi-backend-builder']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('was not installed by agent-install');
    expect(refused.stderr).toContain('--force');
    expect(sb.read(AGENT)).toBe('my own notes\n');
    expect(sb.exists(LOCK)).toBe(false);

    const forced = await sb.run(['fastapi-backend-builder', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(sameBytes(path.join(sb.project, AGENT), LATEST)).toBe(true);
  });

  it('adopts an unowned file that already holds the exact bytes', async () => {
    const sb = makeSandbox({ tree: { [AGENT]: SEED } });
    const result = await sb.run(['fastapi-backend-builder@1.0.0']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('already present; now locked');
    expect(JSON.parse(sb.read(LOCK)).agents['fastapi-backend-builder'].integrity).toBe(computeIntegrity(SEED));
  });

  it('refuses to overwrite an owned file with local edits', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const edited = sb.read(AGENT).replace('You are an elite', 'You are a careful');
    writeFileSync(path.join(sb.project, AGENT), edited);
    const refused = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--json']);
    expect(refused.exitCode).toBe(1);
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'LOCALLY_MODIFIED', hint: expect.stringContaining('--force') } });
    expect(sb.read(AGENT)).toBe(edited);
    const forced = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(sameBytes(path.join(sb.project, AGENT), SEED)).toBe(true);
  });

  it('notices an agent with the same name elsewhere in the tree', async () => {
    const sb = makeSandbox({ tree: { '.claude/agents/team/backend.md': agentText('fastapi-backend-builder') } });
    const result = await sb.run(['fastapi-backend-builder']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('already exists in team/backend.md');
    expect(sb.exists(AGENT)).toBe(false);
  });

  it('never writes through a symbolic link at the target', async () => {
    const sb = makeSandbox();
    const outside = path.join(sb.root, 'outside.md');
    writeFileSync(outside, 'precious\n');
    mkdirSync(path.join(sb.project, '.claude/agents'), { recursive: true });
    symlinkSync(outside, path.join(sb.project, AGENT));
    const refused = await sb.run(['fastapi-backend-builder']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('symbolic link');
    const forced = await sb.run(['fastapi-backend-builder', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
    expect(sameBytes(path.join(sb.project, AGENT), LATEST)).toBe(true);
  });

  it('a missing agent is exit 1 naming the available agents', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-buildr']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('not found');
    expect(result.stderr).toContain('Did you mean "fastapi-backend-builder"?');
    expect(result.stderr).toContain('Available: ');
    expect(sb.exists('.claude')).toBe(false);
  });

  it('one bad spec among several writes nothing', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder', 'no-such-agent']);
    expect(result.exitCode).toBe(1);
    expect(sb.exists(AGENT)).toBe(false);
  });

  it('a version that does not exist lists the available versions', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder@9.9.9', '--json']);
    expect(result.exitCode).toBe(1);
    const doc = result.json();
    expect(doc.error.code).toBe('VERSION_NOT_FOUND');
    expect(doc.error.hint).toContain('1.0.0');
  });

  it('installs several registry agents in one call, each created and locked', async () => {
    const sb = makeSandbox({ packageRoot: alphaAndBeta() });
    const result = await sb.run(['alpha', 'beta', '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.json().actions.map((a: any) => [a.action, a.name])).toEqual([
      ['create', 'alpha'],
      ['create', 'beta'],
    ]);
    expect(Object.keys(JSON.parse(sb.read(LOCK)).agents)).toEqual(['alpha', 'beta']);
  });

  it('is all or nothing: one refused spec writes none of them', async () => {
    const sb = makeSandbox({ packageRoot: alphaAndBeta(), tree: { '.claude/agents/beta.md': 'my own file\n' } });
    const result = await sb.run(['alpha', 'beta', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error).toMatchObject({ code: 'NOT_OWNED', details: { refusals: [expect.objectContaining({ name: 'beta' })] } });
    expect(existsSync(path.join(sb.project, '.claude/agents/alpha.md'))).toBe(false);
    expect(existsSync(path.join(sb.project, LOCK))).toBe(false);
  });

  it('refuses a folder where the agent file would go, without a stack trace', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, AGENT), { recursive: true });
    const result = await sb.run(['fastapi-backend-builder']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('is a folder');
    expect(result.stderr).not.toContain('internal error');
  });

  it('refuses unsafe agent names before anything is written', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['con', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('INVALID_SPEC');
    expect(sb.exists('.claude')).toBe(false);
  });
});
