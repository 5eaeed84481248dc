#!/usr/bin/env node
// `npm run test:claude-code`: regenerates the variants (generate.mjs), asks the REAL Claude Code
// (oracle.mjs) which of them it loads and what its debug log says, validates the same folder with the
// built agent-install, and fails when the two disagree (verdict, name, description, model) or when
// Claude Code's verdicts differ from the recorded ones; with --record, records them in verdicts.json.
// Needs `npm run build` first (the package script does it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { variants } from './generate.mjs';
import { summary, variantOf, writeVariants } from './materialize.mjs';
import { askClaudeCode, CLAUDE_CODE_VERSION } from './oracle.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const verdictsFile = path.join(here, 'verdicts.json');
const record = process.argv.includes('--record');

const all = variants();
const work = mkdtempSync(path.join(tmpdir(), 'agent-install-claude-code-'));
try {
  const project = path.join(work, 'project');
  mkdirSync(project);
  execFileSync('git', ['init', '-q'], { cwd: project });
  const agentsDir = path.join(project, '.claude', 'agents');
  writeVariants(agentsDir, all);
  const answer = askClaudeCode({ project });
  const verdicts = {};
  for (const variant of all) verdicts[variant.id] = { loaded: false };
  for (const agent of answer.all) {
    const id = variantOf(agent);
    if (id && verdicts[id]) verdicts[id] = { loaded: true, ...summary(agent) };
  }
  const pathToId = new Map();
  for (const variant of all) for (const file of variant.files) pathToId.set(`<project>/.claude/agents/${file.path}`, variant.id);
  const log = {};
  for (const line of answer.log) {
    let id;
    for (const [file, owner] of pathToId) if (line.text.includes(file)) id = owner;
    id ??= /Agent '([^']*)'/.exec(line.text)?.[1]?.match(/v\d{4}/)?.[0];
    if (!id) continue;
    log[id] ??= [];
    log[id].push(`${line.level} ${line.text}`);
  }
  const families = {};
  for (const variant of all) families[variant.family] = (families[variant.family] ?? 0) + 1;
  const document = { claudeCode: CLAUDE_CODE_VERSION, variants: all.length, families, verdicts, log };

  // agent-install (the built CLI) on the very same folder, against what Claude Code just said.
  const bin = path.join(here, '..', '..', 'bin', 'agent-install.cjs');
  const validated = spawnSync(process.execPath, [bin, 'validate', agentsDir, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ours = {};
  for (const variant of all) ours[variant.id] = { loaded: false };
  for (const agent of JSON.parse(validated.stdout).agents) {
    const id = agent.loaded ? variantOf(agent) : undefined;
    if (id && ours[id]) ours[id] = { loaded: true, ...summary(agent) };
  }
  const disagreements = all.filter((v) => JSON.stringify(ours[v.id]) !== JSON.stringify(verdicts[v.id]));
  for (const v of disagreements.slice(0, 30))
    console.log(`${v.id} (${v.family}): Claude Code ${JSON.stringify(verdicts[v.id])}, agent-install ${JSON.stringify(ours[v.id])}`);
  console.log(
    `agent-install agrees with the real Claude Code ${CLAUDE_CODE_VERSION} on ${all.length - disagreements.length}/${all.length} variants in ${Object.keys(families).length} families`,
  );
  if (disagreements.length > 0) process.exitCode = 1;
  if (record || !existsSync(verdictsFile)) {
    writeFileSync(verdictsFile, `${JSON.stringify(document, null, 1)}\n`);
    console.log(
      `recorded ${all.length} verdicts of Claude Code ${CLAUDE_CODE_VERSION} (${Object.values(verdicts).filter((v) => v.loaded).length} loaded) in ${path.relative(process.cwd(), verdictsFile)}`,
    );
  } else {
    const recorded = JSON.parse(readFileSync(verdictsFile, 'utf8'));
    const differences = all.filter((v) => JSON.stringify(recorded.verdicts[v.id]) !== JSON.stringify(verdicts[v.id]));
    for (const v of differences.slice(0, 30))
      console.log(`${v.id} (${v.family}): recorded ${JSON.stringify(recorded.verdicts[v.id])}, Claude Code now ${JSON.stringify(verdicts[v.id])}`);
    console.log(`${all.length - differences.length}/${all.length} verdicts of the real Claude Code ${CLAUDE_CODE_VERSION} agree with the recorded ones`);
    if (differences.length > 0) process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
