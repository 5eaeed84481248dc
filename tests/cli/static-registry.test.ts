import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { agentText, makeSandbox, REPO_ROOT, type Sandbox, sameBytes } from '../helpers/sandbox.js';

const LOCK = '.claude/agents.lock.json';
const V100 = agentText('code-reviewer', 'tools: Read\n');
const V110 = agentText('code-reviewer', 'tools: Read, Grep\n', 'You review code, now with grep.\n');
const WRITER = agentText('test-writer');

/** A registry folder laid out like the bundled one, under `<sandbox root>/registry`. */
function writeRegistry(sb: Sandbox, extra: Record<string, string> = {}): string {
  const dir = path.join(sb.root, 'registry');
  sb.write(
    {
      'agents/code-reviewer/1.0.0.md': V100,
      'agents/code-reviewer/1.1.0.md': V110,
      'agents/code-reviewer/CHANGELOG.md': '# changes\n',
      'agents/test-writer/0.1.0.md': WRITER,
      ...extra,
    },
    dir,
  );
  return dir;
}

/** Serves a folder over loopback http. */
async function serveFolder(dir: string): Promise<TestServer> {
  const server = await startServer();
  for (const file of ['index.json', 'agents/code-reviewer/1.0.0.md', 'agents/code-reviewer/1.1.0.md', 'agents/test-writer/0.1.0.md']) {
    server.route(`/reg/${file}`, (_req, res) => {
      try {
        res.writeHead(200).end(readFileSync(path.join(dir, file)));
      } catch {
        res.writeHead(404).end();
      }
    });
  }
  return server;
}

function lock(sb: Sandbox): Record<string, any> {
  return JSON.parse(sb.read(LOCK)).agents;
}

describe('registry build', () => {
  it.each([
    ['http://agents.example.com/', /must be https/],
    ['ftp://agents.example.com/', /must be https/],
    ['not a url', /not a URL/],
  ])('--base-url %s is a usage error, nothing written', async (baseUrl, message) => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb);
    const result = await sb.run(['registry', 'build', dir, '--base-url', baseUrl]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(sb.exists('index.json', dir)).toBe(false);
  });

  it('--base-url may be plain http for a loopback host', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb);
    expect((await sb.run(['registry', 'build', dir, '--base-url', 'http://127.0.0.1:8080/reg'])).exitCode).toBe(0);
    expect(JSON.parse(sb.read('index.json', dir)).agents['test-writer'].versions['0.1.0'].url).toBe('http://127.0.0.1:8080/reg/agents/test-writer/0.1.0.md');
  });

  it('files that meant a version are errors naming the right name; other files are ignored', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb, { 'agents/test-writer/v0.4.0.md': WRITER, 'agents/test-writer/1.0.md': WRITER, 'agents/test-writer/01.0.0.md': WRITER });
    const result = await sb.run(['registry', 'build', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('agents/test-writer/v0.4.0.md: not a semantic version; name it 0.4.0.md');
    expect(result.stderr).toContain('agents/test-writer/1.0.md: not a semantic version; name it 1.0.0.md');
    expect(result.stderr).toContain('agents/test-writer/01.0.0.md: not a semantic version; name it 1.0.0.md');
    expect(result.stderr).not.toContain('CHANGELOG');
    expect(sb.exists('index.json', dir)).toBe(false);
  });

  it("Claude Code's flat layout (agents/x.md) says how to lay versions out instead of building 0 agents", async () => {
    const sb = makeSandbox();
    const dir = path.join(sb.root, 'flat');
    sb.write({ 'agents/reviewer.md': agentText('reviewer') }, dir);
    const result = await sb.run(['registry', 'build', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('agents/reviewer.md: not in a folder of versions; move it to agents/reviewer/<version>.md');
    sb.write({ 'agents/notes/README.md': '# notes\n' }, path.join(sb.root, 'empty'));
    const empty = await sb.run(['registry', 'build', path.join(sb.root, 'empty')]);
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toMatch(/No agents in .*found no agents\/<name>\/<version>\.md/);
  });

  it('a folder that does not exist is named as such', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['registry', 'build', path.join(sb.root, 'nonexistent')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/No such folder: .*nonexistent/);
  });

  it('never writes index.json through a link, and reads no agent file that is a FIFO or a link to a device', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb);
    const elsewhere = path.join(sb.root, 'elsewhere.json');
    writeFileSync(elsewhere, 'not yours\n');
    symlinkSync(elsewhere, path.join(dir, 'index.json'));
    const linked = await sb.run(['registry', 'build', dir]);
    expect(linked.exitCode).toBe(1);
    expect(linked.stderr).toMatch(/symbolic link/);
    expect(readFileSync(elsewhere, 'utf8')).toBe('not yours\n');
    rmSync(path.join(dir, 'index.json'));
    execFileSync('mkfifo', [path.join(dir, 'agents', 'code-reviewer', '2.0.0.md')]);
    symlinkSync('/dev/zero', path.join(dir, 'agents', 'code-reviewer', '3.0.0.md'));
    const hostile = await sb.run(['registry', 'build', dir]);
    expect(hostile.exitCode).toBe(1);
    expect(hostile.stderr).toContain('agents/code-reviewer/2.0.0.md: Cannot read');
    expect(hostile.stderr).toContain('agents/code-reviewer/3.0.0.md: Cannot read');
    expect(hostile.stderr).toMatch(/not a regular file/);
  });

  it('writes a deterministic index.json that matches the shipped schema', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb);
    const result = await sb.run(['registry', 'build', dir]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('2 agents, 3 versions');
    const text = readFileSync(path.join(dir, 'index.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({
      indexVersion: 1,
      agents: {
        'code-reviewer': {
          description: 'Agent code-reviewer for tests.',
          versions: {
            '1.0.0': { url: 'agents/code-reviewer/1.0.0.md', integrity: computeIntegrity(V100) },
            '1.1.0': { url: 'agents/code-reviewer/1.1.0.md', integrity: computeIntegrity(V110) },
          },
        },
        'test-writer': {
          description: 'Agent test-writer for tests.',
          versions: { '0.1.0': { url: 'agents/test-writer/0.1.0.md', integrity: computeIntegrity(WRITER) } },
        },
      },
    });
    expect((await sb.run(['registry', 'build', dir])).exitCode).toBe(0);
    expect(readFileSync(path.join(dir, 'index.json'), 'utf8')).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);

    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schema/registry-index.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ indexVersion: 1, agents: { x: { versions: { '1.0': { url: 'x.md', integrity: computeIntegrity('x') } } } } })).toBe(false);
  });

  it('--base-url writes absolute URLs; --out elsewhere writes URLs relative to it', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb);
    await sb.run(['registry', 'build', dir, '--base-url', 'https://agents.example.com/team']);
    const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
    expect(index.agents['test-writer'].versions['0.1.0'].url).toBe('https://agents.example.com/team/agents/test-writer/0.1.0.md');
    const dry = await sb.run(['registry', 'build', dir, '--dry-run', '--out', path.join(dir, 'dry.json')]);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('Would write');
    expect(sb.exists('dry.json', dir)).toBe(false);
    expect((await sb.run(['registry'])).exitCode).toBe(2);
    const out = path.join(sb.root, 'public', 'index.json');
    expect((await sb.run(['registry', 'build', dir, '--out', out])).exitCode).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).agents['test-writer'].versions['0.1.0'].url).toBe('../registry/agents/test-writer/0.1.0.md');
  });

  it('refuses files Claude Code would not load or named after another folder, writing nothing', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb, { 'agents/broken/1.0.0.md': 'no frontmatter\n', 'agents/misnamed/1.0.0.md': agentText('other-name') });
    const result = await sb.run(['registry', 'build', dir, '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('INVALID_AGENT');
    expect(result.json().error.message).toContain('agents/broken/1.0.0.md:1:1');
    expect(result.json().error.message).toContain('agents/misnamed/1.0.0.md: the agent is named "other-name"');
    expect(sb.exists('index.json', dir)).toBe(false);
  });
});

describe('static registries', () => {
  async function served() {
    const sb = makeSandbox();
    const dir = writeRegistry(sb);
    await sb.run(['registry', 'build', dir]);
    const server = await serveFolder(dir);
    return { sb, dir, server, index: `${server.origin}/reg/index.json` };
  }

  it('name@range resolves against --registry; the lockfile records registry, version, source and integrity', async () => {
    const { sb, index } = await served();
    const result = await sb.run(['--registry', index, 'code-reviewer@1.0.0', 'test-writer']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(sameBytes(path.join(sb.project, '.claude/agents/code-reviewer.md'), Buffer.from(V100))).toBe(true);
    expect(lock(sb)).toEqual({
      'code-reviewer': {
        source: 'code-reviewer@1.0.0',
        requested: '1.0.0',
        version: '1.0.0',
        registry: index,
        integrity: computeIntegrity(V100),
        path: 'code-reviewer.md',
      },
      'test-writer': {
        source: 'test-writer@0.1.0',
        requested: '^0.1.0',
        version: '0.1.0',
        registry: index,
        integrity: computeIntegrity(WRITER),
        path: 'test-writer.md',
      },
    });
  });

  it('outdated, install and upgrade find the registry from the lock entry, without --registry', async () => {
    const { sb, index, server } = await served();
    expect((await sb.run(['--registry', index, 'code-reviewer@1.0.0'])).exitCode).toBe(0);
    // As if 1.1.0 had been published after `add code-reviewer@^1.0.0`.
    const lockfile = JSON.parse(sb.read(LOCK));
    lockfile.agents['code-reviewer'].requested = '^1.0.0';
    writeFileSync(path.join(sb.project, LOCK), `${JSON.stringify(lockfile, null, 2)}\n`);
    const outdated = await sb.run(['outdated', '--json']);
    expect(outdated.exitCode, outdated.stderr).toBe(0);
    expect(outdated.json().outdated).toEqual([expect.objectContaining({ name: 'code-reviewer', current: '1.0.0', wanted: '1.1.0', latest: '1.1.0' })]);

    rmSync(path.join(sb.project, '.claude/agents/code-reviewer.md'));
    const before = server.requests.length;
    const install = await sb.run(['install', '--frozen'], { env: { AGENT_INSTALL_CACHE: path.join(sb.root, 'empty-cache') } });
    expect(install.exitCode, install.stderr).toBe(0);
    expect(server.requests.slice(before)).toEqual(['/reg/index.json', '/reg/agents/code-reviewer/1.0.0.md']);
    expect(sameBytes(path.join(sb.project, '.claude/agents/code-reviewer.md'), Buffer.from(V100))).toBe(true);

    const upgrade = await sb.run(['upgrade', 'code-reviewer']);
    expect(upgrade.exitCode, upgrade.stderr).toBe(0);
    expect(sameBytes(path.join(sb.project, '.claude/agents/code-reviewer.md'), Buffer.from(V110))).toBe(true);
    expect(lock(sb)['code-reviewer']).toMatchObject({ version: '1.1.0', source: 'code-reviewer@1.1.0', registry: index, integrity: computeIntegrity(V110) });
  });

  it('a file that does not match the index integrity is INTEGRITY_MISMATCH and nothing is written', async () => {
    const { sb, dir, index } = await served();
    writeFileSync(path.join(dir, 'agents/test-writer/0.1.0.md'), agentText('test-writer', '', 'Tampered.\n'));
    const result = await sb.run(['--registry', index, 'test-writer', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('INTEGRITY_MISMATCH');
    expect(sb.exists('.claude/agents')).toBe(false);
  });

  it('the bundled registry is searched first', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb, { 'agents/fastapi-backend-builder/9.9.9.md': agentText('fastapi-backend-builder') });
    await sb.run(['registry', 'build', dir]);
    const result = await sb.run(['--registry', path.join(dir, 'index.json'), 'fastapi-backend-builder']);
    expect(result.exitCode).toBe(0);
    expect(lock(sb)['fastapi-backend-builder']).toMatchObject({ registry: 'bundled', version: '1.1.0' });
  });

  it('the project config names registries; paths in it are relative to it and locked relative to the project', async () => {
    const sb = makeSandbox();
    const dir = writeRegistry(sb);
    await sb.run(['registry', 'build', dir]);
    sb.write({ '.claude/agent-install.json': JSON.stringify({ registries: ['../../registry'] }) });
    const result = await sb.run(['code-reviewer@~1.0.0']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(lock(sb)['code-reviewer']).toMatchObject({ registry: '../registry/index.json', version: '1.0.0', requested: '~1.0.0' });
    // The config is not needed to reinstall: the lock entry names the registry.
    rmSync(path.join(sb.project, '.claude/agent-install.json'));
    rmSync(path.join(sb.project, '.claude/agents/code-reviewer.md'));
    expect((await sb.run(['install', '--frozen'])).exitCode).toBe(0);
    expect((await sb.run(['outdated', '--json'])).json().outdated[0]).toMatchObject({ latest: '1.1.0', wanted: '1.0.0' });
  });

  it('the user config ($XDG_CONFIG_HOME/agent-install/config.json) names registries too', async () => {
    const { sb, index } = await served();
    const xdg = path.join(sb.root, 'xdg');
    sb.write({ 'agent-install/config.json': JSON.stringify({ registries: [index] }) }, xdg);
    const result = await sb.run(['test-writer'], { env: { XDG_CONFIG_HOME: xdg } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(lock(sb)['test-writer'].registry).toBe(index);

    sb.write({ 'agent-install/config.json': '{"registries": "nope"}' }, xdg);
    const bad = await sb.run(['test-writer', '--json'], { env: { XDG_CONFIG_HOME: xdg } });
    expect(bad.exitCode).toBe(1);
    expect(bad.json().error.code).toBe('CONFIG_INVALID');
  });

  it('an unknown name lists the registries searched, with a did-you-mean', async () => {
    const { sb, index } = await served();
    const result = await sb.run(['--registry', index, 'code-reviewr', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('AGENT_NOT_FOUND');
    expect(result.json().error.message).toContain(index);
    expect(result.json().error.hint).toContain('Did you mean "code-reviewer"?');
  });

  it('--offline uses the cached index and files; what was never fetched is OFFLINE_MISSING', async () => {
    const { sb, index, server } = await served();
    expect((await sb.run(['--registry', index, 'code-reviewer@1.0.0'])).exitCode).toBe(0);
    await server.close();
    const other = makeSandbox();
    other.env.HOME = sb.home; // the same user, so the same cache
    const cached = await other.run(['--offline', '--registry', index, 'code-reviewer@1.0.0']);
    expect(cached.exitCode, cached.stderr).toBe(0);
    const missing = await other.run(['--offline', '--registry', index, 'test-writer', '--json']);
    expect(missing.exitCode).toBe(1);
    expect(missing.json().error.code).toBe('OFFLINE_MISSING');
    expect(missing.json().error.message).toContain('test-writer@0.1.0');
    const noIndex = await other.run(['--offline', '--registry', 'https://agents.example.com/index.json', 'anything', '--json']);
    expect(noIndex.json().error).toMatchObject({ code: 'OFFLINE_MISSING' });
    expect(noIndex.json().error.message).toContain('https://agents.example.com/index.json');
  });

  it('an index from a newer agent-install is refused with a request to upgrade', async () => {
    const sb = makeSandbox();
    sb.write({ 'index.json': '{"indexVersion": 2, "agents": {}}' }, sb.root);
    const result = await sb.run(['--registry', path.join(sb.root, 'index.json'), 'x', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('REGISTRY_INDEX_TOO_NEW');
  });
});
