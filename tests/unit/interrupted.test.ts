import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { readLockfile } from '../../src/core/lockfile/read.js';
import { journalPath } from '../../src/core/lockfile/scope-lockfile.js';
import { applyPlan } from '../../src/core/plan/apply.js';
import { recoverScope } from '../../src/core/plan/recover.js';
import { planUpgrade } from '../../src/core/plan/upgrade.js';
import { checkCandidate } from '../../src/core/resolve/check.js';
import { scopeFolders } from '../../src/core/scope/folders.js';
import { withScopeLock } from '../../src/core/scope/lock.js';
import { projectScope } from '../../src/core/scope/scope.js';
import { takeSnapshot } from '../../src/core/scope/snapshot.js';
import { registrySource } from '../../src/core/sources/registry/source.js';
import { makeRegistryRoot } from '../helpers/registry.js';
import { makeSandbox } from '../helpers/sandbox.js';

/** The lock token of the run that is killed (the next writer takes over its lock, inheriting it). */
const RUN = '0123456789abcdef';

const text = (name: string, body: string) => `---\nname: ${name}\ndescription: ${name} agent.\n---\n\n${body}\n`;

describe('an upgrade interrupted between files', () => {
  it('leaves each file old or new and the lockfile consistent with them', async () => {
    const packageRoot = makeRegistryRoot({
      alpha: { '1.0.0': text('alpha', 'old alpha'), '1.1.0': text('alpha', 'new alpha') },
      beta: { '1.0.0': text('beta', 'old beta'), '1.1.0': text('beta', 'new beta') },
    });
    const sb = makeSandbox({ packageRoot });
    expect((await sb.run(['add', 'alpha@1.0.0', 'beta@1.0.0'])).exitCode).toBe(0);
    const ctx = { cwd: sb.project, home: sb.home, env: sb.env, packageRoot };
    const scope = projectScope(ctx);
    const lockfile = readLockfile(scope.lockfilePath);
    const lockBefore = readFileSync(scope.lockfilePath, 'utf8');

    const items = [];
    for (const name of ['alpha', 'beta']) {
      const entry = lockfile.agents[name]!;
      items.push({
        name,
        entry,
        base: (await registrySource.fetchLocked(entry, ctx)).bytes,
        theirs: await checkCandidate(await registrySource.fetchVersion!(entry, '1.1.0', ctx)),
      });
    }
    const { plan } = planUpgrade(await takeSnapshot(scope, lockfile), items, { force: false, mergeMarkers: false });
    expect(plan.actions.map((a) => a.type)).toEqual(['update', 'update']);

    // The process dies right after the first file is renamed into place.
    await expect(
      applyPlan(plan, lockfile, scopeFolders(scope), {
        token: RUN,
        afterFile: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');

    const alpha = readFileSync(path.join(scope.agentsDir, 'alpha.md'), 'utf8');
    const beta = readFileSync(path.join(scope.agentsDir, 'beta.md'), 'utf8');
    expect(alpha).toBe(text('alpha', 'new alpha'));
    expect(beta).toBe(text('beta', 'old beta'));
    expect(readFileSync(scope.lockfilePath, 'utf8')).toBe(lockBefore);
    expect(existsSync(journalPath(scope))).toBe(true);

    // Readers never take the journal's word: they report the interrupted run, and the lockfile as it is.
    const verify = await sb.run(['verify', '--json']);
    expect(verify.exitCode).toBe(3);
    expect(verify.json()).toMatchObject({ ok: false, interrupted: journalPath(scope), error: { code: 'INTERRUPTED_RUN' } });
    expect(verify.json().agents.find((a: any) => a.name === 'alpha')).toMatchObject({ status: 'ahead', fileVersion: '1.1.0' });
    const list = await sb.run(['list']);
    expect(list.exitCode).toBe(0);
    expect(list.stderr).toContain('An interrupted run left .claude/agents.lock.json.journal');
    // install --frozen neither recovers nor writes anything.
    const frozen = await sb.run(['install', '--frozen', '--json']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.json().error.code).toBe('INTERRUPTED_RUN');
    expect(readFileSync(scope.lockfilePath, 'utf8')).toBe(lockBefore);
    expect(existsSync(journalPath(scope))).toBe(true);

    // The next writer persists the reconciliation, and finishes the job.
    const warnings: string[] = [];
    recoverScope(scope, scopeFolders(scope), { inherited: [RUN], warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(existsSync(journalPath(scope))).toBe(false);
    expect(readLockfile(scope.lockfilePath).agents.alpha).toMatchObject({ version: '1.1.0', integrity: computeIntegrity(alpha) });
    expect(readLockfile(scope.lockfilePath).agents.beta).toMatchObject({ version: '1.0.0', integrity: computeIntegrity(beta) });
    expect((await sb.run(['verify'])).exitCode).toBe(0);
    const lock = JSON.parse(readFileSync(scope.lockfilePath, 'utf8'));
    lock.agents.beta.requested = '^1.0.0';
    writeFileSync(scope.lockfilePath, JSON.stringify(lock));
    expect((await sb.run(['upgrade'])).exitCode).toBe(0);
    expect(readFileSync(path.join(scope.agentsDir, 'beta.md'), 'utf8')).toBe(text('beta', 'new beta'));
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });

  it('a run that fails after writing its journal, under the scope lock, hands its token on: install --frozen keeps it, the next writer finishes it', async () => {
    const packageRoot = makeRegistryRoot({
      alpha: { '1.0.0': text('alpha', 'old alpha'), '1.1.0': text('alpha', 'new alpha') },
      beta: { '1.0.0': text('beta', 'old beta'), '1.1.0': text('beta', 'new beta') },
    });
    const sb = makeSandbox({ packageRoot });
    expect((await sb.run(['add', 'alpha@1.0.0', 'beta@1.0.0'])).exitCode).toBe(0);
    const ctx = { cwd: sb.project, home: sb.home, env: sb.env, packageRoot };
    const scope = projectScope(ctx);
    const lockfile = readLockfile(scope.lockfilePath);
    const items = [];
    for (const name of ['alpha', 'beta']) {
      const entry = lockfile.agents[name]!;
      items.push({
        name,
        entry,
        base: (await registrySource.fetchLocked(entry, ctx)).bytes,
        theirs: await checkCandidate(await registrySource.fetchVersion!(entry, '1.1.0', ctx)),
      });
    }
    const { plan } = planUpgrade(await takeSnapshot(scope, lockfile), items, { force: false, mergeMarkers: false });
    const folders = scopeFolders(scope);
    const lockFile = path.join(scope.claudeDir, 'agents.lock.json.lock');
    await expect(
      withScopeLock(folders, (held) =>
        applyPlan(plan, lockfile, folders, {
          token: held.token,
          onJournal: () => {
            held.wroteJournal = true;
          },
          afterFile: () => {
            throw new Error('failed');
          },
        }),
      ),
    ).rejects.toThrow('failed');
    // The lock is left released, naming the run: nobody waits for it.
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, released: true });
    const frozen = await sb.run(['install', '--frozen', '--json'], { env: { AGENT_INSTALL_LOCK_TIMEOUT: '300' } });
    expect(frozen.json().error.code).toBe('INTERRUPTED_RUN');
    expect(existsSync(journalPath(scope))).toBe(true);
    const add = await sb.run(['add', 'beta@1.0.0'], { env: { AGENT_INSTALL_LOCK_TIMEOUT: '300' } });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.stderr).not.toContain('Ignored');
    expect(readLockfile(scope.lockfilePath).agents.alpha!.version).toBe('1.1.0');
    expect(existsSync(journalPath(scope))).toBe(false);
    expect(existsSync(lockFile)).toBe(false);
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });

  it('a torn journal is reported by readers and ignored, with a warning, by the next writer', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const scope = projectScope({ cwd: sb.project, home: sb.home });
    writeFileSync(journalPath(scope), '{"changes": [{"name": "fastapi-backend-b');
    expect((await sb.run(['verify'])).exitCode).toBe(3);
    const add = await sb.run(['fastapi-backend-builder@1.0.0']);
    expect(add.exitCode).toBe(0);
    expect(add.stderr).toContain('Ignored');
    expect(add.stderr).toContain('Ignored a journal that does not belong to this lockfile');
    expect(existsSync(journalPath(scope))).toBe(false);
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });
});
