import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { freePort, type GitDaemon, makeRepo, startGitDaemon } from '../helpers/git.js';
import { agentText, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

const LOCK = '.claude/agents.lock.json';
const agent = (name: string, version: string) => agentText(name, '', `You are ${name}, version ${version}.\n`);

const REVIEWER_1 = agent('reviewer', '1.0.0');
const REVIEWER_1_1 = agent('reviewer', '1.1.0');
const REVIEWER_DEV = agent('reviewer', 'dev');
const REVIEWER_2 = agent('reviewer', '2.0.0');
const TESTER_1 = agent('tester', '1.0.0');

let root: string;
let daemon: GitDaemon;
/** file:// URL of the bare repository the daemon serves as `agents.git`. */
let fileUrl: string;
const commits: Record<string, string> = {};

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-git-fixture-')));
  const repo = makeRepo(path.join(root, 'work'));
  commits.v1 = repo.commit(
    {
      'agents/reviewer.md': REVIEWER_1,
      'agents/tester.md': TESTER_1,
      'agents/README.md': '# Our agents\n',
      'docs/notes.md': '# Notes\n',
      'README.md': '# agents repo\n',
    },
    'v1',
  );
  repo.tag('v1.0.0', { annotated: true });
  commits.untagged = repo.commit({ 'CHANGELOG.md': '# changes\n' }, 'untagged');
  commits.v1_1 = repo.commit({ 'agents/reviewer.md': REVIEWER_1_1 }, 'v1.1');
  repo.tag('v1.1.0');
  repo.tag('stable');
  commits.main = repo.commit({ 'agents/reviewer.md': REVIEWER_DEV }, 'dev');
  repo.branch('next');
  repo.checkout('next');
  commits.v2 = repo.commit({ 'agents/reviewer.md': REVIEWER_2 }, 'v2');
  repo.tag('2.0.0');
  repo.checkout('main');
  repo.publish(path.join(root, 'served', 'agents.git'));
  makeRepo(path.join(root, 'work-empty')).publish(path.join(root, 'served', 'empty.git'));
  fileUrl = `git+file://${path.join(root, 'served', 'agents.git')}`;
  daemon = await startGitDaemon(path.join(root, 'served'));
});

afterAll(async () => {
  await daemon?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function lock(sb: Sandbox) {
  return JSON.parse(sb.read(LOCK)).agents;
}

/** A sandbox whose cache lives inside it, so that tests can empty it. */
function sandbox(): Sandbox {
  const sb = makeSandbox();
  sb.env.AGENT_INSTALL_CACHE = path.join(sb.root, 'cache');
  return sb;
}

describe('git sources: add', () => {
  it('git+file:// with a tag and a file: exact bytes, the commit in the lockfile', async () => {
    const sb = sandbox();
    const result = await sb.run([`${fileUrl}#v1.0.0::path:agents/reviewer.md`]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1);
    expect(lock(sb).reviewer).toEqual({
      integrity: computeIntegrity(REVIEWER_1),
      path: 'reviewer.md',
      requested: 'v1.0.0',
      source: `${fileUrl}#${commits.v1}::path:agents/reviewer.md`,
      version: '1.0.0',
    });
  });

  it('git:// (git daemon) with #semver: and a folder: every agent in it, non-agents skipped with a warning', async () => {
    const sb = sandbox();
    const result = await sb.run([`${daemon.url('agents.git')}#semver:^1.0::path:agents`]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('skipped agents/README.md: not an agent Claude Code would load');
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1_1);
    expect(sb.read('.claude/agents/tester.md')).toBe(TESTER_1);
    expect(sb.exists('.claude/agents/README.md')).toBe(false);
    const agents = lock(sb);
    expect(agents.reviewer).toMatchObject({
      version: '1.1.0',
      requested: '^1.0',
      source: `${daemon.url('agents.git')}#${commits.v1_1}::path:agents/reviewer.md`,
    });
    expect(agents.tester).toMatchObject({ version: '1.1.0', requested: '^1.0', source: `${daemon.url('agents.git')}#${commits.v1_1}::path:agents/tester.md` });
  });

  it('no ref and no path: the default branch, agents/ (the default folder)', async () => {
    const sb = sandbox();
    const spec = daemon.url('agents.git');
    const result = await sb.run([spec, '--json']);
    expect(result.exitCode).toBe(0);
    expect(result.json().warnings).toEqual([]);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_DEV);
    // No version: `requested` is the spec as written, which upgrade resolves again.
    expect(lock(sb).reviewer).toEqual({
      integrity: computeIntegrity(REVIEWER_DEV),
      path: 'reviewer.md',
      requested: spec,
      source: `${spec}#${commits.main}::path:agents/reviewer.md`,
    });
  });

  it('a branch, a non-semver tag and a full commit that is no branch tip', async () => {
    const sb = sandbox();
    const base = daemon.url('agents.git');
    expect((await sb.run([`${base}#next::path:agents/reviewer.md`])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_2);
    expect(lock(sb).reviewer.version).toBeUndefined();

    expect((await sb.run([`${base}#stable::path:agents/reviewer.md`, '--force'])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1_1);

    const result = await sb.run([`${base}#${commits.untagged}::path:agents/tester.md`]);
    expect(result.exitCode).toBe(0);
    expect(lock(sb).tester.source).toBe(`${base}#${commits.untagged}::path:agents/tester.md`);
  });

  it('a commit that is no ref tip, from a server that only speaks protocol v0 (no fetch by id): falls back to fetching the branches', async () => {
    const sb = sandbox();
    sb.write({ '.gitconfig': '[protocol]\n\tversion = 0\n' }, sb.home);
    const base = daemon.url('agents.git');
    const result = await sb.run([`${base}#${commits.untagged}::path:agents/reviewer.md`]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1);
    const missing = await sb.run([`${base}#${'0'.repeat(40)}::path:agents/reviewer.md`, '--json']);
    expect(missing.json().error.code).toBe('REF_NOT_FOUND');
  });

  it("github: specs fetch https://github.com/<owner>/<repo>.git (redirected here by the user's own git insteadOf)", async () => {
    const sb = sandbox();
    // The user's git configuration is honoured; it points GitHub at the local daemon, and a dead
    // proxy makes sure nothing could leave this machine if it were not.
    sb.write({ '.gitconfig': `[url "git://127.0.0.1:${daemon.port}/"]\n\tinsteadOf = https://github.com/acme/\n` }, sb.home);
    const result = await sb.run(['github:acme/agents/agents/reviewer.md#v1.0.0'], {
      env: { HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' },
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1);
    expect(lock(sb).reviewer).toMatchObject({ source: `github:acme/agents/agents/reviewer.md#${commits.v1}`, version: '1.0.0', requested: 'v1.0.0' });
  });
});

describe('git sources: ssh', () => {
  /**
   * An `ssh` first on the PATH that records how git called it and then runs the remote command
   * (git-upload-pack) locally: the real ssh transport of git, without a network or an sshd.
   */
  function sshSandbox() {
    const sb = sandbox();
    const log = path.join(sb.root, 'ssh.log');
    sb.write({ 'bin/ssh': '#!/bin/sh\nprintf \'%s\\n\' "$*" >> "$FAKE_SSH_LOG"\nfor last; do :; done\nexec sh -c "$last"\n' }, sb.root);
    chmodSync(path.join(sb.root, 'bin', 'ssh'), 0o755);
    const env = { PATH: `${path.join(sb.root, 'bin')}:${process.env.PATH}`, FAKE_SSH_LOG: log };
    return { sb, env, log: () => readFileSync(log, 'utf8') };
  }

  it("git+ssh:// URLs and the scp form go through the user's ssh, in batch mode (it can never prompt)", async () => {
    const { sb, env, log } = sshSandbox();
    const served = path.join(root, 'served', 'agents.git');
    const url = `git+ssh://git@agents.example${served}`;
    const result = await sb.run([`${url}#v1.0.0::path:agents/reviewer.md`], { env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(lock(sb).reviewer.source).toBe(`${url}#${commits.v1}::path:agents/reviewer.md`);
    expect(log()).toMatch(/-o BatchMode=yes .*git@agents\.example .*git-upload-pack/);

    const scp = await sb.run([`git+ssh://git@agents.example:${served}#v1.0.0::path:agents/tester.md`], { env });
    expect(scp.exitCode).toBe(0);
    expect(sb.read('.claude/agents/tester.md')).toBe(TESTER_1);
  });

  it('an ssh command the user chose (GIT_SSH_COMMAND) is used as it is', async () => {
    const { sb, env, log } = sshSandbox();
    const result = await sb.run([`git+ssh://git@agents.example${path.join(root, 'served', 'agents.git')}#v1.0.0::path:agents/tester.md`], {
      env: { ...env, GIT_SSH_COMMAND: 'ssh -o User=me' },
    });
    expect(result.exitCode).toBe(0);
    expect(log()).toContain('-o User=me');
    expect(log()).not.toContain('BatchMode');
  });
});

describe('git sources: lockfile round trip', () => {
  it('install --frozen re-fetches the locked commit (empty cache) and reproduces exact bytes; --offline then works from the cache', async () => {
    const sb = sandbox();
    expect((await sb.run([`${daemon.url('agents.git')}#v1.0.0::path:agents`])).exitCode).toBe(0);
    const lockText = sb.read(LOCK);
    rmSync(path.join(sb.project, '.claude', 'agents'), { recursive: true });
    rmSync(sb.env.AGENT_INSTALL_CACHE!, { recursive: true });

    const offlineEmpty = await sb.run(['install', '--offline', '--json']);
    expect(offlineEmpty.exitCode).toBe(1);
    expect(offlineEmpty.json().error.code).toBe('OFFLINE_MISSING');

    const frozen = await sb.run(['install', '--frozen']);
    expect(frozen.exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1);
    expect(sb.read('.claude/agents/tester.md')).toBe(TESTER_1);
    expect(sb.read(LOCK)).toBe(lockText);

    rmSync(path.join(sb.project, '.claude', 'agents'), { recursive: true });
    const offline = await sb.run(['install', '--offline', '--frozen']);
    expect(offline.exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1);
  });

  it('a lock entry whose commit does not hold those bytes fails the install with INTEGRITY_MISMATCH', async () => {
    const sb = sandbox();
    expect((await sb.run([`${fileUrl}#v1.0.0::path:agents/reviewer.md`])).exitCode).toBe(0);
    const data = JSON.parse(sb.read(LOCK));
    data.agents.reviewer.source = `${fileUrl}#${commits.main}::path:agents/reviewer.md`;
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(data, null, 2)}\n`);
    rmSync(path.join(sb.project, '.claude', 'agents', 'reviewer.md'));
    rmSync(sb.env.AGENT_INSTALL_CACHE!, { recursive: true });
    const result = await sb.run(['install', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('INTEGRITY_MISMATCH');
    expect(sb.exists('.claude/agents/reviewer.md')).toBe(false);
  });

  it('--offline add of a git spec fails naming it', async () => {
    const sb = sandbox();
    const spec = `${fileUrl}#v1.0.0::path:agents/reviewer.md`;
    const result = await sb.run([spec, '--offline', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error).toMatchObject({ code: 'OFFLINE_MISSING' });
    expect(result.json().error.message).toContain(spec);
  });
});

describe('git sources: versions from semver-like tags', () => {
  it('outdated lists tag versions; upgrade --latest moves to the newest tag; diff --to compares with a tag', async () => {
    const sb = sandbox();
    expect((await sb.run([`${daemon.url('agents.git')}#v1.0.0::path:agents/reviewer.md`])).exitCode).toBe(0);
    const outdated = await sb.run(['outdated', '--json']);
    expect(outdated.exitCode).toBe(0);
    expect(outdated.json().outdated).toEqual([
      expect.objectContaining({ name: 'reviewer', current: '1.0.0', wanted: '1.0.0', latest: '2.0.0', requested: 'v1.0.0' }),
    ]);

    // Offline, the tags cannot be listed: the agent is reported as not checked, nothing fails.
    expect((await sb.run(['fastapi-backend-builder@1.0.0'])).exitCode).toBe(0);
    const offline = await sb.run(['outdated', '--offline', '--json', '--exit-code']);
    expect(offline.exitCode).toBe(3); // the bundled agent is still checked: 1.1.0 is newer
    expect(offline.json().outdated).toEqual([expect.objectContaining({ name: 'fastapi-backend-builder', latest: '1.1.0' })]);
    expect(offline.json().unchecked).toEqual([expect.objectContaining({ name: 'reviewer', reason: expect.stringContaining('not in the cache') })]);
    const offlineText = await sb.run(['outdated', '--offline']);
    expect(offlineText.exitCode).toBe(0);
    expect(offlineText.stderr).toContain('--offline: not checked (their versions are not in the cache): reviewer.');
    expect((await sb.run(['remove', 'fastapi-backend-builder'])).exitCode).toBe(0);
    expect((await sb.run(['outdated', '--offline'])).stdout).toContain('Every agent that could be checked offline is up to date.');

    const diff = await sb.run(['diff', 'reviewer', '--to', '1.1.0']);
    expect(diff.stdout).toContain('+You are reviewer, version 1.1.0.');

    const upgrade = await sb.run(['upgrade', '--latest']);
    expect(upgrade.exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_2);
    expect(lock(sb).reviewer).toMatchObject({
      version: '2.0.0',
      requested: '^2.0.0',
      source: `${daemon.url('agents.git')}#${commits.v2}::path:agents/reviewer.md`,
    });
  });

  it('upgrade within a #semver: range keeps local edits (three-way merge)', async () => {
    const sb = sandbox();
    const repo = makeRepo(path.join(sb.root, 'repo'));
    const body = (v: string) => `---\nname: merger\ndescription: Merges.\n---\n\nLine one, ${v}.\nLine two.\nLine three.\n`;
    repo.commit({ 'merger.md': body('v1') });
    repo.tag('v1.0.0');
    repo.commit({ 'merger.md': body('v1.1') });
    repo.tag('v1.1.0');
    const url = `git+file://${repo.dir}`;
    expect((await sb.run([`${url}#semver:~1.0.0::path:merger.md`])).exitCode).toBe(0);
    writeFileSync(path.join(sb.project, '.claude/agents/merger.md'), body('v1').replace('Line three.', 'Line three, edited.'));
    const data = JSON.parse(sb.read(LOCK));
    data.agents.merger.requested = '^1.0.0';
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(data, null, 2)}\n`);
    const result = await sb.run(['upgrade']);
    expect(result.exitCode).toBe(0);
    expect(sb.read('.claude/agents/merger.md')).toBe(body('v1.1').replace('Line three.', 'Line three, edited.'));
    expect(lock(sb).merger.version).toBe('1.1.0');
  });

  it('upgrade of an agent installed from a branch resolves the branch again', async () => {
    const sb = sandbox();
    const repo = makeRepo(path.join(sb.root, 'repo'));
    repo.commit({ 'a.md': agent('brancher', 'one') });
    const url = `git+file://${repo.dir}#main::path:a.md`;
    expect((await sb.run([url])).exitCode).toBe(0);
    const next = repo.commit({ 'a.md': agent('brancher', 'two') });
    expect((await sb.run(['upgrade'])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/brancher.md')).toBe(agent('brancher', 'two'));
    expect(lock(sb).brancher.source).toBe(`git+file://${repo.dir}#${next}::path:a.md`);
  });
});

describe('git sources: errors', () => {
  async function failure(argv: string[], env: Record<string, string> = {}) {
    const sb = sandbox();
    const result = await sb.run([...argv, '--json'], { env });
    expect(result.exitCode).toBe(1);
    expect(sb.exists(LOCK)).toBe(false);
    return result.json().error as { code: string; message: string; hint?: string };
  }

  it('a tag or branch that does not exist: REF_NOT_FOUND with a did-you-mean', async () => {
    const error = await failure([`${daemon.url('agents.git')}#v1.1.1`]);
    expect(error.code).toBe('REF_NOT_FOUND');
    expect(error.hint).toContain('Did you mean "v1.1.0"?');
  });

  it('#semver: with no matching tag: VERSION_NOT_FOUND listing the tagged versions', async () => {
    const error = await failure([`${fileUrl}#semver:^3`]);
    expect(error.code).toBe('VERSION_NOT_FOUND');
    expect(error.hint).toContain('1.0.0, 1.1.0, 2.0.0');
  });

  it('a repository that does not exist: REPO_NOT_FOUND (git daemon and file://)', async () => {
    expect((await failure([daemon.url('missing.git')])).code).toBe('REPO_NOT_FOUND');
    expect((await failure([`git+file://${root}/served/missing.git`])).code).toBe('REPO_NOT_FOUND');
  });

  it('an empty repository has no default branch', async () => {
    expect((await failure([daemon.url('empty.git')])).code).toBe('REF_NOT_FOUND');
  });

  it('a host that cannot be reached: NETWORK', async () => {
    const port = await freePort();
    const error = await failure([`git://127.0.0.1:${port}/agents.git`]);
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain(`git://127.0.0.1:${port}/agents.git`);
  });

  // The message names the limit that was armed (0.3 s, not the default 120 s); the test's own
  // timeout only bounds a run that never gives up.
  it('a host that never answers: NETWORK after AGENT_INSTALL_GIT_TIMEOUT', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const error = await failure([`git://127.0.0.1:${port}/agents.git`], { AGENT_INSTALL_GIT_TIMEOUT: '300' });
      expect(error.code).toBe('NETWORK');
      expect(error.message).toContain('timed out after 0.3 s');
    } finally {
      silent.close();
    }
  }, 15_000);

  it('a server that wants credentials: GIT_AUTH, never a prompt', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      res.end('auth required\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await failure([`git+http://127.0.0.1:${port}/private.git`]);
      expect(error.code).toBe('GIT_AUTH');
      expect(error.hint).toContain('credential helper');
    } finally {
      server.close();
    }
  });

  it('a path that is not in the repository: PATH_NOT_FOUND naming the .md files there', async () => {
    const error = await failure([`${fileUrl}#v1.0.0::path:agents/nope.md`]);
    expect(error.code).toBe('PATH_NOT_FOUND');
    expect(error.hint).toContain('agents/reviewer.md');
  });

  it('a folder without agents: NO_AGENTS; a file that is not an agent: INVALID_AGENT', async () => {
    expect((await failure([`${fileUrl}#v1.0.0::path:docs`])).code).toBe('NO_AGENTS');
    expect((await failure([`${fileUrl}#v1.0.0::path:README.md`])).code).toBe('INVALID_AGENT');
  });

  it("dangerous transports stay off even when the user's config rewrites a URL to ext::", async () => {
    const sb = sandbox();
    const marker = path.join(sb.root, 'pwned');
    // Even a user who allowed ext:: for themselves does not get it through agent-install.
    sb.write(
      { '.gitconfig': `[url "ext::sh -c touch% ${marker}"]\n\tinsteadOf = git://127.0.0.1:1/agents.git\n[protocol "ext"]\n\tallow = always\n` },
      sb.home,
    );
    const result = await sb.run(['git://127.0.0.1:1/agents.git', '--json']);
    expect(result.exitCode).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(result.json().error.message).toMatch(/transport 'ext' not allowed/);
  });

  it('specs git does not get: ext:: and option-like URLs or refs are refused before git runs', async () => {
    const sb = sandbox();
    for (const spec of ['git+ext::sh -c id', 'git+ssh://-oProxyCommand=id/x', `${fileUrl}#-upload-pack=id`, 'git+https://user:secret@example.com/r.git']) {
      const result = await sb.run([spec, '--json']);
      expect(result.exitCode, spec).toBe(1);
      expect(result.json().error.code, spec).toBe('INVALID_SPEC');
    }
  });
});

describe('git sources: the lockfile file', () => {
  it('is unchanged by a second add of the same spec', async () => {
    const sb = sandbox();
    const spec = `${fileUrl}#v1.0.0::path:agents/tester.md`;
    expect((await sb.run([spec])).exitCode).toBe(0);
    const before = readFileSync(path.join(sb.project, LOCK), 'utf8');
    const again = await sb.run([spec]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Nothing to do.');
    expect(sb.read(LOCK)).toBe(before);
  });
});

describe('git sources: a tracked branch', () => {
  it('outdated reports new commits on the branch (never "up to date"), --offline says it could not check', async () => {
    const work = makeRepo(path.join(root, 'branch-work'));
    work.commit({ 'agents/reviewer.md': REVIEWER_1 }, 'first');
    const served = path.join(root, 'branch-served', 'team.git');
    work.publish(served);
    const sb = makeSandbox();
    expect((await sb.run(['add', `git+file://${served}#main`])).exitCode).toBe(0);
    const current = await sb.run(['outdated', '--exit-code']);
    expect(current.exitCode).toBe(0);
    expect(current.stdout).toContain('All agents are up to date.');

    work.commit({ 'agents/reviewer.md': REVIEWER_1_1 }, 'second');
    rmSync(served, { recursive: true, force: true });
    work.publish(served);
    const outdated = await sb.run(['outdated', '--exit-code', '--json']);
    expect(outdated.exitCode).toBe(3);
    expect(outdated.json().outdated).toEqual([expect.objectContaining({ name: 'reviewer', kind: 'changed' })]);
    expect((await sb.run(['diff', '--exit-code'])).exitCode).toBe(3);
    const offline = await sb.run(['outdated', '--offline']);
    expect(offline.stdout).toContain('not checked: needs the network');
    expect(offline.stdout).not.toContain('All agents are up to date.');
    expect((await sb.run(['upgrade'])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(REVIEWER_1_1);
    expect((await sb.run(['outdated', '--exit-code'])).exitCode).toBe(0);
  });
});
