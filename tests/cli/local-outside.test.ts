import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { LOCKFILE_VERSION, serializeLockfile } from '../../src/core/lockfile/lockfile.js';
import { agentText, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

// A cloned repository's lockfile names local sources; install and upgrade read what it names. The
// sandbox's project is `<root>/project`: files in it and beside it (`<root>/…`) are shareable,
// anything above `<root>` is somebody's disk.
const LOCK = '.claude/agents.lock.json';

/** A folder outside the sandbox root, holding one agent `private` (the user's own file). */
function outsideFolder(): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-outside-')));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'private.md'), agentText('private', 'tools: Read\n'));
  return dir;
}

function commitLock(sb: Sandbox, entry: Record<string, string>): void {
  // In canonical form, as agent-install writes it: --frozen then finds nothing to rewrite.
  const agents = { private: { path: 'private.md', ...entry } } as never;
  sb.write({ [LOCK]: serializeLockfile({ lockfileVersion: LOCKFILE_VERSION, agents }) });
}

describe('local sources a project lockfile may name', () => {
  it('install refuses a locked file above the project and its parent folder, writing nothing', async () => {
    const sb = makeSandbox();
    const dir = outsideFolder();
    const relative = path.relative(sb.project, path.join(dir, 'private.md'));
    expect(relative.startsWith('../../')).toBe(true);
    const integrity = computeIntegrity(Buffer.from(agentText('private', 'tools: Read\n')));
    commitLock(sb, { requested: relative, source: relative, integrity });
    const result = await sb.run(['install', '--json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.stringify(result.json())).toContain('LOCAL_PATH_OUTSIDE');
    expect(sb.exists('.claude/agents/private.md')).toBe(false);
  });

  it('upgrade refuses a locked folder such as the file system root instead of walking it', async () => {
    const sb = makeSandbox();
    const integrity = computeIntegrity(Buffer.from('x'));
    commitLock(sb, { requested: '/#private', source: '/private.md', integrity });
    const result = await sb.run(['upgrade', 'private', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('LOCAL_PATH_OUTSIDE');
  });

  it('a committed link inside the project that leads out is judged by where it leads', async () => {
    const sb = makeSandbox();
    const dir = outsideFolder();
    symlinkSync(dir, path.join(sb.project, 'vendor-agents'));
    const integrity = computeIntegrity(Buffer.from(agentText('private', 'tools: Read\n')));
    commitLock(sb, { requested: './vendor-agents/private.md', source: './vendor-agents/private.md', integrity });
    const frozen = await sb.run(['install', '--frozen', '--json']);
    expect(frozen.exitCode).toBe(1);
    expect(frozen.json().error).toMatchObject({ code: 'LOCAL_PATH_OUTSIDE' });
    expect(frozen.json().error.message).toContain(dir);
    expect(sb.exists('.claude/agents/private.md')).toBe(false);
    // The same refusal on the command line: what add would record, install would refuse.
    const add = await sb.run(['add', './vendor-agents/private.md', '--force', '--json']);
    expect(add.exitCode).toBe(1);
    expect(add.json().error.code).toBe('LOCAL_PATH_OUTSIDE');
  });

  it('the user scope may name any file; the project may name its own files and folders beside it', async () => {
    const sb = makeSandbox();
    const dir = outsideFolder();
    const user = await sb.run(['-g', path.join(dir, 'private.md')]);
    expect(user.exitCode, user.stderr).toBe(0);
    expect(sb.exists('.claude/agents/private.md', sb.home)).toBe(true);
    sb.write({ 'x.md': agentText('beside') }, path.join(sb.root, 'team-agents'));
    sb.write({ 'agents/inside.md': agentText('inside') });
    expect((await sb.run(['../team-agents/x.md', './agents/inside.md'])).exitCode).toBe(0);
    expect((await sb.run(['install', '--frozen'])).exitCode).toBe(0);
  });

  it('a folder of more than 50,000 entries is refused, not walked', async () => {
    const sb = makeSandbox();
    const big = path.join(sb.root, 'big');
    mkdirSync(big);
    // One `touch` for 50,001 names: quicker than as many writes from the test.
    execFileSync('sh', ['-c', 'seq 50001 | sed "s/$/.txt/" | xargs touch'], { cwd: big });
    const result = await sb.run(['../big', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('FOLDER_TOO_LARGE');
  });
});

describe('lock entry strings are echoed, so they hold no control characters', () => {
  it.each(['\n✔ All agents match', '\u001b[2K', '\t', '\u009b31m'])('%j in `source` is an invalid lockfile', async (bad) => {
    const sb = makeSandbox();
    const integrity = computeIntegrity(Buffer.from('x'));
    commitLock(sb, { requested: './a.md', source: `./a${bad}.md`, integrity });
    const result = await sb.run(['verify', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('LOCKFILE_INVALID');
    expect(result.json().error.message).toContain('control character');
  });
});
