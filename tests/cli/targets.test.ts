/**
 * Targets (docs/targets-design.md): one agent written for other coding tools beside Claude Code,
 * locked, verified, upgraded three-way and removed with it, every write through the scope's
 * guarded folders.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { FIXTURE_GIT_ENV } from '../helpers/git.js';
import { makeRegistryRoot } from '../helpers/registry.js';
import { agentText, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

const LOCK = '.claude/agents.lock.json';
const OPENCODE = '.opencode/agents/fastapi-backend-builder.md';
const GEMINI = '.gemini/agents/fastapi-backend-builder.md';
const lockOf = (sb: Sandbox) => JSON.parse(sb.read(LOCK));

describe('add --target', () => {
  it('writes each target file, locks its path and integrity, and reports what each translation lost or approximated', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode,copilot', '--target', 'gemini,cursor,codex', '--json']);
    expect(result.exitCode).toBe(0);
    const [action] = result.json().actions;
    const byTarget = Object.fromEntries(action.targets.map((t: { target: string }) => [t.target, t]));
    expect(Object.keys(byTarget).sort()).toEqual(['codex', 'copilot', 'cursor', 'gemini', 'opencode']);
    expect(byTarget.opencode).toMatchObject({ action: 'create', path: OPENCODE });
    expect(byTarget.opencode.lost.map((l: { field: string }) => l.field)).toContain('model');
    expect(byTarget.opencode.approximated.map((l: { field: string }) => l.field)).toContain('color');
    const targets = lockOf(sb).agents['fastapi-backend-builder'].targets;
    expect(Object.keys(targets).sort()).toEqual(['codex', 'copilot', 'cursor', 'gemini', 'opencode']);
    for (const record of Object.values(targets) as Array<{ path: string; integrity: string }>)
      expect(computeIntegrity(sb.read(record.path))).toBe(record.integrity);
    expect(sb.read('.codex/agents/fastapi-backend-builder.toml')).toContain('developer_instructions');
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });

  it('a translation that would widen what the agent may do is refused for that target, with the reason', async () => {
    const sb = makeSandbox();
    // 1.1.0 restricts its tools, which Cursor cannot say: refused rather than widened to every tool.
    const result = await sb.run(['add', 'fastapi-backend-builder@1.1.0', '--target', 'cursor,gemini', '--json']);
    expect(result.exitCode).toBe(0);
    // In the fixed order of the targets: opencode, copilot, gemini, cursor, codex.
    const [gemini, cursor] = result.json().actions[0].targets;
    expect(cursor).toMatchObject({ target: 'cursor', action: 'refused', integrity: null });
    expect(cursor.refused).toMatch(/every tool/);
    expect(gemini).toMatchObject({ target: 'gemini', action: 'create' });
    expect(sb.exists('.cursor/agents/fastapi-backend-builder.md')).toBe(false);
    expect(Object.keys(lockOf(sb).agents['fastapi-backend-builder'].targets)).toEqual(['gemini']);
  });

  it('text output names each target, its file and the lost and approximated fields', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/opencode\s+created\s+\.opencode\/agents\/fastapi-backend-builder\.md/);
    expect(result.stdout).toMatch(/lost: model/);
    expect(result.stdout).toMatch(/approximated: color/);
  });

  it('an unknown target is a usage error (exit 2) with a did-you-mean, and writes nothing', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['add', 'fastapi-backend-builder', '--target', 'opencod']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('did you mean "opencode"');
    expect(sb.exists('.claude/agents')).toBe(false);
  });

  it('--strict-targets refuses a lossy translation: exit 1, nothing written', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'gemini', '--strict-targets']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/gemini translation loses model/);
    expect(sb.exists(GEMINI)).toBe(false);
    expect(sb.exists('.claude/agents/fastapi-backend-builder.md')).toBe(false);
    expect(sb.exists(LOCK)).toBe(false);
  });

  it('--strict-targets writes a translation that loses nothing', async () => {
    const sb = makeSandbox({ packageRoot: makeRegistryRoot({ plain: { '1.0.0': agentText('plain', 'tools: Read, Grep\n') } }) });
    const result = await sb.run(['add', 'plain', '--target', 'opencode', '--strict-targets']);
    expect(result.exitCode).toBe(0);
    expect(sb.read('.opencode/agents/plain.md')).toContain('You are plain.');
  });

  it('"targets" in the project configuration chooses the targets; --target wins over it', async () => {
    const sb = makeSandbox();
    sb.write({ '.claude/agent-install.json': JSON.stringify({ targets: ['gemini'] }) });
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    expect(sb.exists(GEMINI)).toBe(true);
    expect(sb.exists(OPENCODE)).toBe(false);
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode'])).exitCode).toBe(0);
    // Targets are added, never taken away.
    expect(Object.keys(lockOf(sb).agents['fastapi-backend-builder'].targets).sort()).toEqual(['gemini', 'opencode']);
  });

  it('an unknown target in the configuration is refused with a did-you-mean', async () => {
    const sb = makeSandbox();
    sb.write({ '.claude/agent-install.json': JSON.stringify({ targets: ['gemnii'] }) });
    const result = await sb.run(['add', 'fastapi-backend-builder@1.0.0']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('did you mean "gemini"');
  });

  it("-g writes below the home folder at each tool's user folder", async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', '-g', 'fastapi-backend-builder@1.0.0', '--target', 'opencode,copilot'])).exitCode).toBe(0);
    expect(existsSync(path.join(sb.home, '.config/opencode/agents/fastapi-backend-builder.md'))).toBe(true);
    expect(existsSync(path.join(sb.home, '.copilot/agents/fastapi-backend-builder.agent.md'))).toBe(true);
    const lock = JSON.parse(sb.read('.claude/agents.lock.json', sb.home));
    expect(lock.agents['fastapi-backend-builder'].targets.opencode.path).toBe('.config/opencode/agents/fastapi-backend-builder.md');
    expect(sb.exists('.opencode')).toBe(false);
  });

  it('a committed target folder that is a link out of the project is refused before anything is written', async () => {
    const sb = makeSandbox();
    const elsewhere = path.join(sb.root, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, path.join(sb.project, '.opencode'));
    const result = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('outside');
    expect(existsSync(path.join(elsewhere, 'agents'))).toBe(false);
    expect(sb.exists('.claude/agents/fastapi-backend-builder.md')).toBe(false);
  });

  it('a target file agent-install did not write is left alone without --force, adopted when it already holds the translation', async () => {
    const sb = makeSandbox();
    sb.write({ [OPENCODE]: 'mine\n' });
    const refused = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('was not installed by agent-install');
    expect(sb.read(OPENCODE)).toBe('mine\n');
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode', '--force'])).exitCode).toBe(0);
    const translation = sb.read(OPENCODE);
    expect(translation).toContain('mode: "subagent"');
    // A second project holding the same file adopts it.
    const other = makeSandbox();
    other.write({ [OPENCODE]: translation });
    const adopted = await other.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode', '--json']);
    expect(adopted.json().actions[0].targets[0]).toMatchObject({ action: 'unchanged', note: 'already present; now locked' });
  });
});

describe('install, verify and remove with targets', () => {
  async function withTargets(): Promise<Sandbox> {
    const sb = makeSandbox();
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode,gemini'])).exitCode).toBe(0);
    return sb;
  }

  it('install restores a missing target file', async () => {
    const sb = await withTargets();
    const before = sb.read(GEMINI);
    rmSync(path.join(sb.project, GEMINI));
    const result = await sb.run(['install']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/gemini\s+created/);
    expect(sb.read(GEMINI)).toBe(before);
  });

  it('install --frozen fails (exit 3) on an edited target file and writes nothing', async () => {
    const sb = await withTargets();
    writeFileSync(path.join(sb.project, OPENCODE), `${sb.read(OPENCODE)}\nA local line.\n`);
    const result = await sb.run(['install', '--frozen']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`${OPENCODE} has local edits`);
    expect(sb.read(OPENCODE)).toContain('A local line.');
  });

  it('verify checks every target file: an edited or missing one is drift (exit 3); --allow-modified tolerates edits', async () => {
    const sb = await withTargets();
    expect((await sb.run(['verify'])).exitCode).toBe(0);
    writeFileSync(path.join(sb.project, OPENCODE), `${sb.read(OPENCODE)}\nA local line.\n`);
    const edited = await sb.run(['verify', '--json']);
    expect(edited.exitCode).toBe(3);
    expect(edited.json().targets).toEqual([
      { name: 'fastapi-backend-builder', target: 'opencode', path: OPENCODE, status: 'modified', drift: true },
      { name: 'fastapi-backend-builder', target: 'gemini', path: GEMINI, status: 'ok', drift: false },
    ]);
    expect((await sb.run(['verify', '--allow-modified'])).exitCode).toBe(0);
    rmSync(path.join(sb.project, GEMINI));
    const text = await sb.run(['verify']);
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toMatch(/missing\s+fastapi-backend-builder\s+\.gemini\/agents\/fastapi-backend-builder\.md \(gemini file\)/);
    expect(text.stdout + text.stderr).toContain('1 of 1 agent differs');
  });

  it('list shows a TARGETS column and, with --json, each target file and its status', async () => {
    const sb = await withTargets();
    writeFileSync(path.join(sb.project, OPENCODE), 'edited\n');
    const text = await sb.run(['list', '--project']);
    expect(text.stdout).toMatch(/TARGETS/);
    expect(text.stdout).toMatch(/opencode\(modified\) gemini/);
    const [row] = (await sb.run(['list', '--project', '--json'])).json();
    expect(row.targets).toEqual([
      { target: 'opencode', path: OPENCODE, status: 'modified' },
      { target: 'gemini', path: GEMINI, status: 'ok' },
    ]);
    // Without targets there is no such column.
    const plain = makeSandbox();
    expect((await plain.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    expect((await plain.run(['list', '--project'])).stdout).not.toContain('TARGETS');
  });

  it('remove deletes every unedited target file and keeps an edited one, reported', async () => {
    const sb = await withTargets();
    writeFileSync(path.join(sb.project, OPENCODE), `${sb.read(OPENCODE)}\nA local line.\n`);
    const result = await sb.run(['remove', 'fastapi-backend-builder']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/opencode\s+unchanged\s+.*has local edits; kept/);
    expect(sb.exists(GEMINI)).toBe(false);
    expect(sb.exists(OPENCODE)).toBe(true);
    expect(lockOf(sb).agents['fastapi-backend-builder']).toBeUndefined();
  });

  it('remove --force deletes an edited target file too', async () => {
    const sb = await withTargets();
    writeFileSync(path.join(sb.project, OPENCODE), 'edited\n');
    expect((await sb.run(['remove', 'fastapi-backend-builder', '--force'])).exitCode).toBe(0);
    expect(sb.exists(OPENCODE)).toBe(false);
  });
});

// A demo agent in two versions: 1.1.0 limits its tools and changes its output format.
const BASE = `---
name: demo
description: Demo agent.
model: sonnet
color: blue
---

You are demo.

## Rules
1. Be brief.
2. Be kind.
3. Be right.

## Output
Plain text.
`;
const THEIRS = BASE.replace('color: blue\n', 'color: blue\ntools: Read, Grep\n').replace('Plain text.', 'Markdown.');
const DEMO_OPENCODE = '.opencode/agents/demo.md';
const DEMO_GEMINI = '.gemini/agents/demo.md';

describe('upgrade with targets', () => {
  async function at100(): Promise<Sandbox> {
    const sb = makeSandbox({ packageRoot: makeRegistryRoot({ demo: { '1.0.0': BASE, '1.1.0': THEIRS } }) });
    expect((await sb.run(['add', 'demo@1.0.0', '--target', 'opencode,gemini'])).exitCode).toBe(0);
    return sb;
  }

  it('a hand edit in the OpenCode file survives: merged three-way against the translation of the locked version', async () => {
    const sb = await at100();
    const edited = sb.read(DEMO_OPENCODE).replace('2. Be kind.', '2. Be very kind.');
    expect(edited).not.toBe(sb.read(DEMO_OPENCODE));
    writeFileSync(path.join(sb.project, DEMO_OPENCODE), edited);
    const result = await sb.run(['upgrade', '--latest', '--json']);
    expect(result.exitCode).toBe(0);
    const [action] = result.json().actions;
    expect(action).toMatchObject({ action: 'update', version: '1.1.0' });
    const byTarget = Object.fromEntries(action.targets.map((t: { target: string }) => [t.target, t]));
    expect(byTarget.opencode).toMatchObject({ action: 'merge', note: 'local edits merged' });
    expect(byTarget.gemini).toMatchObject({ action: 'update' });
    const merged = sb.read(DEMO_OPENCODE);
    expect(merged).toContain('2. Be very kind.');
    expect(merged).toContain('Markdown.');
    // The new version's tool list reached the OpenCode permissions.
    expect(merged).toMatch(/permission:/);
    expect(merged).not.toContain('<<<<<<<');
    expect(sb.read(DEMO_GEMINI)).toContain('Markdown.');
    // The lock records the translation of the new version; the merged file holds local edits.
    const targets = lockOf(sb).agents.demo.targets;
    expect(computeIntegrity(sb.read(DEMO_GEMINI))).toBe(targets.gemini.integrity);
    expect(computeIntegrity(merged)).not.toBe(targets.opencode.integrity);
    expect((await sb.run(['verify'])).exitCode).toBe(3);
    expect((await sb.run(['verify', '--allow-modified'])).exitCode).toBe(0);
    // A second upgrade keeps the edit and changes nothing.
    const again = await sb.run(['upgrade', '--latest']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('local edits kept; upstream unchanged');
    expect(sb.read(DEMO_OPENCODE)).toBe(merged);
  });

  it('an edit that conflicts with the new translation stops that agent (exit 3, nothing written); --force takes the new version', async () => {
    const sb = await at100();
    const lockBefore = sb.read(LOCK);
    const agentBefore = sb.read('.claude/agents/demo.md');
    const edited = sb.read(DEMO_OPENCODE).replace('Plain text.', 'Plain text, short.');
    writeFileSync(path.join(sb.project, DEMO_OPENCODE), edited);
    const result = await sb.run(['upgrade', '--latest']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain(`conflicting local edits in ${DEMO_OPENCODE}`);
    expect(result.stdout).toContain('Plain text, short.');
    expect(sb.read(DEMO_OPENCODE)).toBe(edited);
    expect(sb.read(LOCK)).toBe(lockBefore);
    expect(sb.read('.claude/agents/demo.md')).toBe(agentBefore);
    expect((await sb.run(['upgrade', '--latest', '--force'])).exitCode).toBe(0);
    expect(sb.read(DEMO_OPENCODE)).not.toContain('short');
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });

  it('an unedited target file takes the new translation byte for byte', async () => {
    const sb = await at100();
    expect((await sb.run(['upgrade', '--latest'])).exitCode).toBe(0);
    const targets = lockOf(sb).agents.demo.targets;
    expect(computeIntegrity(sb.read(DEMO_OPENCODE))).toBe(targets.opencode.integrity);
    expect(sb.read(DEMO_OPENCODE)).toContain('Markdown.');
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });
});

describe('outdated and diff per target', () => {
  async function at100(): Promise<Sandbox> {
    const sb = makeSandbox({ packageRoot: makeRegistryRoot({ demo: { '1.0.0': BASE, '1.1.0': THEIRS } }) });
    expect((await sb.run(['add', 'demo@1.0.0', '--target', 'opencode,gemini'])).exitCode).toBe(0);
    return sb;
  }

  it('outdated names the targets each row concerns', async () => {
    const sb = await at100();
    const text = await sb.run(['outdated']);
    expect(text.stdout).toMatch(/TARGETS/);
    expect(text.stdout).toMatch(/opencode gemini/);
    const [row] = (await sb.run(['outdated', '--json'])).json().outdated;
    expect(row).toMatchObject({ name: 'demo', latest: '1.1.0', targets: ['opencode', 'gemini'] });
  });

  it('diff --target: the installed file against the new translation; --base: local edits against the locked translation', async () => {
    const sb = await at100();
    const toNew = await sb.run(['diff', 'demo', '--latest', '--target', 'opencode', '--exit-code']);
    expect(toNew.exitCode).toBe(3);
    expect(toNew.stdout).toContain('demo (opencode)');
    expect(toNew.stdout).toMatch(/^-Plain text\.$/m);
    expect(toNew.stdout).toMatch(/^\+Markdown\.$/m);
    const clean = await sb.run(['diff', 'demo', '--base', '--target', 'opencode,gemini', '--json']);
    expect(clean.json().agents.map((a: { target: string; identical: boolean }) => [a.target, a.identical])).toEqual([
      ['opencode', true],
      ['gemini', true],
    ]);
    writeFileSync(path.join(sb.project, DEMO_GEMINI), sb.read(DEMO_GEMINI).replace('2. Be kind.', '2. Be very kind.'));
    const edits = await sb.run(['diff', 'demo', '--base', '--target', 'gemini']);
    expect(edits.stdout).toMatch(/^-2\. Be kind\.$/m);
    expect(edits.stdout).toMatch(/^\+2\. Be very kind\.$/m);
    expect((await sb.run(['diff', 'demo', '--target', 'cursor'])).stdout).toContain('not installed for cursor');
  });
});

describe('import --from', () => {
  it('turns an OpenCode agent into a Claude Code agent file, not locked, with the loss report', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode,codex'])).exitCode).toBe(0);
    const other = makeSandbox();
    // OpenCode names an agent after its file.
    other.write({
      'from/fastapi-backend-builder.md': sb.read(OPENCODE),
      'from/fastapi-backend-builder.toml': sb.read('.codex/agents/fastapi-backend-builder.toml'),
    });
    const result = await other.run(['import', '--from', 'opencode', 'from/fastapi-backend-builder.md', '--json']);
    expect(result.exitCode).toBe(0);
    const json = result.json();
    expect(json).toMatchObject({ ok: true, written: true, from: 'opencode', name: 'fastapi-backend-builder', managed: false });
    expect(Array.isArray(json.lost) && Array.isArray(json.approximated)).toBe(true);
    const imported = other.read('.claude/agents/fastapi-backend-builder.md');
    expect(imported).toMatch(/^---\nname: "fastapi-backend-builder"\n/);
    expect(imported).toContain('You are an elite FastAPI');
    expect(other.exists(LOCK)).toBe(false);
    expect((await other.run(['validate', '.claude/agents/fastapi-backend-builder.md'])).exitCode).toBe(0);
    // Never overwrites.
    const again = await other.run(['import', '--from', 'codex', 'from/fastapi-backend-builder.toml']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('already exists');
    // Nor adds a second agent of a name the tree has under another file name.
    renameSync(path.join(other.project, '.claude/agents/fastapi-backend-builder.md'), path.join(other.project, '.claude/agents/backend.md'));
    const twin = await other.run(['import', '--from', 'codex', 'from/fastapi-backend-builder.toml', '--json']);
    expect(twin.exitCode).toBe(1);
    expect(twin.json().error).toMatchObject({ code: 'AGENT_NAME_TAKEN' });
    expect(twin.json().error.message).toContain('backend.md');
    expect(other.exists('.claude/agents/fastapi-backend-builder.md')).toBe(false);
    const printed = await other.run(['import', '--from', 'codex', 'from/fastapi-backend-builder.toml', '--print']);
    expect(printed.exitCode).toBe(0);
    expect(printed.stdout).toContain('name: "fastapi-backend-builder"');
  });

  it('--from is required and must name one other tool', async () => {
    const sb = makeSandbox();
    sb.write({ 'x.md': agentText('x-agent') });
    expect((await sb.run(['import', 'x.md'])).exitCode).toBe(2);
    expect((await sb.run(['import', '--from', 'claude', 'x.md'])).exitCode).toBe(2);
    const near = await sb.run(['import', '--from', 'copliot', 'x.md']);
    expect(near.exitCode).toBe(2);
    expect(near.stderr).toContain('did you mean "copilot"');
  });
});

describe('a team with targets: two clones of one bare repository', () => {
  function clones() {
    const sb = makeSandbox({ git: false });
    const bare = path.join(sb.root, 'team.git');
    const g = (cwd: string, ...args: string[]) =>
      execFileSync('git', args, { cwd, env: FIXTURE_GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    g(sb.root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    const person = (id: number) => {
      const dir = path.join(sb.root, `clone-${id}`);
      const home = path.join(sb.root, `home-${id}`);
      mkdirSync(home);
      g(sb.root, 'clone', '--quiet', bare, dir);
      return { dir, run: (argv: string[]) => sb.run(argv, { cwd: dir, env: { HOME: home } }), git: (...args: string[]) => g(dir, ...args) };
    };
    return { person };
  }

  it("the lockfile and the config are committed, the tools' folders are not: install --frozen writes every target file on the second clone, then fails on an edit", async () => {
    const { person } = clones();
    const alice = person(1);
    writeFileSync(path.join(alice.dir, '.gitignore'), '.opencode/\n.gemini/\n');
    mkdirSync(path.join(alice.dir, '.claude'));
    writeFileSync(path.join(alice.dir, '.claude/agent-install.json'), `${JSON.stringify({ targets: ['opencode', 'gemini'] })}\n`);
    expect((await alice.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    alice.git('add', '--all');
    alice.git('commit', '--quiet', '-m', 'agents for every tool');
    alice.git('push', '--quiet', 'origin', 'HEAD:main');

    const bob = person(2);
    expect(existsSync(path.join(bob.dir, OPENCODE))).toBe(false);
    const frozen = await bob.run(['install', '--frozen']);
    expect(frozen.exitCode).toBe(0);
    for (const file of [OPENCODE, GEMINI, '.claude/agents/fastapi-backend-builder.md'])
      expect(readFileSync(path.join(bob.dir, file), 'utf8')).toBe(readFileSync(path.join(alice.dir, file), 'utf8'));
    expect((await bob.run(['verify'])).exitCode).toBe(0);
    expect(bob.git('status', '--porcelain')).toBe('');
    writeFileSync(path.join(bob.dir, GEMINI), 'edited\n');
    expect((await bob.run(['install', '--frozen'])).exitCode).toBe(3);
    expect(readFileSync(path.join(bob.dir, GEMINI), 'utf8')).toBe('edited\n');
  });

  it('a target the configuration asks for that the lockfile lacks fails install --frozen: the lockfile would change', async () => {
    const { person } = clones();
    const alice = person(1);
    expect((await alice.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    writeFileSync(path.join(alice.dir, '.claude/agent-install.json'), `${JSON.stringify({ targets: ['codex'] })}\n`);
    const frozen = await alice.run(['install', '--frozen']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.stderr).toContain('lockfile would change');
    expect(existsSync(path.join(alice.dir, '.codex'))).toBe(false);
    expect((await alice.run(['install'])).exitCode).toBe(0);
    expect(existsSync(path.join(alice.dir, '.codex/agents/fastapi-backend-builder.toml'))).toBe(true);
    expect((await alice.run(['install', '--frozen'])).exitCode).toBe(0);
  });
});

describe('a target folder that became a link out of the project', () => {
  it('verify reports it, remove forgets the agent and touches nothing behind the link', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode'])).exitCode).toBe(0);
    const elsewhere = path.join(sb.root, 'elsewhere');
    mkdirSync(path.join(elsewhere, 'agents'), { recursive: true });
    writeFileSync(path.join(elsewhere, 'agents', 'fastapi-backend-builder.md'), sb.read(OPENCODE));
    rmSync(path.join(sb.project, '.opencode'), { recursive: true });
    symlinkSync(elsewhere, path.join(sb.project, '.opencode'));
    const verify = await sb.run(['verify', '--json']);
    expect(verify.exitCode).toBe(3);
    expect(verify.json().targets[0]).toMatchObject({ target: 'opencode', status: 'outside', drift: true });
    const removed = await sb.run(['remove', 'fastapi-backend-builder']);
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toContain('its folder leads outside the project; kept');
    expect(existsSync(path.join(elsewhere, 'agents', 'fastapi-backend-builder.md'))).toBe(true);
  });
});

describe('an agent another clone removed from the lockfile', () => {
  it('install removes its unedited target files with it (this clone recorded them), and keeps an edited one', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode,gemini'])).exitCode).toBe(0);
    writeFileSync(path.join(sb.project, GEMINI), `${sb.read(GEMINI)}\nMine.\n`);
    // A pull brings a lockfile without the agent.
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify({ lockfileVersion: 2, agents: {} }, null, 2)}\n`);
    const result = await sb.run(['install']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/opencode\s+removed/);
    expect(sb.exists('.claude/agents/fastapi-backend-builder.md')).toBe(false);
    expect(sb.exists(OPENCODE)).toBe(false);
    expect(sb.read(GEMINI)).toContain('Mine.');
  });
});

describe('odd things at a target file', () => {
  it('a symbolic link there is never written through: refused, and with --force the link itself is replaced', async () => {
    const sb = makeSandbox();
    const outside = path.join(sb.root, 'outside.md');
    writeFileSync(outside, 'not yours\n');
    mkdirSync(path.join(sb.project, '.opencode', 'agents'), { recursive: true });
    symlinkSync(outside, path.join(sb.project, OPENCODE));
    const refused = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('is a symbolic link');
    expect(sb.exists('.claude/agents/fastapi-backend-builder.md')).toBe(false);
    expect((await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode', '--force'])).exitCode).toBe(0);
    expect(readFileSync(outside, 'utf8')).toBe('not yours\n');
    expect(sb.read(OPENCODE)).toContain('mode: "subagent"');
  });

  it('a folder there is refused', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, OPENCODE), { recursive: true });
    const result = await sb.run(['add', 'fastapi-backend-builder@1.0.0', '--target', 'opencode', '--force']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('is a folder');
  });
});
