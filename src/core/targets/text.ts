/** Writing and reading the file formats of the targets: YAML frontmatter and TOML. */
import { parseAgentFile } from '../agent/parse.js';

/** A mapping whose key order matters (OpenCode's permission rules: the last matching rule wins). */
export class Ordered {
  constructor(readonly entries: Array<[string, unknown]>) {}
}

/** A YAML value in flow style: JSON, which YAML reads as written, and Ordered mappings in their order. */
function flow(value: unknown): string {
  if (value instanceof Ordered) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}: ${flow(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/** `---`, one `key: value` line per field given (an Ordered mapping in block style), `---`, the prompt. */
export function markdownFile(fields: Array<[string, unknown]>, body: string): string {
  const lines: string[] = [];
  for (const [key, value] of fields) {
    if (value === undefined) continue;
    if (value instanceof Ordered && value.entries.length > 0) lines.push(`${key}:`, ...value.entries.map(([k, v]) => `  ${JSON.stringify(k)}: ${flow(v)}`));
    else lines.push(`${key}: ${flow(value)}`);
  }
  return `---\n${lines.join('\n')}\n---\n${body ? `\n${body}\n` : ''}`;
}

/** A Markdown agent file's YAML frontmatter and body (trimmed), or the reason it has none a YAML loader reads. */
export function readMarkdown(text: string): { data: Record<string, unknown>; body: string } | string {
  const doc = parseAgentFile(text);
  if (!doc.hasFrontmatter) return 'it does not start with a `---` frontmatter';
  if (doc.parse !== 'strict') return `its frontmatter is not valid YAML${doc.parseError ? ` (${doc.parseError.message})` : ''}`;
  if (doc.root !== 'mapping') return 'its frontmatter is not a mapping';
  return { data: doc.data, body: doc.body };
}

// ---------------------------------------------------------------- TOML

/** A TOML string: a multi-line literal string for prompts when it can hold the text, else a basic string. */
export function tomlString(text: string, multiline = false): string {
  if (multiline && !text.includes("'''") && !text.endsWith("'") && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return `'''\n${text}'''`;
  return JSON.stringify(text).replace(/\u007f/g, '\\u007F');
}

export function tomlValue(value: unknown): string {
  if (typeof value === 'string') return tomlString(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`)
      .join(', ')} }`;
  return String(value);
}

export const tomlKey = (key: string): string => (/^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key));

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/**
 * Reads the TOML an agent role file uses (tables, dotted keys, strings of the four kinds, numbers,
 * booleans, arrays, inline tables); dates and arrays of tables are refused. Throws with the line.
 */
export function parseToml(src: string): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  const defined = new Set<object>();
  let table = root;
  let i = 0;
  const fail = (message: string): never => {
    throw new Error(`line ${src.slice(0, i).split('\n').length}: ${message}`);
  };
  const blank = () => {
    while (src[i] === ' ' || src[i] === '\t') i++;
  };
  const gap = () => {
    for (;;) {
      blank();
      if (src[i] === '#') while (i < src.length && src[i] !== '\n') i++;
      if (src[i] === '\r' && src[i + 1] === '\n') i++;
      if (src[i] !== '\n') return;
      i++;
    }
  };
  const endOfLine = () => {
    blank();
    if (src[i] === '#') while (i < src.length && src[i] !== '\n') i++;
    if (src[i] === '\r') i++;
    if (i < src.length && src[i] !== '\n') fail('expected the end of the line');
    i++;
  };
  const string = (): string => {
    const quote = src[i]!;
    const triple = src.startsWith(quote.repeat(3), i);
    i += triple ? 3 : 1;
    if (triple && src[i] === '\n') i++;
    else if (triple && src.startsWith('\r\n', i)) i += 2;
    let out = '';
    for (;;) {
      if (i >= src.length) fail('unterminated string');
      if (triple ? src.startsWith(quote.repeat(3), i) : src[i] === quote) {
        let end = i + (triple ? 3 : 1);
        // Up to two quotes may end a multi-line string's text.
        while (triple && src[end] === quote && end - i < 5) end++;
        out += quote.repeat(Math.max(end - i - 3, 0));
        i = end;
        return out;
      }
      const ch = src[i]!;
      if (!triple && (ch === '\n' || ch === '\r')) fail('line break in a string');
      if (quote === '"' && ch === '\\') {
        const next = src[i + 1] ?? '';
        if (ESCAPES[next] !== undefined) {
          out += ESCAPES[next];
          i += 2;
        } else if (next === 'u' || next === 'U') {
          const hex = src.slice(i + 2, i + (next === 'u' ? 6 : 10));
          if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== (next === 'u' ? 4 : 8)) fail('bad \\u escape');
          const code = Number.parseInt(hex, 16);
          if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) fail('bad \\u escape');
          out += String.fromCodePoint(code);
          i += 2 + hex.length;
        } else if (triple && /^[ \t]*\r?\n/.test(src.slice(i + 1))) {
          i++;
          while (/[ \t\r\n]/.test(src[i] ?? '')) i++;
        } else fail(`bad escape \\${next}`);
        continue;
      }
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(ch)) fail('control character in a string');
      out += ch;
      i++;
    }
  };
  const key = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      blank();
      if (src[i] === '"' || src[i] === "'") {
        if (src.startsWith(src[i]!.repeat(3), i)) fail('a key cannot be a multi-line string');
        parts.push(string());
      } else {
        const bare = /^[A-Za-z0-9_-]+/.exec(src.slice(i, i + 256))?.[0];
        if (!bare) fail('expected a key');
        parts.push(bare!);
        i += bare!.length;
      }
      blank();
      if (src[i] !== '.') return parts;
      i++;
    }
  };
  const value = (): unknown => {
    const ch = src[i];
    if (ch === '"' || ch === "'") return string();
    if (ch === '[') {
      i++;
      const list: unknown[] = [];
      for (;;) {
        gap();
        if (src[i] === ']') break;
        list.push(value());
        gap();
        if (src[i] === ',') i++;
        else if (src[i] !== ']') fail('expected , or ] in an array');
      }
      i++;
      return list;
    }
    if (ch === '{') {
      i++;
      const inline: Record<string, unknown> = Object.create(null);
      blank();
      if (src[i] === '}') {
        i++;
        return inline;
      }
      for (;;) {
        const path = key();
        if (src[i] !== '=') fail('expected = in an inline table');
        i++;
        blank();
        assign(inline, path, value());
        blank();
        if (src[i] === '}') break;
        if (src[i] !== ',') fail('expected , or } in an inline table');
        i++;
      }
      i++;
      return inline;
    }
    const word = /^[^\s,\]}#]+/.exec(src.slice(i, i + 64))?.[0] ?? '';
    i += word.length;
    if (word === 'true' || word === 'false') return word === 'true';
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(word)) return Number(word.replace(/_/g, ''));
    if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(word)) return Number(word.replace(/_/g, ''));
    return fail(`unsupported value ${JSON.stringify(word)}`);
  };
  const descend = (from: Record<string, unknown>, path: string[], make: boolean): Record<string, unknown> => {
    let node = from;
    for (const part of path) {
      if (!Object.hasOwn(node, part)) {
        if (!make) fail(`no table ${part}`);
        node[part] = Object.create(null);
      }
      const next = node[part];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) fail(`${part} is not a table`);
      node = next as Record<string, unknown>;
    }
    return node;
  };
  function assign(into: Record<string, unknown>, path: string[], v: unknown): void {
    const parent = descend(into, path.slice(0, -1), true);
    const last = path[path.length - 1]!;
    if (Object.hasOwn(parent, last)) fail(`${path.join('.')} is defined twice`);
    parent[last] = v;
  }
  while (i < src.length) {
    gap();
    if (i >= src.length) break;
    if (src[i] === '[') {
      if (src[i + 1] === '[') fail('arrays of tables are not supported');
      i++;
      const path = key();
      if (src[i] !== ']') fail('expected ]');
      i++;
      table = descend(root, path, true);
      if (defined.has(table)) fail(`table ${path.join('.')} is defined twice`);
      defined.add(table);
      endOfLine();
      continue;
    }
    const path = key();
    if (src[i] !== '=') fail('expected =');
    i++;
    blank();
    assign(table, path, value());
    endOfLine();
  }
  return root;
}
