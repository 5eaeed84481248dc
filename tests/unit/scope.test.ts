import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findProjectRoot, isInside, userScope } from '../../src/core/scope/scope.js';

let root: string;
function tree(dirs: string[]): string {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'scope-')));
  for (const d of dirs) mkdirSync(path.join(root, d), { recursive: true });
  return root;
}
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('findProjectRoot', () => {
  it.each([
    // [folders, cwd, expected project]
    [['repo/.git', 'repo/a/b'], 'repo/a/b', 'repo'],
    [['repo/.git', 'repo/.claude', 'repo/a/b'], 'repo/a/b', 'repo'],
    [['repo/.git', 'repo/a/.claude', 'repo/a/b'], 'repo/a/b', 'repo/a'],
    [['outer/.claude', 'outer/repo/.git', 'outer/repo/a'], 'outer/repo/a', 'outer/repo'],
    [['plain/x/y'], 'plain/x/y', 'plain/x/y'],
    [['plain/.claude', 'plain/x/y'], 'plain/x/y', 'plain'],
  ])('%j from %s → %s', (dirs, cwd, expected) => {
    const base = tree(dirs as string[]);
    expect(findProjectRoot(path.join(base, cwd), path.join(base, 'nohome'))).toBe(path.join(base, expected));
  });

  it('never takes the home folder as the project', () => {
    const base = tree(['home/.claude', 'home/work/x']);
    const home = path.join(base, 'home');
    expect(findProjectRoot(path.join(home, 'work/x'), home)).toBe(path.join(home, 'work/x'));
  });
});

describe('userScope', () => {
  it('honours CLAUDE_CONFIG_DIR', () => {
    const home = path.join(tree(['home']), 'home');
    expect(userScope({ env: { CLAUDE_CONFIG_DIR: '/cfg' }, home: '/no/such/home' }).agentsDir).toBe(path.resolve('/cfg/agents'));
    expect(userScope({ env: {}, home }).lockfilePath).toBe(path.join(home, '.claude', 'agents.lock.json'));
    expect(() => userScope({ env: {}, home: path.join(home, 'missing') })).toThrow(/does not exist/);
  });
});

describe('isInside', () => {
  it.each([
    ['/a', '/a/b.md', true],
    ['/a', '/a', false],
    ['/a', '/a/../b.md', false],
    ['/a', '/ab/c.md', false],
  ])('%s contains %s: %s', (folder, target, expected) => {
    expect(isInside(folder, target)).toBe(expected);
  });
});
