import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { agentText, makeSandbox, type Sandbox } from '../helpers/sandbox.js';

// Keys every plain object inherits (or that set its prototype): as agent names they must be
// names like any other, in every command and in the lockfile on disk.
const NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'] as const;
const LOCK = '.claude/agents.lock.json';

const source = (name: string, edition = 1) => agentText(name, '', `You are ${name}, edition ${edition}.\n\nRules:\n- one\n- two\n- three\n`);

/** The lockfile's `agents` as JSON.parse reads it: `__proto__` is an own key there. */
function lockAgents(sb: Sandbox): Record<string, any> {
  return JSON.parse(sb.read(LOCK)).agents;
}

/** An own property only: `record.__proto__` on a plain object would be its prototype. */
function own(record: Record<string, any>, key: string): any {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function ownKeys(value: object): string[] {
  return Object.keys(value).sort();
}

function writeSources(sb: Sandbox, edition = 1): void {
  for (const name of NAMES) writeFileSync(path.join(sb.root, 'src', `${name}.md`), source(name, edition));
}

function localSandbox(): Sandbox {
  const sb = makeSandbox();
  sb.write({ 'src/.keep': '' }, sb.root);
  writeSources(sb);
  return sb;
}

const specs = NAMES.map((name) => `../src/${name}.md`);

describe('agent names that are object prototype keys', () => {
  it('add, list, verify, diff, outdated, upgrade, accept, install and remove treat them as names', async () => {
    const sb = localSandbox();
    const added = await sb.run(['add', ...specs, '--json']);
    expect(added.exitCode, added.stdout + added.stderr).toBe(0);
    expect(added.json().actions.map((a: any) => [a.action, a.name])).toEqual(NAMES.map((n) => ['create', n]));
    for (const name of NAMES) expect(sb.read(`.claude/agents/${name}.md`)).toBe(source(name));

    // The lockfile on disk holds every key, `__proto__` included, with its entry.
    const text = sb.read(LOCK);
    expect(text).toContain('"__proto__": {');
    const agents = lockAgents(sb);
    expect(ownKeys(agents)).toEqual([...NAMES].sort());
    expect(Object.getPrototypeOf(own(agents, '__proto__'))).toBe(Object.prototype); // an entry, not a prototype
    expect(own(agents, '__proto__')).toEqual({
      integrity: computeIntegrity(source('__proto__')),
      path: '__proto__.md',
      requested: '../src/__proto__.md',
      source: '../src/__proto__.md',
    });

    const listed = await sb.run(['list', '--project', '--json']);
    expect(listed.exitCode).toBe(0);
    expect(
      listed
        .json()
        .map((r: any) => [r.name, r.status])
        .sort(),
    ).toEqual(NAMES.map((n) => [n, 'ok']).sort());
    const verified = await sb.run(['verify', '--json']);
    expect(verified.exitCode, verified.stdout).toBe(0);
    expect(verified.json().agents).toHaveLength(NAMES.length);

    writeSources(sb, 2);
    const outdated = await sb.run(['outdated', '--json']);
    expect(outdated.exitCode).toBe(0);
    expect(
      outdated
        .json()
        .outdated.map((r: any) => r.name)
        .sort(),
    ).toEqual([...NAMES].sort());
    const diff = await sb.run(['diff', ...NAMES, '--json']);
    expect(diff.exitCode).toBe(0);
    expect(diff.json().agents.map((a: any) => [a.name, a.identical])).toEqual(NAMES.map((n) => [n, false]));

    // An edit to one of them is merged by upgrade, like any other agent's.
    writeFileSync(path.join(sb.project, '.claude/agents/__proto__.md'), `${source('__proto__')}- local\n`);
    const upgraded = await sb.run(['upgrade', '--json']);
    expect(upgraded.exitCode, upgraded.stdout + upgraded.stderr).toBe(0);
    const after = lockAgents(sb);
    for (const name of NAMES) expect(after[name].integrity).toBe(computeIntegrity(source(name, 2)));
    expect(sb.read('.claude/agents/__proto__.md')).toBe(`${source('__proto__', 2)}- local\n`);

    const accepted = await sb.run(['accept', '__proto__']);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(own(lockAgents(sb), '__proto__').accepted).toBe(computeIntegrity(`${source('__proto__', 2)}- local\n`));

    // A fresh checkout (files gone) is restored from the lockfile.
    for (const name of NAMES) rmSync(path.join(sb.project, `.claude/agents/${name}.md`));
    const installed = await sb.run(['install', '--json']);
    expect(installed.exitCode, installed.stdout + installed.stderr).toBe(0);
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) expect(sb.read(`.claude/agents/${name}.md`)).toBe(source(name, 2));

    for (const name of NAMES) {
      const removed = await sb.run(['remove', name, '--force']);
      expect(removed.exitCode, removed.stderr).toBe(0);
      expect(sb.exists(`.claude/agents/${name}.md`)).toBe(false);
      expect(Object.hasOwn(lockAgents(sb), name)).toBe(false);
    }
    expect(lockAgents(sb)).toEqual({});
  });

  it('survive a lockfile round trip: read, planned against and written again unchanged', async () => {
    const sb = localSandbox();
    await sb.run(['add', ...specs]);
    const before = lockAgents(sb);
    sb.write({ 'src/plain.md': agentText('plain') }, sb.root);
    expect((await sb.run(['add', '../src/plain.md'])).exitCode).toBe(0);
    const after = lockAgents(sb);
    expect(ownKeys(after)).toEqual([...NAMES, 'plain'].sort());
    for (const name of NAMES) expect(after[name]).toEqual(before[name]);
    // Removing another agent rewrites the lockfile without losing them either.
    expect((await sb.run(['remove', 'plain'])).exitCode).toBe(0);
    expect(sb.read(LOCK)).toBe(`${JSON.stringify({ agents: before, lockfileVersion: 2 }, null, 2)}\n`);
  });

  it('a hand-written lockfile with such keys is read as entries, not as an object prototype', async () => {
    const sb = localSandbox();
    await sb.run(['add', ...specs]);
    // `"__proto__"` first, as a hand edit might order it; a JSON reader that assigned it would
    // replace the prototype and lose the entry.
    const agents = lockAgents(sb);
    const reordered = `{\n  "lockfileVersion": 2,\n  "agents": {\n${NAMES.slice()
      .reverse()
      .map((n) => `    ${JSON.stringify(n)}: ${JSON.stringify(agents[n])}`)
      .join(',\n')}\n  }\n}\n`;
    writeFileSync(path.join(sb.project, LOCK), reordered);
    const verified = await sb.run(['verify', '--json']);
    expect(verified.exitCode, verified.stdout).toBe(0);
    expect(
      verified
        .json()
        .agents.map((a: any) => a.name)
        .sort(),
    ).toEqual([...NAMES].sort());
    const install = await sb.run(['install']);
    expect(install.exitCode, install.stderr).toBe(0);
    // `install` re-sorts the lockfile (the same entries, written deterministically).
    expect(lockAgents(sb)).toEqual(agents);
  });
});

describe('agent names that are object prototype keys, in a static registry', () => {
  function registry(sb: Sandbox, versions: string[] = ['1.0.0']): string {
    const dir = path.join(sb.root, 'registry');
    const tree: Record<string, string> = {};
    for (const name of NAMES) for (const v of versions) tree[`agents/${name}/${v}.md`] = agentText(name, '', `You are ${name} ${v}.\n`);
    sb.write(tree, dir);
    return dir;
  }

  it('registry build indexes them; search, info, add, outdated and upgrade find them', async () => {
    const sb = makeSandbox();
    const dir = registry(sb);
    const built = await sb.run(['registry', 'build', dir]);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stdout).toContain(`${NAMES.length} agents, ${NAMES.length} versions`);
    const indexText = readFileSync(path.join(dir, 'index.json'), 'utf8');
    expect(ownKeys(JSON.parse(indexText).agents)).toEqual([...NAMES].sort());

    const reg = ['--registry', path.join(dir, 'index.json')];
    const search = await sb.run([...reg, 'search', '--json']);
    expect(search.json().map((a: any) => a.name)).toEqual(expect.arrayContaining([...NAMES]));
    for (const name of NAMES) {
      const info = await sb.run([...reg, 'info', name, '--json']);
      expect(info.exitCode, info.stdout).toBe(0);
      expect(info.json()).toMatchObject({ name, version: '1.0.0', installed: { project: null } });
    }
    const added = await sb.run([...reg, 'add', ...NAMES]);
    expect(added.exitCode, added.stderr).toBe(0);
    const locked = lockAgents(sb);
    expect(ownKeys(locked)).toEqual([...NAMES].sort());
    expect(own(locked, '__proto__')).toMatchObject({ version: '1.0.0', source: '__proto__@1.0.0', requested: '^1.0.0' });

    registry(sb, ['1.1.0']);
    expect((await sb.run(['registry', 'build', dir])).exitCode).toBe(0);
    const outdated = await sb.run([...reg, 'outdated', '--json']);
    expect(
      outdated
        .json()
        .outdated.map((r: any) => [r.name, r.wanted])
        .sort(),
    ).toEqual(NAMES.map((n) => [n, '1.1.0']).sort());
    const upgraded = await sb.run([...reg, 'upgrade']);
    expect(upgraded.exitCode, upgraded.stderr).toBe(0);
    for (const name of NAMES) expect(lockAgents(sb)[name].version).toBe('1.1.0');
  });

  it('an index that does not list such a name is "not found", never a crash', async () => {
    const sb = makeSandbox();
    const dir = path.join(sb.root, 'registry');
    sb.write({ 'agents/other/1.0.0.md': agentText('other') }, dir);
    expect((await sb.run(['registry', 'build', dir])).exitCode).toBe(0);
    const reg = ['--registry', path.join(dir, 'index.json')];
    for (const name of NAMES) {
      for (const spec of [name, `${name}@1.0.0`]) {
        const result = await sb.run([...reg, 'add', spec, '--json']);
        expect(result.exitCode, result.stdout).toBe(1);
        expect(result.json().error.code).toBe('AGENT_NOT_FOUND');
      }
      const info = await sb.run([...reg, 'info', name, '--json']);
      expect(info.json().error.code).toBe('AGENT_NOT_FOUND');
    }
    // A lock entry naming that registry, which no longer lists the agent.
    const entry = (name: string) => ({
      integrity: computeIntegrity(agentText(name)),
      path: `${name}.md`,
      registry: path.relative(sb.project, path.join(dir, 'index.json')),
      requested: '^1.0.0',
      source: `${name}@1.0.0`,
      version: '1.0.0',
    });
    const agents = Object.fromEntries(NAMES.map((n) => [n, entry(n)]));
    sb.write({ '.claude/.keep': '' });
    writeFileSync(path.join(sb.project, LOCK), JSON.stringify({ lockfileVersion: 2, agents }));
    const install = await sb.run(['install', '--json']);
    expect(install.exitCode, install.stdout).toBe(1);
    expect(install.json().error.code).not.toBe('INTERNAL');
    expect(install.json().error.message).toMatch(/no longer lists/);
  });

  it('an index.json that lists them is read with every one (none becomes a prototype)', async () => {
    const sb = makeSandbox();
    const dir = path.join(sb.root, 'registry');
    const files: Record<string, string> = {};
    const agents: Record<string, unknown> = Object.create(null);
    for (const name of NAMES) {
      files[`${name}.md`] = agentText(name);
      agents[name] = { description: `Agent ${name}.`, versions: { '2.0.0': { url: `${name}.md`, integrity: computeIntegrity(agentText(name)) } } };
    }
    sb.write({ ...files, 'index.json': JSON.stringify({ indexVersion: 1, agents }) }, dir);
    const reg = ['--registry', path.join(dir, 'index.json')];
    const search = await sb.run([...reg, 'search', '--json']);
    expect(
      search
        .json()
        .filter((a: any) => a.latest === '2.0.0')
        .map((a: any) => a.name)
        .sort(),
    ).toEqual([...NAMES].sort());
    const added = await sb.run([...reg, 'add', '__proto__@2.0.0']);
    expect(added.exitCode, added.stderr).toBe(0);
    expect(sb.read('.claude/agents/__proto__.md')).toBe(agentText('__proto__'));
  });
});
