import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentText, REPO_ROOT } from '../helpers/sandbox.js';

// Writes the kernel refuses, for any user: the built CLI runs under `ulimit -f` (a file size
// limit, in KiB), so a write past it fails with EFBIG (Node ignores SIGXFSZ).
const BIN = path.join(REPO_ROOT, 'bin', 'agent-install.cjs');
const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-fsize-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const env = { PATH: process.env.PATH!, HOME: path.join(work, 'home'), NO_COLOR: '1', CI: 'true' };
const hasBash = process.platform !== 'win32' && spawnSync('bash', ['-c', 'ulimit -f 1'], { stdio: 'ignore' }).status === 0;

function cli(args: string[], cwd: string, limitKiB?: number) {
  const command =
    limitKiB === undefined ? [process.execPath, BIN, ...args] : ['bash', '-c', `ulimit -f ${limitKiB}; exec "$0" "$@"`, process.execPath, BIN, ...args];
  const result = spawnSync(command[0]!, command.slice(1), { cwd, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function setUp(name: string, oldAgents: number, newAgents: string[], newBody = (n: string) => `You are ${n}.\n`) {
  const root = path.join(work, name);
  const project = path.join(root, 'project');
  mkdirSync(path.join(project, '.git'), { recursive: true });
  mkdirSync(env.HOME, { recursive: true });
  mkdirSync(path.join(root, 'old'));
  for (let i = 0; i < oldAgents; i++) writeFileSync(path.join(root, 'old', `old-${i}.md`), agentText(`old-${i}`));
  if (oldAgents > 0) expect(cli(['add', path.join(root, 'old')], project).code).toBe(0);
  const specs = newAgents.map((n) => {
    const file = path.join(root, `${n}.md`);
    writeFileSync(file, agentText(n, '', newBody(n)));
    return file;
  });
  return { project, specs, lockfile: path.join(project, '.claude', 'agents.lock.json') };
}

const NEW = Array.from({ length: 12 }, (_, i) => `new-${String(i + 1).padStart(2, '0')}`);

describe.skipIf(!hasBash)('add under a file size limit', () => {
  it('the lockfile cannot be written after all twelve files are in place: the error names them, verify reports the interrupted run, the next add finishes it', () => {
    const { project, specs, lockfile } = setUp('lockfile', 60, NEW);
    // The limit lets the lockfile as it is be written again, not with twelve more entries.
    const limit = Math.ceil(statSync(lockfile).size / 1024);
    const result = cli(['add', ...specs], project, limit);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^error Cannot write \S*agents\.lock\.json: EFBIG: file too large, write\n/);
    expect(result.stderr).toContain(`All 12 agent files were changed (created ${NEW.join(', ')}).`);
    expect(result.stderr).toContain('The lockfile could not be updated: agents.lock.json.journal beside it records the changes');
    expect(result.stderr).not.toMatch(/nothing was (half-)?written/i);
    expect(result.stderr).not.toMatch(/\n\s+at /);

    // Readers read the lockfile alone: the new files are unmanaged until a writer finishes the
    // run, and verify reports the interrupted run rather than passing.
    const list = JSON.parse(cli(['list', '--project', '--json'], project).stdout);
    expect(list.filter((r: any) => r.name.startsWith('new-')).map((r: any) => r.status)).toEqual(NEW.map(() => 'unmanaged'));
    const verify = cli(['verify'], project);
    expect(verify.code).toBe(3);
    expect(`${verify.stdout}${verify.stderr}`).toMatch(/interrupted/i);
    const again = cli(['add', ...specs], project);
    expect(again.code, again.stderr).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(lockfile, 'utf8')).agents)).toHaveLength(72);
    expect(existsSync(`${lockfile}.journal`)).toBe(false);
  });

  it('one agent is too large to write: nothing is installed, and it says so', () => {
    const { project, specs } = setUp('temp', 0, NEW, (n) => (n === 'new-07' ? `${'Long rule.\n'.repeat(3000)}` : `You are ${n}.\n`));
    const result = cli(['add', ...specs], project, 16);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^error Cannot write \S*new-07\.md: EFBIG: file too large, write\nNo agent file was changed\.\n/);
    expect(existsSync(path.join(project, '.claude', 'agents.lock.json'))).toBe(false);
    expect(readdirSync(path.join(project, '.claude', 'agents'))).toEqual([]);
  });
});
