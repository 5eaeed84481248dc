// Deterministic variants of agent files, rule family by rule family, for the differential test
// against the real Claude Code (run-oracle.mjs records its verdicts in verdicts.json;
// tests/claude-code.test.ts checks agent-install against them offline).
//
//   import { variants } from './generate.mjs'   → [{ id, family, files: [{ path, text | bytes, link? }] }]
//
// Each variant's agent is identified by its id (`v0001`…) in its name or, when the name is what is
// tested, in its description. Paths are relative to .claude/agents/.

const pad = (n) => String(n).padStart(4, '0');

function mulberry(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function variants() {
  const out = [];
  let n = 0;
  const add = (family, build) => {
    const id = `v${pad(++n)}`;
    const built = build(id);
    const files = Array.isArray(built) ? built : [{ path: `${family}/${id}.md`, text: built }];
    out.push({ id, family, files });
  };
  const fm = (lines, body = 'You are a test agent.\n') => `---\n${lines.join('\n')}\n---\n\n${body}`;
  const agent = (id, extra = [], body) => fm([`name: ${id}`, `description: test ${id}`, ...extra], body);

  // 1. name
  for (const value of ['""', 'null', '~', 'false', '0', '', '42', 'true', '[a, b]', '{a: 1}', '0.0', "''", '"0"', '" "', 'x'.repeat(10)])
    add('name', (id) => fm([`name: ${value === 'x'.repeat(10) ? `${id}-${value}` : value}`, `description: name test ${id}`]));
  for (const len of [250, 255, 256, 257, 300]) add('name', (id) => fm([`name: ${id}${'a'.repeat(len - id.length)}`, `description: long ${id}`]));
  for (const count of [126, 127, 128, 129]) add('name', (id) => fm([`name: "${id}${'😀'.repeat(count - 3)}"`, `description: emoji ${id}`]));
  for (const value of [
    '-lead',
    '--x',
    'x-',
    'a:b',
    'a：b',
    'a﹕b',
    'a︓b',
    'a∶b',
    'a꞉b',
    'a׃b',
    'Code Reviewer',
    'UPPER',
    'with.dot',
    'ünï',
    'a b c',
    '"q:uoted"',
    'tab\tin',
    'Explore',
  ])
    add('name', (id) =>
      fm([
        value === 'Explore'
          ? 'name: Explore'
          : value.startsWith('"')
            ? `name: "${id}${value.slice(1)}`
            : value.startsWith('-')
              ? `name: "${value}${id}"`
              : `name: "${id}${value}"`,
        `description: name rule ${id}`,
      ]),
    );
  // 2. description
  for (const value of [
    '',
    '""',
    '"   "',
    '42',
    'true',
    '[a, b]',
    '{a: 1}',
    'null',
    '"line\\\\nbreak"',
    'a\\nb\\nc',
    '"with \\"quotes\\""',
    "'single'",
    '|\n  block text\n  more',
    '>\n  folded\n  text',
    'plain\n  continued line',
  ])
    add('description', (id) => fm([`name: ${id}`, value === '' ? 'description:' : `description: ${value}`]));
  add('description', (id) => fm([`name: ${id}`]));
  // 3. frontmatter cut
  const cuts = [
    (id) => `\ufeff${agent(id)}`,
    (id) => `\ufeff\ufeff${agent(id)}`,
    (id) => `\n${agent(id)}`,
    (id) => `  ${agent(id)}`,
    (id) => agent(id).replace(/^---/, '---js'),
    (id) => agent(id).replace(/^---/, '--- yaml'),
    (id) => agent(id).replace(/^---/, '---   '),
    (id) => agent(id).replace(/^---\n/, '---\n\n\n'),
    (id) => agent(id).replace(/\n---\n/, '\n---   \n'),
    (id) => agent(id).replace(/\n---\n/, '\n--- trailing\n'),
    (id) => agent(id).replace(/\n---\n/, '\n----\n'),
    (id) => agent(id).replace(/\n/g, '\r\n'),
    (id) => agent(id).replace(/\n/g, '\r'),
    (id) => fm([`name: ${id}`, 'description: uses --- here']),
    (id) => fm([`name: ${id}`, 'description: "quoted --- inside"']),
    (id) => fm([`name: ${id}`, 'description: ok', 'notes: a---b']),
    (id) => `---\nname: ${id}\ndescription: never closed\n`,
    (id) => `---\n---\nname: ${id}\n`,
    (id) => `---\nname: ${id}\ndescription: d\n---`,
    (id) => `---\nname: ${id}\ndescription: d\n---body on same line`,
    (id) => `---\r\nname: ${id}\r\ndescription: crlf\r\n---\r\nbody`,
    (id) => `---\n  name: ${id}\n  description: indented\n---\n`,
    (id) => `---\nname: ${id}\ndescription: d\n...\n---\n`,
    (id) => `---\nname: ${id}\ndescription: d\n---\nname: other\n---\n`,
    (id) => `text before\n${agent(id)}`,
  ];
  for (const cut of cuts) add('frontmatter', cut);
  // 4. YAML features
  const yamlCases = [
    ['base: &b {model: sonnet}', '<<: *b'],
    ['<<: {model: opus}'],
    ['<<: [{model: opus}, {model: haiku}]'],
    ['model: haiku', '<<: {model: opus}'],
    ['"<<": {model: opus}'],
    ['model: !!str sonnet'],
    ['model: !!int "57"'],
    ['model: !custom sonnet'],
    ['model: ! sonnet'],
    ['model: !!binary c29ubmV0'],
    ['model: !<tag:yaml.org,2002:str> sonnet'],
    ['tags: ,leading comma'],
    [`k${'x'.repeat(1100)}: long key`],
    ['model: "\\ud800"'],
    ['model: "\\ud83d\\ude00"'],
    ['model: "\\x41\\u00e9\\U0001F600"'],
    ['model: "a\\tb"'],
    ['model: "\\q"'],
    ['model: sonnet', 'model: opus'],
    ['model: |', '  sonnet'],
    ['model: >-', '  son', '  net'],
    ['model: |2', '   sonnet'],
    ['model: "multi', '  line"'],
    ['model: plain', '  continued'],
    ['model: sonnet # comment'],
    ['model: sonnet#notcomment'],
    ['? model', ': sonnet'],
    ['[a, b]: x'],
    ['{a: 1}: x'],
    ['1: x', 'true: y', 'null: z'],
    ['__proto__: {model: opus}'],
    ['model: &m sonnet', 'other: *m'],
    ['other: *undefined'],
    ['model: [sonnet]'],
    ['model: {a: 1}'],
    ['model: 0x1F'],
    ['model: 1e3'],
    ['model: .inf'],
    ['model: yes'],
    ['model: True'],
    ['model: ~'],
    ['model:\tsonnet'],
    ['\tmodel: sonnet'],
    ['model: sonnet\t'],
    ['model: "sonnet"extra'],
    ["model: 'it''s'"],
    ['%YAML 1.2'],
    ['model: @x'],
    ['model: `x`'],
    ['model: %x'],
    ['model: a: b'],
    ['model: [a, b'],
    ['model: {a: 1'],
    ['list:', '- a', '- b'],
    ['list:', '  - a', '  -  b'],
    ['map:', '  a: 1', ' b: 2'],
    ['map:', '    a: 1', '  b: 2'],
    ['x: "\r\n  y"'],
    ['x: "a\rb"'],
    ['x: a\rmodel: opus'],
    ['x: \u2028y'],
    ['x: "\u0085"'],
    ['x: \u00a0y'],
  ];
  for (const lines of yamlCases) add('yaml', (id) => fm([`name: ${id}`, `description: yaml ${id}`, ...lines]));
  for (const depth of [10, 100, 500, 1000, 2000, 3000, 4500, 6000, 20000])
    add('yaml-depth', (id) => fm([`name: ${id}`, `description: flow depth ${depth}`, `x: ${'['.repeat(depth)}${']'.repeat(depth)}`]));
  for (const depth of [10, 100, 1000, 2000, 3000, 3500, 6000])
    add('yaml-depth', (id) => fm([`name: ${id}`, `description: block depth ${depth}`, 'x:', `${'- '.repeat(depth)}1`]));
  for (const depth of [10, 100, 1000, 2500, 3400, 4000])
    add('yaml-depth', (id) => fm([`name: ${id}`, `description: indent depth ${depth}`, ...Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`)]));
  add('yaml-size', (id) => fm([`name: ${id}`, `description: big list`, `x: [${Array(100000).fill('1').join(',')}]`]));
  add('yaml-size', (id) => fm([`name: ${id}`, `description: many keys`, ...Array.from({ length: 20000 }, (_, i) => `k${i}: v`)]));
  add('yaml-size', (id) => fm([`name: ${id}`, `description: comments`, ...Array(50000).fill('# padding comment line')]));
  add('yaml-size', (id) => {
    let s = 'a: &a [1,1,1,1,1,1,1,1,1]';
    for (const k of 'bcdefghi')
      s += `\n${k}: &${k} [${Array(9)
        .fill(`*${String.fromCharCode(k.charCodeAt(0) - 1)}`)
        .join(',')}]`;
    return fm([`name: ${id}`, 'description: alias bomb', ...s.split('\n')]);
  });
  add('yaml-size', (id) => {
    let s = 'a: &a [1,1,1,1,1,1,1,1,1]';
    for (const k of 'bcdef')
      s += `\n${k}: &${k} [${Array(9)
        .fill(`*${String.fromCharCode(k.charCodeAt(0) - 1)}`)
        .join(',')}]`;
    return fm([`name: ${id}`, 'description: small alias tree', ...s.split('\n')]);
  });
  // random YAML after name and description
  const rnd = mulberry(20261204);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const keys = ['a', 'b', 'notes', '"q k"', "'s k'", '1', 'true', 'k:x', '[a]', '{a: 1}', '~', '&x a', '*x', '!!str 5', 'key with spaces', 'model', 'color'];
  const scalars = [
    'x',
    'hello world',
    'a: b',
    'a:b',
    'x #c',
    'x#c',
    '"dq"',
    "'sq'",
    '"a\\nb"',
    '"\\u00e9"',
    "'it''s'",
    '12',
    '-3',
    '0x1F',
    '1e3',
    '.inf',
    'true',
    'yes',
    'null',
    '~',
    '',
    ',b',
    '[a, b]',
    '[a, [b, c]]',
    '{x: 1, y: [2]}',
    '{}',
    '[]',
    '*a',
    '&a v',
    '!!str 12',
    '!!int "5"',
    '! x',
    '|',
    '>',
    '|-',
    '- a',
    '? z',
    'a, b',
    'x]',
    'x}',
    '@x',
    '`x',
    '%x',
    '"unterminated',
    "'x",
    'Bash(git *), Read',
    '"multi\n  line"',
    'plain\n  continued',
    'a\tb',
    '…ü',
    '-',
    '---',
    '...',
    'x ---',
    ':',
    'a :b',
    '3.14',
    'sonnet',
    'red',
  ];
  const ws = [' ', '  ', '\t'];
  const nls = ['\n', '\n', '\n', '\r\n', '\n# comment\n', '\n  \n'];
  const value = (depth) => {
    const r = rnd();
    if (depth > 2 || r < 0.55) return pick(scalars);
    if (r < 0.7) {
      const ind = pick(['  ', '    ', ' ']);
      let s = '';
      for (let i = 0, count = 1 + Math.floor(rnd() * 3); i < count; i++) s += `${pick(nls)}${ind}- ${value(depth + 1).replace(/\n/g, `\n${ind}  `)}`;
      return s;
    }
    if (r < 0.85) {
      const ind = pick(['  ', '    ', ' ', '\t']);
      let s = '';
      for (let i = 0, count = 1 + Math.floor(rnd() * 3); i < count; i++)
        s += `${pick(nls)}${ind}${pick(keys)}:${pick(ws)}${value(depth + 1).replace(/\n/g, `\n${ind}  `)}`;
      return s;
    }
    if (r < 0.93) return `|${pick(['', '-', '+', '2'])}\n  line1\n  ${pick(['line2', ' more', '', '\tx'])}`;
    return `&anc ${pick(scalars)}`;
  };
  for (let i = 0; i < 650; i++) {
    let lines = '';
    for (let j = 0, count = 1 + Math.floor(rnd() * 3); j < count; j++)
      lines += `${pick(['', '', ' '])}${pick(keys)}${pick([':', ': ', ' :', ':\t'])}${value(0)}${pick(nls)}`;
    add('yaml-random', (id) => `---\nname: ${id}\ndescription: random ${id}\n${lines}---\nbody\n`);
  }
  // 5. lenient retry
  const lenientValues = [
    'Use for: schema design',
    'a {b}',
    'a [b]',
    'star *x',
    'amp &x',
    'hash #x',
    'bang !x',
    'pipe |x',
    'gt >x',
    'pct %x',
    'at @x',
    'tick `x`',
    '"already quoted": x',
    "'single: quoted'",
    '[Read, Write]',
    '[a: b]',
    'back\\slash: x',
    'quote " inside: x',
    'ok',
    'trailing: ',
    'x:y z: w',
  ];
  for (const v of lenientValues) {
    add('lenient', (id) => fm([`name: ${id}`, `description: ${v}`]));
    add('lenient', (id) => fm([`name: ${id}`, `description: lenient ${id}`, `model: ${v}`]));
    add('lenient', (id) => `---\r\nname: ${id}\r\ndescription: ${v}\r\n---\r\nbody`);
  }
  for (const lines of [
    ['\tmodel: sonnet'],
    ['model: sonnet', '\t\tcolor: red'],
    ['k1: a: b'],
    ['my-key_x: a: b'],
    ['KEY: a: b'],
    ['k: a: b', 'list:', '\t- x'],
    ['x:\r\tmodel: opus'],
  ])
    add('lenient', (id) => fm([`name: ${id}`, 'description: Use for: tabs', ...lines]));
  // 6. fields
  const fieldValues = {
    model: [
      'sonnet',
      'opus',
      'haiku',
      'inherit',
      'INHERIT',
      ' Inherit ',
      '  sonnet  ',
      '"   "',
      '""',
      '42',
      '[sonnet]',
      'claude-sonnet-4-5',
      'gpt-4',
      'fable',
      'default',
    ],
    tools: [
      'Read, Grep',
      'Read Grep Glob',
      '"Read\tGrep"',
      '[Read, "Bash(git *)"]',
      '"*"',
      '[Read, "*"]',
      'null',
      '""',
      'false',
      '0',
      '[]',
      '{a: 1}',
      '[1, 2]',
      '"Bash(a(b), c)"',
      'read',
      'Task',
      'mcp__srv__tool',
      '[Read, 5]',
    ],
    disallowedTools: ['Bash', '[Write, Edit]', 'null', '""', '5', '"*"'],
    color: ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'cyan', 'teal', 'Red', '""', '5'],
    permissionMode: ['default', 'acceptEdits', 'auto', 'dontAsk', 'bypassPermissions', 'plan', 'manual', 'Plan', 'yolo', '""', '5', 'null'],
    effort: ['low', 'medium', 'high', 'xhigh', 'max', 'HIGH', 'med', '5', '"5x"', '[high]', 'extreme', '1.5', '-3', '""', 'null', 'true'],
    maxTurns: ['20', '"20"', '"20 turns"', '"1e2"', '"1,000"', '[5]', '0', '-1', '1.5', 'true', '"abc"', 'null'],
    autoCompactWindow: ['100000', '99999', '"200000"', '"abc"', '150000.5'],
    memory: ['user', 'project', 'local', 'User', 'global', '""'],
    background: ['true', 'false', '"true"', '"false"', 'yes', '"yes"', '1', 'null'],
    isolation: ['worktree', 'remote', 'docker', '""'],
    omitClaudeMd: ['true', '"true"', 'yes', '1'],
    skills: ['a, b', '[a, b]', 'null', '5'],
    initialPrompt: ['"hello"', '"  "', '5', '[a]'],
    experimental: ['{cacheTtl: 5m}', '{cacheTtl: 2h}', '5', '{other: 1}'],
    observer: ['watcher', '"  "', '5'],
    observerMessage: ['"note"', '5'],
    observeToolResults: ['false', 'true', '"no"', 'maybe'],
    observeSubagents: ['false', '"false"', 'true'],
    mcpServers: [
      '[github]',
      '[{srv: {command: npx}}]',
      '[{srv: {type: http, url: "https://x.y"}}]',
      '[{srv: {type: sse}}]',
      '[{srv: {command: ""}}]',
      '[5]',
      '[{srv: {type: bogus}}]',
      'github',
      '{a: 1}',
      '[github, 5, {s: {command: x}}]',
    ],
  };
  for (const [key, values] of Object.entries(fieldValues))
    for (const v of values) add(`field-${key}`, (id) => fm([`name: ${id}`, `description: field ${id}`, `${key}: ${v}`]));
  for (const keysLine of [
    ['category: x'],
    ['a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', 'f: 6'],
    ['Name: x'],
    ['allowed-tools: Read'],
    ['when_to_use: x'],
    ['Tools: Read'],
  ])
    add('unknown-keys', (id) => fm([`name: ${id}`, `description: unknown ${id}`, ...keysLine]));
  // 7. hooks
  const events = [
    'PreToolUse',
    'PostToolUse',
    'PostToolUseFailure',
    'PostToolBatch',
    'Notification',
    'UserPromptSubmit',
    'UserPromptExpansion',
    'SessionStart',
    'SessionEnd',
    'Stop',
    'StopFailure',
    'SubagentStart',
    'SubagentStop',
    'PreCompact',
    'PostCompact',
    'PreModelSwitch',
    'PostModelSwitch',
    'PermissionRequest',
    'PermissionDenied',
    'Setup',
    'TeammateIdle',
    'TaskCreated',
    'TaskCompleted',
    'Elicitation',
    'ElicitationResult',
    'ConfigChange',
    'WorktreeCreate',
    'WorktreeRemove',
    'InstructionsLoaded',
    'CwdChanged',
    'FileChanged',
    'DirectoryAdded',
    'MessageDisplay',
    'PreSkillShellCommand',
  ];
  const hook = (event, entry, matcher = '') => ['hooks:', `  ${event}:`, `    - ${matcher}hooks:`, `        - ${entry}`];
  for (const event of events) {
    add('hooks-event', (id) => fm([`name: ${id}`, `description: hook ${id}`, ...hook(event, '{type: command, command: ./x.sh}')]));
    add('hooks-event', (id) => fm([`name: ${id}`, `description: hook bad ${id}`, ...hook(event, '{type: command, command: ./x.sh, timeout: -1}')]));
    add('hooks-event', (id) => fm([`name: ${id}`, `description: hook nonlist ${id}`, 'hooks:', `  ${event}: "echo"`]));
    add('hooks-event', (id) => fm([`name: ${id}`, `description: hook null ${id}`, 'hooks:', `  ${event}:`]));
    add('hooks-top', (id) => fm([`name: ${id}`, `description: top ${id}`, `${event}:`, '  - hooks: [{type: command, command: ./x.sh}]']));
  }
  for (const bad of ['pre', 'post', 'preToolUse', 'PRETOOLUSE', 'on_stop', 'Start']) {
    add('hooks-unknown', (id) => fm([`name: ${id}`, `description: unknown event ${id}`, 'hooks:', `  ${bad}: "echo hi"`]));
    add('hooks-unknown', (id) =>
      fm([`name: ${id}`, `description: unknown with guard ${id}`, 'hooks:', `  ${bad}:`, '    PreToolUse: [{hooks: [{type: command, command: x}]}]']),
    );
    add('hooks-unknown', (id) =>
      fm([`name: ${id}`, `description: unknown with matchers ${id}`, 'hooks:', `  ${bad}:`, '    - hooks: [{type: command, command: x}]']),
    );
  }
  const entries = [
    '{type: command, command: x}',
    '{type: command, command: ""}',
    '{type: command}',
    '{type: command, command: 5}',
    '{type: command, command: x, timeout: 0}',
    '{type: command, command: x, timeout: "30"}',
    '{type: command, command: x, timeout: 30}',
    '{type: command, command: x, async: "true"}',
    '{type: command, command: x, async: true}',
    '{type: command, command: x, shell: zsh}',
    '{type: command, command: x, shell: powershell}',
    '{type: command, command: x, args: [a, 1]}',
    '{type: command, command: x, onFailure: stop}',
    '{type: command, command: x, rewakeMessage: ""}',
    '{type: command, command: x, once: yes}',
    '{type: command, command: x, if: 5}',
    '{type: command, command: x, statusMessage: 5}',
    '{type: command, command: x, extra: 1}',
    '{type: prompt, prompt: check}',
    '{type: prompt}',
    '{type: prompt, prompt: p, model: 5}',
    '{type: prompt, prompt: p, continueOnBlock: "no"}',
    '{type: agent, prompt: p}',
    '{type: agent}',
    '{type: http, url: "https://example.com/hook"}',
    '{type: http, url: /hook}',
    '{type: http, url: "https://x", headers: {A: 1}}',
    '{type: http, url: "https://x", allowedEnvVars: [A]}',
    '{type: mcp_tool, server: s, tool: t}',
    '{type: mcp_tool, server: s}',
    '{type: mcp_tool, server: s, tool: t, input: 5}',
    '{type: mcp_tool, server: s, tool: t, onFailure: whatever}',
    '{type: shell, command: x}',
    '{command: x}',
    '{type: 5}',
    '"just a string"',
    '5',
    '{type: Command, command: x}',
  ];
  for (const event of ['PreToolUse', 'PostToolUse', 'PermissionRequest', 'Stop', 'PreSkillShellCommand'])
    for (const entry of entries) add('hooks-entry', (id) => fm([`name: ${id}`, `description: entry ${id}`, ...hook(event, entry)]));
  for (const event of ['PreToolUse', 'Stop']) {
    for (const matcher of ['matcher: Bash', 'matcher: 5', 'matcher: [a]', 'matcher: ""'])
      add('hooks-matcher', (id) =>
        fm([`name: ${id}`, `description: matcher ${id}`, 'hooks:', `  ${event}:`, `    - ${matcher}`, '      hooks: [{type: command, command: x}]']),
      );
    for (const shape of [
      '- "a string"',
      '- 5',
      '- {matcher: Bash}',
      '- {hooks: "x"}',
      '- {hooks: []}',
      '- {hooks: [{type: command, command: x}], PreToolUse: [1]}',
      '[]',
      '{}',
    ])
      add('hooks-matcher', (id) => fm([`name: ${id}`, `description: shape ${id}`, 'hooks:', `  ${event}:`, `    ${shape}`]));
  }
  for (const v of [
    '"echo"',
    '5',
    'true',
    '[]',
    '[a]',
    '{}',
    'null',
    '""',
    '0',
    'false',
    '{matcher: x, hooks: [{type: command, command: x}]}',
    '[{hooks: [{type: command, command: x}]}]',
    '{hooks: [{type: command, command: x}]}',
  ])
    add('hooks-value', (id) => fm([`name: ${id}`, `description: hooks value ${id}`, `hooks: ${v}`]));
  const guard = 'PreToolUse: [{hooks: [{type: command, command: x}]}]';
  const nests = [
    (g) => [`metadata: {${g}}`],
    (g) => [`mcpServers: [{${g}}]`],
    (g) => [`lspServers: {${g}}`],
    (g) => [`experimental: {${g}}`],
    (g) => [`x: {${g}}`],
    (g) => [`x: {a: {${g}}}`],
    (g) => [`x: {a: {b: {${g}}}}`],
    (g) => [`x: {a: {b: {c: {${g}}}}}`],
    (g) => [`x: {a: {b: {c: {d: {${g}}}}}}`],
    (g) => [`x: [{${g}}]`],
    (g) => [`x: [[[{${g}}]]]`],
    (g) => [`x: [[[[{${g}}]]]]`],
    (g) => [`x: {metadata: {${g}}}`],
    () => ['x: {matcher: Bash, hooks: [{type: command, command: x}]}'],
    () => ['x: {hooks: [{type: command, command: x}]}'],
    () => ['x: {hooks: {type: command}}'],
    () => ['x: {PreToolUse: []}'],
    () => ['x: {PreToolUse: null}'],
    () => ['Stop: {PreToolUse: [1]}'],
    () => ['Stop: [{hooks: [{type: command, command: x}]}]'],
    () => ['hooks:', '  Stop:', '    - hooks: [{type: command, command: x}]', '      nested: {PreToolUse: [1]}'],
    () => ['hooks:', '  Stop:', '    - hooks: [{type: command, command: x, PreToolUse: [1]}]'],
    () => ['x: {PermissionRequest: [1]}'],
    () => ['x: {PreSkillShellCommand: {a: 1}}'],
    () => ['PermissionRequest: []'],
    () => ['PreToolUse: null'],
  ];
  for (const nest of nests) add('hooks-guard', (id) => fm([`name: ${id}`, `description: guard ${id}`, ...nest(guard)]));
  // 8. files, encodings, discovery
  const enc = new TextEncoder();
  const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(enc.encode(p)) : Buffer.from(p))));
  add('files', (id) => [{ path: `files/${id}.MD`, text: agent(id) }]);
  add('files', (id) => [{ path: `files/${id}.Md`, text: agent(id) }]);
  add('files', (id) => [{ path: `files/${id}.markdown`, text: agent(id) }]);
  add('files', (id) => [{ path: `files/.${id}.md`, text: agent(id) }]);
  add('files', (id) => [{ path: `files/.hidden/${id}.md`, text: agent(id) }]);
  add('files', (id) => [{ path: `files/deep/a/b/c/${id}.md`, text: agent(id) }]);
  add('files', (id) => [{ path: `files/${id}`, text: agent(id) }]);
  add('files', (id) => [{ path: `files/${id}.md.txt`, text: agent(id) }]);
  add('encoding', (id) => [{ path: `encoding/${id}.md`, bytes: bytes(`---\nname: ${id}\ndescription: bad `, [0xff, 0xfe], ' utf8\n---\nbody\n') }]);
  add('encoding', (id) => [{ path: `encoding/${id}.md`, bytes: bytes(agent(id), [0xc3, 0x28, 0xa0, 0xa1]) }]);
  add('encoding', (id) => [{ path: `encoding/${id}.md`, bytes: bytes(agent(id), [0, 0, 1, 2]) }]);
  add('encoding', (id) => [{ path: `encoding/${id}.md`, bytes: bytes(`---\nname: ${id}\ndescription: nul`, [0], '\n---\nbody\n') }]);
  add('encoding', (id) => [{ path: `encoding/${id}.md`, bytes: bytes(`---\nname: ${id}\ndescription: latin1 `, [0xe9], '\n---\nbody\n') }]);
  add('encoding', (id) => [{ path: `encoding/${id}.md`, bytes: bytes(`---\nname: ${id}\ndescription: lone `, [0xed, 0xa0, 0x80], '\n---\nbody\n') }]);
  add('encoding', (id) => [{ path: `encoding/${id}.md`, bytes: Buffer.from(`\ufeff${agent(id)}`, 'utf16le') }]);
  add('size', (id) => [{ path: `size/${id}.md`, text: agent(id, [], 'x'.repeat(1048576 - agent(id, [], '').length)) }]);
  add('size', (id) => [{ path: `size/${id}.md`, text: agent(id, [], 'x'.repeat(1048577 - agent(id, [], '').length)) }]);
  add('size', (id) => [{ path: `size/${id}.md`, text: fm([`name: ${id}`, `description: ${'d'.repeat(1000000)}`]) }]);
  add('links', (id) => [
    { path: `links/${id}-target.txt`, text: agent(id) },
    { path: `links/${id}-link.md`, link: `${id}-target.txt` },
  ]);
  add('links', (id) => [
    { path: `links/${id}-target.md`, text: fm([`name: ${id}-t`, `description: link target ${id}`]) },
    { path: `links/${id}-link.txt`, link: `${id}-target.md` },
  ]);
  add('links', (id) => [
    { path: `links/${id}-real.md`, text: fm([`name: ${id}`, `description: real ${id}`]) },
    { path: `links/${id}-zlink.md`, link: `${id}-real.md` },
  ]);
  add('links', (id) => [{ path: `links/${id}-dangling.md`, link: `${id}-missing.md` }]);
  for (const [a, b] of [
    ['a', 'b'],
    ['b', 'a'],
    ['x/z', 'y'],
    ['A', 'a'],
    ['z', 'sub/a'],
  ])
    add('duplicates', (id) => [
      { path: `dups/${id}/${a}.md`, text: fm([`name: ${id}`, `description: from ${a}`]) },
      { path: `dups/${id}/${b}.md`, text: fm([`name: ${id}`, `description: from ${b}`]) },
    ]);
  add('duplicates', (id) => [
    { path: `dups/${id}/one.md`, text: fm([`name: ${id}`, 'description: first']) },
    { path: `dups/${id}/two.md`, text: fm([`name: ${id}`, 'description: second']) },
    { path: `dups/${id}/zzz.md`, text: fm([`name: ${id}`]) },
  ]);
  return out;
}
