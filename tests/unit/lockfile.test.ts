import { describe, expect, it } from 'vitest';
import { AgentInstallError } from '../../src/core/errors.js';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { jsonErrorOffset } from '../../src/core/io/json.js';
import { LOCKFILE_VERSION, type Lockfile, parseLockfile, serializeLockfile } from '../../src/core/lockfile/lockfile.js';

const integrity = computeIntegrity('hello');
const sample: Lockfile = {
  lockfileVersion: LOCKFILE_VERSION,
  agents: {
    zeta: { requested: '^1.0.0', source: 'zeta@1.0.0', integrity, path: 'zeta.md', version: '1.0.0', registry: 'bundled' },
    alpha: { path: 'alpha.md', integrity, source: 'alpha@2.0.0', requested: '2.0.0', version: '2.0.0', registry: 'bundled' },
  },
};

function errorOf(fn: () => unknown): AgentInstallError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AgentInstallError) return error;
    throw error;
  }
  throw new Error('expected an AgentInstallError');
}

describe('lockfile', () => {
  it('serialises deterministically: sorted keys, two spaces, trailing newline', () => {
    const text = serializeLockfile(sample);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"alpha"')).toBeLessThan(text.indexOf('"zeta"'));
    expect(text).toContain('\n  "agents": {\n    "alpha": {\n      "integrity"');
    expect(serializeLockfile(parseLockfile(text, 'x'))).toBe(text);
  });

  it('round-trips entries', () => {
    expect(parseLockfile(serializeLockfile(sample), 'x')).toEqual(sample);
  });

  it.each([
    ['{\n  "lockfileVersion": 1,\n  "agents": {,}\n}\n', 'LOCKFILE_CORRUPT', 'agents.lock.json:3:'],
    ['', 'LOCKFILE_CORRUPT', 'agents.lock.json:1:'],
    ['[]', 'LOCKFILE_INVALID', 'expected a JSON object'],
    ['{"agents":{}}', 'LOCKFILE_INVALID', 'lockfileVersion'],
    ['{"lockfileVersion":2,"agents":{"a":{"requested":"1","source":"a@1","path":"a.md","integrity":"md5-x"}}}', 'LOCKFILE_INVALID', 'integrity'],
    ['{"lockfileVersion":1,"agents":{"a":{"source":"a@1","path":"a.md"}}}', 'LOCKFILE_INVALID', 'requested'],
    ['{"lockfileVersion":99,"agents":{}}', 'LOCKFILE_TOO_NEW', 'lockfileVersion 99'],
  ])('rejects %j with %s', (text, code, fragment) => {
    const error = errorOf(() => parseLockfile(text, 'agents.lock.json'));
    expect(error.code).toBe(code);
    expect(error.message).toContain(fragment);
  });

  it('migrates lockfileVersion 1: registry entries came from the bundled registry', () => {
    const v1 = JSON.stringify({
      lockfileVersion: 1,
      agents: {
        a: { requested: '^1.0.0', source: 'a@1.0.0', integrity, path: 'a.md', version: '1.0.0' },
        b: { requested: './b.md', source: './b.md', integrity, path: 'b.md' },
      },
    });
    const migrated = parseLockfile(v1, 'f');
    expect(migrated.lockfileVersion).toBe(LOCKFILE_VERSION);
    expect(migrated.agents.a!.registry).toBe('bundled');
    expect(migrated.agents.b!.registry).toBeUndefined();
    expect(serializeLockfile(migrated)).toContain('"lockfileVersion": 2');
  });

  it('asks to upgrade agent-install for a newer lockfile', () => {
    const error = errorOf(() => parseLockfile('{"lockfileVersion":99,"agents":{}}', 'f'));
    expect(error.hint).toMatch(/Upgrade agent-install/);
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": 1}', -1],
    ['[1, 2, {"b": [true, false, null, -1.5e3]}]', -1],
    ['{"a": 1,}', 8],
    ['{\n  "a": {\n    oops\n  }\n}', 15],
    ['{"a": "unterminated', 19],
    ['', 0],
    ['{"a": 1} trailing', 9],
    ['{"a" 1}', 5],
    ['{"a": 01}', 7],
    ['{"a": "tab\there"}', 10],
  ])('%j → %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
