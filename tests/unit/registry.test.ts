import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { checkAgentBytes } from '../../src/core/agent/validate.js';
import { comparePlainVersions, pickVersion } from '../../src/core/resolve/versions.js';
import { listBundledVersions } from '../../src/core/sources/registry/bundled.js';
import { REPO_ROOT, SEED, sameBytes } from '../helpers/sandbox.js';

const AGENTS = path.join(REPO_ROOT, 'agents');

describe('bundled registry', () => {
  const names = readdirSync(AGENTS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it('holds fastapi-backend-builder 1.0.0, the seed byte for byte', () => {
    expect(sameBytes(path.join(AGENTS, 'fastapi-backend-builder', '1.0.0.md'), SEED)).toBe(true);
    // The SHA-256 of the seed file this project ships as its first agent.
    expect(createHash('sha256').update(SEED).digest('hex')).toBe('e6c75b733894095ae7b67c22d85c8d883ca3eb322f6ded08a2ba1c3c2ac2d6ad');
  });

  for (const name of names) {
    const files = readdirSync(path.join(AGENTS, name)).filter((f) => f.endsWith('.md') && f !== 'CHANGELOG.md');
    it(`${name}: every file is <semver>.md and named ${name}`, () => {
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(semver.valid(file.slice(0, -3)), file).toBe(file.slice(0, -3));
    });
    for (const file of files) {
      it(`${name}/${file} loads in Claude Code with no errors and no warnings`, () => {
        const check = checkAgentBytes(readFileSync(path.join(AGENTS, name, file)), { fileName: `${name}.md` });
        expect(check.issues).toEqual([]);
        expect(check.agent?.name).toBe(name);
      });
    }
  }
});

describe('plain versions without semver', () => {
  // A deterministic generator: the same cases every run.
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const version = () => [next(3) === 0 ? next(1000) : next(12), next(12), next(12)].join('.');

  it('sorts and picks the newest exactly as semver does', () => {
    for (let round = 0; round < 500; round++) {
      const versions = [...new Set(Array.from({ length: 1 + next(8) }, version))];
      expect([...versions].sort(comparePlainVersions)).toEqual([...versions].sort(semver.compare));
      for (const range of [undefined, 'latest']) expect(pickVersion('x', versions, range)).toBe(semver.maxSatisfying(versions, '*'));
    }
  });

  it('leaves prereleases, ranges and huge numbers to semver', () => {
    expect(pickVersion('x', ['1.0.0', '2.0.0-beta.1'], undefined)).toBe('1.0.0');
    expect(pickVersion('x', ['1.0.0', '1.2.0', '2.0.0'], '^1.0')).toBe('1.2.0');
    expect(() => pickVersion('x', ['1.0.0'], 'not a range!')).toThrow(/not a version or version range/);
    expect(() => pickVersion('x', ['1.0.0'], '^2')).toThrow(/No version of x matches/);
    expect(pickVersion('x', ['1.0.0', '9007199254740992.0.0'], undefined)).toBe('1.0.0'); // beyond a safe integer: not a version to semver
  });

  it('lists bundled versions by semver when a file name looks like a version but is not plain', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'agent-install-versions-'));
    try {
      mkdirSync(path.join(root, 'agents', 'x'), { recursive: true });
      for (const file of ['1.10.0.md', '1.2.0.md', 'CHANGELOG.md', 'notes.txt']) writeFileSync(path.join(root, 'agents', 'x', file), '');
      const ctx = { cwd: root, env: {}, home: root, packageRoot: root };
      expect(listBundledVersions(ctx, 'x')).toEqual(['1.2.0', '1.10.0']);
      writeFileSync(path.join(root, 'agents', 'x', '2.0.0-rc.1.md'), '');
      expect(listBundledVersions(ctx, 'x')).toEqual(['1.2.0', '1.10.0', '2.0.0-rc.1']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
