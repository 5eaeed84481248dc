import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

const AGENT = '.claude/agents/fastapi-backend-builder.md';
const LOCK = '.claude/agents.lock.json';

describe('list', () => {
  it('shows both scopes with every status', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    await sb.run(['-g', 'fastapi-backend-builder@1.0.0']);
    sb.write({
      '.claude/agents/mine.md': agentText('mine'),
      '.claude/agents/nested/broken.md': 'no frontmatter here\n',
    });
    sb.write({ '.claude/agents/helper.md': agentText('helper') }, sb.home);
    const result = await sb.run(['list', '--json']);
    expect(result.exitCode).toBe(0);
    const rows = result.json();
    expect(Array.isArray(rows)).toBe(true);
    const find = (name: string | null, scope: string) => rows.find((r: any) => r.name === name && r.scope === scope);
    expect(find('fastapi-backend-builder', 'project')).toMatchObject({ version: '1.0.0', status: 'ok', source: 'fastapi-backend-builder@1.0.0' });
    expect(find('fastapi-backend-builder', 'user')).toMatchObject({ status: 'shadowed' });
    expect(find('mine', 'project')).toMatchObject({ status: 'unmanaged', version: null, source: null });
    expect(find('helper', 'user')).toMatchObject({ status: 'unmanaged' });
    expect(rows.find((r: any) => r.path === 'nested/broken.md')).toMatchObject({ status: 'invalid', scope: 'project' });
  });

  it('reports modified and missing owned files', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    writeFileSync(path.join(sb.project, AGENT), `${sb.read(AGENT)}\nOne more rule.\n`);
    let rows = (await sb.run(['ls', '--project', '--json'])).json();
    expect(rows).toEqual([expect.objectContaining({ name: 'fastapi-backend-builder', status: 'modified' })]);
    unlinkSync(path.join(sb.project, AGENT));
    rows = (await sb.run(['ls', '--project', '--json'])).json();
    expect(rows).toEqual([expect.objectContaining({ name: 'fastapi-backend-builder', status: 'missing' })]);
  });

  it('prints a table with the columns name, version, scope, source, status', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const result = await sb.run(['list']);
    const [header, row] = result.stdout.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'VERSION', 'SCOPE', 'SOURCE', 'STATUS']);
    expect(row!.split(/\s+/)).toEqual(['fastapi-backend-builder', '1.0.0', 'project', 'fastapi-backend-builder@1.0.0', 'ok']);
  });

  it('-g lists only the user scope; empty says so', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder']);
    const result = await sb.run(['list', '-g']);
    expect(result.stdout.trim()).toBe('No agents installed.');
    expect((await sb.run(['list', '-g', '--json'])).json()).toEqual([]);
  });
});

describe('remove', () => {
  it('deletes the owned file and its lock entry', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder']);
    const result = await sb.run(['remove', 'fastapi-backend-builder']);
    expect(result.exitCode).toBe(0);
    expect(sb.exists(AGENT)).toBe(false);
    expect(JSON.parse(sb.read(LOCK)).agents).toEqual({});
  });

  it('--dry-run removes nothing', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder']);
    const result = await sb.run(['rm', 'fastapi-backend-builder', '--dry-run']);
    expect(result.stdout).toMatch(/would remove\s+fastapi-backend-builder/);
    expect(sb.exists(AGENT)).toBe(true);
  });

  it('refuses a modified file without --force', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder']);
    writeFileSync(path.join(sb.project, AGENT), 'edited\n');
    const refused = await sb.run(['rm', 'fastapi-backend-builder']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('has local edits');
    expect(sb.read(AGENT)).toBe('edited\n');
    expect(Object.keys(JSON.parse(sb.read(LOCK)).agents)).toEqual(['fastapi-backend-builder']);
    expect((await sb.run(['rm', 'fastapi-backend-builder', '--force'])).exitCode).toBe(0);
    expect(sb.exists(AGENT)).toBe(false);
  });

  it('refuses an unowned file without --force', async () => {
    const sb = makeSandbox({ tree: { '.claude/agents/mine.md': agentText('mine') } });
    const refused = await sb.run(['rm', 'mine']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('was not installed by agent-install');
    expect(sb.exists('.claude/agents/mine.md')).toBe(true);
    expect((await sb.run(['rm', 'mine', '--force'])).exitCode).toBe(0);
    expect(sb.exists('.claude/agents/mine.md')).toBe(false);
  });

  it('forgets the entry when the file is already gone', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder']);
    unlinkSync(path.join(sb.project, AGENT));
    const result = await sb.run(['rm', 'fastapi-backend-builder']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(sb.read(LOCK)).agents).toEqual({});
  });

  it('an unknown name is exit 1 with a did-you-mean', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder']);
    const result = await sb.run(['rm', 'fastapi-backend-bulder']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Did you mean "fastapi-backend-builder"?');
  });
});
