import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { freePort } from '../helpers/git.js';
import { agentText, makeSandbox, type Sandbox } from '../helpers/sandbox.js';
import { startVerdaccio, type Verdaccio } from '../helpers/verdaccio.js';

const LOCK = '.claude/agents.lock.json';
const agent = (name: string, version: string) => agentText(name, '', `You are ${name}, version ${version}.\n`);
const manifest = (name: string, version: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name, version, license: 'MIT', ...extra }, null, 2);

let registry: Verdaccio;
let token: string;

beforeAll(async () => {
  registry = await startVerdaccio();
  token = await registry.addUser('publisher', 'publisher-password');
  // One package goes through `npm publish` itself, so that a tarball npm packed is served too;
  // the others meanwhile through the registry's publish endpoint (npm is slow to start), one
  // package's versions one after the other.
  const direct = async () => {
    for (const version of ['1.0.0', '1.1.0', '2.0.0']) {
      await registry.publishDirect(
        {
          'package.json': manifest('@acme/agents', version),
          'README.md': '# @acme/agents\n',
          'agents/reviewer.md': agent('reviewer', version),
          'agents/tester.md': agent('tester', version),
          'agents/NOTES.md': '# not an agent\n',
        },
        token,
      );
    }
    await registry.publishDirect(
      {
        'package.json': manifest('@acme/declared', '1.0.0', { claudeAgents: 'prompts' }),
        'prompts/deep/planner.md': agent('planner', '1.0.0'),
        'agents/ignored.md': agent('ignored', '1.0.0'),
      },
      token,
    );
    await registry.publishDirect({ 'package.json': manifest('@acme/tampered', '1.0.0'), 'agents/victim.md': agent('victim', '1.0.0') }, token);
  };
  await Promise.all([direct(), registry.publish({ 'package.json': manifest('plain-agents', '0.3.0'), 'agents/helper.md': agent('helper', '0.3.0') }, token)]);
});

afterAll(async () => {
  await registry?.stop();
});

/**
 * A project whose .npmrc points the @acme scope at the loopback registry with a token from the
 * environment (as teams keep it out of the file), and whose cache lives inside the sandbox.
 */
function project(options: { token?: string | null } = {}): Sandbox {
  const sb = makeSandbox();
  sb.env.AGENT_INSTALL_CACHE = path.join(sb.root, 'cache');
  sb.write({ 'package.json': '{"private": true}\n', '.npmrc': `@acme:registry=${registry.url}\n//${registry.host}/:_authToken=\${ACME_TOKEN}\n` });
  if (options.token !== null) sb.env.ACME_TOKEN = options.token ?? token;
  return sb;
}

function lock(sb: Sandbox) {
  return JSON.parse(sb.read(LOCK)).agents;
}

describe('npm sources: add', () => {
  it('a scoped package from a private registry (.npmrc scope + token): one file, newest in range', async () => {
    const sb = project();
    const result = await sb.run(['npm:@acme/agents@^1/agents/reviewer.md']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agent('reviewer', '1.1.0'));
    expect(lock(sb).reviewer).toEqual({
      integrity: computeIntegrity(agent('reviewer', '1.1.0')),
      path: 'reviewer.md',
      requested: '^1',
      source: 'npm:@acme/agents@1.1.0/agents/reviewer.md',
      version: '1.1.0',
    });
  });

  it('a bare package: the latest version, every agent of agents/, recorded as ^<version>', async () => {
    const sb = project();
    const result = await sb.run(['npm:@acme/agents']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('skipped agents/NOTES.md: not an agent Claude Code would load');
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agent('reviewer', '2.0.0'));
    expect(sb.read('.claude/agents/tester.md')).toBe(agent('tester', '2.0.0'));
    expect(lock(sb).tester).toMatchObject({ version: '2.0.0', requested: '^2.0.0', source: 'npm:@acme/agents@2.0.0/agents/tester.md' });
  });

  it('the package.json "claudeAgents" field names the folder', async () => {
    const sb = project();
    expect((await sb.run(['npm:@acme/declared'])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/planner.md')).toBe(agent('planner', '1.0.0'));
    expect(sb.exists('.claude/agents/ignored.md')).toBe(false);
    expect(lock(sb).planner.source).toBe('npm:@acme/declared@1.0.0/prompts/deep/planner.md');
  });

  it('an unscoped package from the registry set by npm_config_registry, without credentials', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['npm:plain-agents@latest'], { env: { npm_config_registry: registry.url } });
    expect(result.exitCode).toBe(0);
    expect(lock(sb).helper).toMatchObject({ version: '0.3.0', requested: '^0.3.0', source: 'npm:plain-agents@0.3.0/agents/helper.md' });
  });

  it("the user's ~/.npmrc is read too (user scope, -g)", async () => {
    const sb = makeSandbox();
    sb.write({ '.npmrc': `registry=${registry.url}\n@acme:registry=${registry.url}\n//${registry.host}/:_authToken=${token}\n` }, sb.home);
    const result = await sb.run(['-g', 'npm:@acme/agents@1.0.0/agents/tester.md']);
    expect(result.exitCode).toBe(0);
    expect(sb.read('.claude/agents/tester.md', sb.home)).toBe(agent('tester', '1.0.0'));
  });
});

describe('npm sources: lockfile round trip', () => {
  it('install --frozen downloads again (empty cache), verifies and reproduces exact bytes; --offline uses the cache', async () => {
    const sb = project();
    expect((await sb.run(['npm:@acme/agents@1.0.0'])).exitCode).toBe(0);
    const lockText = sb.read(LOCK);
    rmSync(path.join(sb.project, '.claude', 'agents'), { recursive: true });
    rmSync(sb.env.AGENT_INSTALL_CACHE!, { recursive: true });

    const offlineEmpty = await sb.run(['install', '--offline', '--json']);
    expect(offlineEmpty.exitCode).toBe(1);
    expect(offlineEmpty.json().error.code).toBe('OFFLINE_MISSING');

    expect((await sb.run(['install', '--frozen'])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agent('reviewer', '1.0.0'));
    expect(sb.read('.claude/agents/tester.md')).toBe(agent('tester', '1.0.0'));
    expect(sb.read(LOCK)).toBe(lockText);

    rmSync(path.join(sb.project, '.claude', 'agents'), { recursive: true });
    expect((await sb.run(['install', '--offline', '--frozen'])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/tester.md')).toBe(agent('tester', '1.0.0'));
  });

  it('--offline add of an npm spec fails naming it', async () => {
    const sb = project();
    const result = await sb.run(['npm:@acme/agents@^1', '--offline', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('OFFLINE_MISSING');
    expect(result.json().error.message).toContain('npm:@acme/agents@^1');
  });
});

describe('npm sources: versions', () => {
  it('outdated, diff --to and upgrade (in range, then --latest)', async () => {
    const sb = project();
    expect((await sb.run(['npm:@acme/agents@~1.0.0/agents/reviewer.md'])).exitCode).toBe(0);
    const data = JSON.parse(sb.read(LOCK));
    data.agents.reviewer.requested = '^1.0.0';
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(data, null, 2)}\n`);

    const outdated = await sb.run(['outdated', '--json']);
    expect(outdated.json().outdated).toEqual([
      expect.objectContaining({ name: 'reviewer', current: '1.0.0', wanted: '1.1.0', latest: '2.0.0', requested: '^1.0.0' }),
    ]);

    const diff = await sb.run(['diff', 'reviewer', '--to', '2.0.0']);
    expect(diff.stdout).toContain('+You are reviewer, version 2.0.0.');

    expect((await sb.run(['upgrade'])).exitCode).toBe(0);
    expect(lock(sb).reviewer).toMatchObject({ version: '1.1.0', source: 'npm:@acme/agents@1.1.0/agents/reviewer.md', requested: '^1.0.0' });
    expect((await sb.run(['upgrade', '--latest'])).exitCode).toBe(0);
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agent('reviewer', '2.0.0'));
    expect(lock(sb).reviewer).toMatchObject({ version: '2.0.0', requested: '^2.0.0' });
  });
});

describe('npm sources: errors', () => {
  async function failure(sb: Sandbox, spec: string, env: Record<string, string> = {}) {
    const result = await sb.run([spec, '--json'], { env });
    expect(result.exitCode).toBe(1);
    expect(sb.exists(LOCK)).toBe(false);
    return result.json().error as { code: string; message: string; hint?: string };
  }

  it('no token for a private scope: NPM_AUTH, naming how to configure one', async () => {
    const sb = makeSandbox();
    sb.write({ 'package.json': '{"private": true}\n', '.npmrc': `@acme:registry=${registry.url}\n` });
    const error = await failure(sb, 'npm:@acme/agents');
    expect(error.code).toBe('NPM_AUTH');
    expect(error.hint).toContain(`//${registry.host}/:_authToken=`);
  });

  it('a wrong token: NPM_AUTH, naming the file it came from', async () => {
    const error = await failure(project({ token: 'not-a-token' }), 'npm:@acme/agents');
    expect(error.code).toBe('NPM_AUTH');
    expect(error.message).toContain('.npmrc:2');
  });

  it('a token variable that is not set: NPM_AUTH asking for it', async () => {
    const error = await failure(project({ token: null }), 'npm:@acme/agents');
    expect(error.code).toBe('NPM_AUTH');
    expect(error.hint).toContain('Set ACME_TOKEN');
  });

  it('a package that does not exist: PACKAGE_NOT_FOUND', async () => {
    expect((await failure(project(), 'npm:@acme/nothing-here')).code).toBe('PACKAGE_NOT_FOUND');
  });

  it('a version that does not exist: VERSION_NOT_FOUND listing the versions', async () => {
    const error = await failure(project(), 'npm:@acme/agents@^3');
    expect(error.code).toBe('VERSION_NOT_FOUND');
    expect(error.hint).toContain('1.0.0, 1.1.0, 2.0.0');
  });

  it('a path that is not in the package: PATH_NOT_FOUND naming its .md files', async () => {
    const error = await failure(project(), 'npm:@acme/agents@1.0.0/agents/nope.md');
    expect(error.code).toBe('PATH_NOT_FOUND');
    expect(error.hint).toContain('agents/reviewer.md');
  });

  it("a tarball that does not match the registry's dist.integrity: INTEGRITY_MISMATCH, nothing written", async () => {
    // Another valid package tarball in its place: without the check it would install.
    const folder = path.join(registry.storage, '@acme', 'tampered');
    const tarball = readdirSync(folder).find((f) => f.endsWith('.tgz'))!;
    const other = path.join(registry.storage, 'plain-agents');
    writeFileSync(path.join(folder, tarball), readFileSync(path.join(other, readdirSync(other).find((f) => f.endsWith('.tgz'))!)));
    const sb = project();
    const error = await failure(sb, 'npm:@acme/tampered');
    expect(error.code).toBe('INTEGRITY_MISMATCH');
    expect(sb.exists('.claude/agents/victim.md')).toBe(false);
  });

  it('a registry that cannot be reached: NETWORK', async () => {
    const port = await freePort();
    const error = await failure(makeSandbox(), 'npm:plain-agents', { npm_config_registry: `http://127.0.0.1:${port}/` });
    expect(error.code).toBe('NETWORK');
  });

  it('malformed specs: INVALID_SPEC', async () => {
    for (const spec of ['npm:', 'npm:@acme', 'npm:.hidden', 'npm:pkg@', 'npm:pkg@1.0.0/../x.md', 'npm:pkg@not a range!']) {
      const error = await failure(makeSandbox(), spec);
      expect(error.code, spec).toBe('INVALID_SPEC');
    }
  });
});
