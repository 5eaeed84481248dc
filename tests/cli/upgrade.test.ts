import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { makeRegistryRoot } from '../helpers/registry.js';
import { makeSandbox, type Sandbox, SEED, sameBytes } from '../helpers/sandbox.js';

const BASE = `---
name: demo
description: Demo agent.
model: sonnet
color: blue
---

You are demo.

## Rules
1. Be brief.
2. Be kind.
3. Be right.

## Output
Plain text.
`;
// Upstream 1.1.0: a new tools line in the frontmatter and a new output format in the body.
const THEIRS = BASE.replace('model: sonnet\n', 'tools: Read, Grep\nmodel: sonnet\n').replace('Plain text.', 'Markdown.');

// Local edits, each applied to the installed text.
const EDITS = {
  none: (t: string) => t,
  body: (t: string) => t.replace('2. Be kind.', '2. Be very kind.'),
  frontmatter: (t: string) => t.replace('color: blue', 'color: green'),
  crlf: (t: string) => t.replace('2. Be kind.', '2. Be very kind.').replace(/\n/g, '\r\n'),
  noFinalNewline: (t: string) => t.replace('3. Be right.', '3. Be right, always.').replace(/\n$/, ''),
  conflict: (t: string) => t.replace('Plain text.', 'Plain text, short.'),
} as const;

const FILE = '.claude/agents/demo.md';
const LOCK = '.claude/agents.lock.json';

async function installed(theirs: string, edit: keyof typeof EDITS): Promise<{ sb: Sandbox; local: string }> {
  const sb = makeSandbox({ packageRoot: makeRegistryRoot({ demo: { '1.0.0': BASE, '1.1.0': theirs } }) });
  expect((await sb.run(['add', 'demo@^1.0.0'.replace('^1.0.0', '1.0.0')])).exitCode).toBe(0);
  // Widen the requested range so that upgrade may move within ^1.
  const lock = JSON.parse(sb.read(LOCK));
  lock.agents.demo.requested = '^1.0.0';
  writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(lock, null, 2)}\n`);
  const local = EDITS[edit](BASE);
  writeFileSync(path.join(sb.project, FILE), local);
  return { sb, local };
}

const lockEntry = (sb: Sandbox) => JSON.parse(sb.read(LOCK)).agents.demo;

describe('upgrade: (local changed?) × (upstream changed?) × (conflict?)', () => {
  it('local unchanged, upstream unchanged: nothing to do', async () => {
    const { sb } = await installed(BASE, 'none');
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(0);
    expect(sb.read(FILE)).toBe(BASE);
    expect(lockEntry(sb)).toMatchObject({ version: '1.1.0', integrity: computeIntegrity(BASE) });
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });

  it('local unchanged, upstream changed: takes theirs byte for byte', async () => {
    const { sb } = await installed(THEIRS, 'none');
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/updated\s+demo@1\.0\.0 → 1\.1\.0/);
    expect(sb.read(FILE)).toBe(THEIRS);
    expect(lockEntry(sb)).toMatchObject({ version: '1.1.0', integrity: computeIntegrity(THEIRS), requested: '^1.0.0' });
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });

  it.each(['body', 'frontmatter', 'crlf', 'noFinalNewline'] as const)('local changed (%s), upstream unchanged: keeps local', async (edit) => {
    const { sb, local } = await installed(BASE, edit);
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('local edits kept; upstream unchanged');
    expect(sb.read(FILE)).toBe(local);
    expect(lockEntry(sb).version).toBe('1.1.0');
  });

  it.each([
    ['body', (m: string) => m.includes('2. Be very kind.')],
    ['frontmatter', (m: string) => m.includes('color: green')],
    ['crlf', (m: string) => m.includes('2. Be very kind.\r\n') && !/[^\r]\n/.test(m)],
    ['noFinalNewline', (m: string) => m.includes('3. Be right, always.') && !m.endsWith('\n')],
  ] as const)('local changed (%s), upstream changed, no conflict: writes the clean merge', async (edit, hasLocalEdit) => {
    const { sb } = await installed(THEIRS, edit);
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('local edits merged');
    const merged = sb.read(FILE);
    expect(hasLocalEdit(merged)).toBe(true);
    expect(merged).toContain('tools: Read, Grep');
    expect(merged).toContain('Markdown.');
    expect(merged).not.toContain('<<<<<<<');
    expect(lockEntry(sb)).toMatchObject({ version: '1.1.0', integrity: computeIntegrity(THEIRS) });
    const rows = (await sb.run(['list', '--json', '--project'])).json();
    expect(rows).toEqual([expect.objectContaining({ name: 'demo', status: 'modified', version: '1.1.0' })]);
  });

  it('local changed, upstream changed, conflict: writes nothing, shows both sides, exits 3', async () => {
    const { sb, local } = await installed(THEIRS, 'conflict');
    const lockBefore = sb.read(LOCK);
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('Plain text, short.');
    expect(result.stdout).toContain('Markdown.');
    expect(result.stdout).toContain('--merge-markers');
    expect(sb.read(FILE)).toBe(local);
    expect(sb.read(LOCK)).toBe(lockBefore);
    const json = (await sb.run(['upgrade', '--json'])).json();
    expect(json.ok).toBe(false);
    expect(json.actions[0]).toMatchObject({
      action: 'conflict',
      conflicts: [expect.objectContaining({ ours: ['Plain text, short.'], theirs: ['Markdown.'] })],
    });
  });

  it('conflict with --merge-markers writes git-style markers (exit 3, as git does) that verify and validate report', async () => {
    const { sb } = await installed(THEIRS, 'conflict');
    const result = await sb.run(['upgrade', '--merge-markers']);
    expect(result.exitCode).toBe(3);
    const text = sb.read(FILE);
    expect(text).toMatch(/<<<<<<< demo\.md \(installed\)\nPlain text, short\.\n=======\nMarkdown\.\n>>>>>>> demo@1\.1\.0/);
    expect(text).toContain('tools: Read, Grep');
    const verify = await sb.run(['verify', '--allow-modified', '--json']);
    expect(verify.exitCode).toBe(3);
    expect(verify.json().agents[0]).toMatchObject({ conflictMarkers: true, drift: true });
  });

  it('conflict with --force takes theirs', async () => {
    const { sb } = await installed(THEIRS, 'conflict');
    expect((await sb.run(['upgrade', '--force'])).exitCode).toBe(0);
    expect(sb.read(FILE)).toBe(THEIRS);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const { sb, local } = await installed(THEIRS, 'body');
    const lockBefore = sb.read(LOCK);
    const result = await sb.run(['upgrade', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/would merge\s+demo@1\.0\.0 → 1\.1\.0/);
    expect(sb.read(FILE)).toBe(local);
    expect(sb.read(LOCK)).toBe(lockBefore);
  });

  it('both sides made the same change: records the new version, writes nothing', async () => {
    const { sb } = await installed(THEIRS, 'none');
    writeFileSync(path.join(sb.project, FILE), THEIRS);
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('already holds the new version');
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });
});

describe('upgrade scopes and ranges', () => {
  const root = () => makeRegistryRoot({ demo: { '1.0.0': BASE, '1.1.0': THEIRS, '2.0.0': THEIRS.replace('Markdown.', 'JSON.') } });

  it('stays in the requested range; --latest leaves it and rewrites requested', async () => {
    const sb = makeSandbox({ packageRoot: root() });
    await sb.run(['add', 'demo@^1.0.0']);
    expect(lockEntry(sb).version).toBe('1.1.0');
    expect((await sb.run(['upgrade'])).stdout).toContain('Nothing to do.');
    expect((await sb.run(['upgrade', 'demo', '--latest'])).exitCode).toBe(0);
    expect(lockEntry(sb)).toMatchObject({ version: '2.0.0', requested: '^2.0.0' });
    expect(sb.read(FILE)).toContain('JSON.');
  });

  it('upgrades the user scope with -g and every agent without names', async () => {
    const sb = makeSandbox({
      packageRoot: makeRegistryRoot({
        demo: { '1.0.0': BASE, '1.1.0': THEIRS },
        other: { '1.0.0': BASE.replace('name: demo', 'name: other'), '1.2.0': THEIRS.replace('name: demo', 'name: other') },
      }),
    });
    await sb.run(['-g', 'add', 'demo@1.0.0', 'other@1.0.0']);
    const lockfile = path.join(sb.home, '.claude/agents.lock.json');
    const lock = JSON.parse(readFileSync(lockfile, 'utf8'));
    for (const name of ['demo', 'other']) lock.agents[name].requested = '^1.0.0';
    writeFileSync(lockfile, JSON.stringify(lock));
    expect((await sb.run(['update', '-g'])).exitCode).toBe(0);
    const after = JSON.parse(readFileSync(lockfile, 'utf8'));
    expect([after.agents.demo.version, after.agents.other.version]).toEqual(['1.1.0', '1.2.0']);
    expect(sameBytes(path.join(sb.home, '.claude/agents/other.md'), Buffer.from(THEIRS.replace('name: demo', 'name: other')))).toBe(true);
  });

  it('an unknown name is exit 1 with a did-you-mean', async () => {
    const sb = makeSandbox({ packageRoot: root() });
    await sb.run(['add', 'demo@1.0.0']);
    const result = await sb.run(['upgrade', 'dmeo']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Did you mean "demo"?');
  });
});

describe('upgrade of agents that moved or changed meanwhile', () => {
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
});

describe('diff', () => {
  it('shows the installed file → the candidate, with a frontmatter summary; --exit-code exits 3', async () => {
    const { sb } = await installed(THEIRS.replace('model: sonnet', 'model: opus'), 'none');
    const result = await sb.run(['diff', '--exit-code']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('tools: all tools → Read, Grep');
    expect(result.stdout).toContain('model: sonnet → opus');
    expect(result.stdout).toMatch(/^-Plain text\.$/m);
    expect(result.stdout).toMatch(/^\+Markdown\.$/m);
    expect(result.stdout).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
  });

  it('--base shows the local edits; --to picks a version; --json gives hunks', async () => {
    const { sb } = await installed(THEIRS, 'body');
    const base = await sb.run(['diff', '--base']);
    expect(base.stdout).toMatch(/^-2\. Be kind\.$/m);
    expect(base.stdout).toMatch(/^\+2\. Be very kind\.$/m);
    expect(base.stdout).not.toContain('Markdown.');
    const to = await sb.run(['diff', 'demo', '--to', '1.0.0', '--json']);
    const doc = to.json();
    expect(doc.agents[0]).toMatchObject({ name: 'demo', identical: false, to: { version: '1.0.0' } });
    expect(doc.agents[0].hunks[0].lines).toEqual(expect.arrayContaining(['-2. Be very kind.', '+2. Be kind.']));
    expect((await sb.run(['diff', '--to', '9.9.9'])).exitCode).toBe(1);
  });

  it('no differences exits 0 even with --exit-code', async () => {
    const { sb } = await installed(BASE, 'none');
    const result = await sb.run(['diff', '--exit-code']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('no differences');
  });

  it('a BOM added locally is a difference', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    writeFileSync(path.join(sb.project, '.claude/agents/fastapi-backend-builder.md'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), SEED]));
    expect((await sb.run(['diff', '--base', '--exit-code'])).exitCode).toBe(3);
    expect((await sb.run(['verify'])).exitCode).toBe(3);
  });

  it('tool changes read as +Added −Removed', async () => {
    const { sb } = await installed(THEIRS, 'none');
    await sb.run(['upgrade']);
    writeFileSync(path.join(sb.project, FILE), THEIRS.replace('tools: Read, Grep', 'tools: Read, Bash'));
    expect((await sb.run(['diff', '--base'])).stdout).toContain('tools: +Bash −Grep');
  });
});

describe('upgrade: what it tells and keeps', () => {
  it('an exact pin stays, and upgrade says a newer version exists and how to take it', async () => {
    const sb = makeSandbox({ packageRoot: makeRegistryRoot({ demo: { '1.0.0': BASE, '1.1.0': THEIRS } }) });
    expect((await sb.run(['add', 'demo@1.0.0'])).exitCode).toBe(0);
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(0);
    expect(sb.read(FILE)).toBe(BASE);
    expect(result.stdout).toContain('demo is pinned to 1.0.0; 1.1.0 is available: `agent-install upgrade --latest demo` takes it');
  });

  it('--dry-run shows the merged result as a diff and writes nothing', async () => {
    const { sb, local } = await installed(THEIRS, 'body');
    const result = await sb.run(['upgrade', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('would merge');
    expect(result.stdout).toContain('--- .claude/agents/demo.md (installed)'.replace('.claude/agents/', ''));
    expect(result.stdout).toMatch(/^\+tools: Read, Grep$/m);
    expect(result.stdout).toMatch(/^-Plain text\.$/m);
    expect(sb.read(FILE)).toBe(local);
  });

  it('--force over conflicting edits keeps the replaced bytes in the cache and says where', async () => {
    const { sb, local } = await installed(THEIRS, 'conflict');
    const result = await sb.run(['upgrade', '--force']);
    expect(result.exitCode).toBe(0);
    const where = /your edits of demo\.md are kept in (\S+)/.exec(result.stdout)?.[1];
    expect(where, result.stdout).toBeDefined();
    expect(readFileSync(where!, 'utf8')).toBe(local);
    expect(sb.read(FILE)).toBe(THEIRS);
  });

  it('a file that is not UTF-8 text is never merged: a conflict, the bytes untouched', async () => {
    const { sb } = await installed(THEIRS, 'none');
    const latin1 = Buffer.from(BASE.replace('2. Be kind.', '2. Be kind, caf\u00e9.'), 'latin1');
    writeFileSync(path.join(sb.project, FILE), latin1);
    const result = await sb.run(['upgrade', '--json']);
    expect(result.exitCode).toBe(3);
    expect(result.json().actions).toEqual([expect.objectContaining({ action: 'conflict', note: expect.stringContaining('not UTF-8') })]);
    expect(readFileSync(path.join(sb.project, FILE))).toEqual(latin1);
  });

  it('a folder source that gained an agent brings it along; one it lost is reported, the rest upgraded', async () => {
    const sb = makeSandbox({ tree: { 'team/a.md': BASE.replace('name: demo', 'name: alpha'), 'team/b.md': BASE.replace('name: demo', 'name: beta') } });
    expect((await sb.run(['add', './team'])).exitCode).toBe(0);
    sb.write({ 'team/a.md': THEIRS.replace('name: demo', 'name: alpha'), 'team/c.md': BASE.replace('name: demo', 'name: gamma') });
    rmSync(path.join(sb.project, 'team/b.md'));
    const outdated = (await sb.run(['outdated', '--json'])).json().outdated;
    expect(outdated.map((r: any) => [r.name, r.kind])).toEqual([
      ['alpha', 'changed'],
      ['beta', 'gone'],
      ['gamma', 'new'],
    ]);
    const result = await sb.run(['upgrade', '--json']);
    expect(result.exitCode, result.stdout).toBe(0);
    const actions = Object.fromEntries(result.json().actions.map((a: any) => [a.name, a.action]));
    expect(actions).toEqual({ alpha: 'update', beta: 'skip', gamma: 'create' });
    expect(sb.exists('.claude/agents/gamma.md')).toBe(true);
    expect(sb.exists('.claude/agents/beta.md')).toBe(true);
  });
});

describe('upgrade on a clone whose cache never saw the locked bytes', () => {
  it('takes the merge base from the agent file when it holds exactly the locked bytes', async () => {
    const sb = makeSandbox();
    const upstream = path.join(sb.root, 'upstream');
    mkdirSync(upstream);
    const v1 = '---\nname: helper\ndescription: Helps. Use it for help.\n---\n\nYou help.\n';
    writeFileSync(path.join(upstream, 'helper.md'), v1);
    expect((await sb.run(['add', '../upstream/helper.md'])).exitCode).toBe(0);
    writeFileSync(path.join(upstream, 'helper.md'), `${v1}Be brief.\n`);
    // A fresh clone of a repository that commits its agents: the file is there, the cache is not.
    rmSync(path.join(sb.home, '.cache'), { recursive: true, force: true });
    const result = await sb.run(['upgrade']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(sb.read('.claude/agents/helper.md')).toBe(`${v1}Be brief.\n`);
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });
});
