import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/commands/search.js';
import { type CatalogAgent, searchCatalog, suggestAgentName } from '../../src/core/resolve/catalog.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { makeRegistryRoot } from '../helpers/registry.js';
import { agentText, makeSandbox, REPO_ROOT, type Sandbox } from '../helpers/sandbox.js';

const FASTAPI = 'fastapi-backend-builder';
const FASTAPI_110_TOOLS = ['Read', 'Write', 'Edit', 'Glob', 'Grep', 'Bash', 'WebFetch', 'WebSearch'];

/** An agent file with exactly this frontmatter body (between the `---` lines). */
const agentFile = (frontmatter: string, body = 'You are a test agent.\n'): string => `---\n${frontmatter}---\n\n${body}`;

/** A bundled registry with several agents, for ranking, sorting and rendering. */
function customRoot(): string {
  return makeRegistryRoot({
    // 1.10.0 is the newest: a string sort would pick 1.9.0.
    'code-reviewer': {
      '1.2.0': agentFile('name: code-reviewer\ndescription: Old description of an early release.\n'),
      '1.9.0': agentFile('name: code-reviewer\ndescription: Another old description.\n'),
      '1.10.0': agentFile('name: code-reviewer\ndescription: Reviews pull requests for correctness.\ntools: Read, Grep\nmodel: opus\ncolor: blue\n'),
    },
    review: { '0.1.0': agentFile('name: review\ndescription: The agent whose name is the query.\n') },
    'reviewer-bot': { '2.0.0': agentFile('name: reviewer-bot\ndescription: Its name starts with the query.\ntools:\n') },
    // A plain scalar keeps `\n` literally; Claude Code turns it into a newline.
    'api-docs': { '1.0.0': agentFile('name: api-docs\ndescription: Writes API docs and asks for a review.\\nSecond line of the description.\n') },
    'test-writer': {
      '0.3.0': agentFile('name: test-writer\ndescription: Writes thorough unit and integration tests for every module it touches without stopping\n'),
    },
  });
}

/** Rows of a table printed by `search` (header excluded), split on runs of two or more spaces. */
function tableRows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/ {2,}/));
}

describe('search (bundled registry)', () => {
  it('with no query lists every agent: name, latest, a one-line description and the registry', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['search']);
    expect(result.exitCode, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header!.split(/ {2,}/)).toEqual(['NAME', 'LATEST', 'DESCRIPTION', 'REGISTRY']);
    expect(rows.map((r) => r.split(/ {2,}/))).toEqual([[FASTAPI, '1.1.0', 'Use this agent to build, modify or review FastAPI backends:…', 'bundled']]);
  });

  it('--json prints every version and the full description of the latest one', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['search', 'fastapi', '--json']);
    expect(result.exitCode).toBe(0);
    const latest = readFileSync(path.join(REPO_ROOT, 'agents', FASTAPI, '1.1.0.md'), 'utf8');
    const json = result.json();
    expect(json).toEqual([{ name: FASTAPI, latest: '1.1.0', versions: ['1.0.0', '1.1.0'], description: expect.any(String), registry: 'bundled' }]);
    // The 1.1.0 wording, with its `\n` escapes turned into newlines.
    expect(json[0].description).toMatch(/^Use this agent to build, modify or review FastAPI backends: REST endpoints/);
    expect(json[0].description).toContain('\n\n**Examples:**\n');
    expect(json[0].description).not.toContain('\\n');
    expect(latest).toContain('\\n\\n**Examples:**');
  });

  it('matches names and descriptions case-insensitively', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['search', 'FASTAPI-BACKEND', '--json'])).json().map((a: any) => a.name)).toEqual([FASTAPI]);
    // Only in the description (and only in 1.1.0's).
    expect((await sb.run(['search', 'Short-Lived Access', '--json'])).json().map((a: any) => a.name)).toEqual([FASTAPI]);
    // Only 1.0.0's description says this: the latest version's description is searched.
    expect((await sb.run(['search', 'Task tool', '--json'])).json()).toEqual([]);
  });

  it('no match is exit 0 with "No agents match", and a did-you-mean when a name is close', async () => {
    const sb = makeSandbox();
    const none = await sb.run(['search', 'kubernetes']);
    expect(none.exitCode).toBe(0);
    expect(none.stdout).toBe('No agents match "kubernetes". `agent-install search` lists every agent.\n');
    const close = await sb.run(['search', 'fastpi']);
    expect(close.exitCode).toBe(0);
    expect(close.stdout).toBe(`No agents match "fastpi". Did you mean ${FASTAPI}?\n`);
    const json = await sb.run(['search', 'fastpi', '--json']);
    expect(json.exitCode).toBe(0);
    expect(json.json()).toEqual([]);
  });
});

describe('search (a package root with its own registry)', () => {
  it('ranks name matches first (exact, prefix, anywhere), then description matches', async () => {
    const sb = makeSandbox({ packageRoot: customRoot() });
    const result = await sb.run(['search', 'review', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json().map((a: any) => a.name)).toEqual(['review', 'reviewer-bot', 'code-reviewer', 'api-docs']);
    // Several words: each must appear in the name or the description.
    expect((await sb.run(['search', 'review', 'correctness', '--json'])).json().map((a: any) => a.name)).toEqual(['code-reviewer']);
  });

  it('sorts versions as semver and describes the latest; the description column is one short line', async () => {
    const sb = makeSandbox({ packageRoot: customRoot() });
    const json = (await sb.run(['search', '--json'])).json();
    expect(json.map((a: any) => a.name)).toEqual(['api-docs', 'code-reviewer', 'review', 'reviewer-bot', 'test-writer']);
    expect(json[1]).toEqual({
      name: 'code-reviewer',
      latest: '1.10.0',
      versions: ['1.2.0', '1.9.0', '1.10.0'],
      description: 'Reviews pull requests for correctness.',
      registry: 'bundled',
    });
    expect(json[0].description).toBe('Writes API docs and asks for a review.\nSecond line of the description.');

    const text = await sb.run(['search']);
    const rows = tableRows(text.stdout);
    expect(rows.find((r) => r[0] === 'api-docs')).toEqual(['api-docs', '1.0.0', 'Writes API docs and asks for a review.', 'bundled']);
    const long = rows.find((r) => r[0] === 'test-writer')!;
    expect(long[2]).toBe('Writes thorough unit and integration tests for every module…');
    expect([...long[2]!].length).toBeLessThanOrEqual(60);
    // Every row keeps the columns aligned.
    const lines = text.stdout.trimEnd().split('\n');
    const registryColumn = lines[0]!.indexOf('REGISTRY');
    for (const line of lines.slice(1)) expect(line.indexOf('bundled')).toBe(registryColumn);
  });

  it('an empty registry has nothing to list', async () => {
    const sb = makeSandbox({ packageRoot: makeRegistryRoot({}) });
    const result = await sb.run(['search']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('No agents available.\n');
    expect((await sb.run(['search', '--json'])).json()).toEqual([]);
  });
});

describe('info', () => {
  it('shows the latest version: description with real newlines, versions, model, tools, color, registry, install command', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['info', FASTAPI, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const json = result.json();
    expect(json).toEqual({
      ok: true,
      name: FASTAPI,
      version: '1.1.0',
      latest: '1.1.0',
      versions: ['1.0.0', '1.1.0'],
      description: expect.stringMatching(/^Use this agent to build, modify or review FastAPI backends/),
      model: 'sonnet',
      tools: FASTAPI_110_TOOLS,
      color: 'pink',
      grants: expect.objectContaining({ loaded: true, tools: expect.objectContaining({ effective: { kind: 'list', names: FASTAPI_110_TOOLS } }) }),
      registry: 'bundled',
      detailsFrom: 'file',
      installed: { project: null, user: null },
      install: `agent-install add ${FASTAPI}`,
    });
    expect(json.description).toContain('\n<uses the Agent tool to launch fastapi-backend-builder>\n');
    expect(json.description).not.toContain('\\n');

    const text = await sb.run(['info', FASTAPI]);
    expect(text.exitCode).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`${FASTAPI}@1.1.0`);
    expect(lines).toContain('versions  1.0.0, 1.1.0');
    expect(lines).toContain(`tools     ${FASTAPI_110_TOOLS.join(', ')}`);
    expect(lines).toContain('model     sonnet');
    expect(lines).toContain('color     pink');
    expect(lines).toContain(`grants    tools: ${FASTAPI_110_TOOLS.join(', ')} (unrestricted Bash)`);
    expect(lines).toContain('registry  bundled');
    expect(lines).toContain('project   not installed');
    expect(lines).toContain('**Examples:**');
    expect(lines.at(-2)).toBe(`install   agent-install add ${FASTAPI}`);
  });

  it('name@range describes the newest version the range allows; a range nothing satisfies is exit 1', async () => {
    const sb = makeSandbox();
    const old = await sb.run(['info', `${FASTAPI}@~1.0`, '--json']);
    expect(old.exitCode, old.stderr).toBe(0);
    expect(old.json()).toMatchObject({ version: '1.0.0', latest: '1.1.0', tools: null, install: `agent-install add '${FASTAPI}@~1.0'` });
    expect(old.json().description).toMatch(/^Use this agent when you need to build, modify, or review FastAPI/);
    const text = await sb.run(['info', `${FASTAPI}@1.0.0`]);
    expect(text.stdout.split('\n')).toEqual(
      expect.arrayContaining([`${FASTAPI}@1.0.0 (latest: 1.1.0)`, 'tools     all tools', `install   agent-install add ${FASTAPI}@1.0.0`]),
    );

    const missing = await sb.run(['info', `${FASTAPI}@^2`, '--json']);
    expect(missing.exitCode).toBe(1);
    expect(missing.json().error).toMatchObject({ code: 'VERSION_NOT_FOUND', hint: 'Available versions: 1.0.0, 1.1.0.' });
  });

  it('says where the agent is installed, per scope, and at which version', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', `${FASTAPI}@1.0.0`])).exitCode).toBe(0);
    expect((await sb.run(['add', FASTAPI, '-g'])).exitCode).toBe(0);
    const json = (await sb.run(['info', FASTAPI, '--json'])).json();
    const effective = { loaded: true, reason: null, name: FASTAPI, model: 'sonnet', disallowedTools: 'none', permissionMode: null, dropped: [] };
    expect(json.installed).toEqual({
      project: {
        version: '1.0.0',
        requested: '1.0.0',
        source: `${FASTAPI}@1.0.0`,
        registry: 'bundled',
        path: `${FASTAPI}.md`,
        agent: expect.objectContaining(effective),
        grants: expect.objectContaining({ loaded: true, hooks: [] }),
      },
      user: {
        version: '1.1.0',
        requested: '^1.1.0',
        source: `${FASTAPI}@1.1.0`,
        registry: 'bundled',
        path: `${FASTAPI}.md`,
        agent: expect.objectContaining(effective),
        grants: expect.objectContaining({ loaded: true, hooks: [] }),
      },
    });
    const lines = (await sb.run(['info', FASTAPI])).stdout.split('\n');
    expect(lines).toContain('project   1.0.0 (1.1.0 available)');
    expect(lines).toContain('user      1.1.0');
    expect(lines.filter((line) => line === '  loaded      yes')).toHaveLength(2);
    expect(lines).toContain('  model       sonnet');
    // In the user scope the install command says so.
    expect((await sb.run(['info', FASTAPI, '-g', '--json'])).json().install).toBe(`agent-install add ${FASTAPI} -g`);
  });

  it('shows the grants of the version it describes; --json gives them, and those of each installed file, as data', async () => {
    const sb = makeSandbox();
    const old = await sb.run(['info', `${FASTAPI}@1.0.0`]);
    expect(old.stdout.split('\n')).toContain('grants    tools: all (incl. unrestricted Bash)');
    expect((await sb.run(['info', `${FASTAPI}@1.0.0`, '--json'])).json().grants.tools).toMatchObject({
      declared: 'all',
      effective: { kind: 'all' },
      bash: { access: 'unrestricted', patterns: [] },
    });
    // An installed file edited to add a hook: its grants say so.
    expect((await sb.run(['add', FASTAPI])).exitCode).toBe(0);
    const file = `.claude/agents/${FASTAPI}.md`;
    sb.write({ [file]: sb.read(file).replace(/^name: .*$/m, (line) => `${line}\nhooks:\n  Stop:\n    - hooks: [{type: command, command: make notify}]`) });
    const json = (await sb.run(['info', FASTAPI, '--json'])).json();
    expect(json.installed.project.grants.hooks).toEqual([{ event: 'Stop', type: 'command', command: 'make notify' }]);
    expect(json.grants.hooks).toEqual([]);
  });

  it('shows the installed file as Claude Code would load it, edits and all', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', FASTAPI])).exitCode).toBe(0);
    const file = `.claude/agents/${FASTAPI}.md`;
    const text = sb.read(file);
    // An edit that Claude Code cannot load: a hook under a guard event with no command.
    sb.write({ [file]: text.replace(/^name: .*$/m, (line) => `${line}\nhooks:\n  PreToolUse:\n    - hooks: [{type: command}]`) });
    const json = (await sb.run(['info', FASTAPI, '--json'])).json();
    expect(json.installed.project.agent).toMatchObject({ loaded: false, name: FASTAPI, reason: expect.stringMatching(/^hooks-guard-invalid: /) });
    const lines = (await sb.run(['info', FASTAPI])).stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}loaded {6}no: hooks-guard-invalid: /));
    // A missing file.
    rmSync(path.join(sb.project, file));
    expect((await sb.run(['info', FASTAPI, '--json'])).json().installed.project.agent).toBeNull();
    expect((await sb.run(['info', FASTAPI])).stdout).toContain(`  loaded      no: the file ${FASTAPI}.md is missing`);
  });

  it('a missing HOME does not break it: the user scope is simply unknown', async () => {
    const sb = makeSandbox();
    const gone = path.join(sb.root, 'no-such-home');
    const result = await sb.run(['info', FASTAPI, '--json'], { env: { HOME: gone } });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.json().installed).toEqual({ project: null, user: null });
    const text = await sb.run(['info', FASTAPI], { env: { HOME: gone } });
    expect(text.exitCode).toBe(0);
    expect(text.stdout.split('\n')).toContain('user      unknown (no home folder)');
  });

  it('renders tools as Claude Code reads them: a list, all tools, or none', async () => {
    const sb = makeSandbox({ packageRoot: customRoot() });
    const reviewer = (await sb.run(['info', 'code-reviewer', '--json'])).json();
    expect(reviewer).toMatchObject({ version: '1.10.0', versions: ['1.2.0', '1.9.0', '1.10.0'], model: 'opus', tools: ['Read', 'Grep'], color: 'blue' });
    const docs = await sb.run(['info', 'api-docs']);
    expect(docs.stdout.split('\n')).toEqual(expect.arrayContaining(['tools     all tools', 'model     not set (Claude Code’s default)', 'color     none']));
    expect(docs.stdout).toContain('\nWrites API docs and asks for a review.\nSecond line of the description.\n');
    const bot = await sb.run(['info', 'reviewer-bot']);
    expect(bot.stdout.split('\n')).toContain('tools     none (`tools:` is empty: the agent gets no tools)');
    expect((await sb.run(['info', 'reviewer-bot', '--json'])).json().tools).toEqual([]);
  });

  it('an unknown name is exit 1, AGENT_NOT_FOUND, with a did-you-mean and the available names', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['info', 'fastapi', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error).toMatchObject({
      code: 'AGENT_NOT_FOUND',
      message: 'Agent "fastapi" not found in the bundled registry.',
      details: { available: [FASTAPI], suggestion: FASTAPI },
    });
    expect(result.json().error.hint).toContain(`Did you mean "${FASTAPI}"?`);
    const text = await sb.run(['info', 'fastapi-backend-bulider']);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain(`Did you mean "${FASTAPI}"? Available: ${FASTAPI}.`);
    const custom = await sb.run(['info', 'zzz', '--json'], { packageRoot: customRoot() });
    expect(custom.json().error.hint).toBe('Available: api-docs, code-reviewer, review, reviewer-bot, test-writer. See `agent-install search`.');
  });

  it('something that is not a name is a usage error (exit 2), as is a missing name', async () => {
    const sb = makeSandbox();
    const pathLike = await sb.run(['info', './agent.md', '--json']);
    expect(pathLike.exitCode).toBe(2);
    expect(pathLike.json().error.code).toBe('USAGE');
    expect((await sb.run(['info'])).exitCode).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Static registries over loopback http.

const REVIEWER_100 = agentText('code-reviewer', 'tools: Read\n');
// A plain scalar with `\n`: the index keeps the first line, the file has both.
const REVIEWER_110 = agentFile(
  'name: code-reviewer\ndescription: Reviews code for bugs.\\nUse it after every change.\ntools: Read, Grep\nmodel: haiku\ncolor: green\n',
);
const WRITER = agentText('test-writer');

function writeRegistry(sb: Sandbox, name: string, files: Record<string, string>): string {
  const dir = path.join(sb.root, name);
  sb.write(files, dir);
  return dir;
}

async function serveFolder(dir: string, files: string[]): Promise<TestServer> {
  const server = await startServer();
  for (const file of ['index.json', ...files]) server.route(`/reg/${file}`, readFileSync(path.join(dir, file)));
  return server;
}

async function served() {
  const sb = makeSandbox();
  const files = {
    'agents/code-reviewer/1.0.0.md': REVIEWER_100,
    'agents/code-reviewer/1.1.0.md': REVIEWER_110,
    'agents/test-writer/0.9.0.md': WRITER,
    // Newer than 0.9.0, though not as a string.
    'agents/test-writer/0.10.0.md': WRITER,
    // Shadowed: the bundled registry owns this name.
    [`agents/${FASTAPI}/9.9.9.md`]: agentText(FASTAPI),
  };
  const dir = writeRegistry(sb, 'registry', files);
  expect((await sb.run(['registry', 'build', dir])).exitCode).toBe(0);
  const server = await serveFolder(dir, Object.keys(files));
  return { sb, server, index: `${server.origin}/reg/index.json` };
}

describe('search and info with static registries', () => {
  it('lists the bundled registry first, then the static one; a name the bundled registry owns is not repeated', async () => {
    const { sb, index } = await served();
    const result = await sb.run(['search', '--registry', index, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json()).toEqual([
      expect.objectContaining({ name: FASTAPI, latest: '1.1.0', versions: ['1.0.0', '1.1.0'], registry: 'bundled' }),
      { name: 'code-reviewer', latest: '1.1.0', versions: ['1.0.0', '1.1.0'], description: 'Reviews code for bugs.', registry: index },
      { name: 'test-writer', latest: '0.10.0', versions: ['0.9.0', '0.10.0'], description: 'Agent test-writer for tests.', registry: index },
    ]);
    const text = await sb.run(['search', 'review', '--registry', index]);
    expect(tableRows(text.stdout)).toEqual([
      ['code-reviewer', '1.1.0', 'Reviews code for bugs.', index],
      [FASTAPI, '1.1.0', 'Use this agent to build, modify or review FastAPI backends:…', 'bundled'],
    ]);
  });

  it('info reads the agent file from the registry: full description, model, tools, and an install command that finds it', async () => {
    const { sb, server, index } = await served();
    const result = await sb.run(['info', 'code-reviewer', '--registry', index, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({
      name: 'code-reviewer',
      version: '1.1.0',
      description: 'Reviews code for bugs.\nUse it after every change.',
      model: 'haiku',
      tools: ['Read', 'Grep'],
      color: 'green',
      registry: index,
      detailsFrom: 'file',
      install: `agent-install add code-reviewer --registry ${index}`,
    });
    expect(server.requests).toContain('/reg/agents/code-reviewer/1.1.0.md');
    // The printed command works.
    const install = result.json().install.split(' ').slice(1);
    const added = await sb.run(install);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(JSON.parse(sb.read('.claude/agents.lock.json')).agents['code-reviewer']).toMatchObject({ version: '1.1.0', registry: index });
    expect((await sb.run(['info', 'code-reviewer', '--registry', index, '--json'])).json().installed.project).toMatchObject({
      version: '1.1.0',
      registry: index,
    });
  });

  it('the first registry that lists a name owns it, in the order add uses', async () => {
    const { sb, index } = await served();
    const local = writeRegistry(sb, 'local-registry', { 'agents/code-reviewer/5.0.0.md': agentText('code-reviewer', 'model: opus\n') });
    expect((await sb.run(['registry', 'build', local])).exitCode).toBe(0);
    const localIndex = path.join(local, 'index.json');
    // A --registry flag comes before the project config.
    sb.write({ '.claude/agent-install.json': JSON.stringify({ registries: [index] }) });
    const json = (await sb.run(['search', 'code-reviewer', '--registry', localIndex, '--json'])).json();
    expect(json).toEqual([expect.objectContaining({ name: 'code-reviewer', latest: '5.0.0', versions: ['5.0.0'], registry: '../local-registry/index.json' })]);
    const info = (await sb.run(['info', 'code-reviewer', '--registry', localIndex, '--json'])).json();
    expect(info).toMatchObject({ version: '5.0.0', model: 'opus', install: `agent-install add code-reviewer --registry ${localIndex}` });
    // add agrees.
    expect((await sb.run(['add', 'code-reviewer', '--registry', localIndex])).exitCode).toBe(0);
    expect(JSON.parse(sb.read('.claude/agents.lock.json')).agents['code-reviewer']).toMatchObject({
      version: '5.0.0',
      registry: '../local-registry/index.json',
    });
    // Without the flag, the config's registry owns it; test-writer comes from there too.
    const fromConfig = (await sb.run(['search', 'writer', '--json'])).json();
    expect(fromConfig).toEqual([expect.objectContaining({ name: 'test-writer', registry: index })]);
    // info of the installed agent: the registry its lock entry records, as outdated and upgrade use it.
    expect((await sb.run(['info', 'code-reviewer', '--json'])).json()).toMatchObject({
      version: '5.0.0',
      registry: '../local-registry/index.json',
      install: 'agent-install add code-reviewer --registry ../local-registry/index.json',
    });
    expect((await sb.run(['remove', 'code-reviewer'])).exitCode).toBe(0);
    expect((await sb.run(['info', 'code-reviewer', '--json'])).json()).toMatchObject({
      version: '1.1.0',
      registry: index,
      install: 'agent-install add code-reviewer',
    });
  });

  it('--offline without a cached index: search lists what it can and warns; info of its agents is OFFLINE_MISSING', async () => {
    const { sb, server, index } = await served();
    const search = await sb.run(['search', '--offline', '--registry', index]);
    expect(search.exitCode).toBe(0);
    expect(tableRows(search.stdout).map((r) => r[0])).toEqual([FASTAPI]);
    expect(search.stderr).toContain(`skipped ${index}: --offline: the registry index ${index}: not in the cache.`);
    const json = await sb.run(['search', '--offline', '--registry', index, '--json']);
    expect(json.json().map((a: any) => a.name)).toEqual([FASTAPI]);
    const info = await sb.run(['info', 'code-reviewer', '--offline', '--registry', index, '--json']);
    expect(info.exitCode).toBe(1);
    expect(info.json().error.code).toBe('OFFLINE_MISSING');
    // Bundled agents need no network.
    expect((await sb.run(['info', FASTAPI, '--offline', '--registry', index])).exitCode).toBe(0);
    expect(server.requests).toEqual([]);
  });

  it('--offline with a cached index: search and info work from the cache, info from the index alone until the file is cached', async () => {
    const { sb, server, index } = await served();
    expect((await sb.run(['search', '--registry', index])).exitCode).toBe(0);
    expect(server.requests).toEqual(['/reg/index.json']);
    await server.close();

    const search = await sb.run(['search', 'review', '--offline', '--registry', index, '--json']);
    expect(search.exitCode, search.stderr).toBe(0);
    expect(search.json().map((a: any) => [a.name, a.registry])).toEqual([
      ['code-reviewer', index],
      [FASTAPI, 'bundled'],
    ]);

    const indexOnly = await sb.run(['info', 'code-reviewer', '--offline', '--registry', index, '--json']);
    expect(indexOnly.exitCode, indexOnly.stderr).toBe(0);
    expect(indexOnly.json()).toMatchObject({
      version: '1.1.0',
      description: 'Reviews code for bugs.',
      model: null,
      tools: null,
      color: null,
      detailsFrom: 'index',
    });
    const text = await sb.run(['info', 'code-reviewer', '--offline', '--registry', index]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout.split('\n')).toContain('tools     unknown (agent file not available)');
    expect(text.stderr).toContain('code-reviewer@1.1.0: showing the registry index only (--offline: code-reviewer@1.1.0');
  });

  it('--offline info reads a cached agent file', async () => {
    const { sb, server, index } = await served();
    // An install caches the index and the file.
    expect((await sb.run(['add', 'code-reviewer', '--registry', index])).exitCode).toBe(0);
    await server.close();
    const result = await sb.run(['info', 'code-reviewer', '--offline', '--registry', index, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({
      detailsFrom: 'file',
      model: 'haiku',
      tools: ['Read', 'Grep'],
      description: 'Reviews code for bugs.\nUse it after every change.',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The pure parts, table-driven.

const entry = (name: string, description: string): CatalogAgent => ({ name, description, registry: 'bundled', versions: ['1.0.0'], latest: '1.0.0' });

describe('searchCatalog', () => {
  const agents = [entry('alpha-docs', 'Mentions beta in passing.'), entry('beta-tester', 'Tests.'), entry('beta', 'Exact.'), entry('gamma', 'Nothing.')];
  it.each([
    ['', ['alpha-docs', 'beta-tester', 'beta', 'gamma']],
    ['   ', ['alpha-docs', 'beta-tester', 'beta', 'gamma']],
    ['BETA', ['beta', 'beta-tester', 'alpha-docs']],
    ['tester', ['beta-tester']],
    ['in passing', ['alpha-docs']],
    ['beta tests', ['beta-tester']],
    ['delta', []],
  ])('%j → %j', (query, names) => {
    expect(searchCatalog(agents, query).map((a) => a.name)).toEqual(names);
  });
});

describe('summarize and suggestAgentName', () => {
  it.each([
    ['One sentence. Another one.', 'One sentence.'],
    ['First line\nsecond line', 'First line'],
    ['Version 1.2 is here. Yes.', 'Version 1.2 is here.'],
    ['x'.repeat(70), `${'x'.repeat(59)}…`],
    ['', ''],
  ])('summarize(%j) = %j', (input, output) => {
    expect(summarize(input)).toBe(output);
  });

  it.each([
    ['fastpi', FASTAPI],
    ['fastapi', FASTAPI],
    ['backend', FASTAPI],
    ['fastapi-backend-bulider', FASTAPI],
    ['kubernetes', undefined],
    ['ab', undefined],
  ])('suggestAgentName(%j) = %j', (input, output) => {
    expect(suggestAgentName(input, [FASTAPI, 'code-reviewer'])).toBe(output);
  });
});
