/**
 * Every agent of the real-world corpus (tests/fixtures/corpus), both versions of
 * fastapi-backend-builder and the variants of tests/targets/variants.mjs, translated into each target and imported back: each translation passes
 * its target's rules, imports into an agent Claude Code loads, and differs from the original only
 * in fields the translation or the import reported (lost or approximated); and no translation
 * grants a tool the original may not use (Codex excepted: it has no tool list, and says so).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessOf, type Grant, grantOf, isAll, KNOWN } from '../../src/core/targets/grant.js';
import { OTHER_TARGETS, type OtherTarget } from '../../src/core/targets/ids.js';
import { importFrom, type Report, type Source, sourceOf, TARGETS, translateTo } from '../../src/core/targets/translate.js';
import { REPO_ROOT } from '../helpers/sandbox.js';
// @ts-expect-error plain JavaScript module
import { variants } from './variants.mjs';

const corpus = path.join(REPO_ROOT, 'tests', 'fixtures', 'corpus');
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.md') && d.name !== 'README.md' ? [path.join(dir, d.name)] : [],
  );
}

const inputs: Array<{ file: string; source: Source }> = [];
for (const file of [
  path.join(REPO_ROOT, 'agents', 'fastapi-backend-builder', '1.0.0.md'),
  path.join(REPO_ROOT, 'agents', 'fastapi-backend-builder', '1.1.0.md'),
  ...files(corpus),
]) {
  const source = sourceOf(readFileSync(file));
  if (typeof source !== 'string') inputs.push({ file: path.relative(REPO_ROOT, file), source });
}
for (const { name, text } of variants() as Array<{ name: string; text: string }>) {
  const source = sourceOf(Buffer.from(text, 'utf8'));
  if (typeof source === 'string') throw new Error(`variant ${name} does not load in Claude Code`);
  inputs.push({ file: `variant ${name}`, source });
}

/** The fields of an effective agent a translation carries, by the name a loss report uses. */
function fields(source: Source): Record<string, unknown> {
  const a = source.agent;
  return {
    name: a.name,
    description: a.description,
    prompt: source.body,
    model: a.model === 'inherit' ? undefined : a.model,
    effort: a.effort,
    maxTurns: a.maxTurns,
    permissionMode: a.permissionMode === 'default' ? undefined : a.permissionMode,
    mcpServers: a.mcpServers?.length ? a.mcpServers : undefined,
    hooks: a.hooks?.length ? a.hooks : undefined,
    color: a.color,
    memory: a.memory,
    background: a.background || undefined,
    isolation: a.isolation,
    skills: a.skills?.length ? a.skills : undefined,
    initialPrompt: a.initialPrompt,
    autoCompactWindow: a.autoCompactWindow,
    omitClaudeMd: a.omitClaudeMd || undefined,
    observer: a.observer,
    observerMessage: a.observerMessage,
    observeToolResults: a.observeToolResults || undefined,
    experimental: a.cacheTtl,
  };
}

const names = (grant: Grant) => [...new Set([...KNOWN, ...grant.tools.keys()])];
/** Tools `after` grants that `before` does not. */
function widened(before: Grant, after: Grant): string[] {
  if (isAll(after) && !isAll(before)) return ['every tool'];
  if (after.kind === 'except' && before.kind === 'only') return ['every tool but some'];
  return [...new Set([...names(before), ...names(after)])].filter((n) => accessOf(after, n) !== undefined && accessOf(before, n) === undefined);
}
const sameGrant = (a: Grant, b: Grant) => widened(a, b).length === 0 && widened(b, a).length === 0;

describe('translation into every target and back', () => {
  it('has the corpus and fastapi-backend-builder', () => {
    expect(inputs.length).toBeGreaterThan(900);
    expect(inputs[1]!.source.agent.name).toBe('fastapi-backend-builder');
  });

  it.each(OTHER_TARGETS)('%s: valid files that import back with only the reported losses, never wider', (target: OtherTarget) => {
    const problems: string[] = [];
    let written = 0;
    for (const { file, source } of inputs) {
      const translation = translateTo(target, source);
      if (!('text' in translation)) {
        if (translation.refused.includes('a bug in agent-install')) problems.push(`${file}: ${translation.refused}`);
        continue;
      }
      written++;
      expect(TARGETS[target].validate(translation.text), file).toEqual([]);
      let imported: Report & { text: string };
      try {
        imported = importFrom(target, translation.text, `${source.agent.name}${target === 'copilot' ? '.agent.md' : target === 'codex' ? '.toml' : '.md'}`);
      } catch (error) {
        problems.push(`${file}: the translation does not import: ${(error as Error).message}`);
        continue;
      }
      const back = sourceOf(Buffer.from(imported.text, 'utf8'));
      if (typeof back === 'string') {
        problems.push(`${file}: the imported file does not load`);
        continue;
      }
      const reported = new Set([...translation.lost, ...translation.approximated, ...imported.lost, ...imported.approximated].map((l) => l.field));
      const [before, after] = [fields(source), fields(back)];
      for (const key of Object.keys(before))
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key]) && !reported.has(key)) problems.push(`${file}: ${key} differs and nothing reported it`);
      const [t, t2] = [grantOf(source.agent), grantOf(back.agent)];
      if (!sameGrant(t, t2) && !['tools', 'disallowedTools', 'permissionMode'].some((f) => reported.has(f)))
        problems.push(`${file}: the tools differ and nothing reported it`);
      const wider = widened(t, t2);
      if (target !== 'codex' && wider.length > 0) problems.push(`${file}: the ${target} agent may use ${wider.join(', ')}, the original may not`);
    }
    console.log(`${target}: ${written} of ${inputs.length} agents translated, ${inputs.length - written} refused`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(written).toBeGreaterThan(inputs.length / 3);
  });
});
