/**
 * The agent-file parser (parse.ts: Claude Code's frontmatter cut, the lenient retry) and the YAML
 * parser under it (bun-yaml.ts: Bun's dialect), one row per case. What Claude Code itself does with
 * these texts is held to the real client by tests/claude-code.test.ts; here each rule of
 * docs/claude-code.md, sections 3 to 5, is pinned down with its value, its error and its offset.
 */
import { describe, expect, it } from 'vitest';
import { parseBunYaml, yamlWork } from '../../src/core/agent/bun-yaml.js';
import { quoteLenientValue, rewriteLenient } from '../../src/core/agent/lenient.js';
import { LineIndex } from '../../src/core/agent/line-index.js';
import { type AgentDocument, parseAgentFile } from '../../src/core/agent/parse.js';
import { parseYaml } from '../../src/core/agent/yaml.js';

/** The YAML work `fn` caused on this thread: texts parsed and tokens scanned. */
function countYamlWork<T>(fn: () => T): { result: T; parses: number; tokens: number } {
  const before = { ...yamlWork };
  const result = fn();
  return { result, parses: yamlWork.parses - before.parses, tokens: yamlWork.tokens - before.tokens };
}

const file = (...lines: string[]) => lines.join('\n');
const ok = (extra: string[] = [], body = 'You are an agent.') => file('---', 'name: a', 'description: b', ...extra, '---', body);

describe('parseAgentFile: splitting', () => {
  it.each<[string, string, Partial<AgentDocument>]>([
    ['plain file', ok(), { hasFrontmatter: true, parse: 'strict', frontmatterText: 'name: a\ndescription: b\n', body: 'You are an agent.' }],
    ['BOM is stripped', `\uFEFF${ok()}`, { hasBom: true, hasFrontmatter: true, parse: 'strict', data: { name: 'a', description: 'b' } }],
    ['CRLF line endings', ok().replace(/\n/g, '\r\n'), { hasCrlf: true, parse: 'strict', data: { name: 'a', description: 'b' } }],
    ['trailing spaces after the delimiters', file('---  ', 'name: a', '---\t', 'x'), { hasFrontmatter: true, data: { name: 'a' }, body: 'x' }],
    ['body is trimmed', file('---', 'name: a', '---', '', '  body  ', '', ''), { body: 'body' }],
    ['empty frontmatter', file('---', '---', 'x'), { hasFrontmatter: true, parse: 'strict', data: {} }],
    ['non-mapping YAML counts as empty', file('---', '- a', '- b', '---'), { parse: 'strict', data: {} }],
    ['scalar YAML counts as empty', file('---', 'just text', '---'), { parse: 'strict', data: {} }],
    ['empty file', '', { hasFrontmatter: false, parse: 'none', noFrontmatterReason: 'empty' }],
    ['no delimiter', '# Title\n\ntext', { hasFrontmatter: false, noFrontmatterReason: 'missing', body: '# Title\n\ntext' }],
    ['leading blank line', `\n${ok()}`, { hasFrontmatter: false, noFrontmatterReason: 'leading-whitespace' }],
    ['indented frontmatter', '    ---\n    name: a\n    ---\n', { hasFrontmatter: false, noFrontmatterReason: 'leading-whitespace' }],
    ['---js', file('---js', 'name: a', '---'), { hasFrontmatter: false, noFrontmatterReason: 'text-after-delimiter', delimiterSuffix: 'js' }],
    ['--- yaml', file('--- yaml', 'name: a', '---'), { hasFrontmatter: false, noFrontmatterReason: 'text-after-delimiter', delimiterSuffix: 'yaml' }],
    ['unclosed', file('---', 'name: a', 'description: b'), { hasFrontmatter: false, noFrontmatterReason: 'unclosed' }],
    ['opening line only', '---', { hasFrontmatter: false, noFrontmatterReason: 'unclosed' }],
  ])('%s', (_label, text, expected) => {
    expect(parseAgentFile(text)).toMatchObject(expected);
  });
});

describe('parseAgentFile: the frontmatter ends at the first `---`, even mid-line', () => {
  it.each<[string, string, Partial<AgentDocument>]>([
    [
      'unquoted value is cut',
      file('---', 'name: a', 'description: uses --- here', '---', 'body'),
      {
        parse: 'strict',
        data: { name: 'a', description: 'uses' },
        body: 'here\n---\nbody',
        closing: { position: { line: 3, column: 19 }, offset: 30, ownLine: false },
      },
    ],
    [
      'quoted value is cut and no longer parses',
      file('---', 'name: a', 'description: "uses --- here"', '---'),
      { parse: 'failed', data: {}, closing: { position: { line: 3, column: 20 }, offset: 31, ownLine: false } },
    ],
    [
      'a `----` line ends it too',
      file('---', 'name: a', '----', 'x'),
      { data: { name: 'a' }, body: '-\nx', closing: { position: { line: 3, column: 1 }, offset: 12, ownLine: false } },
    ],
  ])('%s', (_label, text, expected) => {
    expect(parseAgentFile(text)).toMatchObject(expected);
  });

  it('records the frontmatter as meant up to the first `---` line', () => {
    const document = parseAgentFile(file('---', 'name: a', 'description: uses --- here', 'model: opus', '---', 'body'));
    expect(document.intended).toEqual({
      frontmatterText: 'name: a\ndescription: uses --- here\nmodel: opus\n',
      data: { name: 'a', description: 'uses --- here', model: 'opus' },
      parse: 'strict',
      closingLine: 5,
    });
  });
});

describe('parseAgentFile: YAML', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['duplicate keys: last wins', ok(['name: c']), { name: 'c', description: 'b' }],
    ['YAML 1.2 core schema: yes is a string', file('---', 'name: yes', 'on: off', '---'), { name: 'yes', on: 'off' }],
    ['dates stay strings', file('---', 'name: 2024-01-01', '---'), { name: '2024-01-01' }],
    ['custom tags construct nothing', file('---', 'x: !!js/function "function(){}"', 'y: !foo bar', '---'), { x: 'function(){}', y: 'bar' }],
    ['merge keys', file('---', 'base: &b {model: opus, color: red}', 'x:', '  <<: *b', '  color: blue', '---'), { x: { color: 'blue', model: 'opus' } }],
    ['!!str is honoured, other tags ignored', file('---', 'a: !!str 5', 'b: !!int "57"', 'c: !!bool "true"', '---'), { a: '5', b: '57', c: 'true' }],
    ['a lone CR is a line break', '---\nname: a\rmodel: opus\n---\n', { name: 'a', model: 'opus' }],
    ['a plain scalar may start with a comma', file('---', 'tags: ,leading comma', '---'), { tags: ',leading comma' }],
    ['__proto__ is a plain key', file('---', '__proto__: {polluted: true}', 'name: a', '---'), { name: 'a' }],
    ['block scalars', file('---', 'description: |', '  line 1', '  line 2', '---'), { description: 'line 1\nline 2\n' }],
  ])('%s', (_label, text, data) => {
    const document = parseAgentFile(text);
    expect(document.parse).toBe('strict');
    expect(document.data).toMatchObject(data);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gives top-level key positions in the original text (last duplicate, BOM and CRLF included)', () => {
    const document = parseAgentFile(`\uFEFF---\r\nname: a\r\ndescription: b\r\nhooks:\r\n  Stop: []\r\nname: c\r\n---\r\n`);
    expect(['name', 'description', 'hooks', 'Stop', 'model'].map((key) => document.keyPosition(key))).toEqual([
      { line: 6, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
      undefined,
      undefined,
    ]);
    expect(document.frontmatterLine).toBe(2);
  });

  it.each<[string, string, string, { line: number; column: number }]>([
    ['an unclosed quote', file('---', 'name: a', 'description: "open', '---'), 'YAML Parse error: Unexpected EOF', { line: 4, column: 1 }],
    [
      'a second `: ` that the retry cannot quote (CRLF)',
      '---\r\nname: a\r\ndescription: a: b\r\n---\r\n',
      'YAML Parse error: Unexpected token',
      { line: 3, column: 15 },
    ],
    ['an unknown escape', file('---', 'name: a', 'description: "\\q"', '---'), 'YAML Parse error: Unexpected character', { line: 3, column: 16 }],
    ['a NUL byte', file('---', 'name: a\u0000', 'description: b', '---'), 'YAML Parse error: Unexpected character', { line: 2, column: 8 }],
  ])('reports the error of both parses with its position: %s', (_label, text, message, position) => {
    const document = parseAgentFile(text);
    expect(document.parse).toBe('failed');
    expect(document.parseError).toEqual({ message, position });
  });

  it('bounds alias expansion (billion laughs)', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const document = parseAgentFile(file('---', ...levels, '---'));
    // Strict parse refuses the alias count; the lenient retry then quotes the `&`/`*` values.
    expect(document.parse).toBe('lenient');
    expect(document.data.b).toBe('&b [*a, *a, *a, *a, *a, *a, *a, *a, *a]');
    // Nothing was expanded: every value is the line's own text.
    expect(Object.values(document.data).every((value) => typeof value === 'string')).toBe(true);
  });

  it('bounds nesting depth as Bun does: a one-line value too deep for it is quoted by the retry', () => {
    const { result: document, tokens } = countYamlWork(() => parseAgentFile(file('---', `name: ${'['.repeat(200_000)}`, '---')));
    // The strict parse gives up within Bun's depth (a few thousand tokens), the retry reads one string.
    expect(tokens).toBeLessThan(20_000);
    expect(document.parse).toBe('lenient');
    expect(document.data.name).toBe('['.repeat(200_000));
    expect(document.parseError?.message).toBe('Maximum call stack size exceeded.');
  });
});

describe('parseAgentFile: the lenient retry', () => {
  it('quotes `key: value` lines and records the rewrite', () => {
    const document = parseAgentFile(file('---', 'name: a', 'description: Use when: the user asks', 'tools: [Read, Grep]', 'model: "opus"', '---'));
    expect(document.parse).toBe('lenient');
    expect(document.data).toEqual({ name: 'a', description: 'Use when: the user asks', tools: ['Read', 'Grep'], model: 'opus' });
    expect(document.lenientRewrites).toEqual([
      { line: 3, key: 'description', original: 'description: Use when: the user asks', quoted: 'description: "Use when: the user asks"' },
    ]);
    expect(document.parseError?.position.line).toBe(3);
    expect(document.keyPosition('tools')).toEqual({ line: 4, column: 1 });
  });

  it('turns leading tabs into two spaces each', () => {
    const document = parseAgentFile(file('---', 'name: a', 'hooks:', '\tStop: []', '---'));
    expect(document.parse).toBe('lenient');
    expect(document.data).toEqual({ name: 'a', hooks: { Stop: [] } });
    expect(document.lenientTabLines).toEqual([4]);
  });

  it('fails when the retry fails too (unindented continuation lines)', () => {
    const document = parseAgentFile(file('---', 'name: a', 'description: first line', 'second line: with colon', '  user: "hi"', '---'));
    expect(document.parse).toBe('failed');
    expect(document.data).toEqual({});
    expect(document.parseError?.position.line).toBeGreaterThanOrEqual(4);
  });

  it('turns continuation lines that look like `key: value` into top-level keys', () => {
    const document = parseAgentFile(file('---', 'name: a', 'description: Examples: see below', 'user: "do it"', 'assistant: I will: now', '---'));
    expect(document.parse).toBe('lenient');
    expect(document.data).toEqual({ name: 'a', description: 'Examples: see below', user: 'do it', assistant: 'I will: now' });
  });
});

describe('rewriteLenient: one line', () => {
  it.each<[string, string]>([
    ['description: a: b', 'description: "a: b"'],
    ['description: plain words', 'description: plain words'],
    ['description: "a: b"', 'description: "a: b"'],
    ["description: 'a: b'", "description: 'a: b'"],
    ['tools: [Read, Grep]', 'tools: [Read, Grep]'],
    ['tools: [Read, Grep', 'tools: "[Read, Grep"'],
    ['tools: [a: b]', 'tools: [a: b]'],
    ['model: opus # best', 'model: "opus # best"'],
    ['description: path\\to "x" & y', 'description: "path\\\\to \\"x\\" & y"'],
    ['description:\tx: y', 'description: "x: y"'],
    ['disallowed-tools: Bash(rm:*)', 'disallowed-tools: "Bash(rm:*)"'],
    ['snake_key: @mention', 'snake_key: "@mention"'],
    ['  nested: a: b', '  nested: a: b'],
    ['key1: a: b', 'key1: a: b'],
    ['name:value: x', 'name:value: x'],
    ['- item: a: b', '- item: a: b'],
    ['\tStop: []', '  Stop: []'],
    ['\t\tx: y', '    x: y'],
    // A line that ends in CR never matches (JavaScript's `.` stops before it): CRLF files get no quoting.
    ['description: a: b\r', 'description: a: b\r'],
    ['\tStop: []\r', '  Stop: []\r'],
  ])('%j → %j', (line, expected) => {
    expect(rewriteLenient(line).text).toBe(expected);
  });
});

describe('LineIndex', () => {
  it.each<[string, number, { line: number; column: number }]>([
    ['abc', 0, { line: 1, column: 1 }],
    ['abc\ndef', 4, { line: 2, column: 1 }],
    ['abc\r\ndef', 6, { line: 2, column: 2 }],
    ['a\n\nb', 3, { line: 3, column: 1 }],
  ])('%j at %i', (text, offset, position) => {
    expect(new LineIndex(text).positionAt(offset)).toEqual(position);
  });

  it('gives line texts without line breaks', () => {
    const index = new LineIndex('a\r\nbc\n');
    expect([index.lineText(1), index.lineText(2), index.lineText(3), index.lineCount]).toEqual(['a', 'bc', '', 3]);
  });

  it('indexes lines on demand and answers as a full index would, in any order of questions', () => {
    const text = 'one\ntwo\r\n\nfour\nfive';
    const answers = (index: LineIndex) => [
      index.positionAt(1),
      index.lineText(4),
      index.positionAt(text.length),
      index.lineStart(3),
      index.lineText(9),
      index.lineStart(9),
      index.positionAt(5),
      index.lineCount,
      index.lineText(5),
      index.positionAt(-3),
    ];
    const expected = [
      { line: 1, column: 2 },
      'four',
      { line: 5, column: 5 },
      9,
      '',
      text.lastIndexOf('\n') + 1,
      { line: 2, column: 2 },
      5,
      'five',
      { line: 1, column: 1 },
    ];
    expect(answers(new LineIndex(text))).toEqual(expected);
    const warm = new LineIndex(text);
    expect(warm.lineCount).toBe(5);
    expect(answers(warm)).toEqual(expected);
  });
});

describe('parseBunYaml: Bun’s dialect', () => {
  it.each<[string, string, unknown]>([
    // Merge keys: `<<: *a`, `<<: [*a, *b]`, explicit keys win, even a quoted "<<" merges.
    ['merge of an alias', 'base: &b {model: sonnet, x: 1}\nm:\n  <<: *b\n  x: 2', { base: { model: 'sonnet', x: 1 }, m: { x: 2, model: 'sonnet' } }],
    ['merge of a list of aliases', 'a: &a {p: 1}\nb: &b {q: 2}\nm:\n  <<: [*a, *b]', { a: { p: 1 }, b: { q: 2 }, m: { p: 1, q: 2 } }],
    ['an explicit key beats a merged one', 'm:\n  model: haiku\n  <<: {model: opus}', { m: { model: 'haiku' } }],
    ['a quoted "<<" merges too', 'm:\n  "<<": {model: opus}', { m: { model: 'opus' } }],
    // Tags: only !!str changes a scalar; the others leave it what it would be untagged.
    ['!!str', 'a: !!str 5', { a: '5' }],
    ['!!int on a quoted scalar', 'a: !!int "57"', { a: '57' }],
    ['!!bool on a quoted scalar', 'a: !!bool "true"', { a: 'true' }],
    ['a custom tag', 'a: !custom sonnet', { a: 'sonnet' }],
    ['the non-specific tag', 'a: ! 12', { a: '12' }],
    ['!!binary', 'a: !!binary c29ubmV0', { a: 'c29ubmV0' }],
    ['a verbatim tag', 'a: !<tag:yaml.org,2002:str> 5', { a: '5' }],
    // Line breaks: a lone CR breaks a line; in a quoted scalar a CRLF counts twice.
    ['a lone CR between keys', 'a: x\rb: y', { a: 'x', b: 'y' }],
    ['a quoted scalar over LF lines folds to a space', 'a: "d\n  x"', { a: 'd x' }],
    ['a quoted scalar over CRLF lines keeps a line break', 'a: "d\r\n  x"', { a: 'd\nx' }],
    ['each empty CRLF line adds one more', 'a: "d\r\n\r\n  x"', { a: 'd\n\nx' }],
    // Accepted where stricter parsers refuse.
    ['a plain scalar starting with a comma', 'tags: ,leading comma', { tags: ',leading comma' }],
    ['an implicit key over 1,024 characters', `${'k'.repeat(1100)}: long`, { ['k'.repeat(1100)]: 'long' }],
    ['a collection as a key', '[a, b]: x', { 'a,b': 'x' }],
    ['an explicit key', '? a\n: b', { a: 'b' }],
    ['a tab after the colon', 'a:\tb', { a: 'b' }],
    // YAML 1.2 core schema.
    ['hexadecimal and octal', 'a: 0x1F\nb: 0o17\nc: 007', { a: 31, b: 15, c: 7 }],
    ['floats and exponents', 'a: 1e3\nb: 1.5\nc: +12\nd: 1_000', { a: 1000, b: 1.5, c: 12, d: '1_000' }],
    ['infinities and NaN', 'a: .inf\nb: -.inf\nc: .nan', { a: Number.POSITIVE_INFINITY, b: Number.NEGATIVE_INFINITY, c: Number.NaN }],
    ['booleans in three cases, yes and on as strings', 'a: True\nb: TRUE\nc: false\nd: yes\ne: on', { a: true, b: true, c: false, d: 'yes', e: 'on' }],
    ['null in its spellings', 'a: ~\nb: null\nc:\nd: Null', { a: null, b: null, c: null, d: null }],
    ['keys of other types become strings', '1: x\ntrue: y\nnull: z', { 1: 'x', true: 'y', null: 'z' }],
    ['escapes', 'a: "\\x41\\u00e9\\U0001F600"\nb: "\\ud83d\\ude00"\nc: \'it\'\'s\'', { a: 'Aé😀', b: '😀', c: "it's" }],
    ['block scalars', 'a: |\n  one\n  two\nb: >-\n  one\n  two\nc: |2\n   x\n', { a: 'one\ntwo\n', b: 'one two', c: ' x\n' }],
    ['the last of duplicate keys', 'a: 1\na: 2', { a: 2 }],
    ['a document end', 'a: 1\n...\n', { a: 1 }],
    ['a directive', '%YAML 1.2\n---\na: 1', { a: 1 }],
    ['not a mapping: a list', '- a\n- b', ['a', 'b']],
    ['not a mapping: a scalar', 'just text', 'just text'],
    ['nothing', '', null],
  ])('%s', (_label, text, value) => {
    const result = parseBunYaml(text);
    expect(result).toMatchObject({ ok: true, documents: 1 });
    expect(result.ok && result.value).toEqual(value);
  });

  it('__proto__ is an own key, and pollutes nothing', () => {
    const result = parseBunYaml('__proto__: {polluted: 1}\na: 1');
    expect(result.ok && Object.getOwnPropertyNames(result.value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('gives each top-level key with its offset, merged ones at their source', () => {
    const result = parseBunYaml('a: &x {p: 1}\nb:\n  c: 1\n? d\n: e\n<<: *x');
    expect(result.ok && result.keys).toEqual([
      { key: 'a', offset: 0 },
      { key: 'b', offset: 13 },
      { key: 'd', offset: 25 },
      { key: 'p', offset: 7 },
    ]);
    expect(parseBunYaml('- a').ok && (parseBunYaml('- a') as { keys: unknown[] }).keys).toEqual([]);
  });

  it('counts the documents: several are an array of their values', () => {
    expect(parseBunYaml('a: 1\n---\nb: 2')).toMatchObject({ ok: true, documents: 2, value: [{ a: 1 }, { b: 2 }], keys: [] });
    expect(parseBunYaml('a: 1\n...\nb: 2')).toMatchObject({ ok: true, documents: 2 });
  });

  it.each<[string, string, string, number]>([
    ['an unpaired surrogate escape', 'a: "\\ud800"', 'Unexpected character', 9],
    ['an unknown escape', 'a: "\\q"', 'Unexpected character', 5],
    ['a CR followed by text in column 0 inside a double-quoted scalar', 'a: "x\rb"', 'Unexpected character', 6],
    ['a NUL anywhere', 'a: "a\0b"', 'Unexpected character', 5],
    ['an unclosed flow sequence', 'a: [1, 2', 'Unexpected token', 8],
    ['an unclosed flow mapping', 'a: {b: 1', 'Unexpected token', 8],
    ['a second `: ` in a plain scalar', 'a: b: c', 'Unexpected token', 4],
    ['an unresolved alias', 'a: *nope', 'Unresolved alias', 3],
    ['two anchors', 'a: &x &y 1', 'Multiple anchors', 6],
    ['`@` starting a plain scalar', 'a: @x', 'Unexpected token', 3],
    ['a backquote starting a plain scalar', 'a: `x`', 'Unexpected token', 3],
    ['a tab as indentation', '\ta: b', 'Tab characters cannot be used as indentation', 3],
    ['a key less indented than its siblings', 'map:\n  a: 1\n b: 2', 'Unexpected token', 13],
  ])('refuses %s, at its offset', (_label, text, message, offset) => {
    expect(parseBunYaml(text)).toEqual({ ok: false, message: `YAML Parse error: ${message}`, offset });
  });

  it('charges alias expansion against Bun’s budget: a billion laughs is "Excessive aliasing", at once', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const { result, tokens } = countYamlWork(() => parseBunYaml(levels.join('\n')));
    expect(result).toMatchObject({ ok: false, message: 'YAML Parse error: Excessive aliasing' });
    expect(tokens).toBeLessThan(200);
    // Within the budget, aliases share their node, as in Bun.
    const shared = parseBunYaml('a: &a [1]\nb: *a\nc: *a');
    expect(shared.ok && (shared.value as Record<string, unknown>).b).toBe(shared.ok && (shared.value as Record<string, unknown>).c);
  });
});

describe('parseYaml: Bun’s nesting depth, deeper than the main thread’s stack', () => {
  // Bun gives up at a few thousand levels; Node's default stack holds about a thousand of this
  // parser's, so deeper texts are parsed again on a worker thread with a larger stack.
  it.each<[string, (depth: number) => string, number, number]>([
    ['flow sequences', (depth) => `x:\n  ${'['.repeat(depth)}${']'.repeat(depth)}`, 4000, 6000],
    ['block sequences', (depth) => `x:\n${'- '.repeat(depth)}1`, 3000, 6000],
  ])('%s: %i levels load, %i do not', (_label, text, loads, fails) => {
    expect(parseYaml(text(loads))).toMatchObject({ ok: true });
    expect(parseYaml(text(fails))).toMatchObject({ ok: false, message: 'Maximum call stack size exceeded.' });
  });
});

describe('hostile frontmatter of up to 1 MiB: read whole as Claude Code reads it, in linear work', () => {
  const MIB = 1_048_576;
  const head = 'name: a\ndescription: b\n';
  /** `---`, then `prefix` and `unit` repeated, then `suffix` and `---`: one file of just under 1 MiB. */
  const fill = (prefix: string, unit: string, suffix = '\n') => {
    const start = `---\n${prefix}`;
    return `${start}${unit.repeat(Math.floor((MIB - start.length - suffix.length - 8) / unit.length))}${suffix}---\n`;
  };
  /** Parses `text`: at most `parses` parses, at most one token per character each. */
  const linear = (text: string, parses: number) => {
    expect(text.length).toBeLessThanOrEqual(MIB);
    const work = countYamlWork(() => parseAgentFile(text));
    expect(work.parses).toBeLessThanOrEqual(parses);
    expect(work.tokens).toBeLessThanOrEqual(parses * text.length);
    return { document: work.result, tokens: work.tokens };
  };

  it.each<[string, string, string, number]>([
    // [label, prefix, unit, parses: the strict one, the retry's check of a `[…]` value as a list, the retry]
    ['`x: [,,,,…`', `${head}x: [`, ',', 2],
    ['`x: ! ! ! …`', `${head}x: `, '! ', 2],
    ['`x: & & & …`', `${head}x: `, '& ', 2],
    ['`x: [][][]…`', `${head}x: `, '[]', 3],
  ])('an error flood the retry rescues: %s', (_label, prefix, unit, parses) => {
    const { document } = linear(fill(prefix, unit), parses);
    expect(document.parse).toBe('lenient');
    expect(document.data).toMatchObject({ name: 'a', description: 'b' });
    expect(typeof document.data.x).toBe('string');
  });

  it('1 MiB of `...` lines after the mapping: one document, the first', () => {
    const { document } = linear(fill(head, '...\n', ''), 1);
    expect(document.parse).toBe('strict');
    expect(document.data).toEqual({ name: 'a', description: 'b' });
  });

  it.each([
    ['1 MiB of `- 1` lines', fill('', '- 1\n', '')],
    ['1 MiB of `- [a, b]` lines', fill('# a list\n\n', '- [a, b]\n', '')],
    ['a 1 MiB `[1,1,…]`', fill('[', '1,', '1]\n')],
  ])('%s: not a mapping, so no keys', (_label, text) => {
    const { document } = linear(text, 1);
    expect(document).toMatchObject({ parse: 'strict', data: {}, root: 'list' });
  });

  it.each([
    ['a list of 250,000 items under a key', fill(`${head}x:\n`, '- 1\n'), 'block'],
    ['a flow list of 500,000 items under a key', fill(`${head}x: [`, '1,', '1]\n'), 'flow'],
  ])('valid YAML of 1 MiB loads whole, as Claude Code loads it: %s', (_label, text) => {
    const { document } = linear(text, 1);
    expect(document.parse).toBe('strict');
    expect((document.data.x as unknown[]).length).toBeGreaterThan(200_000);
  });

  it('the retry checks each `[…]` value as a list: 100,000 `key: [{…}]` lines, each parsed once', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `k: [{a: ${i}}]`).join('\n');
    const { result: lenient, parses, tokens } = countYamlWork(() => rewriteLenient(text));
    expect(lenient.rewrites).toEqual([]);
    expect(parses).toBe(100_000);
    expect(tokens).toBeLessThanOrEqual(text.length);
    // A value that is not a list is quoted.
    expect(rewriteLenient('k: [{a: 1}').rewrites[0]!.quoted).toBe(`k: ${quoteLenientValue('[{a: 1}')}`);
  });
});
