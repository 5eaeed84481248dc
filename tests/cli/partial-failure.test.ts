import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AgentInstallError } from '../../src/core/errors.js';
import { readLockfile } from '../../src/core/lockfile/read.js';
import { journalPath } from '../../src/core/lockfile/scope-lockfile.js';
import { applyPlan } from '../../src/core/plan/apply.js';
import { planWrites } from '../../src/core/plan/writes.js';
import { checkCandidate } from '../../src/core/resolve/check.js';
import { scopeFolders } from '../../src/core/scope/folders.js';
import { projectScope } from '../../src/core/scope/scope.js';
import { takeSnapshot } from '../../src/core/scope/snapshot.js';
import { parseSpec } from '../../src/core/sources/index.js';
import { agentText, makeSandbox, REPO_ROOT, type Sandbox } from '../helpers/sandbox.js';

const LOCK = '.claude/agents.lock.json';

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function writeSources(sb: Sandbox, dir: string, names: string[]): string[] {
  sb.write(Object.fromEntries(names.map((n) => [`${dir}/${n}.md`, agentText(n)])), sb.root);
  return names.map((n) => path.join(sb.root, dir, `${n}.md`));
}

describe('a multi-agent add that fails while its files are renamed into place', () => {
  it('says exactly which agents were installed and records exactly those in the lockfile', async () => {
    const sb = makeSandbox();
    const specs = writeSources(sb, 'src', ['alpha', 'beta', 'gamma', 'delta', 'epsilon']);
    const ctx = { cwd: sb.project, home: sb.home, env: sb.env, packageRoot: REPO_ROOT };
    const scope = projectScope(ctx);
    const checked = [];
    for (const raw of specs) {
      const { source, spec } = await parseSpec(raw, ctx);
      for (const candidate of await source.resolve(spec, ctx)) checked.push(await checkCandidate(candidate));
    }
    const snapshot = await takeSnapshot(scope, readLockfile(scope.lockfilePath));
    const { plan } = planWrites(snapshot, checked, { force: false });
    expect(plan.actions.map((a) => a.type)).toEqual(['create', 'create', 'create', 'create', 'create']);

    // Something outside agent-install puts a folder where the third agent goes, after the second is in place.
    const error = await applyPlan(plan, readLockfile(scope.lockfilePath), scopeFolders(scope), {
      afterFile: (relative) => {
        if (relative === 'beta.md') mkdirSync(path.join(scope.agentsDir, 'gamma.md'));
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AgentInstallError);
    const failure = error as AgentInstallError;
    expect(failure.message).toContain('2 of 5 agent files were changed (created alpha, beta); not changed: gamma, delta, epsilon.');
    expect(failure.message).toContain('The lockfile records exactly these changes.');
    expect(failure.message + failure.hint).not.toMatch(/nothing was (half-)?written/i);
    expect(failure.details).toMatchObject({
      changed: [
        { name: 'alpha', action: 'create' },
        { name: 'beta', action: 'create' },
      ],
      notChanged: [{ name: 'gamma' }, { name: 'delta' }, { name: 'epsilon' }],
      lockfile: 'written',
    });

    // The files and the lockfile agree; nothing temporary is left.
    expect(Object.keys(readLockfile(scope.lockfilePath).agents).sort()).toEqual(['alpha', 'beta']);
    expect(existsSync(journalPath(scope))).toBe(false);
    expect(files(scope.agentsDir)).toEqual(['alpha.md', 'beta.md', 'gamma.md']);
    const verify = await sb.run(['verify', '--json']);
    expect(verify.exitCode, verify.stdout).toBe(0);

    // Once the folder is gone, the same add does what is left.
    rmSync(path.join(scope.agentsDir, 'gamma.md'), { recursive: true });
    const again = await sb.run(['add', ...specs, '--json']);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.json().actions.map((a: any) => `${a.action} ${a.name}`)).toEqual([
      'unchanged alpha',
      'unchanged beta',
      'create gamma',
      'create delta',
      'create epsilon',
    ]);
  });
});

// A real full disk: a small tmpfs where this machine allows mounting one (as root), else skipped.
const canMount = spawnSync('sh', ['-c', 'command -v mount && [ "$(id -u)" = 0 ]'], { stdio: 'ignore' }).status === 0;

function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' }).status !== 0) return false;
  onTestFinished(() => {
    spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
  });
  return true;
}

/** Fills the file system of `dir` until `pages` blocks are left. */
function fillUntil(dir: string, pages: number): void {
  const { bavail, bsize } = statfsSync(dir);
  writeFileSync(path.join(dir, 'filler'), Buffer.alloc(Math.max(0, bavail - pages) * bsize));
}

describe.runIf(canMount)('a multi-agent add on a full disk', () => {
  it('the disk fills while the files are written under temporary names: nothing is installed, and it says so', async (ctx) => {
    const sb = makeSandbox();
    const project = path.join(sb.root, 'small');
    if (!mountTmpfs(project, '1m')) ctx.skip('this machine does not allow mounting a tmpfs');
    mkdirSync(path.join(project, '.git'));
    const specs = writeSources(sb, 'src', ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11', 'a12']);
    expect((await sb.run(['add', specs[0]!], { cwd: project })).exitCode).toBe(0);
    const lockBefore = readFileSync(path.join(project, LOCK), 'utf8');
    fillUntil(project, 6); // room for the lock and a few of the twelve files
    const result = await sb.run(['add', ...specs.slice(1)], { cwd: project });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/ENOSPC/);
    expect(result.stderr).toContain('No agent file was changed.');
    expect(readFileSync(path.join(project, LOCK), 'utf8')).toBe(lockBefore);
    expect(files(path.join(project, '.claude'))).toEqual(['agents', 'agents.lock.json', 'agents/a1.md']);
  });

  it('the disk is full when the lockfile is written: every file is in place, the journal records them, verify reports it', async (ctx) => {
    const sb = makeSandbox();
    const project = path.join(sb.root, 'small');
    if (!mountTmpfs(project, '2m')) ctx.skip('this machine does not allow mounting a tmpfs');
    mkdirSync(path.join(project, '.git'));
    // 200 installed agents make a lockfile of ten pages; four more need a page each, the journal one.
    writeSources(
      sb,
      'many',
      Array.from({ length: 200 }, (_, i) => `old-${i}`),
    );
    expect((await sb.run(['add', path.join(sb.root, 'many')], { cwd: project })).exitCode).toBe(0);
    const specs = writeSources(sb, 'src', ['new-1', 'new-2', 'new-3', 'new-4']);
    fillUntil(project, 8);
    const result = await sb.run(['add', ...specs], { cwd: project });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Cannot write .*agents\.lock\.json: ENOSPC/);
    expect(result.stderr).toContain('All 4 agent files were changed (created new-1, new-2, new-3, new-4).');
    expect(result.stderr).toContain('The lockfile could not be updated: agents.lock.json.journal beside it records the changes');
    expect(result.stderr).not.toMatch(/nothing was (half-)?written/i);
    const json = await sb.run(['add', ...specs, '--json'], { cwd: project });
    expect(json.exitCode).toBe(1); // still full: the next writer cannot finish the lockfile either
    // Readers read the lockfile alone: the four files are not recorded yet, and verify says a run
    // was interrupted instead of passing.
    const list = await sb.run(['list', '--project', '--json'], { cwd: project });
    expect(list.json().filter((r: any) => r.status === 'ok')).toHaveLength(200);
    const verify = await sb.run(['verify', '--json'], { cwd: project });
    expect(verify.exitCode).toBe(3);
    expect(verify.json().error.code).toBe('INTERRUPTED_RUN');
    // With room again, the next run completes the lockfile.
    rmSync(path.join(project, 'filler'));
    const again = await sb.run(['add', ...specs], { cwd: project });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(path.join(project, LOCK), 'utf8')).agents)).toHaveLength(204);
    expect(existsSync(path.join(project, '.claude', 'agents.lock.json.journal'))).toBe(false);
  });
});
