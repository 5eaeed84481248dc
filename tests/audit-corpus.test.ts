/**
 * The audit's calibration on the real-world corpus (tests/fixtures/corpus): no file that declares
 * no risky grant (hooks, inline MCP servers, bypassPermissions) has a high finding, and the
 * findings per severity and code are exactly those recorded in audit-counts.json, so that every
 * change of calibration shows in review. `UPDATE_AUDIT_COUNTS=1 npx vitest run
 * tests/audit-corpus.test.ts` rewrites the file (then update the README's counts too).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findingsOf } from '../src/core/agent/findings.js';
import { grantsOf, riskyGrants } from '../src/core/agent/grants.js';
import { checkAgentBytes } from '../src/core/agent/validate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = path.join(repoRoot, 'tests', 'fixtures', 'corpus');
const countsFile = path.join(corpusDir, 'audit-counts.json');

/** Every corpus file: the `.md` files below the folder except its README (as tests/corpus.test.ts lists them). */
function corpusFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...corpusFiles(path.join(dir, entry.name), relative));
    else if (entry.name.endsWith('.md') && relative !== 'README.md') out.push(relative);
  }
  return out.sort();
}

interface Counts {
  files: number;
  loaded: number;
  risky: { files: number; hooks: number; mcp: number; bypass: number };
  tools: Record<string, number>;
  bash: Record<string, number>;
  findings: Record<string, number>;
  bySeverity: { high: number; medium: number; low: number };
  /** Files with at least one finding of that severity. */
  filesWith: { high: number; medium: number; low: number };
}

function audit(): { counts: Counts; violations: string[] } {
  const counts: Counts = {
    files: 0,
    loaded: 0,
    risky: { files: 0, hooks: 0, mcp: 0, bypass: 0 },
    tools: {},
    bash: {},
    findings: {},
    bySeverity: { high: 0, medium: 0, low: 0 },
    filesWith: { high: 0, medium: 0, low: 0 },
  };
  const violations: string[] = [];
  for (const file of corpusFiles(corpusDir)) {
    const bytes = readFileSync(path.join(corpusDir, file));
    const check = checkAgentBytes(bytes, { fileName: path.basename(file) });
    const grants = grantsOf(check.effective);
    const risky = riskyGrants(grants);
    const findings = findingsOf(bytes, check.effective, grants);
    counts.files++;
    if (grants.loaded) {
      counts.loaded++;
      counts.tools[grants.tools.effective.kind] = (counts.tools[grants.tools.effective.kind] ?? 0) + 1;
      counts.bash[grants.tools.bash.access] = (counts.bash[grants.tools.bash.access] ?? 0) + 1;
    }
    if (risky.length > 0) counts.risky.files++;
    for (const r of risky) counts.risky[r.kind]++;
    for (const f of findings) {
      const key = `${f.severity} ${f.code}`;
      counts.findings[key] = (counts.findings[key] ?? 0) + 1;
      counts.bySeverity[f.severity]++;
    }
    for (const severity of ['high', 'medium', 'low'] as const) if (findings.some((f) => f.severity === severity)) counts.filesWith[severity]++;
    if (risky.length === 0) {
      for (const f of findings.filter((f) => f.severity === 'high')) violations.push(`${file}:${f.line} ${f.code} ${f.message} | ${f.evidence}`);
    }
  }
  counts.findings = Object.fromEntries(Object.entries(counts.findings).sort(([a], [b]) => (a < b ? -1 : 1)));
  counts.tools = Object.fromEntries(Object.entries(counts.tools).sort(([a], [b]) => (a < b ? -1 : 1)));
  counts.bash = Object.fromEntries(Object.entries(counts.bash).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { counts, violations };
}

describe('audit calibration on the real-world corpus', () => {
  const { counts, violations } = audit();

  it('reads every corpus file', () => {
    expect(counts.files).toBeGreaterThan(900);
  });

  it('no high finding on a file that declares no risky grant', () => {
    expect(violations).toEqual([]);
  });

  it('finds exactly the counts recorded in audit-counts.json', () => {
    const text = `${JSON.stringify(counts, null, 2)}\n`;
    if (process.env.UPDATE_AUDIT_COUNTS === '1') writeFileSync(countsFile, text);
    expect(JSON.parse(readFileSync(countsFile, 'utf8'))).toEqual(counts);
  });
});
