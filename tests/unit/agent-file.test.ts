import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parseDocument } from 'yaml';
import { quoteLenientValue, rewriteLenient } from '../../src/core/agent/lenient.js';
import { LineIndex } from '../../src/core/agent/line-index.js';
import { type AgentDocument, parseAgentFile } from '../../src/core/agent/parse.js';
import { blockDepthExceeds, MAX_YAML_BLOCK_DEPTH, MAX_YAML_TOKENS, parseFullYaml } from '../../src/core/agent/yaml.js';
import { isKnownInvalidYaml, parseFlatYaml } from '../../src/core/agent/yaml-flat.js';
import { countYamlTokens } from '../helpers/yaml-work.js';

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
    const document = parseAgentFile(file('---', ...levels, '---'));
    // Strict parse refuses the alias count; the lenient retry then quotes the `&`/`*` values.
    expect(document.parse).toBe('lenient');
    expect(document.data.b).toBe('&b [*a, *a, *a, *a, *a, *a, *a, *a, *a]');
    // Nothing was expanded: every value is the line's own text.
    expect(Object.values(document.data).every((value) => typeof value === 'string')).toBe(true);
  });

  it('bounds nesting depth', () => {
    const { result: document, tokens } = countYamlTokens(() => parseAgentFile(file('---', `name: ${'['.repeat(200_000)}`, '---')));
    // Refused before the YAML parser sees a single token.
    expect(tokens).toBe(0);
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

/** What the `yaml` package makes of a text, the way agent-file.ts reads it: data (mapping or {}), top-level keys, or failure. */
function yamlReading(text: string): { ok: true; data: Record<string, unknown>; keys: Array<{ key: string; offset: number }> } | { ok: false } {
  try {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
    if (doc.errors.length > 0) return { ok: false };
    const keys: Array<{ key: string; offset: number }> = [];
    if (isMap(doc.contents))
      for (const pair of doc.contents.items) if (isScalar(pair.key) && pair.key.range) keys.push({ key: String(pair.key.value), offset: pair.key.range[0] });
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    const data = isMap(doc.contents) && value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    return { ok: true, data, keys };
  } catch {
    return { ok: false };
  }
}

/** Agreement of the fast reader with `yaml` on one text; undefined when they agree. */
function fastReaderDisagreement(text: string): string | undefined {
  const flat = parseFlatYaml(text);
  const known = isKnownInvalidYaml(text);
  if (flat === undefined && !known) return undefined;
  const reference = yamlReading(text);
  if (known) return reference.ok ? 'the fast reader calls it invalid, yaml reads it' : undefined;
  if (!reference.ok) return 'the fast reader reads it, yaml fails';
  const ours = flat!.value as Record<string, unknown>;
  // Own properties in order (Object.entries would hide a __proto__ key, JSON would hide undefined)
  const entries = (data: Record<string, unknown>) => Object.getOwnPropertyNames(data).map((key) => [key, data[key]]);
  try {
    expect(entries(ours)).toStrictEqual(entries(reference.data));
    expect(flat!.keys).toStrictEqual(reference.keys);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

/**
 * How many cases the generated (differential) tests run: their default counts times
 * TEST_CASES_SCALE (1 unless set; `npm run stress` runs them ten times as large).
 */
const SCALE = Math.max(1, Math.floor(Number(process.env.TEST_CASES_SCALE ?? 1)) || 1);
const scaled = (count: number) => count * SCALE;
const counted = (count: number) => scaled(count).toLocaleString('en-US');

/** mulberry32: a small seeded generator, so that the generated cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Frontmatter-like texts full of the edge cases of the fast reader (and of things it must leave to yaml). */
function generatedFrontmatter(seed: number, count: number): string[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const keys = [
    'name',
    'description',
    'tools',
    'model',
    'a',
    'b_c',
    'x-y',
    'True',
    'null',
    '__proto__',
    'constructor',
    'toString',
    'k1',
    'Name',
    'on',
    'yes',
    '_',
  ];
  const words = [
    'Use',
    'this',
    'agent',
    'x',
    'é',
    '日本',
    'C#',
    'a#b',
    'http://x.y',
    'a:b',
    'foo,bar',
    '[x]',
    '{y}',
    "it's",
    'say "hi"',
    '<example>',
    'a-b',
    '(c)',
    '\\d',
    '~x',
    'true',
    'null',
    '😀',
    '\u00a0',
    'z\u3000',
    'a\u200bb',
  ];
  const specials = [
    ': ',
    ' #',
    '#',
    ':',
    ' - ',
    '-',
    "'",
    '"',
    '[',
    ']',
    '{',
    '}',
    ',',
    ' &a',
    ' *a',
    ' !t',
    '|',
    '>',
    '%',
    '@',
    '`',
    '~',
    '.',
    '  ',
    ' ? ',
    '\t',
    '\\',
  ];
  const starts = [
    '',
    '',
    '',
    '',
    '-',
    '?',
    ':',
    ',',
    '[',
    ']',
    '{',
    '}',
    '#',
    '&',
    '*',
    '!',
    '|',
    '>',
    "'",
    '"',
    '%',
    '@',
    '`',
    '~',
    '.',
    '+',
    '0',
    '1',
    '=',
    '<',
    '/',
    '(',
    '$',
    '\\',
    ';',
    '^',
    '\u00a0',
    'é',
  ];
  const scalars = [
    '0',
    '007',
    '12',
    '1.5',
    '1e3',
    '0x1F',
    '0o17',
    '.5',
    '+1',
    '-1',
    '1.0.1',
    '4.1-Beast',
    '3d',
    '1_000',
    '12 apples',
    '1:2',
    '1.',
    '1e',
    '0xZ',
    '99999999999999999999',
    '.inf',
    '.nan',
    '1 : x',
    'null',
    'Null',
    'NULL',
    'nULL',
    'true',
    'True',
    'TRUE',
    'tRUE',
    'false',
    'False',
    'FALSE',
    'yes',
    'no',
    '~',
    '',
  ];
  const escapes = [
    '\\n',
    '\\t',
    '\\\\',
    '\\"',
    '\\x41',
    '\\u00e9',
    '\\U0001F600',
    '\\U00110000',
    '\\q',
    '\\x4',
    '\\/',
    '\\ ',
    '\\0',
    '\\e',
    '\\N',
    '\\_',
    '\\L',
    '\\P',
    '\\u12',
  ];
  const plain = () => {
    let value = pick(starts) + pick(words);
    for (let i = Math.floor(next() * 5); i > 0; i--) value += (next() < 0.4 ? pick(specials) : ' ') + pick(words);
    return next() < 0.1 ? value + pick([':', ' ', '  ', ' #c', ' # c: d', '#', ' :']) : value;
  };
  const quoted = (quote: string) => {
    let value = quote;
    for (let i = Math.floor(next() * 5); i > 0; i--) {
      if (quote === '"') value += next() < 0.35 ? pick(escapes) : pick(words) + pick([' ', '', ': ', ' #', "'"]);
      else value += next() < 0.3 ? "''" : pick(words) + pick([' ', '', ': ', ' #', '"']);
    }
    value += next() < 0.9 ? quote : '';
    return next() < 0.2 ? value + pick([' # c', '#c', ' x', ': y', '  ', quote]) : value;
  };
  const block = (nl: string) => {
    const indent = pick([1, 2, 2, 2, 4]);
    const lines: string[] = [];
    for (let i = 1 + Math.floor(next() * 5); i > 0; i--) {
      const r = next();
      if (r < 0.15) lines.push('');
      else if (r < 0.25) lines.push(' '.repeat(Math.floor(next() * (indent + 3))));
      else if (r < 0.35) lines.push(' '.repeat(indent + 1 + Math.floor(next() * 3)) + plain());
      else if (r < 0.4) lines.push(' '.repeat(indent - 1) + plain());
      else lines.push(' '.repeat(indent) + plain() + (next() < 0.1 ? '  ' : ''));
    }
    return pick(['|', '>', '|-', '>-', '|+', '>+', '|2', '>1-', '| # c', '|x', '>  ']) + nl + lines.join(nl);
  };
  const line = (nl: string) => {
    if (next() < 0.05)
      return pick(['# comment', '#', '', '', '   ', '  indented: x', '- item', '...', '%YAML 1.2', 'key', ' # c', 'a : b', 'a:b', 'a:\tb', '\ta: b']);
    const key = pick(keys);
    const r = next();
    let value: string;
    if (r < 0.4) value = plain();
    else if (r < 0.55) value = quoted('"');
    else if (r < 0.65) value = quoted("'");
    else if (r < 0.8) value = pick(scalars);
    else if (r < 0.9) return `${key}: ${block(nl)}`;
    else value = pick(['', ' ', '# c', ' # c', '*', '*a', '&a x', '!t x', '[a, b]', '{a: b}', '- x', 'a: b: c', 'Examples: user: x']);
    return `${key}:${pick([' ', ' ', ' ', '  ', ''])}${value}`;
  };
  const texts: string[] = [];
  for (let c = 0; c < count; c++) {
    const nl = next() < 0.1 ? '\r\n' : '\n';
    const lines: string[] = [];
    for (let i = 1 + Math.floor(next() * 3); i > 0; i--) lines.push(line(nl));
    texts.push(lines.join(nl) + (next() < 0.85 ? nl : ''));
  }
  return texts;
}

describe('the fast reader of flat frontmatter', () => {
  it.each<[string, Record<string, unknown>]>([
    ['name: a\ndescription: b\n', { name: 'a', description: 'b' }],
    ['name: a\r\ndescription: "x\\ny \\"q\\" \\u00e9"\r\n', { name: 'a', description: 'x\ny "q" é' }],
    ["description: 'it''s' # note\n", { description: "it's" }],
    ['a: C# or issue #12\nb:\nc: # only a comment\n', { a: 'C# or issue', b: null, c: null }],
    ['maxTurns: 007\nx: true\ny: FALSE\nz: Null\nv: 1.0.1\nw: 4.1-Beast\n', { maxTurns: 7, x: true, y: false, z: null, v: '1.0.1', w: '4.1-Beast' }],
    ['description: |\n  line 1\n\n    indented\n  line 3\n\nname: a\n', { description: 'line 1\n\n  indented\nline 3\n', name: 'a' }],
    ['description: >-\n  folded\n  text\n\n  paragraph\n', { description: 'folded text\nparagraph' }],
    ['name: a\nname: b\n', { name: 'b' }],
    ['# only comments\n\n', {}],
  ])('%j', (text, data) => {
    expect(parseFlatYaml(text)?.value).toEqual(data);
    expect(fastReaderDisagreement(text)).toBeUndefined();
  });

  it.each([
    'hooks:\n  Stop: []\n',
    'tools:\n  - Read\n',
    'tools: [Read]\n',
    'description: "multi\n  line"\n',
    'x: 1.5\n',
    'x: 0x1F\n',
    'x: ~\n',
    'x: &a b\n',
    '__proto__: x\n',
    'true: x\n',
    'a:\tb\n',
    'description: |+\n  keep\n',
    'description: |2\n    x\n',
    '  indented: x\n',
  ])('leaves %j to the yaml package', (text) => {
    expect(parseFlatYaml(text)).toBeUndefined();
    expect(isKnownInvalidYaml(text)).toBe(false);
  });

  it.each(['description: Use it when: the user asks\n', 'description: Examples:\n', 'tools: *\n', 'x: ]]]\n', 'x: @me\n', 'x: `cmd`\n', 'x: %d\n'])(
    'knows that %j is not YAML without parsing it',
    (text) => {
      expect(isKnownInvalidYaml(text)).toBe(true);
      expect(yamlReading(text).ok).toBe(false);
    },
  );

  it(`reads ${counted(6000)} generated frontmatters exactly as the yaml package does, or leaves them to it`, () => {
    const problems: string[] = [];
    let read = 0;
    let invalid = 0;
    for (const text of generatedFrontmatter(20261126, scaled(6000))) {
      if (parseFlatYaml(text)) read++;
      else if (isKnownInvalidYaml(text)) invalid++;
      const problem = fastReaderDisagreement(text);
      if (problem) problems.push(`${JSON.stringify(text)}: ${problem}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    // The generator must keep exercising the reader, not only its refusals.
    expect(read).toBeGreaterThan(scaled(900));
    expect(invalid).toBeGreaterThan(scaled(200));
  });

  it('works out the strict error of a file the retry rescues only when asked, and gives what yaml says', () => {
    const text = file('---', 'name: a', 'description: Use when: the user asks', '---');
    const document = parseAgentFile(text);
    expect(document.parse).toBe('lenient');
    const yamlError = parseDocument('name: a\ndescription: Use when: the user asks\n', { uniqueKeys: false, prettyErrors: false }).errors[0]!;
    expect(document.parseError).toEqual({
      message: yamlError.message
        .split('\n')[0]!
        .replace(/ at line \d+, column \d+:?$/, '')
        .trim(),
      position: { line: 3, column: expect.any(Number) },
    });
    expect(JSON.parse(JSON.stringify(document)).parseError).toEqual(document.parseError);
  });
});

describe('blockDepthExceeds: the nesting bound', () => {
  const repeat = (unit: string, times: number) => unit.repeat(times);
  it.each<[string, string]>([
    ['- - - …', `x:\n${repeat('- ', 1000)}1\n`],
    ['? ? ? …', `x:\n${repeat('? ', 1000)}1\n`],
    ['- &a - &a …', `x:\n${repeat('- &a ', 1000)}1\n`],
    ['- !t - !t …', `x:\n${repeat('- !t ', 1000)}1\n`],
    ['- *a - *a …', `x:\n${repeat('- *a ', 1000)}1\n`],
    ['"a" - "a" - …', `x:\n${repeat('"a" - ', 1000)}1\n`],
    ['a: a: a: …', `x:\n  ${repeat('a: ', 1000)}1\n`],
    ['"a": "a": …', `${repeat('"a": ', 1000)}1\n`],
    ['[a]: [a]: …', `${repeat('[a]: ', 1000)}1\n`],
    ['- a: - a: …', `x:\n${repeat('- a: ', 1000)}1\n`],
    ['indentation', Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
    ['- - | then a less indented line', `x:\n- - |\n ${repeat('- ', 1000)}1\n`],
    ['inside a flow collection', `x: [\n${repeat('- ', 1000)}]\n`],
  ])('%s', (_label, text) => {
    expect(blockDepthExceeds(text, MAX_YAML_BLOCK_DEPTH)).not.toBe(-1);
    const { result: document, tokens } = countYamlTokens(() => parseAgentFile(`---\nname: a\ndescription: b\n${text}---\n`));
    // Refused before the YAML parser sees a single token.
    expect(tokens).toBe(0);
    expect(document.parse).toBe('failed');
    expect(document.parseError?.message).toBe(`block collections nested deeper than ${MAX_YAML_BLOCK_DEPTH} levels`);
  });

  it('does not count what is not structure: block scalar lines, quoted text, comments', () => {
    const text = [
      'description: |',
      ...Array.from({ length: 300 }, (_, i) => `  ${' '.repeat(i)}- - - - a: b: c:`),
      `title: "${repeat('- a: ', 400)}"`,
      `note: '${repeat('? ', 400)}'`,
      `# ${repeat('- ', 400)}`,
      `quoted: "multi`,
      `  ${repeat('- ', 400)}"`,
      'x: 1',
    ].join('\n');
    expect(blockDepthExceeds(text, MAX_YAML_BLOCK_DEPTH)).toBe(-1);
    expect(parseAgentFile(`---\nname: a\ndescription: b\n${text}\n---\n`).parse).toBe('strict');
  });

  it('lets deep but sane nesting through', () => {
    const text = `${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`;
    expect(blockDepthExceeds(text, MAX_YAML_BLOCK_DEPTH)).toBe(-1);
    expect(parseAgentFile(`---\nname: a\ndescription: b\nx:\n${text.replace(/^/gm, ' ')}---\n`).parse).toBe('strict');
  });
});

/** What `parseDocument` says of a text, read the way agent-file.ts reads it: the first error (message and offset), or the value. */
function referenceReading(text: string): unknown {
  const clean = (message: string) =>
    message
      .split('\n')[0]!
      .replace(/ at line \d+, column \d+:?$/, '')
      .trim();
  try {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
    const error = doc.errors[0];
    if (error) return { ok: false, message: clean(error.message), offset: Math.min(error.pos[0], Math.max(0, text.trimEnd().length - 1)) };
    const keys: Array<{ key: string; offset: number }> = [];
    if (isMap(doc.contents))
      for (const pair of doc.contents.items) if (isScalar(pair.key) && pair.key.range) keys.push({ key: String(pair.key.value), offset: pair.key.range[0] });
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    return { ok: true, value, isMapping: isMap(doc.contents), keys };
  } catch (error) {
    return { ok: false, message: clean(error instanceof Error ? error.message : String(error)), offset: 0 };
  }
}

/** A value with every object as its own properties in order (a `constructor` or `__proto__` key included), for toStrictEqual. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return {
    prototype: Object.getPrototypeOf(object) === Object.prototype ? 'Object' : String(Object.getPrototypeOf(object)),
    entries: Object.getOwnPropertyNames(object).map((key) => [key, comparable(object[key])]),
  };
}

/** Structure-heavy YAML streams: every indicator, error tokens, directives, several documents, `...` tails. */
function generatedYaml(seed: number, count: number): string[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const pieces = [
    '- ',
    '? ',
    ': ',
    'key: ',
    'a: ',
    'b:',
    '[',
    ']',
    '{',
    '}',
    ', ',
    ',',
    'a',
    'b c',
    '1',
    'null',
    '"q"',
    '"open',
    "'s'",
    "'open",
    '&a ',
    '*a',
    '*b',
    '!t ',
    '!!str ',
    '!!map ',
    '!!seq ',
    '|',
    '>-',
    '# c',
    '#c',
    '@x',
    '`x`',
    '%',
    ' ',
    '  ',
    '\t',
    'a:b',
    '...x',
    '"\\q"',
  ];
  const wholeLines = [
    '...',
    '... ',
    '...  # c',
    '... x',
    '...#c',
    '...\t',
    '%YAML 1.2',
    '%YAML 1.1',
    '%TAG ! tag:x,2000:',
    '%FOO bar',
    '# c',
    '',
    '  ',
    '\t',
    '   # c',
  ];
  const texts: string[] = [];
  for (let c = 0; c < count; c++) {
    const nl = next() < 0.1 ? '\r\n' : '\n';
    const lines: string[] = [];
    for (let i = 1 + Math.floor(next() * 6); i > 0; i--) {
      if (next() < 0.2) {
        lines.push(pick(wholeLines));
        continue;
      }
      let line = ' '.repeat(pick([0, 0, 0, 1, 2, 2, 4]));
      for (let j = 1 + Math.floor(next() * 4); j > 0; j--) line += pick(pieces);
      lines.push(line);
    }
    // Often a clean first document, then the generated lines (a tail, or a second document).
    const head = next() < 0.3 ? pick(['name: a\n...\n', 'a: 1\n...\n', '- x\n...\n', 'x\n...\n']).replace(/\n/g, nl) : '';
    texts.push(head + lines.join(nl) + (next() < 0.8 ? nl : ''));
  }
  return texts;
}

describe('the full reader (first document, first error)', () => {
  it.each([
    ['clean', 'name: a\ndescription: b\n'],
    ['a sequence', '- a\n- b\n'],
    ['a scalar', 'just text\n'],
    ['empty', ''],
    ['only comments', '# a\n\n# b\n'],
    ['bare `...` lines after the document', 'a: 1\n...\n...\n\n  \n# c\n...  \n'],
    ['the same with CRLF', 'a: 1\r\n...\r\n...\r\n# c\r\n'],
    ['`...` then a second document, ignored with its own errors', 'a: 1\n...\nb: [1, 2\nc: d: e\n'],
    ['`...` then a second document with a parser error: counted for the first', 'a: 1\n...\nb: 1\n]\n'],
    ['`...` with text after it', 'a: 1\n... x\n'],
    ['`...#`: no document end', 'a: 1\n...#c\n'],
    ['`...` and a comment', 'a: 1\n... # c\n'],
    ['`...` before any document', '...\na: 1\n'],
    ['`...` lines only', '...\n...\n...\n'],
    ['a directive without `---`', '%YAML 1.2\na: 1\n'],
    ['a directive after the document', 'a: 1\n...\n%YAML 1.2\n'],
    ['an unknown directive after the document', 'a: 1\n...\n%FOO bar\n'],
    ['a parser error token after a composition error', 'a: b: c\n]\n'],
    ['an error inside a nested collection', 'a:\n  - [1, {b: ,,}]\n  - c\n'],
    ['a tag error inside a collection', 'a: [!!int x, !!map y]\n'],
    ['an unresolved alias', 'a: *x\n'],
    ['an unclosed quote', 'a: "open\n'],
    ['tabs as indentation', 'a:\n\t- b\n'],
    [
      'an alias bomb',
      `a: &a [x, x]\n${'bcdefgh'
        .split('')
        .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`)
        .join('\n')}\n`,
    ],
  ])('%s', (_label, text) => {
    expect(comparable(parseFullYaml(text))).toStrictEqual(comparable(referenceReading(text)));
  });

  // 3,000 by default: a probe of hand-made bugs in the full reader (the error offset clamp, the
  // end-of-document and second-document rules, the harmless tail after `...`) found each within the
  // first 150 generated texts; `npm run stress` runs 30,000.
  it(`agrees with parseDocument on ${counted(3000)} generated texts: the same value, or the same first error at the same offset`, () => {
    const problems: string[] = [];
    let failures = 0;
    let documents = 0;
    const texts = [...generatedFrontmatter(20261127, scaled(1000)), ...generatedYaml(20261128, scaled(2000))];
    for (const text of texts) {
      const reference = referenceReading(text) as { ok: boolean };
      if (!reference.ok) failures++;
      if (/^\.\.\.(?: |\r?$)/m.test(text)) documents++;
      try {
        expect(comparable(parseFullYaml(text))).toStrictEqual(comparable(reference));
      } catch (error) {
        problems.push(`${JSON.stringify(text)}: ${(error as Error).message.slice(0, 400)}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // The generators must keep exercising errors and document ends, not only clean text.
    expect(failures).toBeGreaterThan(texts.length / 3);
    expect(documents).toBeGreaterThan(texts.length / 9);
  });

  it('quotes exactly what the retry with parseDocument would quote ([…] lists included)', () => {
    const next = random(20261129);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const items = [
      'a',
      'Read',
      'Bash(git diff:*)',
      'Bash(git diff *)',
      'a b',
      'a  b',
      '-a',
      'a -b',
      'a - b',
      '*a',
      'a*',
      '.a',
      'a.',
      '+1',
      '1',
      '_x',
      'a/b',
      '(x)',
      'a #b',
      'a#b',
      'a: b',
      'a:b',
      '&a',
      '!t',
      '"q"',
      "'q'",
      '[x]',
      '{y}',
      '',
      ' ',
      'é',
      'a\tb',
      'mcp__s__t',
      '1.5',
      'true',
      '-',
      '?',
      'a ?b',
      'a|b',
      'a>b',
    ];
    const reference = (value: string) => {
      const first = value[0];
      const last = value[value.length - 1];
      if ((first === '"' && last === '"') || (first === "'" && last === "'")) return false;
      if (first === '[' && last === ']') {
        const read = referenceReading(value) as { ok: boolean; value?: unknown };
        if (read.ok && Array.isArray(read.value)) return false;
      }
      return value.includes(': ') || /[{}[\]*&#!|>%@`]/.test(value);
    };
    const problems: string[] = [];
    for (let c = 0; c < scaled(4000); c++) {
      const list = Array.from({ length: Math.floor(next() * 4) }, () => pick(['', ' ', '  ']) + pick(items) + pick(['', ' ']));
      const value = `[${pick(['', ' '])}${list.join(pick([',', ', ', ' ,']))}${pick(['', ' ', ','])}]`;
      const line = `tools: ${value}`;
      if (!/^([a-zA-Z_-]+):\s+(\S.*)$/.test(line)) continue;
      const quoted = rewriteLenient(`${line}\n`).rewrites.length > 0;
      if (quoted !== reference(value.trim())) problems.push(`${JSON.stringify(value)}: quoted ${quoted}`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });
});

describe('hostile frontmatter of up to 1 MiB: bounded YAML work, same outcome as Claude Code where it can be', () => {
  const MIB = 1_048_576;
  const head = 'name: a\ndescription: b\n';
  /** `---`, then `prefix` and `unit` repeated, then `suffix` and `---`: one file of just under 1 MiB. */
  const fill = (prefix: string, unit: string, suffix = '\n') => {
    const start = `---\n${prefix}`;
    return `${start}${unit.repeat(Math.floor((MIB - start.length - suffix.length - 8) / unit.length))}${suffix}---\n`;
  };
  /**
   * Parses `text` (its strict error too) and counts the tokens handed to the YAML parser: at most
   * `parses` parses refused at the token bound, however large the file (unbounded, the parser
   * would read it whole: hundreds of thousands of tokens).
   */
  const bounded = (text: string, parses: number) => {
    expect(text.length).toBeLessThanOrEqual(MIB);
    const { result, tokens } = countYamlTokens(() => {
      const document = parseAgentFile(text);
      return { document, error: document.parseError };
    });
    expect(tokens).toBeLessThanOrEqual(parses * (MAX_YAML_TOKENS + 1));
    return { ...result, tokens };
  };
  /** The strict error `yaml` gives for the same text cut short (the first error comes early). */
  const firstError = (frontmatter: string) => {
    const reading = referenceReading(frontmatter) as { message: string; offset: number };
    return { message: reading.message, position: new LineIndex(`---\n${frontmatter}`).positionAt(4 + reading.offset) };
  };

  it.each<[string, string, string, string]>([
    // [label, prefix, unit, frontmatter of the same shape cut short]
    ['`x: [,,,,…`', `${head}x: [`, ',', `${head}x: [,,,,\n`],
    ['`x: ! ! ! …`', `${head}x: `, '! ', `${head}x: ! ! ! ! \n`],
    ['`x: & & & …`', `${head}x: `, '& ', `${head}x: & & & & \n`],
    ['`x: [][][]…`', `${head}x: `, '[]', `${head}x: [][][][]\n`],
  ])('an error flood the retry rescues: %s', (_label, prefix, unit, short) => {
    const { document, error } = bounded(fill(prefix, unit), 1);
    expect(document.parse).toBe('lenient');
    expect(document.data).toMatchObject({ name: 'a', description: 'b' });
    expect(typeof document.data.x).toBe('string');
    // `[][]…` stops at its first error (a parser error); the others only show an error once their
    // (over-long) document is composed, so their strict error is the token bound's.
    if (unit === '[]') expect(error).toEqual(firstError(short));
    else expect(error).toMatchObject({ message: `more than ${MAX_YAML_TOKENS} YAML tokens`, position: { line: 4 } });
  });

  it('1 MiB of `...` lines after the mapping: the first document, as yaml reads it', () => {
    const { document, tokens } = bounded(fill(head, '...\n', ''), 1);
    // Reading stops after the first document end: a handful of tokens, not 1 MiB of `...`.
    expect(tokens).toBeLessThan(50);
    expect(document.parse).toBe('strict');
    expect(document.data).toEqual({ name: 'a', description: 'b' });
  });

  it('1 MiB of `...` lines and nothing else: an empty first document, as yaml reads it', () => {
    const { document, tokens } = bounded(fill('', '...\n', ''), 1);
    expect(tokens).toBeLessThan(50);
    expect(document).toMatchObject({ parse: 'strict', data: {} });
    expect(parseFullYaml('...\n...\n')).toMatchObject({ ok: true, value: null });
  });

  it.each([
    ['1 MiB of `- 1` lines', fill('', '- 1\n', '')],
    ['1 MiB of `- [a, b]` lines', fill('# a list\n\n', '- [a, b]\n', '')],
    ['a 1 MiB `[1,1,…]`', fill('[', '1,', '1]\n')],
    ['1 MiB of words and no colon', fill('', 'word [x] - ', '\n')],
  ])('%s: not a mapping, so empty, without parsing it', (_label, text) => {
    const { document } = bounded(text, 1);
    expect(document).toMatchObject({ parse: 'strict', data: {}, keyPositions: {} });
  });

  it('valid YAML over the token bound under a key fails with the bound (Claude Code would load it)', () => {
    const { document, error } = bounded(fill(`${head}x:\n`, '- 1\n'), 1);
    expect(document.parse).toBe('failed');
    expect(error?.message).toBe(`more than ${MAX_YAML_TOKENS} YAML tokens`);
    // Positioned where the bound is passed: about MAX_YAML_TOKENS / 4 lines of `- 1` in.
    expect(error!.position.line).toBeGreaterThan(MAX_YAML_TOKENS / 5);
    expect(error!.position.line).toBeLessThan(MAX_YAML_TOKENS / 3);
    // Just under the bound, it is read.
    const under = parseAgentFile(`---\n${head}x:\n${'- 1\n'.repeat(MAX_YAML_TOKENS / 6)}---\n`);
    expect(under.parse).toBe('strict');
    expect((under.data.x as unknown[]).length).toBe(MAX_YAML_TOKENS / 6);
  });

  it('a `[…]` value the bound refuses is quoted by the retry, as any value that is not a list', () => {
    // The strict parse refused at the bound, then the retry's check of the `[…]` value, within its budget.
    const { document } = bounded(fill(`${head}x: [`, '1,', '1]\n'), 2);
    expect(document.parse).toBe('lenient');
    expect(document.lenientRewrites.map((rewrite) => rewrite.key)).toEqual(['x']);
  });

  it('bounds the list checks of the retry: 100,000 `key: [{…}]` lines cost one token budget, the first lists are checked', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `k: [{a: ${i}}]`).join('\n');
    const { result: lenient, tokens } = countYamlTokens(() => rewriteLenient(text));
    const { rewrites } = lenient;
    // All the list checks together hand the YAML parser at most MAX_YAML_TOKENS tokens.
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThanOrEqual(MAX_YAML_TOKENS);
    // The first ones are lists (left alone); once the checks' budget is spent, the rest are quoted.
    expect(rewrites[0]!.line).toBeGreaterThan(100);
    expect(rewrites[rewrites.length - 1]!.quoted).toBe(`k: ${quoteLenientValue('[{a: 99999}]')}`);
    // Plain word lists need no parse at all.
    const words = Array.from({ length: 100_000 }, () => 'tools: [Read, Write, Bash(git diff *)]').join('\n');
    const plain = countYamlTokens(() => rewriteLenient(words));
    expect(plain.result.rewrites).toEqual([]);
    expect(plain.tokens).toBe(0);
  });
});
