import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import type { Lockfile } from '../../src/core/lockfile/lockfile.js';
import { HashCache } from '../../src/core/scope/hash-cache.js';
import { inspectScope } from '../../src/core/scope/inspect.js';
import { scanAgentsTree } from '../../src/core/scope/scan.js';
import type { Scope } from '../../src/core/scope/scope.js';

let work: string;
let scope: Scope;
let ctx: { env: Record<string, string>; home: string };
const later = () => Date.now() + 60_000; // as if the files were written a minute ago
const text = (name: string, body = 'Body.') => `---\nname: ${name}\ndescription: Does ${name} things.\n---\n${body}\n`;

function install(name: string, body?: string): Lockfile['agents'][string] {
  writeFileSync(path.join(scope.agentsDir, `${name}.md`), text(name, body));
  return {
    integrity: computeIntegrity(text(name, body)),
    path: `${name}.md`,
    registry: 'bundled',
    requested: '^1.0.0',
    source: `${name}@1.0.0`,
    version: '1.0.0',
  };
}

beforeEach(() => {
  work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-hash-cache-')));
  const claudeDir = path.join(work, 'project', '.claude');
  scope = {
    kind: 'project',
    root: path.join(work, 'project'),
    claudeDir,
    agentsDir: path.join(claudeDir, 'agents'),
    lockfilePath: path.join(claudeDir, 'agents.lock.json'),
  };
  mkdirSync(scope.agentsDir, { recursive: true });
  ctx = { env: { AGENT_INSTALL_CACHE: path.join(work, 'cache') }, home: work };
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

async function listOnce(lockfile: Lockfile, now: () => number = later): Promise<{ statuses: Record<string, string>; cache: HashCache }> {
  const cache = new HashCache(ctx, scope.agentsDir, now);
  const agents = await inspectScope(scope, lockfile, { hashes: cache });
  cache.save();
  return { statuses: Object.fromEntries(agents.map((a) => [a.name, a.status])), cache };
}

describe('HashCache', () => {
  it('remembers settled files that matched and recognises them by stat alone', async () => {
    const lockfile: Lockfile = { lockfileVersion: 2, agents: { alpha: install('alpha'), beta: install('beta') } };
    await listOnce(lockfile);
    const again = new HashCache(ctx, scope.agentsDir, later);
    for (const scanned of scanAgentsTree(scope.agentsDir)) expect(again.lookup(scanned)).toBe(lockfile.agents[scanned.relative.slice(0, -3)]!.integrity);
    // a run that learns nothing new does not write the cache again
    const written = statSync(cacheFile()).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await listOnce(lockfile)).statuses).toEqual({ alpha: 'ok', beta: 'ok' });
    expect(statSync(cacheFile()).mtimeMs).toBe(written);
  });

  it('never remembers a file changed within the last seconds (racily clean)', async () => {
    const lockfile: Lockfile = { lockfileVersion: 2, agents: { alpha: install('alpha') } };
    await listOnce(lockfile, Date.now);
    expect(existsCache()).toBe(false);
    const [scanned] = scanAgentsTree(scope.agentsDir);
    expect(new HashCache(ctx, scope.agentsDir, later).lookup(scanned!)).toBeUndefined();
  });

  it('an edit that keeps the size is still seen: the change time moved', async () => {
    const lockfile: Lockfile = { lockfileVersion: 2, agents: { alpha: install('alpha', 'Body A.') } };
    expect((await listOnce(lockfile)).statuses).toEqual({ alpha: 'ok' });
    writeFileSync(path.join(scope.agentsDir, 'alpha.md'), text('alpha', 'Body B.'));
    expect((await listOnce(lockfile)).statuses).toEqual({ alpha: 'modified' });
    // and it stays modified: the edited file is not remembered as matching
    expect((await listOnce(lockfile)).statuses).toEqual({ alpha: 'modified' });
  });

  it('a lock entry that moved to other bytes is not matched by what was remembered', async () => {
    const lockfile: Lockfile = { lockfileVersion: 2, agents: { alpha: install('alpha') } };
    await listOnce(lockfile);
    const relocked: Lockfile = { lockfileVersion: 2, agents: { alpha: { ...lockfile.agents.alpha!, integrity: computeIntegrity('other bytes') } } };
    expect((await listOnce(relocked)).statuses).toEqual({ alpha: 'modified' });
  });

  it('forgets files that are gone, and treats a corrupt or foreign cache file as empty', async () => {
    const lockfile: Lockfile = { lockfileVersion: 2, agents: { alpha: install('alpha'), beta: install('beta') } };
    await listOnce(lockfile);
    rmSync(path.join(scope.agentsDir, 'beta.md'));
    expect((await listOnce(lockfile)).statuses).toEqual({ alpha: 'ok', beta: 'missing' });
    expect(Object.keys(JSON.parse(readFileSync(cacheFile(), 'utf8')).files)).toEqual(['alpha.md']);

    for (const junk of [
      '{',
      '[]',
      'null',
      JSON.stringify({ dir: '/elsewhere', files: { 'alpha.md': ['x', 'y'] } }),
      JSON.stringify({ dir: scope.agentsDir, files: { 'alpha.md': 7 } }),
    ]) {
      writeFileSync(cacheFile(), junk);
      const [scanned] = scanAgentsTree(scope.agentsDir);
      expect(new HashCache(ctx, scope.agentsDir, later).lookup(scanned!)).toBeUndefined();
      expect((await listOnce(lockfile)).statuses).toEqual({ alpha: 'ok', beta: 'missing' });
    }
  });

  it('a cache folder that cannot be written costs only speed', async () => {
    writeFileSync(path.join(work, 'cache'), 'a file where the cache folder should be');
    const lockfile: Lockfile = { lockfileVersion: 2, agents: { alpha: install('alpha') } };
    expect((await listOnce(lockfile)).statuses).toEqual({ alpha: 'ok' });
  });
});

function cacheFile(): string {
  const dir = path.join(work, 'cache', 'stat-v1');
  return path.join(dir, readdirSync(dir)[0]!);
}

function existsCache(): boolean {
  try {
    return readdirSync(path.join(work, 'cache', 'stat-v1')).length > 0;
  } catch {
    return false;
  }
}
