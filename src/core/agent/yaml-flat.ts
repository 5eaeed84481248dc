/**
 * The fast reader of flat frontmatter (`key: value` lines, one-line quoted or plain scalars, block
 * scalars): what nearly every agent file has, read exactly as the `yaml` package reads it, without
 * loading it.
 */
import type { YamlKey, YamlOk } from './yaml-result.js';

/** Offset of the quote that closes the quoted scalar opening at `open`, or -1. */
export function quoteEnd(text: string, open: number): number {
  const quote = text[open]!;
  let from = open + 1;
  for (;;) {
    const at = text.indexOf(quote, from);
    if (at === -1) return -1;
    if (quote === "'") {
      if (text.charCodeAt(at + 1) !== 39) return at;
      from = at + 2; // '' is an escaped quote
    } else {
      let backslashes = 0;
      while (text.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) return at;
      from = at + 1;
    }
  }
}

const FLAT_UNSAFE = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff]|\r(?!\n)/;
const NULL_OR_BOOL = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;
/** Every character a core-schema number can have; a digit-led plain scalar with another one is a string. */
const NUMBER_CHARS = /^[0-9a-fA-Fox.+-]+$/;
/** The core schema's other digit-led numbers: octal, hexadecimal, floats (the fast path leaves them to `yaml`). */
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** Longest key the fast path reads (`yaml` limits implicit keys to 1024 characters). */
const FLAT_MAX_KEY = 256;

const isKeyStart = (ch: number): boolean => (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 95;
const isKeyChar = (ch: number): boolean => isKeyStart(ch) || (ch >= 48 && ch <= 57) || ch === 45;
/** A first character that makes a plain scalar a string whatever follows (no indicator, digit, sign, `~`, `.`). */
const isPlainStart = (ch: number): boolean =>
  isKeyStart(ch) || ch >= 0xa1 || ch === 47 || ch === 40 || ch === 41 || ch === 60 || ch === 36 || ch === 92 || ch === 61 || ch === 59 || ch === 94;

const DQ_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};
const HEX = /^[0-9a-fA-F]+$/;

/** The value of a one-line double-quoted scalar from `from` (after the quote) to its closing quote at `close`; undefined on a bad escape. */
function decodeDoubleQuoted(text: string, from: number, close: number): string | undefined {
  let out = '';
  let segment = from;
  for (let i = text.indexOf('\\', from); i !== -1 && i < close; i = text.indexOf('\\', i)) {
    out += text.slice(segment, i);
    const escaped = text[i + 1]!;
    const simple = Object.hasOwn(DQ_ESCAPES, escaped) ? DQ_ESCAPES[escaped] : undefined;
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else {
      const width = escaped === 'x' ? 2 : escaped === 'u' ? 4 : escaped === 'U' ? 8 : 0;
      const hex = text.slice(i + 2, i + 2 + width);
      if (width === 0 || i + 2 + width > close || !HEX.test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 2 + width;
    }
    segment = i;
  }
  return out + text.slice(segment, close);
}

/** Whether only spaces, optionally followed by a comment, come from `from` to the line's end. */
function restIsComment(text: string, from: number, end: number): boolean {
  let i = from;
  while (i < end && text.charCodeAt(i) === 32) i++;
  return i === end || (i > from && text.charCodeAt(i) === 35);
}

/**
 * A top-level `|`, `|-`, `>` or `>-` block scalar whose header is at `header` on a line ending at
 * `end` (next line break at `lineBreak`): its value and where the next line starts; undefined for
 * anything unusual (keep chomping, indentation digit, more-indented folded lines, whitespace-only
 * lines deeper than the content, no content, no line break after the last line).
 */
function readBlockScalar(text: string, header: number, end: number, lineBreak: number): { value: string; resume: number } | undefined {
  const folded = text.charCodeAt(header) === 62;
  let i = header + 1;
  const strip = text.charCodeAt(i) === 45;
  if (strip) i++;
  if (i < end && text.charCodeAt(i) !== 32) return undefined; // `+`, a digit, or anything else
  if (!restIsComment(text, i, end)) return undefined;
  const length = text.length;
  const parts: string[] = [];
  let indent = -1;
  let deepestLeading = 0;
  let pos = lineBreak + 1;
  while (pos < length) {
    let next = text.indexOf('\n', pos);
    if (next === -1) next = length;
    const lineEnd = next > pos && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    let spaces = 0;
    while (pos + spaces < lineEnd && text.charCodeAt(pos + spaces) === 32) spaces++;
    if (pos + spaces === lineEnd) {
      // an empty line (or only spaces)
      if (next === length) return undefined;
      if (indent === -1) deepestLeading = Math.max(deepestLeading, spaces);
      else if (spaces > indent) return undefined;
      parts.push('');
      pos = next + 1;
      continue;
    }
    if (indent === -1) {
      if (spaces === 0 || deepestLeading > spaces) return undefined;
      indent = spaces;
    } else if (spaces < indent) {
      if (spaces > 0) return undefined;
      break;
    }
    if (next === length || (folded && spaces > indent)) return undefined;
    parts.push(text.slice(pos + indent, lineEnd));
    pos = next + 1;
  }
  if (indent === -1) return undefined;
  let last = parts.length;
  while (parts[last - 1] === '') last--;
  let value = '';
  if (folded) {
    let empty = 0;
    let started = false;
    for (let k = 0; k < last; k++) {
      const part = parts[k]!;
      if (part === '') {
        empty++;
        continue;
      }
      value += started && empty === 0 ? ' ' : '\n'.repeat(empty);
      value += part;
      started = true;
      empty = 0;
    }
  } else {
    value = parts.slice(0, last).join('\n');
  }
  return { value: strip ? value : `${value}\n`, resume: pos };
}

/** What scanFlat says about a text `yaml` certainly rejects: a flat frontmatter with a `key: a: b` line, or a value starting with `*`, `]`, `}`, `,`, `@`, `` ` `` or `%`. */
export const NOT_YAML = Symbol('not YAML');

/**
 * Reads flat frontmatter as `yaml` would; undefined when the text is anything else, and NOT_YAML
 * when it would be flat but for top-level values `yaml` always rejects: a plain value holding `: `
 * or ending in `:` (a nested mapping in a compact one: the text Claude Code's retry is for), or
 * one starting with `*`, `]`, `}`, `,`, `@`, `` ` `` or `%`.
 */
export function scanFlat(text: string): YamlOk | typeof NOT_YAML | undefined {
  if (FLAT_UNSAFE.test(text)) return undefined;
  const data: Record<string, unknown> = {};
  const keys: YamlKey[] = [];
  const length = text.length;
  // Next ` #`, `: ` and `\` at or after the current line (searched again only once passed: linear).
  let hash = -2;
  let colon = -2;
  let backslash = -2;
  let invalid = false;
  let pos = 0;
  while (pos < length) {
    let next = text.indexOf('\n', pos);
    if (next === -1) next = length;
    const end = next > pos && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    const first = text.charCodeAt(pos);
    if (pos === end || first === 35) {
      pos = next + 1;
      continue;
    }
    if (first === 32) {
      // only a line of spaces
      let i = pos + 1;
      while (i < end && text.charCodeAt(i) === 32) i++;
      if (i < end) return undefined;
      pos = next + 1;
      continue;
    }
    if (!isKeyStart(first)) return undefined;
    let i = pos + 1;
    while (i < end && isKeyChar(text.charCodeAt(i))) i++;
    if (i === end || text.charCodeAt(i) !== 58 || i - pos > FLAT_MAX_KEY) return undefined;
    if (i + 1 < end && text.charCodeAt(i + 1) !== 32) return undefined;
    const key = text.slice(pos, i);
    if (key === '__proto__' || NULL_OR_BOOL.test(key)) return undefined;
    let v = i + 1;
    while (v < end && text.charCodeAt(v) === 32) v++;
    let value: unknown;
    let resume = next + 1;
    const ch = v < end ? text.charCodeAt(v) : 35;
    if (ch === 35) {
      value = null; // nothing, or only a comment
    } else if (ch === 34) {
      const close = text.indexOf('"', v + 1);
      if (close === -1 || close >= end) return undefined;
      let at = close;
      if (text.charCodeAt(close - 1) === 92) {
        at = quoteEnd(text, v);
        if (at === -1 || at >= end) return undefined;
      }
      if (backslash < v && backslash !== -1) backslash = text.indexOf('\\', v);
      const decoded = backslash !== -1 && backslash < at ? decodeDoubleQuoted(text, v + 1, at) : text.slice(v + 1, at);
      if (decoded === undefined || !restIsComment(text, at + 1, end)) return undefined;
      value = decoded;
    } else if (ch === 39) {
      let close = text.indexOf("'", v + 1);
      while (close !== -1 && close < end && text.charCodeAt(close + 1) === 39) close = text.indexOf("'", close + 2);
      if (close === -1 || close >= end || !restIsComment(text, close + 1, end)) return undefined;
      const raw = text.slice(v + 1, close);
      value = raw.includes("''") ? raw.replace(/''/g, "'") : raw;
    } else if (ch === 42 || ch === 93 || ch === 125 || ch === 44 || ch === 64 || ch === 96 || ch === 37) {
      // An alias (`tools: *`; flat text has no anchors, so `yaml` cannot resolve it), or what no
      // value can start with: `]`, `}`, `,`, `@`, `` ` ``, `%`.
      invalid = true;
      pos = next + 1;
      continue;
    } else if (ch === 124 || ch === 62) {
      const block = readBlockScalar(text, v, end, next);
      if (block === undefined) return undefined;
      value = block.value;
      resume = block.resume;
    } else {
      const digit = ch >= 48 && ch <= 57;
      if (!digit && !isPlainStart(ch)) return undefined;
      if (hash < v && hash !== -1) hash = text.indexOf(' #', v);
      let stop = hash !== -1 && hash < end ? hash : end;
      while (stop > v && text.charCodeAt(stop - 1) === 32) stop--;
      if (colon < v && colon !== -1) colon = text.indexOf(': ', v);
      if ((colon !== -1 && colon < stop) || text.charCodeAt(stop - 1) === 58) {
        // `key: a: b` — read on: the rest must be flat too for the verdict to be certain
        invalid = true;
        pos = next + 1;
        continue;
      }
      const raw = text.slice(v, stop);
      if (digit && NUMBER_CHARS.test(raw)) {
        if (/^[0-9]+$/.test(raw)) value = parseInt(raw, 10);
        else if (OTHER_NUMBER.test(raw)) return undefined;
        else value = raw; // `1.0.1`
      } else if (!digit && NULL_OR_BOOL.test(raw)) {
        value = ch === 110 || ch === 78 ? null : ch === 116 || ch === 84;
      } else {
        value = raw;
      }
    }
    data[key] = value;
    keys.push({ key, offset: pos });
    pos = resume;
  }
  if (invalid) return NOT_YAML;
  return { ok: true, value: data, isMapping: keys.length > 0, keys };
}

/** Reads flat frontmatter (see scanFlat) as `yaml` would; undefined when the text is anything else. */
export function parseFlatYaml(text: string): YamlOk | undefined {
  const result = scanFlat(text);
  return result === NOT_YAML ? undefined : result;
}

/** Whether the fast path knows, without parsing, that `yaml` rejects the text. */
export function isKnownInvalidYaml(text: string): boolean {
  return scanFlat(text) === NOT_YAML;
}
