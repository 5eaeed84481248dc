import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentText, makeSandbox, REPO_ROOT, type RunResult, type Sandbox } from '../helpers/sandbox.js';

// An agent file nobody may read (chmod 000). Root reads it anyway, so as root the commands run
// as `nobody` (the built CLI in a child process); where that is impossible the tests are skipped.
const BIN = path.join(REPO_ROOT, 'bin', 'agent-install.cjs');
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const nobodyCanRun =
  isRoot && spawnSync(process.execPath, [BIN, '--version'], { uid: NOBODY, gid: NOBODY, stdio: 'ignore', env: { PATH: process.env.PATH } }).status === 0;
const canTest = process.platform !== 'win32' && (!isRoot || nobodyCanRun);

function openUp(dir: string): void {
  chmodSync(dir, 0o777);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) openUp(file);
    else if (entry.isFile()) chmodSync(file, 0o666);
  }
}

/** Runs a command as a user who cannot read mode-000 files. */
async function runUnprivileged(sb: Sandbox, args: string[]): Promise<RunResult> {
  if (!isRoot) return sb.run(args);
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: sb.project,
    env: { ...sb.env, NO_COLOR: '1' },
    encoding: 'utf8',
    uid: NOBODY,
    gid: NOBODY,
  });
  return { exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) };
}

async function scope(): Promise<Sandbox> {
  const sb = makeSandbox();
  sb.write({ 'src/alpha.md': agentText('alpha'), 'src/beta.md': agentText('beta') }, sb.root);
  expect((await sb.run(['add', '../src/alpha.md', '../src/beta.md'])).exitCode).toBe(0);
  sb.write({ '.claude/agents/mine.md': agentText('mine') });
  if (isRoot) openUp(sb.root);
  for (const file of ['.claude/agents/alpha.md', '.claude/agents/mine.md']) chmodSync(path.join(sb.project, file), 0o000);
  expect(statSync(path.join(sb.project, '.claude/agents/alpha.md')).mode & 0o777).toBe(0);
  return sb;
}

describe.runIf(canTest)('an agent file that cannot be read', () => {
  it('list: a row with its error, the other rows as usual, exit 0', async () => {
    const sb = await scope();
    const json = await runUnprivileged(sb, ['list', '--project', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const rows = json.json();
    const row = (p: string) => rows.find((r: any) => r.path === p);
    expect(row('alpha.md')).toMatchObject({ name: 'alpha', status: 'invalid', source: '../src/alpha.md' });
    expect(row('alpha.md').reason).toMatch(/^1:1 Cannot read .*alpha\.md: EACCES: permission denied/);
    expect(row('mine.md')).toMatchObject({ name: null, status: 'invalid' });
    expect(row('mine.md').reason).toMatch(/EACCES/);
    expect(row('beta.md')).toMatchObject({ name: 'beta', status: 'ok' });

    const human = await runUnprivileged(sb, ['list', '--project']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/^alpha +- +project +\.\.\/src\/alpha\.md +invalid$/m);
    expect(human.stdout).toMatch(/^beta +- +project +\.\.\/src\/beta\.md +ok$/m);
    expect(human.stdout).toContain('Claude Code would not load:');
    expect(human.stdout).toMatch(/^ {2}alpha\.md {2}1:1 Cannot read .*: EACCES: permission denied/m);
    expect(human.stdout).toMatch(/^ {2}mine\.md {2}1:1 Cannot read/m);
  });

  it('verify: that agent fails with its reason, the others are still checked', async () => {
    const sb = await scope();
    const result = await runUnprivileged(sb, ['verify', '--json']);
    expect(result.exitCode).toBe(3);
    const agents = result.json().agents;
    expect(agents.find((a: any) => a.name === 'alpha')).toMatchObject({ status: 'invalid', drift: true });
    expect(agents.find((a: any) => a.name === 'alpha').reason).toMatch(/EACCES/);
    expect(agents.find((a: any) => a.name === 'beta')).toMatchObject({ status: 'ok', drift: false });
    const human = await runUnprivileged(sb, ['verify']);
    expect(human.exitCode).toBe(3);
    expect(human.stdout).toMatch(/^invalid +alpha +alpha\.md \(1:1 Cannot read .*EACCES/m);
    expect(human.stdout).toMatch(/^ok +beta +beta\.md$/m);
    expect(human.stdout).toContain('1 of 2 agents differs');
  });

  it('diff: says it cannot read the file (not that it is missing) and diffs the others', async () => {
    const sb = await scope();
    sb.write({ 'src/beta.md': agentText('beta', 'tools: Read\n') }, sb.root);
    if (isRoot) openUp(path.join(sb.root, 'src'));
    const result = await runUnprivileged(sb, ['diff']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^alpha: cannot read \.claude\/agents\/alpha\.md: EACCES/m);
    expect(result.stdout).not.toContain('missing');
    expect(result.stdout).toContain('+tools: Read');
  });

  it('install and remove refuse it for what it is: unreadable, not edited', async () => {
    const sb = await scope();
    for (const args of [['install'], ['remove', 'alpha'], ['upgrade']]) {
      const result = await runUnprivileged(sb, [...args, '--json']);
      expect(result.exitCode, args.join(' ')).toBe(1);
      const { error } = result.json();
      expect(error.code).toBe('IO');
      expect(error.message).toMatch(/alpha\.md cannot be read as an agent file \(Cannot read .*EACCES/);
      expect(error.message).not.toContain('local edits');
    }
  });
});
