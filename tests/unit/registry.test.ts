import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { checkAgentBytes } from '../../src/core/validate.js';
import { REPO_ROOT, SEED, sameBytes } from '../helpers/sandbox.js';

const AGENTS = path.join(REPO_ROOT, 'agents');

describe('bundled registry', () => {
  const names = readdirSync(AGENTS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

  it('holds fastapi-backend-builder 1.0.0, the seed byte for byte', () => {
    expect(sameBytes(path.join(AGENTS, 'fastapi-backend-builder', '1.0.0.md'), SEED)).toBe(true);
    expect(sameBytes(path.join(REPO_ROOT, '..', 'shared', 'seed', 'fastapi-backend-builder.md'), SEED)).toBe(true);
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
