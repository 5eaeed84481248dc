import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentFile } from '../../src/core/agent/parse.js';
import { quoteYamlString, renderAgent } from '../../src/core/agent/scaffold.js';
import { checkAgentText } from '../../src/core/agent/validate.js';
import { agentText, makeSandbox, REPO_ROOT } from '../helpers/sandbox.js';

const TEMPLATES = readdirSync(path.join(REPO_ROOT, 'templates'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3));
const AGENTS = '.claude/agents';

/** Every issue `validate` would report for a generated file. */
function issuesOf(text: string, name: string): string[] {
  return checkAgentText(text, { fileName: `${name}.md` }).issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`);
}

describe('new: templates', () => {
  it('ships at least blank, code-reviewer and backend-builder', () => {
    expect(TEMPLATES).toEqual(expect.arrayContaining(['blank', 'code-reviewer', 'backend-builder']));
  });

  const flagSets: Array<[string, string[]]> = [
    ['no flags', []],
    ['description', ['--description', 'Reviews diffs.\nUse after every change: "always".']],
    ['tools', ['--tools', 'Read, Grep, Glob, Bash(git diff:*), mcp__github__create_issue']],
    ['all tools', ['--tools', 'all']],
    ['model, colour, effort, memory', ['--model', 'opus', '--color', 'purple', '--effort', 'high', '--memory', 'project']],
    ['lines removed', ['--model', 'none', '--color', 'none']],
    ['a model id and a numeric effort', ['--model', 'claude-sonnet-4-5', '--effort', '3']],
    ['hostile description', ['--description', 'uses --- and ---- here; a: b # c\\d {x} [y] *z &w !v |u >t %s @r `q`\t\u2028end']],
  ];
  for (const template of TEMPLATES) {
    for (const [label, flags] of flagSets) {
      it(`${template} with ${label} validates with no warnings`, async () => {
        const sb = makeSandbox();
        const name = `my-${template}`;
        const result = await sb.run(['new', name, '--template', template, ...flags]);
        expect(result.stderr).toBe('');
        expect(result.exitCode).toBe(0);
        const text = sb.read(`${AGENTS}/${name}.md`);
        expect(issuesOf(text, name)).toEqual([]);
        expect(text).not.toMatch(/\{\{|\}\}/);
        const validate = await sb.run(['validate', '--strict', `${AGENTS}/${name}.md`]);
        expect(validate.exitCode).toBe(0);
        const check = checkAgentText(text);
        expect(check.agent?.name).toBe(name);
        const description = flags[flags.indexOf('--description') + 1];
        if (flags.includes('--description')) expect(check.agent?.description).toBe(description!.replace(/\\n/g, '\n'));
      });
    }
  }
});

describe('new: the file, as Claude Code’s wizard wrote it', () => {
  it('quoted name and description, tools as a comma list, then model, effort, color, memory, a blank line, the prompt', async () => {
    const sb = makeSandbox();
    const result = await sb.run([
      'new',
      'api-reviewer',
      '--template',
      'code-reviewer',
      '--description',
      'Reviews APIs.\nUse "proactively".',
      '--tools',
      'Read,Grep  Glob,Read',
      '--model',
      'sonnet',
      '--effort',
      'high',
      '--color',
      'cyan',
      '--memory',
      'user',
    ]);
    expect(result.exitCode).toBe(0);
    const text = sb.read(`${AGENTS}/api-reviewer.md`);
    expect(text.split('\n').slice(0, 11)).toEqual([
      '---',
      'name: "api-reviewer"',
      'description: "Reviews APIs.\\nUse \\"proactively\\"."',
      'tools: Read, Grep, Glob',
      'model: sonnet',
      'effort: high',
      'color: cyan',
      'memory: user',
      '---',
      '',
      'You are api-reviewer, a senior code reviewer.',
    ]);
    expect(text).toContain('Your description, which tells Claude Code when to call you: Reviews APIs.\nUse "proactively".\n');
    expect(text.endsWith('do not invent issues.\n')).toBe(true);
    expect(parseAgentFile(text).parse).toBe('strict');
  });

  it('all tools leaves the tools line out; the template defaults apply otherwise', async () => {
    const sb = makeSandbox();
    await sb.run(['new', 'all-tools', '--template', 'code-reviewer', '--tools', 'all']);
    await sb.run(['new', 'defaults', '--template', 'code-reviewer']);
    expect(sb.read(`${AGENTS}/all-tools.md`)).not.toMatch(/^tools:/m);
    const defaults = sb.read(`${AGENTS}/defaults.md`);
    expect(defaults).toMatch(/^tools: Read, Grep, Glob, Bash$/m);
    expect(defaults).toMatch(/^model: sonnet$/m);
    expect(defaults).toMatch(/^color: blue$/m);
    expect(defaults).toMatch(/^description: "Use the defaults agent to review code changes/m);
  });

  it('the blank template is the default', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['new', 'helper', '--json']);
    expect(result.json()).toMatchObject({
      ok: true,
      written: true,
      template: 'blank',
      name: 'helper',
      managed: false,
      path: path.join(sb.project, AGENTS, 'helper.md'),
    });
    expect(sb.read(`${AGENTS}/helper.md`)).toMatch(/^---\nname: "helper"\ndescription: "Use the helper agent when TODO/);
  });

  it('says where it writes and that the lockfile does not record it; list shows it as unmanaged', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['new', 'my-agent']);
    expect(result.stdout).toContain(`Creating in ${path.join(sb.project, AGENTS)} (project scope)`);
    expect(result.stdout).toContain('+ created  .claude/agents/my-agent.md  (template: blank)');
    expect(result.stdout).toContain('Not recorded in the lockfile');
    expect(sb.exists('.claude/agents.lock.json')).toBe(false);
    const rows = (await sb.run(['list', '--json'])).json();
    expect(rows).toEqual([expect.objectContaining({ name: 'my-agent', status: 'unmanaged' })]);
  });

  it('renderAgent / quoteYamlString escape what YAML and Claude Code would misread', () => {
    expect(quoteYamlString('a "b" \\ c\nd')).toBe('"a \\"b\\" \\\\ c\\nd"');
    expect(quoteYamlString('x --- y')).toBe('"x \\x2d-- y"');
    const text = renderAgent({ name: 'n-a-m', description: 'has --- inside', body: 'Body.' });
    expect(text).toBe('---\nname: "n-a-m"\ndescription: "has \\x2d-- inside"\n---\n\nBody.\n');
    expect(checkAgentText(text).agent?.description).toBe('has --- inside');
  });
});

describe('new: never overwrites, never duplicates a name', () => {
  it('an existing file: exit 1, file unchanged', async () => {
    const sb = makeSandbox({ tree: { [`${AGENTS}/taken.md`]: 'my own words\n' } });
    const result = await sb.run(['new', 'taken']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Refusing to overwrite .claude/agents/taken.md: it already exists.');
    expect(result.stderr).toContain('hint');
    expect(sb.read(`${AGENTS}/taken.md`)).toBe('my own words\n');
  });

  it('a dangling symbolic link at the target is not replaced', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, AGENTS), { recursive: true });
    symlinkSync(path.join(sb.root, 'elsewhere.md'), path.join(sb.project, AGENTS, 'linked.md'));
    expect((await sb.run(['new', 'linked'])).exitCode).toBe(1);
    expect(existsSync(path.join(sb.root, 'elsewhere.md'))).toBe(false);
  });

  it('an agent of that name anywhere in the tree: exit 1 naming the file', async () => {
    const sb = makeSandbox({ tree: { [`${AGENTS}/team/other-file.md`]: agentText('reviewer') } });
    const result = await sb.run(['new', 'reviewer', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({ ok: false, error: { code: 'AGENT_NAME_TAKEN', message: expect.stringContaining('team/other-file.md') } });
    expect(sb.exists(`${AGENTS}/reviewer.md`)).toBe(false);
  });

  it('a user agent of the same name is only a warning for a project agent', async () => {
    const sb = makeSandbox();
    sb.write({ '.claude/agents/shared-name.md': agentText('shared-name') }, sb.home);
    const result = await sb.run(['new', 'shared-name']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('shared-name: your user agent ~/.claude/agents/');
  });

  it('leaves no temporary file behind', async () => {
    const sb = makeSandbox();
    await sb.run(['new', 'tidy-agent']);
    expect(readdirSync(path.join(sb.project, AGENTS))).toEqual(['tidy-agent.md']);
  });
});

describe('new: scopes and modes', () => {
  it('-g writes under the user scope of the temporary HOME', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['new', 'home-agent', '-g']);
    expect(result.exitCode).toBe(0);
    expect(sb.exists('.claude/agents/home-agent.md', sb.home)).toBe(true);
    expect(sb.exists(AGENTS)).toBe(false);
    const config = path.join(sb.root, 'config');
    await sb.run(['new', 'config-agent', '-g'], { env: { CLAUDE_CONFIG_DIR: config } });
    expect(existsSync(path.join(config, 'agents', 'config-agent.md'))).toBe(true);
  });

  it('--print writes the file to stdout and nothing to disk', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['new', 'printed', '--template', 'backend-builder', '--print']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith('---\nname: "printed"\n')).toBe(true);
    expect(issuesOf(result.stdout, 'printed')).toEqual([]);
    expect(sb.exists('.claude')).toBe(false);
  });

  it('--dry-run writes nothing', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['new', 'dry-agent', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('would create  .claude/agents/dry-agent.md');
    expect(sb.exists(AGENTS)).toBe(false);
  });

  it('--color is the agent colour; the global --no-color still turns off output colour', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['new', 'coloured', '--color', 'red', '--no-color'], { env: { FORCE_COLOR: '1' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(sb.read(`${AGENTS}/coloured.md`)).toMatch(/^color: red$/m);
  });
});

describe('new: invalid input is refused with a clear error', () => {
  it.each<[string, string[], RegExp, RegExp]>([
    ['a path', ['../escape'], /Invalid agent name "..\/escape": it contains a path separator/, /agent-install new escape/],
    ['upper case', ['MyAgent'], /upper-case/, /agent-install new my-agent/],
    ['too short', ['ab'], /shorter than 3/, /3–50/],
    ['too long', ['a'.repeat(51)], /longer than 50/, /3–50/],
    ['a space', ['my agent'], /only letters, digits and `-`/, /agent-install new my-agent/],
    ['a trailing dash', ['agent-'], /must start and end/, /agent-install new agent/],
    ['a leading dash', ['--', '-agent'], /starts with `-`/, /agent-install new agent/],
    [
      'an unknown tool',
      ['ok-name', '--tools', 'Read, grep, Fetch'],
      /no tool `grep` \(did you mean `Grep`\?\), `Fetch` \(did you mean `WebFetch`\?\)/,
      /Claude Code tools: Agent/,
    ],
    ['empty tools', ['ok-name', '--tools', ''], /--tools is empty/, /--tools all/],
    ['a bad colour', ['ok-name', '--color', 'teal'], /--color "teal" is not a colour/, /red, blue, green, yellow, purple, orange, pink, cyan/],
    ['a near-miss colour', ['ok-name', '--color', 'bleu'], /did you mean `blue`/, /red, blue/],
    ['a bad model', ['ok-name', '--model', 'gpt-4'], /--model "gpt-4" is neither/, /sonnet, opus, haiku/],
    ['a bad effort', ['ok-name', '--effort', 'hgh'], /did you mean `high`/, /low, medium, high/],
    ['a bad memory', ['ok-name', '--memory', 'global'], /not a memory scope/, /user, project, local/],
    [
      'an unknown template',
      ['ok-name', '--template', 'code-review'],
      /Unknown template "code-review" \(did you mean `code-reviewer`\?\)/,
      /backend-builder, blank, code-reviewer/,
    ],
    ['an empty description', ['ok-name', '--description', '  '], /--description is empty/, /--description/],
  ])('%s', async (_label, args, message, hint) => {
    const sb = makeSandbox();
    const result = await sb.run(['new', ...args]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(hint);
    expect(sb.exists('.claude')).toBe(false);
    const json = await sb.run(['--json', 'new', ...args]);
    expect(json.json()).toMatchObject({ ok: false, error: { message: expect.stringMatching(message) } });
  });

  it('a template file is never executed or trusted blindly: a broken one is refused, not written', async () => {
    const sb = makeSandbox();
    const packageRoot = path.join(sb.root, 'pkg');
    mkdirSync(path.join(packageRoot, 'templates'), { recursive: true });
    writeFileSync(path.join(packageRoot, 'templates', 'evil.md'), '---js\n{ name: (globalThis.__templateRan = true, "x") }\n---\nBody\n');
    const result = await sb.run(['new', 'ok-name', '--template', 'evil'], { packageRoot });
    expect(result.exitCode).toBe(1);
    expect((globalThis as Record<string, unknown>).__templateRan).toBeUndefined();
    expect(sb.exists('.claude')).toBe(false);
    expect(readFileSync(path.join(packageRoot, 'templates', 'evil.md'), 'utf8')).toContain('---js');
  });
});
