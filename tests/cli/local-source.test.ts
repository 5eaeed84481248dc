import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { agentText, makeSandbox, sameBytes } from '../helpers/sandbox.js';

const LOCK = '.claude/agents.lock.json';

function lock(sb: ReturnType<typeof makeSandbox>): Record<string, any> {
  return JSON.parse(sb.read(LOCK)).agents;
}

describe('local paths', () => {
  it('installs one file byte for byte; the lockfile records the path relative to the project', async () => {
    const text = agentText('reviewer', 'tools: Read\n');
    const sb = makeSandbox({ tree: { 'team/reviewer.md': text, 'src/app/.keep': '' } });
    // From a subfolder: the spec is relative to the working directory, the lockfile to the project.
    const result = await sb.run(['../../team/reviewer.md'], { cwd: path.join(sb.project, 'src', 'app') });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(sameBytes(path.join(sb.project, '.claude/agents/reviewer.md'), Buffer.from(text))).toBe(true);
    expect(lock(sb)).toEqual({
      reviewer: { source: './team/reviewer.md', requested: './team/reviewer.md', integrity: computeIntegrity(text), path: 'reviewer.md' },
    });
  });

  it.each([
    ['./agent.md', 'agent.md'],
    ['agent.md', 'agent.md'],
    ['team/agent.md', 'team/agent.md'],
  ])('%s is a path', async (spec, file) => {
    const sb = makeSandbox({ tree: { [file]: agentText('solo') } });
    const result = await sb.run([spec, '--json']);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(lock(sb).solo.source).toBe(`./${file}`);
  });

  it('a folder installs every agent Claude Code would load in it, reporting the others', async () => {
    const sb = makeSandbox({
      tree: {
        'team/reviewer.md': agentText('reviewer'),
        'team/nested/tester.md': agentText('tester'),
        'team/README.md': '# Our agents\n',
        'team/notes.txt': 'not markdown',
      },
    });
    const result = await sb.run(['./team/']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipping README\.md: .*Claude Code ignores it\n/);
    expect(readdirSync(path.join(sb.project, '.claude/agents')).sort()).toEqual(['reviewer.md', 'tester.md']);
    expect(lock(sb)).toMatchObject({
      reviewer: { source: './team/reviewer.md', requested: './team', path: 'reviewer.md' },
      tester: { source: './team/nested/tester.md', requested: './team', path: 'tester.md' },
    });
  });

  it('dir#name picks one agent by its name (not its file name)', async () => {
    const sb = makeSandbox({ tree: { 'team/a.md': agentText('reviewer'), 'team/b.md': agentText('tester') } });
    const result = await sb.run(['./team#tester']);
    expect(result.exitCode, result.stderr).toBe(0);
    // Installed as tester.md: the upstream file name is no reason for a warning.
    expect(result.stderr).not.toContain('name-file-mismatch');
    expect(Object.keys(lock(sb))).toEqual(['tester']);
    expect(lock(sb).tester).toMatchObject({ source: './team/b.md', requested: './team#tester', path: 'tester.md' });

    const missing = await sb.run(['./team#nobody', '--json']);
    expect(missing.exitCode).toBe(1);
    expect(missing.json().error).toMatchObject({ code: 'AGENT_NOT_FOUND' });
    expect(missing.json().error.hint).toContain('reviewer, tester');
  });

  it('an unsafe name in a local file is refused before anything is written', async () => {
    const sb = makeSandbox({ tree: { 'evil.md': agentText('../evil'), 'team/ok.md': agentText('fine'), 'team/evil.md': agentText('../evil') } });
    for (const spec of ['./evil.md', './team']) {
      const result = await sb.run([spec, '--json']);
      expect(result.exitCode).toBe(1);
      expect(result.json().error.code).toBe('UNSAFE_NAME');
      expect(sb.exists('.claude/agents')).toBe(false);
      expect(sb.exists(LOCK)).toBe(false);
      expect(sb.exists('../evil.md')).toBe(false);
    }
  });

  it('a file Claude Code would not load is INVALID_AGENT; a missing path is NOT_FOUND', async () => {
    const sb = makeSandbox({ tree: { 'bad.md': 'no frontmatter\n' } });
    const bad = await sb.run(['./bad.md', '--json']);
    expect(bad.exitCode).toBe(1);
    expect(bad.json().error.code).toBe('INVALID_AGENT');
    const missing = await sb.run(['./nope.md', '--json']);
    expect(missing.exitCode).toBe(1);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect(missing.json().error.message).toContain(path.join(sb.project, 'nope.md'));
    expect(sb.exists('.claude/agents')).toBe(false);
  });

  it('a folder without loadable agents is an error naming what was skipped', async () => {
    const sb = makeSandbox({ tree: { 'docs/README.md': '# hi\n' } });
    const result = await sb.run(['./docs', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error).toMatchObject({ code: 'AGENT_NOT_FOUND' });
    expect(result.json().error.hint).toContain('README.md');
  });

  it('install restores the locked bytes; a changed source fails with INTEGRITY_MISMATCH where the cache lacks them', async () => {
    const sb = makeSandbox({ tree: { 'team/reviewer.md': agentText('reviewer') } });
    expect((await sb.run(['./team/reviewer.md'])).exitCode).toBe(0);
    const installed = path.join(sb.project, '.claude/agents/reviewer.md');
    let caches = 0;
    const emptyCache = () => ({ env: { AGENT_INSTALL_CACHE: path.join(sb.root, `empty-cache-${++caches}`) } });
    rmSync(installed);
    const restored = await sb.run(['install', '--frozen'], emptyCache());
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agentText('reviewer'));

    rmSync(installed);
    sb.write({ 'team/reviewer.md': agentText('reviewer', '', 'Changed.\n') });
    // Another machine (no cache): the source no longer has the locked bytes.
    const changed = await sb.run(['install', '--json'], emptyCache());
    expect(changed.exitCode).toBe(1);
    expect(changed.json().error.code).toBe('INTEGRITY_MISMATCH');
    expect(sb.exists('.claude/agents/reviewer.md')).toBe(false);
    // This machine: the cache holds exactly the locked bytes.
    const cached = await sb.run(['install', '--frozen']);
    expect(cached.exitCode, cached.stderr).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agentText('reviewer'));

    // Re-locking is running add again.
    expect((await sb.run(['./team/reviewer.md'])).exitCode).toBe(0);
    expect(lock(sb).reviewer.integrity).toBe(computeIntegrity(agentText('reviewer', '', 'Changed.\n')));
    expect((await sb.run(['install', '--frozen'], emptyCache())).exitCode).toBe(0);
  });

  it('upgrade merges a changed source file with local edits (the merge base comes from the cache)', async () => {
    const sb = makeSandbox({ tree: { 'team/reviewer.md': agentText('reviewer', '', 'Line one.\nLine two.\n') } });
    expect((await sb.run(['./team/reviewer.md'])).exitCode).toBe(0);
    sb.write({ '.claude/agents/reviewer.md': agentText('reviewer', '', 'Line one.\nLine two.\nMy local note.\n') });
    sb.write({ 'team/reviewer.md': agentText('reviewer', 'model: sonnet\n', 'Line one.\nLine two.\n') });
    const result = await sb.run(['upgrade', 'reviewer']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agentText('reviewer', 'model: sonnet\n', 'Line one.\nLine two.\nMy local note.\n'));
    expect(lock(sb).reviewer.integrity).toBe(computeIntegrity(agentText('reviewer', 'model: sonnet\n', 'Line one.\nLine two.\n')));
  });

  it('upgrade and diff from a subfolder resolve the requested path against the project', async () => {
    const sb = makeSandbox({ tree: { 'team/reviewer.md': agentText('reviewer', '', 'Line one.\n'), 'src/deep/.keep': '' } });
    expect((await sb.run(['./team/reviewer.md'])).exitCode).toBe(0);
    sb.write({ 'team/reviewer.md': agentText('reviewer', '', 'Line one.\nLine two.\n') });
    const cwd = path.join(sb.project, 'src', 'deep');
    const diff = await sb.run(['diff', 'reviewer', '--exit-code'], { cwd });
    expect(diff.exitCode, diff.stderr).toBe(3);
    expect(diff.stdout).toMatch(/^\+Line two\.$/m);
    const upgrade = await sb.run(['upgrade', 'reviewer'], { cwd });
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agentText('reviewer', '', 'Line one.\nLine two.\n'));
  });

  it('a source file that is gone makes install fail with NOT_FOUND naming it', async () => {
    const sb = makeSandbox({ tree: { 'team/reviewer.md': agentText('reviewer') } });
    await sb.run(['./team/reviewer.md']);
    rmSync(path.join(sb.project, 'team'), { recursive: true });
    rmSync(path.join(sb.project, '.claude/agents/reviewer.md'));
    const result = await sb.run(['install', '--json'], { env: { AGENT_INSTALL_CACHE: path.join(sb.root, 'empty-cache') } });
    expect(result.exitCode).toBe(1);
    expect(result.json().error).toMatchObject({ code: 'NOT_FOUND' });
    expect(result.json().error.message).toContain('./team/reviewer.md');
  });

  it('paths outside the project are recorded with ../; the user scope records absolute paths; ~/ is home', async () => {
    const sb = makeSandbox();
    sb.write({ 'team-agents/x.md': agentText('shared-agent') }, sb.root);
    expect((await sb.run(['../team-agents/x.md'])).exitCode).toBe(0);
    expect(lock(sb)['shared-agent'].source).toBe('../team-agents/x.md');

    sb.write({ 'my-agents/mine.md': agentText('mine') }, sb.home);
    const global = await sb.run(['-g', '~/my-agents/mine.md']);
    expect(global.exitCode, global.stderr).toBe(0);
    const userLock = JSON.parse(sb.read('.claude/agents.lock.json', sb.home)).agents;
    expect(userLock.mine).toMatchObject({ source: path.join(sb.home, 'my-agents', 'mine.md'), requested: path.join(sb.home, 'my-agents', 'mine.md') });
    expect(sb.exists('.claude/agents/mine.md', sb.home)).toBe(true);
  });

  it('a bare word stays a registry name even when a folder of that name exists', async () => {
    const sb = makeSandbox({ tree: { 'fastapi-backend-builder/x.md': agentText('other') } });
    const result = await sb.run(['fastapi-backend-builder']);
    expect(result.exitCode).toBe(0);
    expect(lock(sb)['fastapi-backend-builder'].registry).toBe('bundled');
  });
});

describe('paths a committed lockfile cannot share', () => {
  it('a ~/ path in the project scope warns that other clones will not have it; -g does not', async () => {
    const sb = makeSandbox();
    sb.write({ 'agents/x.md': agentText('x') }, sb.home);
    const project = await sb.run(['~/agents/x.md']);
    expect(project.exitCode, project.stderr).toBe(0);
    expect(project.stderr).toMatch(/~\/agents\/x\.md is in your home folder, outside the project: the committed lockfile records \.\.\/home\/agents\/x\.md/);
    const user = await sb.run(['-g', '~/agents/x.md']);
    expect(user.exitCode, user.stderr).toBe(0);
    expect(user.stderr).not.toMatch(/home folder/);
    sb.write({ 'x.md': agentText('y') }, path.join(sb.root, 'team-agents'));
    const sibling = await sb.run(['../team-agents/x.md']);
    expect(sibling.exitCode, sibling.stderr).toBe(0);
    expect(sibling.stderr).not.toMatch(/home folder/);
  });
});

describe('a path written as a name', () => {
  it('add agents (an existing folder) or reviewer.md (no such file) say how to write a path', async () => {
    const sb = makeSandbox();
    sb.write({ 'agents/x.md': agentText('x') });
    const folder = await sb.run(['agents', '--json']);
    expect(folder.exitCode).toBe(1);
    expect(folder.json().error.hint).toContain('There is a folder agents here: to add from it, write it as a path, ./agents.');
    const file = await sb.run(['reviewer.md', '--json']);
    expect(file.json().error.hint).toContain('To add a file, write it as a path (./reviewer.md); there is no reviewer.md here.');
    expect((await sb.run(['./agents'])).exitCode).toBe(0);
  });

  it('add ./index.json says a registry index goes with --registry', async () => {
    const sb = makeSandbox();
    sb.write({ 'registry/index.json': '{"indexVersion":1,"agents":{}}' });
    const result = await sb.run(['./registry/index.json', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('INVALID_SPEC');
    expect(result.json().error.hint).toContain('agent-install --registry ./registry/index.json <name>');
  });
});
