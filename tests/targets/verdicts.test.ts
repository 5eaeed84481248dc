/**
 * The real clients' verdicts on our translations (docs/targets-design.md, "Checked against the
 * real clients"). `npm run test:targets` translates fastapi-backend-builder (both versions) and
 * the variants of variants.mjs into OpenCode, Copilot CLI, Gemini CLI and Codex CLI, asks each
 * client (tests/targets/oracles, offline) which agents it loaded, and records the answers with
 * each file's hash in verdicts.json. `npm test` checks offline that every translation still has a
 * recorded hash (else the translation changed and must be run past the clients again), and that
 * the client loaded it under its name with its description. Cursor has no client to ask.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { type OtherTarget, targetPath } from '../../src/core/targets/ids.js';
import { type Source, sourceOf, translateTo } from '../../src/core/targets/translate.js';
import { REPO_ROOT } from '../helpers/sandbox.js';
// @ts-expect-error plain JavaScript module
import { variants } from './variants.mjs';

const VERDICTS = path.join(REPO_ROOT, 'tests', 'targets', 'verdicts.json');
const CLIENTS: OtherTarget[] = ['opencode', 'copilot', 'gemini', 'codex'];
const record = process.env.RECORD_VERDICTS === '1';

interface Verdict {
  target: OtherTarget;
  agent: string;
  from: string;
  integrity: string;
  loaded: boolean;
  description: string | null;
}

/** Each set is one project: names must be unique within it. */
function sets(): Array<{ label: string; inputs: Array<{ from: string; source: Source }> }> {
  const seed = (version: string) => {
    const source = sourceOf(readFileSync(path.join(REPO_ROOT, 'agents', 'fastapi-backend-builder', `${version}.md`)));
    if (typeof source === 'string') throw new Error(source);
    return { from: `fastapi-backend-builder@${version}`, source };
  };
  const variant = (variants() as Array<{ name: string; text: string }>).map(({ name, text }) => {
    const source = sourceOf(Buffer.from(text, 'utf8'));
    if (typeof source === 'string') throw new Error(`${name}: ${source}`);
    return { from: `variant ${name}`, source };
  });
  return [
    { label: '1.0.0 and the variants', inputs: [seed('1.0.0'), ...variant] },
    { label: '1.1.0', inputs: [seed('1.1.0')] },
  ];
}

/** Every translation that would be written, per target: { from, name, text, description }. */
function translations(target: OtherTarget, inputs: Array<{ from: string; source: Source }>) {
  return inputs.flatMap(({ from, source }) => {
    const t = translateTo(target, source);
    return 'text' in t ? [{ from, name: source.agent.name, text: t.text, description: source.agent.description }] : [];
  });
}

function ask(target: OtherTarget, files: Array<{ name: string; text: string }>): { version: string; agents: Array<{ name: string; description?: string }> } {
  const root = mkdtempSync(path.join(tmpdir(), 'agent-install-verdicts-'));
  try {
    const project = path.join(root, 'project');
    for (const { name, text } of files) {
      const file = path.join(project, ...targetPath(target, false, name).split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'tests', 'targets', 'oracles', `${target}.mjs`), project], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`the ${target} oracle failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe.runIf(record)('recording the clients’ verdicts (npm run test:targets)', () => {
  it('asks every client about every translation', { timeout: 1_200_000 }, () => {
    const out: { clients: Record<string, string>; verdicts: Verdict[] } = { clients: {}, verdicts: [] };
    for (const target of CLIENTS) {
      for (const set of sets()) {
        const files = translations(target, set.inputs);
        const answer = ask(target, files);
        out.clients[target] = answer.version;
        for (const f of files) {
          const seen = answer.agents.find((a) => a.name === f.name);
          out.verdicts.push({
            target,
            agent: f.name,
            from: f.from,
            integrity: computeIntegrity(f.text),
            loaded: seen !== undefined,
            description: seen?.description ?? null,
          });
        }
      }
    }
    writeFileSync(VERDICTS, `${JSON.stringify(out, null, 2)}\n`);
  });
});

describe.skipIf(record)('the recorded verdicts of the real clients (tests/targets/verdicts.json)', () => {
  const recorded: { clients: Record<string, string>; verdicts: Verdict[] } = existsSync(VERDICTS)
    ? JSON.parse(readFileSync(VERDICTS, 'utf8'))
    : { clients: {}, verdicts: [] };

  it.each(CLIENTS)('%s: every translation is one the client loaded, under its name, with its description', (target) => {
    expect(recorded.clients[target], 'run `npm run test:targets`').toBeDefined();
    for (const set of sets()) {
      for (const f of translations(target, set.inputs)) {
        const verdict = recorded.verdicts.find((v) => v.target === target && v.from === f.from);
        expect(verdict, `${f.from} has no ${target} verdict: run \`npm run test:targets\``).toBeDefined();
        expect(verdict!.integrity, `the ${target} translation of ${f.from} changed since the client saw it: run \`npm run test:targets\``).toBe(
          computeIntegrity(f.text),
        );
        expect(verdict!.loaded, `${target} did not load ${f.from}`).toBe(true);
        expect(verdict!.description?.trim(), `${target} read another description for ${f.from}`).toBe(f.description.trim());
      }
    }
  });
});
