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

describe('list -v: each file as Claude Code would load it', () => {
  it('the effective agent under each row, and as data with --json', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    await sb.run(['-g', 'fastapi-backend-builder@1.0.0']);
    sb.write({
      '.claude/agents/mine.md': agentText('mine', 'model: " INHERIT "\ntools: Read, Grep\n'),
      '.claude/agents/zz/mine.md': agentText('mine', 'color: teal\nhooks:\n  pre: "echo hi"\n'),
      '.claude/agents/broken.md': 'no frontmatter here\n',
    });
    const plain = (await sb.run(['list', '--json'])).json();
    // Without -v: no effective agent (and no file read for it).
    expect(plain.every((a: any) => a.agent === undefined)).toBe(true);

    const rows = (await sb.run(['list', '-v', '--json'])).json();
    const byPath = (scope: string, file: string) => rows.find((a: any) => a.scope === scope && a.path === file).agent;
    expect(byPath('project', 'mine.md')).toEqual({
      loaded: false,
      reason:
        'duplicate-name: the agent name `mine` is also used by .claude/agents/zz/mine.md, whose path sorts later: Claude Code loads that one and not this file',
      shadowedBy: '.claude/agents/zz/mine.md',
      name: 'mine',
      description: 'Agent mine for tests.',
      model: 'inherit',
      tools: ['Read', 'Grep'],
      disallowedTools: 'none',
      color: null,
      permissionMode: null,
      dropped: [],
    });
    expect(byPath('project', 'zz/mine.md')).toEqual({
      loaded: true,
      reason: null,
      name: 'mine',
      description: 'Agent mine for tests.',
      model: null,
      tools: 'all',
      disallowedTools: 'none',
      color: null,
      permissionMode: null,
      // Every hook of the file dropped: none left.
      hooks: [],
      dropped: [
        { field: 'hooks.pre', reason: 'unknown hook event' },
        { field: 'color', reason: '`color` must be one of red, blue, green, yellow, purple, orange, pink, cyan' },
      ],
    });
    expect(byPath('project', 'broken.md')).toMatchObject({ loaded: false, reason: expect.stringMatching(/^no-frontmatter: /), name: null });
    expect(byPath('project', 'fastapi-backend-builder.md')).toMatchObject({ loaded: true, name: 'fastapi-backend-builder', model: 'sonnet' });
    // The user agent of the same name: the project scope wins.
    expect(byPath('user', 'fastapi-backend-builder.md')).toMatchObject({
      loaded: false,
      shadowedBy: '.claude/agents/fastapi-backend-builder.md',
      reason: expect.stringMatching(/^shadowed: /),
    });

    const text = (await sb.run(['list', '-v'])).stdout.split('\n');
    const block = text.slice(text.findIndex((line) => line.startsWith('fastapi-backend-builder') && line.includes('project')) + 1);
    expect(block.slice(0, 4)).toEqual([
      '    file        .claude/agents/fastapi-backend-builder.md',
      '    loaded      yes',
      '    name        fastapi-backend-builder',
      expect.stringMatching(/^ {4}description Use this agent /),
    ]);
    expect(block).toContain('    model       sonnet');
    expect(text).toContain(
      '    dropped     hooks.pre (unknown hook event); color (`color` must be one of red, blue, green, yellow, purple, orange, pink, cyan)',
    );
    // A file Claude Code does not load shows why, and nothing it would not use.
    const shadowedRow = text.findIndex((line) => line.startsWith('mine ')) + 1;
    expect(text.slice(shadowedRow, shadowedRow + 4)).toEqual([
      '    file        .claude/agents/mine.md',
      '    loaded      no: duplicate-name: the agent name `mine` is also used by .claude/agents/zz/mine.md, whose path sorts later: Claude Code loads that one and not this file',
      '    name        mine',
      expect.stringMatching(/^mine /),
    ]);
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
