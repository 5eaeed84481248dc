/**
 * Agreement with the real Claude Code 2.1.332 on the generated variants of tests/claude-code/
 * (generate.mjs, rule family by rule family): their verdicts, as the real client gave them, are
 * recorded in verdicts.json (`npm run test:claude-code` asks it again). Here the variants are
 * regenerated, written as an agents folder and validated by the built CLI: every verdict, name,
 * description and model must agree, and every agent-related [WARN] or [DEBUG] line Claude Code
 * logged for a file it loads must have a warning of ours, with a fix.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module
import { variants } from './claude-code/generate.mjs';
// @ts-expect-error plain JavaScript module
import { summary, variantOf, writeVariants } from './claude-code/materialize.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const recorded = JSON.parse(readFileSync(path.join(root, 'tests', 'claude-code', 'verdicts.json'), 'utf8'));
const all: Array<{ id: string; family: string; files: Array<{ path: string }> }> = variants();
const work = mkdtempSync(path.join(tmpdir(), 'agent-install-variants-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('agreement with the real Claude Code on the generated variants', () => {
  writeVariants(path.join(work, 'agents'), all);
  const run = spawnSync(process.execPath, [path.join(root, 'bin', 'agent-install.cjs'), 'validate', 'agents', '--json'], {
    cwd: work,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH, HOME: work, NO_COLOR: '1' },
  });
  const doc = JSON.parse(run.stdout);

  it('has at least 1,500 variants in at least 30 rule families, all recorded', () => {
    expect(all.length).toBeGreaterThanOrEqual(1500);
    expect(new Set(all.map((v) => v.family)).size).toBeGreaterThanOrEqual(30);
    expect(recorded.variants).toBe(all.length);
    for (const variant of all) expect(recorded.verdicts[variant.id], variant.id).toBeDefined();
  });

  it('0 disagreements on verdict, name, description and model', () => {
    const ours: Record<string, unknown> = {};
    for (const variant of all) ours[variant.id] = { loaded: false };
    for (const agent of doc.agents) {
      if (!agent.loaded) continue;
      const id = variantOf(agent);
      if (id && ours[id]) ours[id] = { loaded: true, ...summary(agent) };
    }
    const disagreements = all
      .filter((v) => JSON.stringify(ours[v.id]) !== JSON.stringify(recorded.verdicts[v.id]))
      .map((v) => `${v.id} (${v.family}): ours ${JSON.stringify(ours[v.id])}, Claude Code ${JSON.stringify(recorded.verdicts[v.id])}`);
    console.log(
      `claude-code variants: ${all.length - disagreements.length}/${all.length} agree (${Object.values(recorded.verdicts).filter((v: any) => v.loaded).length} loaded by Claude Code)`,
    );
    expect(disagreements).toEqual([]);
  });

  it('a warning with a fix of ours for every [WARN] or [DEBUG] line Claude Code logged about something of a file it loaded', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const variant of all) {
      // Lines about another file of the variant, one Claude Code skips (an error of ours there): the
      // file a duplicate name hides, a file that failed to parse.
      const lines: string[] = (recorded.log[variant.id] ?? []).filter(
        (line: string) => /^(WARN|DEBUG) /.test(line) && !line.includes('Duplicate agent name') && !line.includes('Failed to parse agent'),
      );
      if (lines.length === 0 || !recorded.verdicts[variant.id].loaded) continue;
      checked++;
      const files = new Set(variant.files.map((f) => path.join('agents', ...f.path.split('/'))));
      const warnings = doc.issues.filter((i: any) => files.has(i.file) && i.severity === 'warning' && i.fix);
      if (warnings.length === 0) missing.push(`${variant.id} (${variant.family}): ${lines.join(' | ')}`);
    }
    expect(checked).toBeGreaterThan(200);
    expect(missing).toEqual([]);
  });

  it('an error of ours on every file Claude Code does not load, and none on a file it loads', () => {
    const wrong: string[] = [];
    for (const variant of all) {
      const files = new Set(variant.files.map((f) => path.join('agents', ...f.path.split('/'))));
      const agents = doc.agents.filter((a: any) => files.has(a.file));
      for (const agent of agents) {
        const errors = doc.issues.filter((i: any) => i.file === agent.file && i.severity === 'error');
        if (agent.loaded === errors.length > 0) wrong.push(`${agent.file}: loaded ${agent.loaded}, ${errors.length} errors`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
