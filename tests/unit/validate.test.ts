import { describe, expect, it } from 'vitest';
import { agentFrontmatterSchema, isRecognizedModel } from '../../src/core/agent/schema.js';
import { isKnownTool, splitToolsString } from '../../src/core/agent/tools.js';
import {
  type CheckOptions,
  checkAgentBytes,
  checkAgentText,
  findDuplicateNames,
  fixAgentText,
  ISSUE_CODES,
  MAX_AGENT_BYTES,
  toKebabCase,
} from '../../src/core/agent/validate.js';
import { didYouMean, editDistance } from '../../src/core/did-you-mean.js';

const file = (...lines: string[]) => lines.join('\n');
/** A valid agent with extra frontmatter lines. */
const agent = (...extra: string[]) => file('---', 'name: code-reviewer', 'description: Reviews code.', ...extra, '---', 'You review code.');
const codes = (text: string, options?: CheckOptions) => checkAgentText(text, options).issues.map((issue) => `${issue.severity}:${issue.code}`);

describe('checkAgentText: errors (Claude Code skips the file)', () => {
  it.each<[string, string, string[]]>([
    ['empty file', '', ['error:no-frontmatter']],
    ['no frontmatter', '# Code reviewer\n\nYou review code.', ['error:no-frontmatter']],
    ['blank line before ---', `\n${agent()}`, ['error:no-frontmatter']],
    ['indented ---', agent().replace(/^/gm, '  '), ['error:no-frontmatter']],
    ['text after the opening ---', agent().replace('---', '--- yaml'), ['error:no-frontmatter']],
    ['---js', agent().replace('---', '---js'), ['error:js-frontmatter']],
    ['---javascript', agent().replace('---', '---javascript'), ['error:js-frontmatter']],
    ['unclosed', file('---', 'name: a', 'description: b'), ['error:frontmatter-unclosed']],
    ['YAML fails twice', file('---', 'name: a', 'description: first', 'second line: x', '  user: "hi"', '---'), ['error:yaml-invalid']],
    ['name missing', file('---', 'description: b', '---'), ['error:name-missing']],
    ['name empty', file('---', 'name: ""', 'description: b', '---'), ['error:name-missing']],
    ['name null', file('---', 'name:', 'description: b', '---'), ['error:name-missing']],
    ['name a number', file('---', 'name: 123', 'description: b', '---'), ['error:name-not-string']],
    ['name a boolean', file('---', 'name: true', 'description: b', '---'), ['error:name-not-string']],
    ['name a list', file('---', 'name: [a]', 'description: b', '---'), ['error:name-not-string']],
    ['name starts with -', file('---', 'name: -reviewer', 'description: b', '---'), ['error:name-leading-dash']],
    ['name with a colon', file('---', 'name: "a:b"', 'description: b', '---'), ['error:name-colon']],
    ['name with a full-width colon', file('---', 'name: a：b', 'description: b', '---'), ['error:name-colon']],
    ['name over 256', file('---', `name: ${'a'.repeat(257)}`, 'description: b', '---'), ['error:name-too-long']],
    ['description missing', file('---', 'name: a', '---'), ['error:description-missing']],
    ['description empty', file('---', 'name: a', "description: ''", '---'), ['error:description-missing']],
    ['description a list', file('---', 'name: a', 'description: [x]', '---'), ['error:description-not-string']],
    ['description a number', file('---', 'name: a', 'description: 42', '---'), ['error:description-not-string']],
    ['hooks not a map', agent('hooks: echo hi'), ['error:hooks-invalid']],
    ['hooks a single matcher', agent('hooks:', '  matcher: Bash', '  hooks: [{type: command, command: x}]'), ['error:hooks-invalid']],
    ['hooks a list of matchers', agent('hooks:', '  - matcher: Bash', '    hooks: [{type: command, command: x}]'), ['error:hooks-invalid']],
    ['guard event not a list', agent('hooks:', '  PreToolUse: echo'), ['error:hooks-guard-invalid']],
    ['guard hook without command', agent('hooks:', '  PreToolUse:', '    - hooks:', '        - type: command'), ['error:hooks-guard-invalid']],
    [
      'guard hook of unknown type',
      agent('hooks:', '  PermissionRequest:', '    - hooks:', '        - type: shell', '          command: x'),
      ['error:hooks-guard-invalid'],
    ],
    [
      'guard hook with a bad field',
      agent('hooks:', '  PreSkillShellCommand:', '    - hooks: [{type: command, command: x, timeout: -1}]'),
      ['error:hooks-guard-invalid'],
    ],
    ['guard hooks under an unknown event', agent('hooks:', '  pre:', '    PreToolUse: [{hooks: []}]'), ['error:hooks-guard-invalid']],
    ['guard hooks inside a matcher of another event', agent('hooks:', '  Stop:', '    - PreToolUse: [x]'), ['error:hooks-guard-invalid']],
    ['guard event at the top level', agent('PreToolUse:', '  - hooks: []'), ['error:hooks-guard-outside', 'warning:unknown-key']],
    ['guard hooks inside another key', agent('settings:', '  PermissionRequest: [x]'), ['error:hooks-guard-outside', 'warning:unknown-key']],
    ['quoted value cut by ---', file('---', 'name: a', 'description: "uses --- here"', '---'), ['error:delimiter-in-value', 'error:yaml-invalid']],
    ['description lost to ---', file('---', 'name: a', 'description: --- here', '---'), ['error:description-missing', 'error:delimiter-in-value']],
    [
      '--- in a value of a file broken anyway',
      file('---', 'name: a', '  x: y', 'description: "x --- y"', '---'),
      ['error:yaml-invalid', 'warning:delimiter-in-value'],
    ],
  ])('%s', (_label, text, expected) => {
    const check = checkAgentText(text);
    expect(check.agent).toBeNull();
    expect(codes(text)).toEqual(expected);
  });

  it('file over 1 MiB', () => {
    expect(codes(agent(), { size: MAX_AGENT_BYTES + 1 })).toEqual(['error:file-too-large']);
    expect(checkAgentText(agent(), { size: MAX_AGENT_BYTES }).agent).not.toBeNull();
    const big = agent() + 'x'.repeat(MAX_AGENT_BYTES);
    expect(checkAgentText(big)).toMatchObject({ agent: null, issues: [{ code: 'file-too-large' }] });
    const unread = checkAgentBytes(new Uint8Array(0), { size: 5 * MAX_AGENT_BYTES });
    expect(unread.issues.map((issue) => issue.code)).toEqual(['file-too-large']);
  });

  it('a NUL byte inside the frontmatter breaks the YAML', () => {
    const check = checkAgentBytes(Buffer.from(file('---', 'name: a\u0000', 'description: b', '---')));
    expect(check.agent).toBeNull();
    expect(check.issues.map((issue) => `${issue.severity}:${issue.code}`)).toEqual(['error:yaml-invalid']);
  });
});

describe('checkAgentBytes: bytes Claude Code decodes (the agent loads)', () => {
  it.each<[string, Uint8Array, string[], { line: number; column: number }, string]>([
    ['NUL bytes in the prompt', Buffer.from(`${agent()}\u0000`), ['style:nul-bytes'], { line: 5, column: 17 }, 'You review code.\u0000'],
    [
      'invalid UTF-8',
      Buffer.concat([Buffer.from(agent()), Buffer.from([0xff, 0xfe, 0x00])]),
      ['warning:invalid-utf8', 'style:nul-bytes'],
      { line: 5, column: 17 },
      'You review code.\ufffd\ufffd\u0000',
    ],
    [
      'lone continuation byte',
      Buffer.concat([Buffer.from(agent()), Buffer.from([0x80])]),
      ['warning:invalid-utf8'],
      { line: 5, column: 17 },
      'You review code.\ufffd',
    ],
    [
      'invalid UTF-8 in a value',
      Buffer.concat([Buffer.from('---\nname: a\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n---\nbody\n')]),
      ['warning:invalid-utf8'],
      { line: 3, column: 17 },
      'body',
    ],
  ])('%s', (_label, bytes, expected, position, body) => {
    const check = checkAgentBytes(bytes);
    expect(check.agent).not.toBeNull();
    expect(check.issues.map((issue) => `${issue.severity}:${issue.code}`)).toEqual(expected);
    expect(check.issues[0]).toMatchObject(position);
    expect(check.document.body).toBe(body);
    for (const issue of check.issues) expect(issue.fix, issue.code).toBeTruthy();
  });

  it('reads each invalid sequence as U+FFFD, as Claude Code does', () => {
    const check = checkAgentBytes(Buffer.concat([Buffer.from('---\nname: a\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n---\n')]));
    expect(check.agent?.description).toBe('caf\ufffd');
  });
});

describe('checkAgentText: warnings (the agent loads)', () => {
  it.each<[string, string, string[], RegExp?]>([
    ['clean file', agent(), []],
    ['BOM', `\uFEFF${agent()}`, ['style:bom'], /without a byte-order mark/],
    ['CRLF', agent().replace(/\n/g, '\r\n'), ['style:crlf'], /LF/],
    ['allowed-tools', agent('allowed-tools: Read'), ['warning:unknown-key'], /did you mean `tools`/],
    ['disallowed-tools', agent('disallowed-tools: Bash'), ['warning:unknown-key'], /did you mean `disallowedTools`/],
    ['Model', agent('Model: opus'), ['warning:unknown-key'], /did you mean `model`/],
    ['unrelated key', agent('category: quality'), ['warning:unknown-key'], /remove `category`/],
    ['tools: (nothing)', agent('tools:'), ['warning:tools-empty'], /remove the `tools` line/],
    ['tools: ""', agent('tools: ""'), ['warning:tools-empty']],
    ['tools: []', agent('tools: []'), ['warning:tools-empty']],
    ['tools: a number', agent('tools: 5'), ['warning:tools-empty'], /Read, Grep, Glob/],
    ['tools: a mapping', agent('tools: {Read: true}'), ['warning:tools-empty'], /Read, Grep, Glob/],
    ['tools: true', agent('tools: true'), ['warning:tools-empty'], /Read, Grep, Glob/],
    ['disallowedTools: a number', agent('disallowedTools: 5'), ['warning:disallowed-tools-invalid'], /disallowedTools: Write, Edit/],
    ['tools: read', agent('tools: read'), ['warning:tools-empty', 'warning:tool-unknown'], /did you mean `Read`/],
    ['tools: Read, websearch', agent('tools: Read, websearch'), ['warning:tool-unknown'], /did you mean `WebSearch`/],
    ['tools: Copilot names', agent('tools: [codebase, editFiles]'), ['warning:tools-empty', 'warning:tool-unknown', 'warning:tool-unknown']],
    ['disallowedTools unknown', agent('disallowedTools: Wirte'), ['warning:tool-unknown'], /did you mean `Write`/],
    ['color: magenta', agent('color: magenta'), ['warning:color-invalid'], /use one of: red, blue, green/],
    ['color: Blue', agent('color: Blue'), ['warning:color-invalid'], /did you mean `color: blue`/],
    ['permissionMode', agent('permissionMode: acceptedits'), ['warning:permission-mode-invalid'], /acceptEdits/],
    ['effort', agent('effort: extreme'), ['warning:effort-invalid'], /low, medium, high/],
    ['maxTurns: 0', agent('maxTurns: 0'), ['warning:max-turns-invalid'], /positive integer/],
    ['maxTurns: "none"', agent('maxTurns: "none"'), ['warning:max-turns-invalid'], /positive integer/],
    ['memory', agent('memory: global'), ['warning:memory-invalid'], /user, project, local/],
    ['background: "yes"', agent('background: "yes"'), ['warning:background-invalid'], /`background: true` or `background: false`/],
    ['isolation', agent('isolation: container'), ['warning:isolation-invalid'], /worktree/],
    ['mcpServers: a string', agent('mcpServers: github'), ['warning:mcp-servers-invalid']],
    ['model: display name', agent('model: Claude Sonnet 4.5'), ['style:model-unknown'], /model: sonnet/],
    ['model: empty', agent('model: ""'), ['warning:model-invalid'], /or remove `model`/],
    ['model: blank', agent('model: "   "'), ['warning:model-invalid'], /or remove `model`/],
    ['model: number', agent('model: 4'), ['warning:model-invalid'], /or remove `model`/],
    ['hooks: (nothing)', agent('hooks:'), ['warning:hooks-empty']],
    ['hooks: unknown event', agent('hooks:', '  BeforeTool: []'), ['warning:hook-event-dropped'], /remove `BeforeTool`/],
    ['hooks: event not a list', agent('hooks:', '  Stop: echo'), ['warning:hook-event-dropped'], /remove `Stop`/],
    ['hooks: guard event null', agent('hooks:', '  PreToolUse: null'), ['warning:hook-event-dropped'], /remove `PreToolUse`/],
    ['hook without command', agent('hooks:', '  Stop:', '    - hooks:', '        - type: command'), ['warning:hook-dropped'], /hooks\.Stop\.0\.hooks\.0/],
    [
      'hook of unknown type',
      agent('hooks:', '  Stop:', '    - hooks:', '        - type: shell', '          command: x'),
      ['warning:hook-dropped'],
      /hooks\.Stop\.0\.hooks\.0/,
    ],
    ['hook matcher not a mapping', agent('hooks:', '  SessionStart: [echo]'), ['warning:hook-dropped'], /hooks\.SessionStart\.0/],
    ['non-guard event at the top level', agent('Stop:', '  - hooks: []'), ['warning:unknown-key'], /move it under `hooks:`/],
    ['name not kebab', file('---', 'name: Code Reviewer', 'description: b', '---'), ['style:name-not-kebab'], /name: code-reviewer/],
    ['name with underscores', file('---', 'name: code_reviewer', 'description: b', '---'), ['style:name-not-kebab'], /name: code-reviewer/],
    ['name of 256', file('---', `name: ${'a'.repeat(256)}`, 'description: b', '---'), ['style:name-not-kebab'], /^name: a{50}$/],
    ['name of 128 emoji (256 UTF-16 units)', file('---', `name: "${'😀'.repeat(128)}"`, 'description: b', '---'), ['style:name-not-kebab']],
    [
      'lenient retry needed',
      agent('initialPrompt: Start with: the diff'),
      ['warning:yaml-lenient'],
      /^quote the value: initialPrompt: "Start with: the diff"$/,
    ],
    ['lenient retry: tabs', agent('hooks:', '\tStop: []'), ['warning:yaml-lenient'], /two spaces/],
    ['--- inside a value', file('---', 'name: a', 'description: uses --- here', 'model: opus', '---'), ['warning:delimiter-in-value'], /—/],
    ['text after the closing ---', file('---', 'name: a', 'description: b', '--- end', 'body'), ['warning:closing-delimiter-text']],
    ['merge conflict in the body', `${agent()}\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> main\n`, ['warning:merge-conflict-markers'], /lines 6, 8, 10/],
  ])('%s', (_label, text, expected, fix) => {
    const check = checkAgentText(text);
    expect(check.agent, JSON.stringify(check.issues)).not.toBeNull();
    expect(codes(text)).toEqual(expected);
    for (const issue of check.issues) expect(issue.fix, issue.code).toBeTruthy();
    if (fix) expect(check.issues.map((issue) => issue.fix).join('\n')).toMatch(fix);
  });

  it.each<[string, string, CheckOptions, string[]]>([
    ['same name', agent(), { fileName: 'code-reviewer.md' }, []],
    ['other name', agent(), { fileName: 'reviewer.md' }, ['style:name-file-mismatch']],
    ['path given', agent(), { fileName: '/x/y/code-reviewer.md' }, []],
    ['registry layout', agent(), { fileName: '1.2.0.md', registryLayout: true }, []],
  ])('file name: %s', (_label, text, options, expected) => {
    expect(codes(text, options)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['sonnet', agent('model: sonnet')],
    ['INHERIT', agent('model: INHERIT')],
    ['full id', agent('model: claude-sonnet-4-20250514')],
    ['bedrock id', agent('model: us.anthropic.claude-3-7-sonnet-20250219-v1:0')],
    ['tools with rules and MCP', agent('tools: Read, Bash(git diff:*), Agent(a, b), mcp__github__create_issue, mcp__db, mcp__x__*')],
    ['tools list', agent('tools: [Read, "Bash(npm test:*)"]')],
    ['maxTurns as a string', agent('maxTurns: "20"')],
    ['maxTurns with a unit', agent('maxTurns: "20 turns"')],
    ['effort in capitals', agent('effort: HIGH')],
    ['effort: med', agent('effort: med')],
    ['background as a string', agent('background: "true"')],
    ['isolation: remote', agent('isolation: remote')],
    ['permissionMode: manual', agent('permissionMode: manual')],
    ['observer keys', agent('observer: watcher', 'observerMessage: hi', 'observeToolResults: "yes"', 'observeSubagents: false')],
    ['hooks: {}', agent('hooks: {}')],
    ['hooks: guard event with an empty list', agent('hooks:', '  PreToolUse: []')],
    ['description of spaces', file('---', 'name: code-reviewer', 'description: "   "', '---')],
    [
      'valid hooks',
      agent(
        'hooks:',
        '  PreToolUse:',
        '    - matcher: "Write|Edit"',
        '      hooks:',
        '        - type: command',
        '          command: ./check.sh',
        '          timeout: 30',
      ),
    ],
    [
      'all simple fields',
      agent(
        'color: cyan',
        'permissionMode: plan',
        'effort: 3',
        'maxTurns: 20',
        'memory: project',
        'background: true',
        'isolation: worktree',
        'skills: [a, b]',
        'mcpServers: [github, {db: {command: x}}]',
        'initialPrompt: go',
        'omitClaudeMd: false',
      ),
    ],
  ])('no issues: %s', (_label, text) => {
    expect(codes(text)).toEqual([]);
  });
});

describe('checkAgentText: what Claude Code loads', () => {
  it('turns literal backslash-n into newlines and keeps the data', () => {
    const check = checkAgentText(file('---', 'name: a', 'description: "one\\\\ntwo"', 'model: opus', 'color: red', 'x: 1', '---'));
    expect(check.agent).toEqual({
      name: 'a',
      description: 'one\ntwo',
      model: 'opus',
      color: 'red',
      data: { name: 'a', description: 'one\\ntwo', model: 'opus', color: 'red', x: 1 },
    });
  });

  it.each<[string, string, string[] | undefined]>([
    ['absent', agent(), undefined],
    ['star', agent('tools: "*"'), undefined],
    ['empty', agent('tools:'), []],
    ['string', agent('tools: Read, Grep Bash(git diff:*)'), ['Read', 'Grep', 'Bash(git diff:*)']],
    ['list', agent('tools: [Read, Grep]'), ['Read', 'Grep']],
  ])('tools %s', (_label, text, tools) => {
    expect(checkAgentText(text).agent?.tools).toEqual(tools);
  });

  it('drops an invalid colour but keeps any model string', () => {
    expect(checkAgentText(agent('color: magenta', 'model: gpt-4')).agent).toMatchObject({ model: 'gpt-4' });
    expect(checkAgentText(agent('color: magenta')).agent?.color).toBeUndefined();
  });

  it('gives a best-effort name for skipped files', () => {
    expect(checkAgentText(file('---', 'name: a', '---')).name).toBe('a');
    expect(checkAgentText(file('---', 'name: "broken"', 'description: x: y: z', '  u: "v', '---')).name).toBe('broken');
  });

  it('positions issues in the original text', () => {
    const check = checkAgentText(`\uFEFF---\r\nname: a\r\ndescription: b\r\ntools: Read, raed\r\ncolour: red\r\n---\r\n`);
    const at = Object.fromEntries(check.issues.map((issue) => [issue.code, [issue.line, issue.column]]));
    expect(at).toEqual({ bom: [1, 1], crlf: [1, 5], 'tool-unknown': [4, 14], 'unknown-key': [5, 1] });
  });

  it('suggests nothing from Object.prototype for keys and tools named like its properties', () => {
    const check = checkAgentText(agent('toString: x', 'constructor: y', 'tools: constructor, hasOwnProperty, Read'));
    const fixes = check.issues.map((issue) => `${issue.code} ${issue.fix}`);
    expect(fixes.join('\n')).not.toMatch(/function|native code|\[object/);
    expect(check.issues.filter((issue) => issue.code === 'unknown-key')).toHaveLength(2);
    expect(check.issues.filter((issue) => issue.code === 'tool-unknown')).toHaveLength(2);
  });

  it('gives the same issues the second time (suggestions and field checks are remembered)', () => {
    const text = agent('tools: search, fetch, Read, Raed, edit/editFiles', 'model: sonet', 'color: purpel', 'colour: red', 'effort: hgh');
    const first = checkAgentText(text, { fileName: 'x.md' });
    const again = checkAgentText(text, { fileName: 'x.md' });
    expect(again.issues).toEqual(first.issues);
    expect(first.issues.map((issue) => issue.code)).toEqual([
      'name-file-mismatch',
      'tool-unknown',
      'tool-unknown',
      'tool-unknown',
      'tool-unknown',
      'model-unknown',
      'color-invalid',
      'unknown-key',
      'effort-invalid',
    ]);
  });

  it('every code it emits is catalogued with its severity', () => {
    for (const [code, entry] of Object.entries(ISSUE_CODES)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
      expect(['error', 'warning', 'style', 'error or warning']).toContain(entry.severity);
      expect(entry.summary.length).toBeGreaterThan(0);
    }
  });
});

describe('findDuplicateNames', () => {
  it('Claude Code keeps the file whose path sorts last: an error on each other one, naming it', () => {
    const a = checkAgentText(agent());
    const b = checkAgentText(agent());
    const other = checkAgentText(file('---', 'name: other', 'description: x', '---'));
    const broken = checkAgentText(file('---', 'name: code-reviewer', '---'));
    const found = findDuplicateNames([
      { file: 'a.md', check: a },
      { file: 'x.md', check: other },
      { file: 'broken.md', check: broken },
      { file: 'c.md', check: b },
      { file: 'b.md', check: b },
    ]);
    expect(found.map((entry) => [entry.file, entry.winner, entry.issue.severity, entry.issue.code, entry.issue.line, entry.issue.column])).toEqual([
      ['a.md', 'c.md', 'error', 'duplicate-name', 2, 1],
      ['b.md', 'c.md', 'error', 'duplicate-name', 2, 1],
    ]);
    expect(found[0]!.issue.message).toBe(
      'the agent name `code-reviewer` is also used by c.md, whose path sorts later: Claude Code loads that one and not this file',
    );
    expect(found[0]!.issue.fix).toBeTruthy();
  });

  it('sorts by the sort key (the full path) as JavaScript sorts strings, not by the displayed path', () => {
    const a = checkAgentText(agent());
    const found = findDuplicateNames([
      { file: 'Z.md', sortKey: '/t/Z.md', check: a },
      { file: 'a.md', sortKey: '/t/a.md', check: a },
      { file: 'sub/b.md', sortKey: '/t/sub/b.md', check: a },
    ]);
    // Code-unit order: 'Z' < 'a' < 's'.
    expect(found.map((entry) => [entry.file, entry.winner])).toEqual([
      ['Z.md', 'sub/b.md'],
      ['a.md', 'sub/b.md'],
    ]);
  });
});

describe('fixAgentText', () => {
  it.each<[string, string, string, string[]]>([
    ['clean file unchanged', agent(), agent(), []],
    ['BOM', `\uFEFF${agent()}`, agent(), ['removed the byte-order mark']],
    ['CRLF', agent().replace(/\n/g, '\r\n'), agent(), ['converted CRLF line endings to LF']],
    [
      'lenient quoting',
      file('---', 'name: a', 'description: Use when: x', '---', 'Body: keeps {braces} & "quotes"'),
      file('---', 'name: a', 'description: "Use when: x"', '---', 'Body: keeps {braces} & "quotes"'),
      ['line 3: quoted the value of `description`'],
    ],
    ['lenient tabs', agent('hooks:', '\tStop: []'), agent('hooks:', '  Stop: []'), ['line 5: replaced leading tabs with spaces']],
    [
      'all at once',
      `\uFEFF---\r\nname: a\r\ndescription: b\r\nhooks:\r\n\tStop: []\r\n---\r\nbody\r\n`,
      '---\nname: a\ndescription: b\nhooks:\n  Stop: []\n---\nbody\n',
      ['line 5: replaced leading tabs with spaces', 'removed the byte-order mark', 'converted CRLF line endings to LF'],
    ],
    [
      // Claude Code skips it (no lenient quoting on CRLF lines); with LF it would load: not a fix to make silently.
      'CRLF kept where LF would change the verdict',
      `\uFEFF---\r\nname: a\r\ndescription: a: b\r\n---\r\nbody\r\n`,
      '---\r\nname: a\r\ndescription: a: b\r\n---\r\nbody\r\n',
      ['removed the byte-order mark'],
    ],
    [
      // A quoted value over CRLF lines reads `x`, newline, `y`; over LF lines `x y`.
      'CRLF kept where LF would change a value',
      '---\r\nname: a\r\ndescription: "x\r\n  y"\r\n---\r\nbody\r\n',
      '---\r\nname: a\r\ndescription: "x\r\n  y"\r\n---\r\nbody\r\n',
      [],
    ],
    ['failing YAML left alone', file('---', 'name: a', 'description: "x', '---'), file('---', 'name: a', 'description: "x', '---'), []],
  ])('%s', (_label, input, output, changes) => {
    const fixed = fixAgentText(input);
    expect(fixed).toEqual({ text: output, changes });
    expect(checkAgentText(fixed.text).agent?.data).toEqual(checkAgentText(input).agent?.data);
  });
});

describe('agentFrontmatterSchema', () => {
  it('checks known fields and keeps unknown keys', () => {
    expect(agentFrontmatterSchema.parse({ name: 'a', description: 'b', category: 'x' })).toEqual({ name: 'a', description: 'b', category: 'x' });
    const failed = agentFrontmatterSchema.safeParse({ name: '-a', description: 'b', color: 'teal' });
    expect(failed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['name', 'name-leading-dash'],
      ['color', 'color-invalid'],
    ]);
  });
});

describe('helpers', () => {
  it.each<[string, string[]]>([
    ['Read, Write', ['Read', 'Write']],
    ['Read Write\tEdit', ['Read', 'Write', 'Edit']],
    ['Bash(git diff:*), Read', ['Bash(git diff:*)', 'Read']],
    ['Agent(a, b) Task', ['Agent(a, b)', 'Task']],
    [' , Read,,', ['Read']],
    ['', []],
    ['*', ['*']],
  ])('splitToolsString(%j)', (input, expected) => {
    expect(splitToolsString(input)).toEqual(expected);
  });

  it.each<[string, boolean]>([
    ['Read', true],
    ['read', false],
    ['MultiEdit', true],
    ['Task(reviewer)', true],
    ['Bash(git diff:*)', true],
    ['mcp__github__create_issue', true],
    ['mcp__server__*', true],
    ['mcp__', false],
    ['*', true],
    ['codebase', false],
  ])('isKnownTool(%j) = %s', (input, expected) => {
    expect(isKnownTool(input)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['sonnet', true],
    ['Opus', true],
    ['inherit', true],
    ['fable', true],
    ['claude-opus-4-1-20250805', true],
    ['claude-sonnet-4-5@20250929', true],
    ['claude-sonnet-4[1m]', true],
    ['Claude Sonnet 4.5', false],
    ['gpt-4o', false],
    ['model', false],
  ])('isRecognizedModel(%j) = %s', (input, expected) => {
    expect(isRecognizedModel(input)).toBe(expected);
  });

  it.each<[string, string[], string | undefined]>([
    ['Name', ['name', 'description'], 'name'],
    ['disallowed-tools', ['tools', 'disallowedTools'], 'disallowedTools'],
    ['descripton', ['name', 'description'], 'description'],
    ['modle', ['model', 'memory'], 'model'],
    ['xyz', ['name', 'model'], undefined],
    ['fastapi-backend', ['fastapi-backend-builder', 'code-reviewer'], undefined],
    ['code-reviwer', ['fastapi-backend-builder', 'code-reviewer'], 'code-reviewer'],
  ])('didYouMean(%j)', (input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });

  it.each<[string, string, number]>([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
    ['same', 'same', 0],
  ])('editDistance(%j, %j) = %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
  });

  it.each<[string, string]>([
    ['Code Reviewer', 'code-reviewer'],
    ['codeReviewer', 'code-reviewer'],
    ['code_reviewer', 'code-reviewer'],
    ['Ünïcode  name!', 'unicode-name'],
  ])('toKebabCase(%j) = %j', (input, expected) => {
    expect(toKebabCase(input)).toBe(expected);
  });
});

describe('checkAgentText: bounded reports', () => {
  it('reports 20 unknown keys one by one and sums up the rest', () => {
    const keys = Array.from({ length: 35 }, (_, i) => `extra${i}: 1`).join('\n');
    const check = checkAgentText(`---\nname: x\ndescription: d\n${keys}\n---\nbody\n`);
    const unknown = check.issues.filter((i) => i.code === 'unknown-key');
    expect(unknown).toHaveLength(21);
    expect(unknown.filter((i) => i.message === '15 more keys Claude Code does not know and ignores (35 in all)')).toHaveLength(1);
    expect(check.agent?.name).toBe('x');
  });

  it('keeps a lenient-quote fix short for a huge value', () => {
    const check = checkAgentText(`---\nname: x\ndescription: uses: ${'a'.repeat(5000)}\n---\nbody\n`);
    const lenient = check.issues.find((i) => i.code === 'yaml-lenient')!;
    expect(lenient.fix!.length).toBeLessThan(200);
    expect(checkAgentText(`---\nname: x\ndescription: uses: short\n---\n`).issues.find((i) => i.code === 'yaml-lenient')!.fix).toBe(
      'quote the value: description: "uses: short"',
    );
  });
});
