/**
 * The one parser of agent files: text → frontmatter split, YAML data, body and source positions,
 * following what Claude Code 2.1.332 does (see CLAUDE-CODE.md):
 *
 * - the file must start with `---` (after an optional byte-order mark); anything after it on that
 *   line other than spaces means "no frontmatter";
 * - the frontmatter ends at the first `---` that follows, wherever it is — even mid-line, inside a
 *   quoted value;
 * - the YAML is parsed with duplicate keys allowed (last wins); if that fails, it is parsed once
 *   more after the "lenient" rewrite (quote `key: value` lines whose value holds `: ` or one of
 *   ``{}[]*&#!|>%@` ``, then turn leading tabs into two spaces each).
 *
 * Nothing here executes anything: no custom YAML tags, no JavaScript front matter; alias expansion
 * and nesting depth are bounded so that hostile input costs bounded time and memory.
 */
import { isMap, isScalar, parseDocument } from 'yaml';

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

/** Offsets ↔ 1-based line/column over one text; lines end at `\n` (a CRLF's `\r` stays on its line). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.starts[low]! + 1 };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  /** A line's text without its line break (and without the `\r` of a CRLF). */
  lineText(line: number): string {
    if (line < 1 || line > this.starts.length) return '';
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
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
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
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!;
    const cr = line.endsWith('\r') ? '\r' : '';
    const content = cr ? line.slice(0, -1) : line;
    const match = LENIENT_LINE.exec(content);
    if (match) {
      const key = match[1]!;
      const value = match[2]!;
      if (needsLenientQuotes(value)) {
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

function needsLenientQuotes(value: string): boolean {
  const first = value[0];
  const last = value[value.length - 1];
  if ((first === '"' && last === '"') || (first === "'" && last === "'")) return false;
  if (first === '[' && last === ']') {
    const list = parseYaml(value);
    if (list.ok && Array.isArray(list.value)) return false;
  }
  return value.includes(': ') || LENIENT_SPECIAL.test(value);
}

type YamlResult =
  | { ok: true; value: unknown; isMapping: boolean; keys: Array<{ key: string; offset: number }> }
  | { ok: false; message: string; offset: number };

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

function parseYaml(text: string): YamlResult {
  const deep = text.includes('[') || text.includes('{') ? flowDepthExceeds(text, MAX_YAML_FLOW_DEPTH) : -1;
  if (deep !== -1) return { ok: false, message: `flow collections nested deeper than ${MAX_YAML_FLOW_DEPTH} levels`, offset: deep };
  try {
    // Core schema (YAML 1.2), no custom tags: nothing can construct objects or run code.
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
    const error = doc.errors[0];
    // Errors found at the very end (a quote never closed) point at the last character written.
    if (error) return { ok: false, message: cleanYamlMessage(error.message), offset: Math.min(error.pos[0], Math.max(0, text.trimEnd().length - 1)) };
    const contents = doc.contents;
    const keys: Array<{ key: string; offset: number }> = [];
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

function cleanYamlMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function asMapping(result: Extract<YamlResult, { ok: true }>): Record<string, unknown> {
  if (!result.isMapping || result.value === null || typeof result.value !== 'object' || Array.isArray(result.value)) return {};
  return result.value as Record<string, unknown>;
}

interface FrontmatterParse {
  parse: Exclude<ParseOutcome, 'none'>;
  data: Record<string, unknown>;
  /** offsets within the parsed text, with the text they refer to */
  keys: Array<{ key: string; offset: number }>;
  /** the text the keys/error offsets refer to */
  parsedText: string;
  strictError?: { message: string; offset: number };
  retryError?: { message: string; offset: number };
  lenient?: LenientRewriteResult;
}

function parseFrontmatter(frontmatterText: string): FrontmatterParse {
  const strict = parseYaml(frontmatterText);
  if (strict.ok) return { parse: 'strict', data: asMapping(strict), keys: strict.keys, parsedText: frontmatterText };
  const lenient = rewriteLenient(frontmatterText);
  const strictError = { message: strict.message, offset: strict.offset };
  const retry = parseYaml(lenient.text);
  if (retry.ok) {
    return { parse: 'lenient', data: asMapping(retry), keys: retry.keys, parsedText: lenient.text, strictError, lenient };
  }
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
      const error = parsed.strictError!;
      document.parseError = { message: error.message, position: lines.positionAt(start + error.offset) };
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
