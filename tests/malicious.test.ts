/**
 * Crafted malicious agents (tests/fixtures/malicious, written for these tests; manifest.json says
 * what each must be caught as): each loads in Claude Code, and the audit finds what it hides or
 * grants — every listed finding at its severity, and exactly the listed risky grant kinds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findingsOf } from '../src/core/agent/findings.js';
import { grantsOf, riskyGrants } from '../src/core/agent/grants.js';
import { checkAgentBytes } from '../src/core/agent/validate.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'malicious');

interface Fixture {
  file: string;
  findings: Array<{ code: string; severity: string }>;
  risky: string[];
}

const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { fixtures: Fixture[] };

describe('crafted malicious agents are all caught', () => {
  it('the manifest lists every fixture', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort();
    expect(manifest.fixtures.map((f) => f.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(manifest.fixtures.map((f) => [f.file, f] as const))('%s', (file, fixture) => {
    const bytes = readFileSync(path.join(dir, file));
    const check = checkAgentBytes(bytes, { fileName: file });
    expect(check.agent, 'Claude Code would load it').not.toBeNull();
    const grants = grantsOf(check.effective);
    const found = findingsOf(bytes, check.effective, grants);
    const seen = found.map((f) => `${f.severity} ${f.code}`);
    for (const expected of fixture.findings) expect(seen).toContain(`${expected.severity} ${expected.code}`);
    expect(riskyGrants(grants).map((r) => r.kind)).toEqual(fixture.risky);
    // Caught: a high finding, or a risky grant (which part B asks the user to approve).
    expect(found.some((f) => f.severity === 'high') || fixture.risky.length > 0).toBe(true);
    // Evidence is shown escaped: no invisible or control character reaches a terminal.
    for (const f of found) expect(f.evidence).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]|\uDB40/);
  });
});
