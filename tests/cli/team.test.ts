/**
 * A team: two people, each with a clone of one bare repository and a home (and cache) of their
 * own, in both layouts the README supports — agents committed, or only the lockfile committed
 * with .claude/agents/ ignored — played step by step as users would.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_GIT_ENV } from '../helpers/git.js';
import { agentText, makeSandbox, REPO_ROOT, type Sandbox, SEED } from '../helpers/sandbox.js';

const AGENT = '.claude/agents/fastapi-backend-builder.md';
const LOCK = '.claude/agents.lock.json';
const V110 = readFileSync(path.join(REPO_ROOT, 'agents', 'fastapi-backend-builder', '1.1.0.md'));
const BIN = path.join(REPO_ROOT, 'bin', 'agent-install.cjs');

type Layout = 'agents committed' | 'lockfile only';

interface Person {
  dir: string;
  run(argv: string[]): ReturnType<Sandbox['run']>;
  git(...args: string[]): string;
  read(relative: string): Buffer;
  write(relative: string, contents: string | Uint8Array): void;
  exists(relative: string): boolean;
}

/** A bare repository and people who clone it, each with their own HOME (so their own cache). */
function team(layout: Layout) {
  const sb = makeSandbox({ git: false });
  const bare = path.join(sb.root, 'team.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare], { env: FIXTURE_GIT_ENV });
  const seed = path.join(sb.root, 'seed');
  mkdirSync(seed);
  const g = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, env: FIXTURE_GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  g(seed, 'init', '--quiet', '--initial-branch=main');
  writeFileSync(path.join(seed, 'README.md'), '# shop\n');
  mkdirSync(path.join(seed, '.claude'));
  if (layout === 'lockfile only') writeFileSync(path.join(seed, '.gitignore'), '.claude/agents/\n');
  g(seed, 'add', '--all');
  g(seed, 'commit', '--quiet', '-m', 'start');
  g(seed, 'remote', 'add', 'origin', bare);
  g(seed, 'push', '--quiet', 'origin', 'main');
  let people = 0;
  const person = (options: { autocrlf?: boolean } = {}): Person => {
    const id = ++people;
    const dir = path.join(sb.root, `clone-${id}`);
    const home = path.join(sb.root, `home-${id}`);
    mkdirSync(home);
    g(sb.root, 'clone', '--quiet', ...(options.autocrlf ? ['-c', 'core.autocrlf=true'] : []), bare, dir);
    return {
      dir,
      run: (argv) => sb.run(argv, { cwd: dir, env: { HOME: home } }),
      git: (...args) => g(dir, ...args),
      read: (relative) => readFileSync(path.join(dir, relative)),
      write: (relative, contents) => {
        mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
        writeFileSync(path.join(dir, relative), contents);
      },
      exists: (relative) => existsSync(path.join(dir, relative)),
    };
  };
  return { person, sb };
}

/** `git add --all && git commit && git push`. */
function share(p: Person, message: string): void {
  p.git('add', '--all');
  p.git('commit', '--quiet', '-m', message);
  p.git('push', '--quiet', 'origin', 'HEAD');
}

function statusOf(listed: Array<{ name: string; status: string }>, name: string): string | undefined {
  return listed.find((a) => a.name === name)?.status;
}

describe.each<Layout>(['agents committed', 'lockfile only'])('a team (%s)', (layout) => {
  it('A upgrades and pushes; B pulls: the older file is behind, not edited, and install brings it up without --force', async () => {
    const { person } = team(layout);
    const a = person();
    expect((await a.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    share(a, 'add the backend agent');
    const b = person();
    expect((await b.run(['install', '--frozen'])).exitCode).toBe(layout === 'lockfile only' ? 0 : 0);
    expect(b.read(AGENT)).toEqual(SEED);

    expect((await a.run(['upgrade', '--latest'])).exitCode).toBe(0);
    share(a, 'upgrade the backend agent');
    b.git('pull', '--quiet', '--rebase');

    if (layout === 'agents committed') {
      // The pull brought the new file with the new lockfile.
      expect(b.read(AGENT)).toEqual(V110);
      expect((await b.run(['verify'])).exitCode).toBe(0);
      return;
    }
    expect(b.read(AGENT)).toEqual(SEED);
    const listed = (await b.run(['list', '--json', '--project'])).json();
    expect(listed).toEqual([expect.objectContaining({ name: 'fastapi-backend-builder', status: 'behind', fileVersion: '1.0.0', version: '1.1.0' })]);
    const verify = await b.run(['verify', '--json']);
    expect(verify.exitCode).toBe(3);
    expect(verify.json().agents).toEqual([expect.objectContaining({ status: 'behind', fileVersion: '1.0.0', drift: true })]);
    expect(verify.json().error.hint).toContain('`agent-install install`');
    const frozen = await b.run(['install', '--frozen']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.stderr).toContain('the file held 1.0.0, not an edit');
    expect(frozen.stderr).not.toContain('has local edits');
    const base = await b.run(['diff', '--base']);
    expect(base.stdout).toContain('no local edits: the file holds 1.0.0, the lockfile records 1.1.0');
    const install = await b.run(['install']);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(b.read(AGENT)).toEqual(V110);
    expect((await b.run(['verify'])).exitCode).toBe(0);
    expect((await b.run(['install', '--frozen'])).exitCode).toBe(0);
  });

  it('A removes an agent and pushes; B pulls: install removes it there too, or keeps it when B edited it', async () => {
    const { person } = team(layout);
    const a = person();
    const reviewer = agentText('reviewer');
    a.write('team-agents/reviewer.md', reviewer);
    expect((await a.run(['add', 'fastapi-backend-builder@1.0.0', './team-agents/reviewer.md'])).exitCode).toBe(0);
    share(a, 'two agents');
    const b = person();
    expect((await b.run(['install'])).exitCode).toBe(0);
    const c = person();
    expect((await c.run(['install'])).exitCode).toBe(0);
    c.write('.claude/agents/reviewer.md', `${reviewer}\nC's own note.\n`);

    expect((await a.run(['remove', 'fastapi-backend-builder', 'reviewer'])).exitCode).toBe(0);
    share(a, 'drop both agents');
    b.git('pull', '--quiet', '--rebase');
    if (layout === 'agents committed') {
      // The pull deleted the committed files with their lock entries.
      expect(b.exists(AGENT)).toBe(false);
      expect((await b.run(['verify'])).exitCode).toBe(0);
      return;
    }
    expect(b.exists(AGENT)).toBe(true);
    expect(statusOf((await b.run(['list', '--json', '--project'])).json(), 'fastapi-backend-builder')).toBe('orphaned');
    expect((await b.run(['verify'])).exitCode).toBe(3);
    expect((await b.run(['install', '--frozen'])).exitCode).toBe(3);
    const install = await b.run(['install']);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(b.exists(AGENT)).toBe(false);
    expect(b.exists('.claude/agents/reviewer.md')).toBe(false);
    expect((await b.run(['verify'])).exitCode).toBe(0);

    // C had edited one of them: it is kept, reported, and no longer agent-install's.
    c.git('pull', '--quiet', '--rebase');
    const keep = await c.run(['install']);
    expect(keep.exitCode, keep.stderr).toBe(0);
    expect(keep.stdout).toMatch(/reviewer.*kept as your own file/);
    expect(c.exists('.claude/agents/reviewer.md')).toBe(true);
    expect(c.exists(AGENT)).toBe(false);
    expect(statusOf((await c.run(['list', '--json', '--project'])).json(), 'reviewer')).toBe('unmanaged');
    expect((await c.run(['verify'])).exitCode).toBe(0);
  });

  it('two branches each add an agent: install merges the conflicted lockfile; the merge driver avoids the conflict', async () => {
    for (const driver of [false, true]) {
      const { person } = team(layout);
      const a = person();
      a.write('team-agents/alpha.md', agentText('alpha'));
      a.write('team-agents/beta.md', agentText('beta'));
      a.write('team-agents/gamma.md', agentText('gamma'));
      expect((await a.run(['add', './team-agents/gamma.md'])).exitCode).toBe(0);
      share(a, 'start');
      const b = person();
      if (driver) {
        for (const p of [a, b]) {
          p.write('.gitattributes', '.claude/agents.lock.json merge=agent-install\n');
          p.git('config', 'merge.agent-install.driver', `${process.execPath} ${BIN} merge-lockfile %O %A %B`);
        }
      }
      a.git('checkout', '--quiet', '-b', 'alpha');
      expect((await a.run(['add', './team-agents/alpha.md', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
      share(a, 'alpha');
      b.git('checkout', '--quiet', '-b', 'beta');
      expect((await b.run(['add', './team-agents/beta.md', 'fastapi-backend-builder@1.1.0'])).exitCode).toBe(0);
      share(b, 'beta');
      a.git('fetch', '--quiet', 'origin');
      let merged = true;
      try {
        a.git('merge', '--quiet', '--no-edit', 'origin/beta');
      } catch {
        merged = false;
      }
      // With the driver the lockfile merges cleanly; with agents committed, git still stops on the
      // agent file both branches added (its author takes one side).
      expect(merged, 'git merge').toBe(driver && layout === 'lockfile only');
      expect(a.read(LOCK).toString().includes('<<<<<<<'), 'conflict markers in the lockfile').toBe(!driver);
      if (driver && layout === 'agents committed') a.git('checkout', '--theirs', AGENT);
      if (!driver) {
        const lockText = a.read(LOCK).toString();
        expect(lockText).toContain('<<<<<<<');
        const list = await a.run(['list', '--project']);
        expect(list.exitCode).toBe(0);
        expect(list.stderr).toContain('git conflict markers');
        const frozen = await a.run(['install', '--frozen', '--json']);
        expect(frozen.exitCode).toBe(3);
        expect(frozen.json().error.code).toBe('LOCKFILE_CONFLICT');
        expect(frozen.json().error.message).toMatch(/lines \d+–\d+/);
        if (layout === 'agents committed') a.git('checkout', '--theirs', AGENT);
        const install = await a.run(['install']);
        expect(install.exitCode, install.stderr).toBe(0);
        expect(install.stdout).toContain('kept 1.1.0, the higher of 1.0.0 and 1.1.0');
      }
      const lock = JSON.parse(a.read(LOCK).toString());
      expect(Object.keys(lock.agents).sort()).toEqual(['alpha', 'beta', 'fastapi-backend-builder', 'gamma']);
      expect(lock.agents['fastapi-backend-builder'].version).toBe('1.1.0');
      if (driver) expect((await a.run(['install'])).exitCode).toBe(0);
      if (layout === 'agents committed') {
        // git merged the two 'created' agent files; the lockfile now records them all.
        expect(a.read('.claude/agents/beta.md').toString()).toBe(agentText('beta'));
      }
      expect((await a.run(['verify'])).exitCode, `verify after the merge (driver: ${driver})`).toBe(0);
    }
  });

  it('a Windows-style checkout (core.autocrlf) differs only in line endings: unmodified for verify, install --frozen and upgrade', async () => {
    const { person } = team(layout);
    const a = person();
    expect((await a.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    if (layout === 'lockfile only') {
      // Without committed agents there is nothing for git to convert; CRLF files come from elsewhere.
      share(a, 'lock');
      const b = person();
      expect((await b.run(['install'])).exitCode).toBe(0);
      b.write(AGENT, Buffer.from(SEED.toString().replace(/\n/g, '\r\n')));
      expect((await b.run(['verify'])).exitCode).toBe(0);
      return;
    }
    a.write('.gitattributes', '*.md text\n');
    share(a, 'agents, as text');
    const b = person({ autocrlf: true });
    expect(b.read(AGENT).includes('\r\n')).toBe(true);
    const verify = await b.run(['verify', '--json']);
    expect(verify.exitCode).toBe(0);
    expect(verify.json().agents).toEqual([expect.objectContaining({ status: 'ok', lineEndings: 'crlf' })]);
    const text = await b.run(['verify']);
    expect(text.stdout).toContain('.gitattributes');
    expect((await b.run(['install', '--frozen'])).exitCode).toBe(0);
    expect((await b.run(['list', '--json', '--project'])).json()).toEqual([expect.objectContaining({ status: 'ok', lineEndings: 'crlf' })]);
    const upgrade = await b.run(['upgrade', '--latest']);
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect(b.read(AGENT)).toEqual(V110);
  });

  it('A accepts a deliberate edit and pushes: a fresh clone passes CI, restores nothing over it, and upgrades merge into it', async () => {
    const { person } = team(layout);
    const a = person();
    expect((await a.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    // Below a heading that 1.1.0 keeps, so that the upgrade merges cleanly.
    const lines = SEED.toString().split('\n');
    lines.splice(9, 0, '## Our house rules', '', 'Always use our logging helper.', '');
    const tailored = lines.join('\n');
    a.write(AGENT, tailored);
    expect((await a.run(['verify'])).exitCode).toBe(3);
    const accept = await a.run(['accept', 'fastapi-backend-builder']);
    expect(accept.exitCode, accept.stderr).toBe(0);
    const entry = JSON.parse(a.read(LOCK).toString()).agents['fastapi-backend-builder'];
    expect(entry).toMatchObject({ version: '1.0.0', integrity: expect.stringMatching(/^sha256-/), accepted: expect.stringMatching(/^sha256-/) });
    expect(entry.accepted).not.toBe(entry.integrity);
    expect((await a.run(['verify'])).exitCode).toBe(0);
    expect((await a.run(['install', '--frozen'])).exitCode).toBe(0);
    share(a, 'our tailored backend agent');

    const b = person();
    if (layout === 'lockfile only') {
      // The accepted bytes live in the agent file, which this layout does not commit.
      const install = await b.run(['install', '--json']);
      expect(install.exitCode).toBe(1);
      expect(install.json().error.hint).toContain('commit');
      return;
    }
    expect((await b.run(['install', '--frozen'])).exitCode).toBe(0);
    expect(b.read(AGENT).toString()).toBe(tailored);
    expect((await b.run(['verify'])).exitCode).toBe(0);
    const base = await b.run(['diff', '--base']);
    expect(base.stdout).toContain('+## Our house rules');
    b.write(AGENT, `${tailored}One more line.\n`);
    expect((await b.run(['verify'])).exitCode).toBe(3);
    b.write(AGENT, tailored);
    const upgrade = await b.run(['upgrade', '--latest']);
    expect(upgrade.exitCode, upgrade.stdout + upgrade.stderr).toBe(0);
    const after = b.read(AGENT).toString();
    expect(after).toContain('## Our house rules');
    expect(after).toContain(
      V110.toString()
        .split('\n')
        .find((l) => l.startsWith('tools:'))!,
    );
    const upgraded = JSON.parse(b.read(LOCK).toString()).agents['fastapi-backend-builder'];
    expect(upgraded).toMatchObject({ version: '1.1.0', accepted: expect.stringMatching(/^sha256-/) });
    expect((await b.run(['verify'])).exitCode).toBe(0);
  });

  it('an agent moved into a subfolder is followed: install records the new path, and add --dir installs there', async () => {
    const { person } = team(layout);
    const a = person();
    expect((await a.run(['add', 'fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    mkdirSync(path.join(a.dir, '.claude/agents/backend'));
    renameSync(path.join(a.dir, AGENT), path.join(a.dir, '.claude/agents/backend/fastapi-backend-builder.md'));
    const verify = await a.run(['verify', '--json']);
    expect(verify.exitCode).toBe(3);
    expect(verify.json().error.hint).toContain('`agent-install install`');
    const install = await a.run(['install']);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(JSON.parse(a.read(LOCK).toString()).agents['fastapi-backend-builder'].path).toBe('backend/fastapi-backend-builder.md');
    expect((await a.run(['verify'])).exitCode).toBe(0);
    a.write('team-agents/reviewer.md', agentText('reviewer'));
    expect((await a.run(['add', '--dir', 'review', './team-agents/reviewer.md'])).exitCode).toBe(0);
    expect(a.exists('.claude/agents/review/reviewer.md')).toBe(true);
    share(a, 'agents in folders');

    const b = person();
    expect((await b.run(['install', '--frozen'])).exitCode).toBe(0);
    expect(b.exists('.claude/agents/backend/fastapi-backend-builder.md')).toBe(true);
    expect(b.exists('.claude/agents/review/reviewer.md')).toBe(true);
    expect((await b.run(['verify'])).exitCode).toBe(0);
  });
});
