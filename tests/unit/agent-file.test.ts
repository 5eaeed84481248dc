import { describe, expect, it } from 'vitest';
import { LineIndex, parseAgentFile, rewriteLenient, type AgentDocument } from '../../src/core/agent-file.js';

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
      { parse: 'strict', data: { name: 'a', description: 'uses' }, body: 'here\n---\nbody', closing: { position: { line: 3, column: 19 }, offset: 30, ownLine: false } },
    ],
    [
      'quoted value is cut and no longer parses',
      file('---', 'name: a', 'description: "uses --- here"', '---'),
      { parse: 'failed', data: {}, closing: { position: { line: 3, column: 20 }, offset: 31, ownLine: false } },
    ],
    ['a `----` line ends it too', file('---', 'name: a', '----', 'x'), { data: { name: 'a' }, body: '-\nx', closing: { position: { line: 3, column: 1 }, offset: 12, ownLine: false } }],
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
    expect(document.keyPositions).toEqual({
      name: { line: 6, column: 1 },
      description: { line: 3, column: 1 },
      hooks: { line: 4, column: 1 },
    });
    expect(document.frontmatterLine).toBe(2);
  });

  it('reports the strict error with its position', () => {
    const document = parseAgentFile(file('---', 'name: a', 'description: "open', '---'));
    expect(document.parse).toBe('failed');
    expect(document.parseError?.position.line).toBe(3);
    expect(document.parseError?.message).toMatch(/quote/i);
  });

  it('bounds alias expansion (billion laughs)', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const started = performance.now();
    const document = parseAgentFile(file('---', ...levels, '---'));
    expect(performance.now() - started).toBeLessThan(1000);
    // Strict parse refuses the alias count; the lenient retry then quotes the `&`/`*` values.
    expect(document.parse).toBe('lenient');
    expect(document.data.b).toBe('&b [*a, *a, *a, *a, *a, *a, *a, *a, *a]');
  });

  it('bounds nesting depth', () => {
    const started = performance.now();
    const document = parseAgentFile(file('---', `name: ${'['.repeat(200_000)}`, '---'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(document.parse).toBe('failed');
    expect(document.parseError?.message).toMatch(/nested deeper/);
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
    expect(document.keyPositions.tools).toEqual({ line: 4, column: 1 });
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
    ['description: a: b\r', 'description: "a: b"\r'],
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
});
