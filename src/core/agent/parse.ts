/**
 * The one parser of agent files: text → frontmatter split, YAML data, body and source positions,
 * following what Claude Code 2.1.332 does (see docs/claude-code.md):
 *
 * - the file must start with `---` (after an optional byte-order mark); anything after it on that
 *   line other than spaces means "no frontmatter";
 * - the frontmatter ends at the first `---` that follows, wherever it is — even mid-line, inside a
 *   quoted value;
 * - the YAML is parsed with duplicate keys allowed (last wins); if that fails, it is parsed once
 *   more after the "lenient" rewrite (quote `key: value` lines whose value holds `: ` or one of
 *   ``{}[]*&#!|>%@` ``, then turn leading tabs into two spaces each).
 *
 * Nothing here executes anything: no custom YAML tags, no JavaScript front matter; alias expansion,
 * nesting depth (flow and block) and the tokens handed to the YAML parser are bounded, and parsing
 * stops at the first error, so that hostile input costs bounded time and memory (parsing any file
 * of up to 1 MiB takes well under 300 ms and 100 MB).
 *
 * Speed: the flat frontmatter nearly every agent has (`key: value` lines, one-line or block
 * scalars) is read by a small exact reader (scanFlat) instead of the `yaml` package, which gets
 * everything else; positions are indexed only as far as the frontmatter.
 */
import { Composer, type CST, type Document, isMap, isScalar, Lexer, Parser, type YAMLError } from 'yaml';

export interface Position {
  /** 1-based line in the original file. */
  line: number;
  /** 1-based column in the original file. */
  column: number;
}

/** Why Claude Code sees no frontmatter. */
export type NoFrontmatterReason =
  /** nothing but whitespace */
  | 'empty'
  /** the first line is not `---` */
  | 'missing'
  /** blank lines or indentation before the opening `---` */
  | 'leading-whitespace'
  /** text after the opening `---` (`---js`, `--- yaml`) */
  | 'text-after-delimiter'
  /** no `---` after the opening one */
  | 'unclosed';

export type ParseOutcome = 'strict' | 'lenient' | 'failed' | 'none';

/** The frontmatter as its author meant it, when a `---` inside a line ended it early. */
export interface IntendedFrontmatter {
  /** Frontmatter text up to the first line that is only `---`. */
  frontmatterText: string;
  data: Record<string, unknown>;
  parse: Exclude<ParseOutcome, 'none'>;
  /** Line of that `---` line. */
  closingLine: number;
}

export interface LenientRewrite {
  line: number;
  key: string;
  /** The line as written (without its line break). */
  original: string;
  /** The line as the retry rewrites it. */
  quoted: string;
}

export interface AgentDocument {
  hasBom: boolean;
  hasCrlf: boolean;
  /** false when Claude Code sees no frontmatter (no `---` at byte 0 after optional BOM, etc.) */
  hasFrontmatter: boolean;
  /** raw frontmatter text between the delimiters as Claude Code splits it (first `---` anywhere after the opening one, even mid-line) */
  frontmatterText: string;
  /** parsed mapping ({} when none / non-mapping). Duplicate keys: last wins. */
  data: Record<string, unknown>;
  /** body after the closing delimiter, as Claude Code gives it (trimmed) */
  body: string;
  /** 'strict' = plain YAML parse succeeded; 'lenient' = only the retry succeeded; 'failed' = both failed; 'none' = no frontmatter */
  parse: ParseOutcome;
  /** parser error of the failed parse(s), with a position: the strict error when the retry succeeded, the retry's error when both failed */
  parseError?: { message: string; position: Position };
  /** position of each top-level key in the original text */
  keyPositions: Record<string, Position>;
  /** lines (1-based) that the lenient retry rewrote (quoted), with the exact quoted replacement; empty unless the retry ran */
  lenientRewrites: LenientRewrite[];
  /** lines (1-based) whose leading tabs the lenient retry turned into spaces; empty unless the retry ran */
  lenientTabLines: number[];
  /** set when `hasFrontmatter` is false */
  noFrontmatterReason?: NoFrontmatterReason;
  /** what follows the opening `---` on line 1 when that is not blank (`js` for `---js`) */
  delimiterSuffix?: string;
  /** offset of the frontmatter text in the original text; -1 without frontmatter */
  frontmatterOffset: number;
  /** line where the frontmatter text starts; 0 without frontmatter */
  frontmatterLine: number;
  /** the `---` that ends the frontmatter; `ownLine` is false when it sits inside a line */
  closing?: { position: Position; offset: number; ownLine: boolean };
  /** only when `closing.ownLine` is false and a proper `---` line follows later */
  intended?: IntendedFrontmatter;
}

export interface ParseAgentFileOptions {
  /**
   * false: split only, skip YAML (for files Claude Code skips anyway, e.g. over 1 MiB); `parse`
   * is then 'none' and `data` is {}.
   */
  yaml?: boolean;
}

/** Most aliases one document may resolve (billion-laughs guard). */
export const MAX_YAML_ALIASES = 100;
/** Deepest flow nesting (`[[[…` / `{{{…`) we hand to the YAML parser. */
export const MAX_YAML_FLOW_DEPTH = 256;
/**
 * Deepest block nesting (indentation, and `- - -` / `? ? ?` / `a: b: c` on one line) we hand to
 * the YAML parser, as estimated by {@link blockDepthExceeds}. The parser itself gives up (stack
 * overflow) a few levels past a thousand, after time and memory that grow with the depth
 * (seconds and hundreds of MB for a 1 MiB `- - - …`); agent files use a handful.
 */
export const MAX_YAML_BLOCK_DEPTH = 256;

/**
 * Most tokens (lexemes of the `yaml` lexer: scalars, indicators, spaces, line breaks) that one
 * parse may hand to the `yaml` package before its outcome is certain: a parse that would need more
 * fails instead (`refused`), with the message "more than … YAML tokens" positioned at the first
 * token past the bound — where Claude Code would spend seconds and gigabytes on a dense 1 MiB
 * frontmatter, and then load valid YAML. So, like the nesting bounds, this can disagree with
 * Claude Code, on frontmatter no agent has: the corpus's largest holds 122 tokens; a block list of
 * 500 tools, about 3,000. Two exceptions keep the outcome: a frontmatter whose root cannot be
 * a mapping counts as empty (rootCannotBeMapping), and the lenient retry still runs (it quotes a
 * dense one-line value such as `x: [,,,…` into a single token). 6,000 tokens cost about 25 ms to
 * parse cold; a file can need four such parses (strict and retry, for the frontmatter as split and
 * as meant), which keeps `validate` of any file under 300 ms.
 */
export const MAX_YAML_TOKENS = 6_000;

/**
 * Offsets ↔ 1-based line/column over one text; lines end at `\n` (a CRLF's `\r` stays on its line).
 * Lines are indexed on demand, only as far as asked: positions in the frontmatter never cost a
 * scan of the (often much longer) body.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** true once every line start is known */
  private complete = false;

  constructor(readonly text: string) {}

  /** Indexes one more line; false when there is none. */
  private more(): boolean {
    if (this.complete) return false;
    const next = this.text.indexOf('\n', this.starts[this.starts.length - 1]!);
    if (next === -1) {
      this.complete = true;
      return false;
    }
    this.starts.push(next + 1);
    return true;
  }

  get lineCount(): number {
    while (this.more());
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    // Index until a line starts after the offset (or the text ends): its line is then known.
    while (this.starts[this.starts.length - 1]! <= clamped && this.more());
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.starts[low]! + 1 };
  }

  /** Offset of the first character of a 1-based line (the last line's for lines past the end). */
  lineStart(line: number): number {
    while (this.starts.length < line && this.more());
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  /** A line's text without its line break (and without the `\r` of a CRLF). */
  lineText(line: number): string {
    if (line < 1) return '';
    // The line's end is the next line's start, so index one line further.
    while (this.starts.length <= line && this.more());
    if (line > this.starts.length) return '';
    const start = this.starts[line - 1]!;
    const next = line < this.starts.length ? this.starts[line]! - 1 : this.text.length;
    const end = next > start && this.text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    return this.text.slice(start, end);
  }
}

const LENIENT_LINE = /^([a-zA-Z_-]+):\s+(\S.*)$/;
const LENIENT_SPECIAL = /[{}[\]*&#!|>%@`]/;

/** Double-quotes a value the way Claude Code's lenient retry does. */
export function quoteLenientValue(value: string): string {
  const escaped = value.includes('\\') || value.includes('"') ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : value;
  return `"${escaped}"`;
}

export interface LenientRewriteResult {
  text: string;
  /** `line` is 0-based within the frontmatter text here. */
  rewrites: LenientRewrite[];
  /** 0-based lines within the frontmatter text whose leading tabs became spaces. */
  tabLines: number[];
}

/**
 * Claude Code's lenient retry, line by line: a `key: value` line (key of ASCII letters, `_`, `-`
 * at the start of the line) whose value is not already quoted, nor a `[…]` that parses as a YAML
 * list, and holds `: ` or one of ``{}[]*&#!|>%@` ``, gets its value double-quoted; then every
 * line's leading tabs become two spaces each. A CRLF line is matched without its `\r` (which it
 * keeps): Claude Code's handling of CRLF here was not observed, and this keeps values free of it.
 */
export function rewriteLenient(frontmatterText: string): LenientRewriteResult {
  const lines = frontmatterText.split('\n');
  const rewrites: LenientRewrite[] = [];
  const tabLines: number[] = [];
  // What the `[…]` list checks may hand to the `yaml` package in all (see LIST_CHECK_COST).
  const budget: TokenBudget = { left: MAX_YAML_TOKENS };
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!;
    const cr = line.endsWith('\r') ? '\r' : '';
    const content = cr ? line.slice(0, -1) : line;
    const match = LENIENT_LINE.exec(content);
    if (match) {
      const key = match[1]!;
      const value = match[2]!;
      if (needsLenientQuotes(value, budget)) {
        const quoted = `${key}: ${quoteLenientValue(value)}`;
        rewrites.push({ line: index, key, original: content, quoted });
        line = quoted + cr;
      }
    }
    if (line.charCodeAt(0) === 9) {
      line = line.replace(/^\t+/, (tabs) => '  '.repeat(tabs.length));
      tabLines.push(index);
    }
    lines[index] = line;
  }
  return { text: lines.join('\n'), rewrites, tabLines };
}

/**
 * What a list check costs on top of its tokens, out of MAX_YAML_TOKENS for all the list checks of
 * one rewrite: room for about 250 lists that are not SIMPLE_LIST (each parse costs tens of
 * microseconds whatever its size: 100,000 of them would take seconds). Past that, a check says
 * "not a list", so the value is quoted. Agent files have a handful of lists.
 */
const LIST_CHECK_COST = 32;

/**
 * A flow sequence of plain words (`[Read, Write, Bash(git diff *)]`): one that the `yaml` package
 * certainly reads as a list, so the check needs no parse (and spends none of the checks' budget)
 * when it is at most SIMPLE_LIST_LENGTH characters long: short enough for a parse of it to fit
 * MAX_YAML_TOKENS, so that the answer is the one such a parse gives. Words start with a letter,
 * digit or `_` and hold no indicator that could end or change a plain scalar in a flow collection
 * (the unit tests hold it to the `yaml` package).
 */
const SIMPLE_LIST_LENGTH = 2_000;
const SIMPLE_LIST = /^\[ *(?:[\w][\w./()*+-]*(?: +[\w./()*+-]+)*(?: *, *[\w][\w./()*+-]*(?: +[\w./()*+-]+)*)*)? *\]$/;

function needsLenientQuotes(value: string, budget: TokenBudget): boolean {
  const first = value[0];
  const last = value[value.length - 1];
  if ((first === '"' && last === '"') || (first === "'" && last === "'")) return false;
  if (first === '[' && last === ']' && value.length <= SIMPLE_LIST_LENGTH && SIMPLE_LIST.test(value)) return false;
  if (first === '[' && last === ']' && budget.left > 0) {
    budget.left -= LIST_CHECK_COST;
    const list = parseYaml(value, budget);
    if (list.ok && Array.isArray(list.value)) return false;
  }
  return value.includes(': ') || LENIENT_SPECIAL.test(value);
}

type YamlKey = { key: string; offset: number };
type YamlOk = { ok: true; value: unknown; isMapping: boolean; keys: YamlKey[] };
/** `refused`: never handed to the `yaml` package whole (over MAX_YAML_TOKENS); the message says so. */
type YamlFailure = { ok: false; message: string; offset: number; refused?: true };
type YamlResult = YamlOk | YamlFailure;

function flowDepthExceeds(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 91 || ch === 123) {
      if (++depth > limit) return i;
    } else if ((ch === 93 || ch === 125) && depth > 0) depth--;
  }
  return -1;
}

const isBlank = (ch: number): boolean => ch === 32 || ch === 9 || ch === 13;

/**
 * Offset where block collections nest deeper than `limit`, or -1; an upper bound found in one
 * pass without parsing. Each line opens a level per indentation column in use above it (a stack
 * of the columns of less indented lines still open) plus one per block indicator on it: `- `,
 * `? `, `: ` at the start of a token, and `: ` after a key (as in `- - - x`, `- a: - b: …`).
 * Anchors and tags are stepped over; quoted scalars (even over several lines), block scalar
 * contents (`|`, `>` without an explicit indentation digit, following the `yaml` lexer's rule for
 * where they end) and comments are skipped. Multi-line plain scalars and flow collections are
 * scanned like structure, which can only over-count; real agent files stay in single digits.
 */
export function blockDepthExceeds(text: string, limit: number): number {
  const length = text.length;
  const stack: number[] = [];
  /** while in a block scalar: its lines are those indented more than this; else -1 */
  let scalarAbove = -1;
  /** indentation of the block scalar's first non-empty line, once seen */
  let scalarIndent = -1;
  let lineStart = 0;
  while (lineStart < length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = length;
    let i = lineStart;
    while (i < lineEnd && text.charCodeAt(i) === 32) i++;
    const indent = i - lineStart;
    const blank = i === lineEnd || (i + 1 === lineEnd && text.charCodeAt(i) === 13);
    if (scalarAbove >= 0) {
      if (blank || (scalarIndent === -1 ? indent > scalarAbove : indent >= scalarIndent)) {
        if (!blank && scalarIndent === -1) scalarIndent = indent;
        lineStart = lineEnd + 1;
        continue;
      }
      scalarAbove = -1;
      scalarIndent = -1;
    }
    if (blank || text.charCodeAt(i) === 35) {
      lineStart = lineEnd + 1;
      continue;
    }
    while (stack.length > 0 && stack[stack.length - 1]! >= indent) stack.pop();
    stack.push(indent);
    if (stack.length > limit) return i;
    /** column after the leading indicators: where the line's first real token starts */
    let valueColumn = indent;
    let leading = true;
    let tokenStart = true;
    let afterBlank = true;
    let flow = 0;
    while (i < lineEnd) {
      const ch = text.charCodeAt(i);
      if (isBlank(ch)) {
        afterBlank = true;
        i++;
        continue;
      }
      if (ch === 35 && afterBlank) break; // a comment
      afterBlank = false;
      const nextBlank = i + 1 >= lineEnd || isBlank(text.charCodeAt(i + 1));
      if (tokenStart) {
        if ((ch === 45 || ch === 63 || ch === 58) && nextBlank && flow === 0) {
          // `- `, `? `, `: `: a block collection (or its value) starts after it
          i++;
          while (i < lineEnd && isBlank(text.charCodeAt(i))) i++;
          if (leading) valueColumn = i - lineStart;
          stack.push(i - lineStart);
          if (stack.length > limit) return i - 1;
          afterBlank = true;
          continue;
        }
        leading = false;
        if (ch === 38 || ch === 33 || ch === 42) {
          // anchor, tag or alias: the `yaml` lexer looks for indicators again after it
          while (i < lineEnd && !isBlank(text.charCodeAt(i))) i++;
          continue;
        }
        if (ch === 34 || ch === 39) {
          const close = quoteEnd(text, i);
          if (close === -1) return -1; // the rest is one (unclosed) scalar
          if (close >= lineEnd) {
            lineStart = text.lastIndexOf('\n', close) + 1;
            lineEnd = text.indexOf('\n', close);
            if (lineEnd === -1) lineEnd = length;
          }
          // like after an alias: what follows is a new token (only a plain scalar runs on)
          i = close + 1;
          continue;
        }
        if (ch === 91 || ch === 123) {
          flow++;
          i++;
          continue;
        }
        if ((ch === 124 || ch === 62) && flow === 0) {
          // block scalar header; with an explicit indentation digit its end is not tracked (its
          // lines are then scanned like structure, which can only over-count)
          let h = i + 1;
          while (h < lineEnd && (text.charCodeAt(h) === 43 || text.charCodeAt(h) === 45)) h++;
          const digit = h < lineEnd && text.charCodeAt(h) >= 49 && text.charCodeAt(h) <= 57;
          if (!digit) {
            scalarAbove = valueColumn;
            scalarIndent = -1;
          }
          break;
        }
        tokenStart = false;
      }
      if (ch === 58 && (nextBlank || (flow > 0 && /[,[\]{}]/.test(text[i + 1] ?? '')))) {
        // `key: value`
        i++;
        while (i < lineEnd && isBlank(text.charCodeAt(i))) i++;
        if (flow === 0) {
          stack.push(i - lineStart);
          if (stack.length > limit) return i - 1;
        }
        tokenStart = true;
        afterBlank = true;
        continue;
      }
      if (flow > 0) {
        if (ch === 44) tokenStart = true;
        else if (ch === 91 || ch === 123) {
          flow++;
          tokenStart = true;
        } else if (ch === 93 || ch === 125) {
          flow--;
          tokenStart = true;
        }
      }
      i++;
    }
    lineStart = lineEnd + 1;
  }
  return -1;
}

/** Offset of the quote that closes the quoted scalar opening at `open`, or -1. */
function quoteEnd(text: string, open: number): number {
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

/*
 * The fast path. Nearly every agent file's frontmatter is flat: top-level `key: value` lines
 * whose value is a one-line plain, double- or single-quoted scalar or a `|` / `>` block scalar,
 * with blank and comment lines between them. scanFlat reads exactly that and gives up on anything
 * else, which then goes to the `yaml` package. What it accepts, it reads as `yaml` does (core
 * schema: null, booleans, decimal integers, strings); tests compare the two on the corpus and on
 * generated edge cases.
 */

/** Characters left to the full parser: tabs, control characters, lone CRs, BOMs, Unicode line breaks. */
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
const NOT_YAML = Symbol('not YAML');

/**
 * Reads flat frontmatter as `yaml` would; undefined when the text is anything else, and NOT_YAML
 * when it would be flat but for top-level values `yaml` always rejects: a plain value holding `: `
 * or ending in `:` (a nested mapping in a compact one: the text Claude Code's retry is for), or
 * one starting with `*`, `]`, `}`, `,`, `@`, `` ` `` or `%`.
 */
function scanFlat(text: string): YamlOk | typeof NOT_YAML | undefined {
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

/** The `yaml` package's reading, behind the alias, depth and token guards. */
function parseYamlFully(text: string, budget?: TokenBudget): YamlResult {
  const deep = flowGuard(text);
  if (deep) return deep;
  const deepBlock = blockDepthExceeds(text, MAX_YAML_BLOCK_DEPTH);
  if (deepBlock !== -1) return { ok: false, message: `block collections nested deeper than ${MAX_YAML_BLOCK_DEPTH} levels`, offset: deepBlock };
  try {
    const limit = budget ? Math.min(MAX_YAML_TOKENS, budget.left) : MAX_YAML_TOKENS;
    const read = readFirstDocument(text, limit);
    if (budget) budget.left -= read.tokens;
    if (read.kind === 'refused') return { ok: false, message: `more than ${MAX_YAML_TOKENS} YAML tokens`, offset: read.offset, refused: true };
    // Errors found at the very end (a quote never closed) point at the last character written.
    if (read.kind === 'error')
      return { ok: false, message: cleanYamlMessage(read.error.message), offset: Math.min(read.error.pos[0], Math.max(0, text.trimEnd().length - 1)) };
    const doc = read.document;
    const contents = doc.contents;
    const keys: YamlKey[] = [];
    if (isMap(contents)) {
      for (const pair of contents.items) {
        const key = pair.key;
        if (isScalar(key) && key.range) keys.push({ key: String(key.value), offset: key.range[0] });
      }
    }
    const value: unknown = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    return { ok: true, value, isMapping: isMap(contents), keys };
  } catch (error) {
    // Alias bombs, or a stack overflow on pathological nesting.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message: cleanYamlMessage(message), offset: 0 };
  }
}

// Core schema (YAML 1.2), no custom tags: nothing can construct objects or run code.
const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: false, logLevel: 'silent' } as const;

/** What parses may still hand to the `yaml` package, in tokens (see MAX_YAML_TOKENS). */
interface TokenBudget {
  left: number;
}

type FirstDocument =
  | { kind: 'document'; document: Document.Parsed; tokens: number }
  | { kind: 'error'; error: YAMLError; tokens: number }
  | { kind: 'refused'; offset: number; tokens: number };

/** Thrown from the Composer's error callback to stop composing. */
const STOP_COMPOSING: unique symbol = Symbol('stop composing');

/** After a `...` line: what only blank lines, comments and more bare `...` lines follow. */
const HARMLESS_TAIL = / *(?:\r?\n(?:\.\.\. *| *(?:#[^\n]*)?))*$/y;

/**
 * Reads YAML as `parseDocument(text, YAML_OPTIONS)` does, for the first document and its first
 * error only (all that is used), and stopping as soon as they are certain.
 *
 * With `logLevel: 'silent'`, parseDocument returns the stream's first document; its `errors` are,
 * in this order: the errors met before it (parser error tokens, a `...` with no document before
 * it, bad directives), those of composing it, then those that arrive until the second document is
 * composed (parser error tokens — wherever they are, even inside that second document — and those
 * of `...` markers). Later documents and their own errors are ignored. So the first error is
 * certain as soon as there is one, and the first document's outcome as soon as the parser hands
 * over a second document (or reaches the end; or only blank lines, comments and bare `...` lines
 * follow a `...`, which can add no error). Composing stops at its first error (through the
 * Composer's error callback), and the parser stops there too: an error flood costs what comes
 * before its first error. This leans on how the Composer of `yaml` 2 keeps errors (the array
 * `streamInfo().errors` gives is the one that becomes the first document's `errors`) and on its
 * private error callback; the differential tests in tests/unit/agent-file.test.ts hold the result
 * to what parseDocument says.
 *
 * What it costs is bounded by the lexer's tokens: past `maxTokens` it gives up ('refused'). Even
 * stopped early, the `yaml` parser must see a document to its end before composing it (about a
 * microsecond and a few hundred bytes per token), so a dense 1 MiB frontmatter would cost seconds
 * and gigabytes; agent frontmatter holds a few hundred tokens at most.
 */
function readFirstDocument(text: string, maxTokens: number): FirstDocument {
  const parser = new Parser();
  const composer = new Composer(YAML_OPTIONS);
  // The array that becomes the first document's `errors` (the composer collects errors in it until
  // that document is composed, then adds that document's later errors to it).
  const errors = composer.streamInfo().errors;
  let composed = false;
  stopAtFirstError(composer, () => !composed);
  let tokens = 0;
  let tailChecked = false;

  const failed = (): FirstDocument => ({ kind: 'error', error: errors[0]!, tokens });
  /** The first document once its errors are final: `errors` is read before end() (which may add another document's). */
  const settle = (atEnd: boolean): FirstDocument => {
    const clean = errors.length === 0;
    for (const document of composer.end(true, text.length)) {
      return (atEnd ? errors.length === 0 : clean) ? { kind: 'document', document, tokens } : failed();
    }
    throw new Error('yaml: no document'); // end(true) always gives one
  };
  /** Feeds one CST token; a result when the outcome is certain. */
  const feed = (token: CST.Token): FirstDocument | undefined => {
    if (token.type === 'document') {
      if (composed) return settle(false);
      for (const _ of composer.next(token));
      composed = true;
    } else {
      for (const _ of composer.next(token));
    }
    return errors.length > 0 ? failed() : undefined;
  };

  try {
    for (const lexeme of new Lexer().lex(text)) {
      if (++tokens > maxTokens) return { kind: 'refused', offset: parser.offset, tokens };
      for (const token of parser.next(lexeme)) {
        const result = feed(token);
        if (result) return result;
      }
      // A `...` at the start of a line is a document end marker (never a scalar).
      if (composed && !tailChecked && lexeme === '...' && (parser.offset === 3 || text.charCodeAt(parser.offset - 4) === 10)) {
        tailChecked = true;
        HARMLESS_TAIL.lastIndex = parser.offset;
        if (HARMLESS_TAIL.test(text)) return settle(false);
      }
    }
    for (const token of parser.end()) {
      const result = feed(token);
      if (result) return result;
    }
    return settle(true);
  } catch (error) {
    if (error === STOP_COMPOSING) return failed();
    throw error;
  }
}

type ComposeErrorHandler = (source: unknown, code: string, message: string, warning?: boolean) => void;

/**
 * Makes the composer stop at its first error (not warning) while `active()`: it still records the
 * error, then throws STOP_COMPOSING. The callback is the Composer's own (private) `onError`; if a
 * `yaml` version has none, composing simply runs to the end of the document.
 */
function stopAtFirstError(composer: Composer, active: () => boolean): void {
  const internals = composer as unknown as { onError?: ComposeErrorHandler };
  const record = internals.onError;
  if (typeof record !== 'function') return;
  internals.onError = (source, code, message, warning) => {
    record(source, code, message, warning);
    if (!warning && active()) throw STOP_COMPOSING;
  };
}

/**
 * The `yaml` package's reading of a text, behind the guards, as the strict parse and the retry use
 * it when the fast reader does not apply: `{ ok, value, isMapping, keys }`, or the first error's
 * message and offset. Exported for the tests that hold it to `parseDocument`.
 */
export function parseFullYaml(text: string): YamlResult {
  return parseYamlFully(text);
}

/** The fast path when it applies, else `yaml`. */
function parseYaml(text: string, budget?: TokenBudget): YamlResult {
  const flat = flowGuard(text) ?? scanFlat(text);
  return flat === undefined || flat === NOT_YAML || !flat.ok ? parseYamlFully(text, budget) : flat;
}

/**
 * The flow nesting bound, checked before either reader. It counts brackets even inside quoted
 * text (so a quoted value of 257 `[` is refused too); applying it to what the fast path reads as
 * well keeps every result what it was before there was a fast path.
 */
function flowGuard(text: string): Extract<YamlResult, { ok: false }> | undefined {
  if (!mayNestDeeper(text, MAX_YAML_FLOW_DEPTH)) return undefined;
  const deep = flowDepthExceeds(text, MAX_YAML_FLOW_DEPTH);
  return deep === -1 ? undefined : { ok: false, message: `flow collections nested deeper than ${MAX_YAML_FLOW_DEPTH} levels`, offset: deep };
}

/** Whether the text holds more than `limit` `[` and `{` in all (counted natively, a jump per bracket). */
function mayNestDeeper(text: string, limit: number): boolean {
  let count = 0;
  for (const open of ['[', '{']) {
    for (let at = text.indexOf(open); at !== -1; at = text.indexOf(open, at + 1)) if (++count > limit) return true;
  }
  return false;
}

function cleanYamlMessage(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

function asMapping(result: Extract<YamlResult, { ok: true }>): Record<string, unknown> {
  if (!result.isMapping || result.value === null || typeof result.value !== 'object' || Array.isArray(result.value)) return {};
  return result.value as Record<string, unknown>;
}

type YamlError = { message: string; offset: number };

interface FrontmatterParse {
  parse: Exclude<ParseOutcome, 'none'>;
  data: Record<string, unknown>;
  /** offsets within the parsed text, with the text they refer to */
  keys: YamlKey[];
  /** the text the keys/error offsets refer to */
  parsedText: string;
  /** the strict parse's error; a function, because it is only worked out when asked for */
  strictError?: () => YamlError;
  retryError?: YamlError;
  lenient?: LenientRewriteResult;
}

/** A blank line, or one holding only a comment (spaces only: a tab could be indentation). */
const INSIGNIFICANT_LINES = /(?: *(?:#[^\n]*)?\r?\n)*/y;

/**
 * Whether the root node of a YAML text cannot be a mapping, whether or not the text is valid, and
 * after the lenient retry too: its first significant line is a block sequence entry (`- …` at
 * column 0: a sequence, or an error), or the text holds no `:`, `?` or `{` at all (nothing that
 * makes a mapping; the retry rewrites only `key: value` lines, so it holds none either) and does
 * not start with a tag or directive.
 *
 * Used only for a frontmatter over MAX_YAML_TOKENS (a 1 MiB `- 1` list, `[1,1,…]`): it then counts
 * as empty, as a non-mapping does, without being parsed. If it is not valid YAML, Claude Code
 * would log a parse failure where we report `name-missing` (and `description-missing`) instead of
 * `yaml-invalid`; either way the file has no `name` and Claude Code skips it, so whether an agent
 * loads — and its name, description and model — can never differ. (The corpus's largest
 * frontmatter has 122 tokens; the corpus and unit tests pass unchanged.)
 */
function rootCannotBeMapping(text: string): boolean {
  INSIGNIFICANT_LINES.lastIndex = 0;
  INSIGNIFICANT_LINES.test(text);
  const start = INSIGNIFICANT_LINES.lastIndex;
  const first = text[start];
  if (first === '-') {
    const next = text[start + 1];
    if (next === undefined || next === ' ' || next === '\n' || (next === '\r' && text[start + 2] === '\n')) return true;
  }
  if (first === undefined || first === '!' || first === '%') return false;
  return !text.includes(':') && !text.includes('?') && !text.includes('{');
}

function errorOf(result: YamlResult): YamlError {
  // Only reached for texts known to fail; a success here would be a fast-path bug: say so.
  return result.ok ? { message: 'invalid YAML', offset: 0 } : { message: result.message, offset: result.offset };
}

function parseFrontmatter(frontmatterText: string): FrontmatterParse {
  const flat = flowGuard(frontmatterText) ?? scanFlat(frontmatterText);
  if (flat !== undefined && flat !== NOT_YAML && flat.ok) return { parse: 'strict', data: asMapping(flat), keys: flat.keys, parsedText: frontmatterText };
  // When the fast path already knows the strict parse fails, `yaml`'s error message is only
  // worked out if someone reads it (`parseError` of a file the retry rescues).
  const strict = flat === NOT_YAML ? undefined : parseYamlFully(frontmatterText);
  if (strict?.ok) return { parse: 'strict', data: asMapping(strict), keys: strict.keys, parsedText: frontmatterText };
  if (strict?.refused && rootCannotBeMapping(frontmatterText)) return { parse: 'strict', data: {}, keys: [], parsedText: frontmatterText };
  const strictError = strict ? () => errorOf(strict) : () => errorOf(parseYamlFully(frontmatterText));
  const lenient = rewriteLenient(frontmatterText);
  // A retry that changed nothing fails as the strict parse did, with the same error.
  const retry = lenient.text === frontmatterText && strict ? strict : parseYaml(lenient.text);
  if (retry.ok) {
    return { parse: 'lenient', data: asMapping(retry), keys: retry.keys, parsedText: lenient.text, strictError, lenient };
  }
  if (retry.refused && rootCannotBeMapping(lenient.text)) return { parse: 'lenient', data: {}, keys: [], parsedText: lenient.text, strictError, lenient };
  return {
    parse: 'failed',
    data: {},
    keys: [],
    parsedText: lenient.text,
    strictError,
    retryError: { message: retry.message, offset: retry.offset },
    lenient,
  };
}

/** Defines `key` as an ordinary (enumerable, writable) property whose value is computed on first read. */
function lazyProperty<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get(): T[K] {
      const value = compute();
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: T[K]): void {
      Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

const PROPER_DELIMITER_LINE = /^---[ \t]*\r?$/gm;

/** Splits and parses an agent file the way Claude Code does. */
export function parseAgentFile(text: string, options: ParseAgentFileOptions = {}): AgentDocument {
  const hasBom = text.charCodeAt(0) === 0xfeff;
  const base = hasBom ? 1 : 0;
  const hasCrlf = text.includes('\r\n');
  const document: AgentDocument = {
    hasBom,
    hasCrlf,
    hasFrontmatter: false,
    frontmatterText: '',
    data: {},
    body: '',
    parse: 'none',
    keyPositions: {},
    lenientRewrites: [],
    lenientTabLines: [],
    frontmatterOffset: -1,
    frontmatterLine: 0,
  };

  const noFrontmatter = (reason: NoFrontmatterReason): AgentDocument => {
    document.noFrontmatterReason = reason;
    document.body = text.slice(base).trim();
    return document;
  };

  if (text.slice(base).trim() === '') return noFrontmatter('empty');
  if (!text.startsWith('---', base)) {
    return noFrontmatter(/^\s+---/.test(text.slice(base, base + 4096)) ? 'leading-whitespace' : 'missing');
  }
  const openingEnd = text.indexOf('\n', base);
  const suffix = text.slice(base + 3, openingEnd === -1 ? text.length : openingEnd);
  if (!/^\s*$/.test(suffix)) {
    document.delimiterSuffix = suffix.trim();
    return noFrontmatter('text-after-delimiter');
  }
  if (openingEnd === -1) return noFrontmatter('unclosed');
  const start = openingEnd + 1;
  const close = text.indexOf('---', start);
  if (close === -1) return noFrontmatter('unclosed');

  const lines = new LineIndex(text);
  const frontmatterText = text.slice(start, close);
  const closingPosition = lines.positionAt(close);
  const closingLineText = lines.lineText(closingPosition.line);
  const ownLine = closingPosition.column === 1 && /^---\s*$/.test(closingLineText);

  document.hasFrontmatter = true;
  document.frontmatterText = frontmatterText;
  document.frontmatterOffset = start;
  document.frontmatterLine = lines.positionAt(start).line;
  document.closing = { position: closingPosition, offset: close, ownLine };
  document.body = text.slice(close + 3).trim();

  if (options.yaml === false) return document;

  const parsed = parseFrontmatter(frontmatterText);
  document.parse = parsed.parse;
  document.data = parsed.data;
  const firstLine = document.frontmatterLine;

  if (parsed.parse === 'strict') {
    for (const { key, offset } of parsed.keys) document.keyPositions[key] = lines.positionAt(start + offset);
  } else {
    // The retry keeps every line where it was; only columns can shift (tabs → two spaces).
    const rewritten = new LineIndex(parsed.parsedText);
    const toOriginal = (offset: number): Position => {
      const at = rewritten.positionAt(offset);
      const line = firstLine + at.line - 1;
      const originalLine = lines.lineText(line);
      const tabs = /^\t*/.exec(originalLine)![0].length;
      const column = at.column > 2 * tabs ? at.column - tabs : Math.ceil(at.column / 2);
      return { line, column: Math.min(column, originalLine.length + 1) };
    };
    for (const { key, offset } of parsed.keys) document.keyPositions[key] = toOriginal(offset);
    const lenient = parsed.lenient!;
    document.lenientRewrites = lenient.rewrites.map((rewrite) => ({ ...rewrite, line: firstLine + rewrite.line }));
    document.lenientTabLines = lenient.tabLines.map((line) => firstLine + line);
    if (parsed.parse === 'lenient') {
      const strictError = parsed.strictError!;
      lazyProperty(document, 'parseError', () => {
        const error = strictError();
        return { message: error.message, position: lines.positionAt(start + error.offset) };
      });
    } else {
      const error = parsed.retryError!;
      document.parseError = { message: error.message, position: toOriginal(error.offset) };
    }
  }

  if (!ownLine) {
    PROPER_DELIMITER_LINE.lastIndex = lines.lineStart(closingPosition.line + 1);
    const proper = closingPosition.line < lines.lineCount ? PROPER_DELIMITER_LINE.exec(text) : null;
    if (proper) {
      const intendedText = text.slice(start, proper.index);
      const intended = parseFrontmatter(intendedText);
      document.intended = {
        frontmatterText: intendedText,
        data: intended.data,
        parse: intended.parse,
        closingLine: lines.positionAt(proper.index).line,
      };
    }
  }
  return document;
}
