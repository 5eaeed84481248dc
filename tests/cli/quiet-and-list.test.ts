import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shortSource } from '../../src/commands/list.js';
import { startServer } from '../helpers/http-server.js';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

const NAME = 'fastapi-backend-builder';

describe('-q prints results and errors only', () => {
  it('verify -q: nothing when everything matches, the drifted rows alone when not', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', `${NAME}@1.0.0`])).exitCode).toBe(0);
    sb.write({ '.claude/agents/mine.md': agentText('mine') });
    expect(await sb.run(['verify', '-q'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    sb.write({ [`.claude/agents/${NAME}.md`]: agentText(NAME) });
    const drift = await sb.run(['verify', '-q']);
    expect(drift.exitCode).toBe(3);
    expect(drift.stdout).toMatch(new RegExp(`^modified +${NAME} +${NAME}\\.md\n$`));
  });

  it('install -q and add -q: only the rows of what changed', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['add', '-q', `${NAME}@1.0.0`])).stdout).toBe(`+ created        ${NAME}@1.0.0  ${NAME}.md\n`);
    expect(await sb.run(['install', '-q'])).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect((await sb.run(['install'])).stdout).toContain('= unchanged');
    expect((await sb.run(['remove', '-q', NAME])).stdout).toBe(`- removed        ${NAME}@1.0.0  ${NAME}.md\n`);
  });

  it('new -q: the created row alone', async () => {
    const sb = makeSandbox();
    expect(await sb.run(['new', 'my-agent', '-q'])).toMatchObject({ exitCode: 0, stdout: '+ created  .claude/agents/my-agent.md  (template: blank)\n' });
    expect((await sb.run(['new', 'my-other', '-q', '--dry-run'])).stdout).toBe('+ would create  .claude/agents/my-other.md  (template: blank)\n');
  });

  it('outdated -q: nothing when all is up to date, the table alone otherwise', async () => {
    const sb = makeSandbox();
    await sb.run(['add', `${NAME}@1.0.0`]);
    const outdated = await sb.run(['outdated', '-q']);
    expect(outdated.stdout.trimEnd().split('\n')).toHaveLength(2);
    await sb.run(['add', `${NAME}@^1.0.0`]);
    expect((await sb.run(['outdated', '-q'])).stdout).toBe('');
  });
});

describe('list', () => {
  it('-g with --project is a usage error', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['list', '-g', '--project']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('exclude each other');
  });

  it('-v shows where each file is; the user scope as ~/.claude/…', async () => {
    const sb = makeSandbox();
    await sb.run(['add', `${NAME}@1.0.0`]);
    expect((await sb.run(['add', '-g', `${NAME}@1.1.0`])).stdout).toContain('Locked in ~/.claude/agents.lock.json');
    const text = (await sb.run(['list', '-v'])).stdout;
    expect(text).toContain(`    file        .claude/agents/${NAME}.md\n`);
    expect(text).toContain(`    file        ~/.claude/agents/${NAME}.md\n`);
  });

  it('SOURCE: commit ids cut to 7 characters, long sources cut in the middle', () => {
    const sha = 'a'.repeat(40);
    expect(shortSource(`github:acme/agents/agents/reviewer.md#${sha}`)).toBe('github:acme/agents/agents/reviewer.md#aaaaaaa');
    const long = shortSource(`git+https://git.example.com/some/deeply/nested/group/agents.git#${sha}::path:agents/team/reviewer.md`);
    expect([...long]).toHaveLength(48);
    expect(long).toMatch(/^git\+https:\/\/git\.example\..*…agents\/team\/reviewer\.md$/);
    expect(shortSource('code-reviewer@1.0.0')).toBe('code-reviewer@1.0.0');
  });
});

describe('info of an agent installed from a static registry', () => {
  it('uses the registry the lockfile records, and says nothing of an unreachable extra registry', async () => {
    const sb = makeSandbox();
    const dir = path.join(sb.root, 'registry');
    sb.write({ 'agents/team-reviewer/1.0.0.md': agentText('team-reviewer'), 'agents/team-reviewer/1.1.0.md': agentText('team-reviewer') }, dir);
    expect((await sb.run(['registry', 'build', dir])).exitCode).toBe(0);
    const index = path.join(dir, 'index.json');
    expect((await sb.run(['add', '--registry', index, 'team-reviewer@^1.0'])).exitCode).toBe(0);

    const info = await sb.run(['info', 'team-reviewer']);
    expect(info.exitCode).toBe(0);
    expect(info.stdout).toContain('versions  1.0.0, 1.1.0');
    expect(info.stdout).toMatch(/install\s+agent-install add team-reviewer --registry \S*index\.json/);

    // A bundled agent: an extra registry that cannot be reached is no reason to warn.
    const server = await startServer();
    const gone = await sb.run(['info', NAME, '--registry', `${server.origin}/missing/index.json`]);
    expect(gone.exitCode).toBe(0);
    expect(gone.stderr).toBe('');
  });
});

describe('new --template code-reviewer', () => {
  it('without Bash, the prompt never tells the agent to run git or the checks', async () => {
    const sb = makeSandbox();
    const noBash = (await sb.run(['new', 'api-reviewer', '--template', 'code-reviewer', '--tools', 'Read, Grep, Glob', '--print'])).stdout;
    expect(noBash).toContain('tools: Read, Grep, Glob\n');
    expect(noBash).not.toMatch(/run `git|git diff|\{\{/);
    expect(noBash).toContain('you cannot run\ngit, linters or tests');
    const withBash = (await sb.run(['new', 'api-reviewer', '--template', 'code-reviewer', '--print'])).stdout;
    expect(withBash).toContain('tools: Read, Grep, Glob, Bash\n');
    expect(withBash).toContain('run `git status` and `git diff`');
    expect(withBash).not.toContain('{{');
  });
});
