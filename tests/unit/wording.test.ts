import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { counted, displayPath } from '../../src/commands/context.js';
import { seconds } from '../../src/core/duration.js';
import { loadNpmConfig } from '../../src/core/io/npmrc.js';
import { readTar } from '../../src/core/io/tar.js';
import { selectFiles } from '../../src/core/sources/agent-tree.js';
import { writeTree } from '../helpers/sandbox.js';

function tarEntry(name: string, data = '', type = '0'): Buffer {
  const bytes = Buffer.from(data);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${bytes.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(bytes.length / 512) * 512);
  bytes.copy(padded);
  return Buffer.concat([header, padded]);
}

describe('messages say what they mean', () => {
  it('durations are exact: 1.5 s, not 2 s', () => {
    expect([1500, 2000, 300, 120_000, 1234].map(seconds)).toEqual(['1.5 s', '2 s', '0.3 s', '120 s', '1.234 s']);
  });

  it('counts agree with their words', () => {
    expect(counted(1, 'agent differs', 'agents differ')).toBe('1 agent differs');
    expect(counted(2, 'agent differs', 'agents differ')).toBe('2 agents differ');
  });

  it('paths in the home folder read ~/…, also from the home folder itself', () => {
    const home = '/h/me';
    expect(displayPath({ cwd: '/h/me/shop', home }, '/h/me/shop/.claude/agents.lock.json')).toBe('.claude/agents.lock.json');
    expect(displayPath({ cwd: '/h/me/shop', home }, '/h/me/.claude/agents.lock.json')).toBe('~/.claude/agents.lock.json');
    expect(displayPath({ cwd: '/h/me', home }, '/h/me/.claude/agents.lock.json')).toBe('~/.claude/agents.lock.json');
    expect(displayPath({ cwd: '/srv/x', home }, '/srv/y/z')).toBe('/srv/y/z');
  });

  it('a path twice in a tarball is its own error', () => {
    const tar = Buffer.concat([tarEntry('package/agents/x.md', 'a'), tarEntry('package/agents/x.md', 'b'), Buffer.alloc(1024)]);
    expect(() => readTar(tar, { strip: 1, what: 'the tarball of pkg@1.0.0' })).toThrow('"agents/x.md" appears twice in it');
  });

  it('a hard link in a package is called a hard link, not a symbolic link', () => {
    const files = [
      { path: 'agents/a.md', size: 10 },
      { path: 'agents/b.md', size: 0, special: 'hardlink' as const },
      { path: 'agents/c.md', size: 0, special: 'symlink' as const },
    ];
    expect(selectFiles(files, 'agents')).toMatchObject({
      files: [{ path: 'agents/a.md' }],
      skipped: [
        { path: 'agents/b.md', reason: 'a hard link (not followed)' },
        { path: 'agents/c.md', reason: 'a symbolic link (not followed)' },
      ],
    });
  });

  describe('the npm hint names the .npmrc of the scope, not the global one', () => {
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-npmrc-')));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    writeTree(root, { 'prefix/etc/npmrc': 'registry=https://global.example/\n', 'project/package.json': '{}' });
    const home = path.join(root, 'home');
    it('project: <project>/.npmrc; user scope: ~/.npmrc', () => {
      const prefix = path.join(root, 'prefix');
      expect(loadNpmConfig({ cwd: path.join(root, 'project'), home, env: {}, prefix }).configFile).toBe(path.join(root, 'project', '.npmrc'));
      expect(loadNpmConfig({ cwd: path.join(root, 'project'), home, env: {}, prefix, global: true }).configFile).toBe('~/.npmrc');
    });
  });
});
