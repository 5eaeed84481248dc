import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AgentInstallError } from '../../src/core/errors.js';
import { GuardedFolder } from '../../src/core/io/guarded-folder.js';

function workspace() {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-guard-')));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const inside = path.join(root, 'inside');
  const outside = path.join(root, 'outside');
  mkdirSync(inside);
  mkdirSync(outside);
  return { root, inside, outside };
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof AgentInstallError ? error.code : `not an AgentInstallError: ${String(error)}`;
  }
  return undefined;
};

describe('GuardedFolder', () => {
  it('writes below itself, creating folders one level at a time', () => {
    const { inside } = workspace();
    GuardedFolder.open(inside).writeFile('a/b/c.md', 'hello');
    expect(readFileSync(path.join(inside, 'a', 'b', 'c.md'), 'utf8')).toBe('hello');
  });

  it.each(['../x.md', '/etc/x.md', 'a/../../x.md', 'a//x.md', './x.md', 'a\\x.md', 'x\0.md', ''])('refuses the path %j', (relative) => {
    const { inside } = workspace();
    expect(codeOf(() => GuardedFolder.open(inside).writeFile(relative, 'x'))).toBe('PATH_OUTSIDE_SCOPE');
  });

  it('refuses a folder on the way that links outside, also when the folders below it do not exist yet', () => {
    const { inside, outside } = workspace();
    symlinkSync(outside, path.join(inside, 'shared'));
    const guard = GuardedFolder.open(inside);
    expect(codeOf(() => guard.writeFile('shared/agents/pwn/evil.md', 'x'))).toBe('PATH_OUTSIDE_SCOPE');
    expect(codeOf(() => guard.check('shared/x.md'))).toBe('PATH_OUTSIDE_SCOPE');
    expect(codeOf(() => guard.removeFile('shared/x.md'))).toBe('PATH_OUTSIDE_SCOPE');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('follows a folder link that stays inside', () => {
    const { inside } = workspace();
    mkdirSync(path.join(inside, 'real'));
    symlinkSync('real', path.join(inside, 'alias'));
    GuardedFolder.open(inside).writeFile('alias/x.md', 'x');
    expect(readFileSync(path.join(inside, 'real', 'x.md'), 'utf8')).toBe('x');
  });

  it('never writes through a link at the target; replaceSymlink replaces the link, not its target', () => {
    const { inside, outside } = workspace();
    writeFileSync(path.join(outside, 'target.md'), 'theirs');
    symlinkSync(path.join(outside, 'target.md'), path.join(inside, 'x.md'));
    const guard = GuardedFolder.open(inside);
    expect(codeOf(() => guard.writeFile('x.md', 'mine'))).toBe('SYMLINK_TARGET');
    guard.writeFile('x.md', 'mine', { replaceSymlink: true });
    expect(lstatSync(path.join(inside, 'x.md')).isSymbolicLink()).toBe(false);
    expect(readFileSync(path.join(inside, 'x.md'), 'utf8')).toBe('mine');
    expect(readFileSync(path.join(outside, 'target.md'), 'utf8')).toBe('theirs');
  });

  it('createFile never replaces a file, a folder or a dangling link', () => {
    const { inside, outside } = workspace();
    writeFileSync(path.join(inside, 'taken.md'), 'old');
    mkdirSync(path.join(inside, 'folder.md'));
    symlinkSync(path.join(outside, 'nowhere.md'), path.join(inside, 'dangling.md'));
    const guard = GuardedFolder.open(inside);
    const exists = () => new AgentInstallError('exists', { code: 'AGENT_EXISTS' });
    for (const name of ['taken.md', 'folder.md', 'dangling.md'])
      expect(
        codeOf(() => guard.createFile(name, 'new', exists)),
        name,
      ).toBe('AGENT_EXISTS');
    expect(readFileSync(path.join(inside, 'taken.md'), 'utf8')).toBe('old');
    expect(existsSync(path.join(outside, 'nowhere.md'))).toBe(false);
    guard.createFile('fresh.md', 'new', exists);
    expect(readFileSync(path.join(inside, 'fresh.md'), 'utf8')).toBe('new');
    expect(readdirSync(inside).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('ensure creates only the folder itself, never a missing parent', () => {
    const { root } = workspace();
    expect(codeOf(() => GuardedFolder.open(path.join(root, 'no', 'such', 'home', '.claude')).ensure())).toBe('IO');
    expect(existsSync(path.join(root, 'no'))).toBe(false);
    GuardedFolder.open(path.join(root, 'config')).ensure();
    expect(lstatSync(path.join(root, 'config')).isDirectory()).toBe(true);
  });

  it('with `within`, the folder must resolve inside it, now and once created', () => {
    const { root, inside, outside } = workspace();
    symlinkSync(outside, path.join(inside, 'link'));
    const refuse = (real: string) => new AgentInstallError(`outside: ${real}`, { code: 'AGENTS_DIR_OUTSIDE_PROJECT' });
    expect(codeOf(() => GuardedFolder.open(path.join(inside, 'link'), { within: inside, refuseOutside: refuse }))).toBe('AGENTS_DIR_OUTSIDE_PROJECT');
    symlinkSync(path.join(root, 'later'), path.join(inside, 'dangling'));
    expect(codeOf(() => GuardedFolder.open(path.join(inside, 'dangling'), { within: inside, refuseOutside: refuse }).ensure())).toBe('SYMLINK_TARGET');
    expect(existsSync(path.join(root, 'later'))).toBe(false);
  });

  it('removeTempFiles deletes only dead runs’ temporary files, and only inside', () => {
    const { inside, outside } = workspace();
    mkdirSync(path.join(inside, 'team'));
    const dead = '.x.md.agent-install-999999-0badc0de.tmp';
    const alive = `.y.md.agent-install-${process.pid}-0badc0de.tmp`;
    for (const dir of [inside, path.join(inside, 'team'), outside]) for (const name of [dead, alive, 'keep.md']) writeFileSync(path.join(dir, name), '');
    symlinkSync(outside, path.join(inside, 'linked'));
    const guard = GuardedFolder.open(inside);
    expect(guard.removeTempFiles('')).toEqual([dead]);
    expect(guard.removeTempFiles('team')).toEqual([dead]);
    expect(codeOf(() => guard.removeTempFiles('linked'))).toBe('PATH_OUTSIDE_SCOPE');
    expect(readdirSync(outside).sort()).toEqual([dead, alive, 'keep.md'].sort());
  });
});
