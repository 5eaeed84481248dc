/**
 * Targets and crash safety: an upgrade killed between its files leaves each file old or new, and
 * recovery settles the agent's entry from its Claude Code file and each target's record from that
 * target's file (docs/targets-design.md); the next install finishes what was left.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { readLockfile } from '../../src/core/lockfile/read.js';
import { journalPath } from '../../src/core/lockfile/scope-lockfile.js';
import { applyPlan } from '../../src/core/plan/apply.js';
import { recoverScope } from '../../src/core/plan/recover.js';
import { planUpgrade } from '../../src/core/plan/upgrade.js';
import { checkCandidate } from '../../src/core/resolve/check.js';
import { scopeFolders, targetsFolder } from '../../src/core/scope/folders.js';
import { projectScope } from '../../src/core/scope/scope.js';
import { takeSnapshot } from '../../src/core/scope/snapshot.js';
import { registrySource } from '../../src/core/sources/registry/source.js';
import { planTargets } from '../../src/core/targets/plan.js';
import { makeRegistryRoot } from '../helpers/registry.js';
import { makeSandbox } from '../helpers/sandbox.js';

const RUN = '0123456789abcdef';
const text = (body: string) => `---\nname: demo\ndescription: Demo agent.\ntools: Read, Grep\n---\n\n${body}\n`;

describe('an upgrade with target files interrupted between files', () => {
  it('is settled file by file, and install finishes it', async () => {
    const packageRoot = makeRegistryRoot({ demo: { '1.0.0': text('Old prompt.'), '1.1.0': text('New prompt.') } });
    const sb = makeSandbox({ packageRoot });
    expect((await sb.run(['add', 'demo@1.0.0', '--target', 'opencode,gemini'])).exitCode).toBe(0);
    const ctx = { cwd: sb.project, home: sb.home, env: sb.env, packageRoot };
    const scope = projectScope(ctx);
    const lockfile = readLockfile(scope.lockfilePath);
    const entry = lockfile.agents.demo!;
    const base = (await registrySource.fetchLocked(entry, ctx)).bytes;
    const theirs = await checkCandidate(await registrySource.fetchVersion!(entry, '1.1.0', ctx));
    const { plan } = planUpgrade(await takeSnapshot(scope, lockfile), [{ name: 'demo', entry, base, theirs }], { force: false, mergeMarkers: false });
    const folders = scopeFolders(scope);
    const refusals = await planTargets(plan, targetsFolder(folders), {
      want: [],
      strict: false,
      force: false,
      merge: true,
      source: () => ({ theirs: async () => theirs.candidate.bytes, base: async () => base }),
    });
    expect(refusals).toEqual([]);
    expect(plan.actions[0]!.targets!.map((t) => `${t.target} ${t.type}`)).toEqual(['opencode update', 'gemini update']);

    // Killed once the agent file and the OpenCode file are in place, before the Gemini file.
    const renamed: string[] = [];
    await expect(
      applyPlan(plan, lockfile, folders, {
        token: RUN,
        afterFile: (relative) => {
          renamed.push(relative);
          if (renamed.length === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(renamed).toEqual(['demo.md', '.opencode/agents/demo.md']);
    const read = (relative: string) => readFileSync(path.join(sb.project, relative), 'utf8');
    expect(read('.opencode/agents/demo.md')).toContain('New prompt.');
    expect(read('.gemini/agents/demo.md')).toContain('Old prompt.');
    expect(existsSync(journalPath(scope))).toBe(true);

    recoverScope(scope, scopeFolders(scope), { inherited: [RUN] });
    expect(existsSync(journalPath(scope))).toBe(false);
    const settled = readLockfile(scope.lockfilePath).agents.demo!;
    expect(settled.version).toBe('1.1.0');
    expect(settled.targets!.opencode!.integrity).toBe(computeIntegrity(read('.opencode/agents/demo.md')));
    // The Gemini record stays the old file's: the file agrees with it, and no edit is invented.
    expect(settled.targets!.gemini!.integrity).toBe(computeIntegrity(read('.gemini/agents/demo.md')));
    expect((await sb.run(['verify'])).exitCode).toBe(0);

    // install sees that the Gemini file holds another translation than the locked version's, and rewrites it.
    const install = await sb.run(['install']);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/gemini\s+updated\s+\.gemini\/agents\/demo\.md \(the file held another translation\)/);
    expect(read('.gemini/agents/demo.md')).toContain('New prompt.');
    expect((await sb.run(['install', '--frozen'])).exitCode).toBe(0);
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });

  it('a target file that cannot be renamed into place after the agent file was: the journal stays, and the next writer settles it', async () => {
    const packageRoot = makeRegistryRoot({ demo: { '1.0.0': text('Old prompt.'), '1.1.0': text('New prompt.') } });
    const sb = makeSandbox({ packageRoot });
    expect((await sb.run(['add', 'demo@1.0.0', '--target', 'opencode'])).exitCode).toBe(0);
    const ctx = { cwd: sb.project, home: sb.home, env: sb.env, packageRoot };
    const scope = projectScope(ctx);
    const lockfile = readLockfile(scope.lockfilePath);
    const lockBefore = readFileSync(scope.lockfilePath, 'utf8');
    const entry = lockfile.agents.demo!;
    const base = (await registrySource.fetchLocked(entry, ctx)).bytes;
    const theirs = await checkCandidate(await registrySource.fetchVersion!(entry, '1.1.0', ctx));
    const { plan } = planUpgrade(await takeSnapshot(scope, lockfile), [{ name: 'demo', entry, base, theirs }], { force: false, mergeMarkers: false });
    const folders = scopeFolders(scope);
    await planTargets(plan, targetsFolder(folders), {
      want: [],
      strict: false,
      force: false,
      merge: true,
      source: () => ({ theirs: async () => theirs.candidate.bytes, base: async () => base }),
    });
    const opencode = path.join(sb.project, '.opencode', 'agents', 'demo.md');
    // Once the agent file is in place, something puts a folder where the OpenCode file goes.
    const error = await applyPlan(plan, lockfile, folders, {
      token: RUN,
      afterFile: (relative) => {
        if (relative !== 'demo.md') return;
        rmSync(opencode);
        mkdirSync(path.join(opencode, 'inside'), { recursive: true });
      },
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('The lockfile could not be updated');
    expect(readFileSync(path.join(scope.agentsDir, 'demo.md'), 'utf8')).toContain('New prompt.');
    expect(readFileSync(scope.lockfilePath, 'utf8')).toBe(lockBefore);
    expect(existsSync(journalPath(scope))).toBe(true);

    rmSync(opencode, { recursive: true });
    recoverScope(scope, scopeFolders(scope), { inherited: [RUN] });
    const settled = readLockfile(scope.lockfilePath).agents.demo!;
    expect(settled.version).toBe('1.1.0');
    expect(settled.targets!.opencode!.integrity).toBe(entry.targets!.opencode!.integrity);
    const verify = await sb.run(['verify']);
    expect(verify.exitCode).toBe(3);
    expect(verify.stdout).toMatch(/missing\s+demo\s+\.opencode\/agents\/demo\.md/);
    expect((await sb.run(['install'])).exitCode).toBe(0);
    expect(readFileSync(opencode, 'utf8')).toContain('New prompt.');
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });
});
