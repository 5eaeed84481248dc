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

import { type LenientRewrite, type LenientRewriteResult, rewriteLenient } from './lenient.js';

export type { LenientRewrite } from './lenient.js';

import { LineIndex, type Position } from './line-index.js';
import { asMapping, flowGuard, parseYaml, parseYamlFully, type YamlKey, type YamlResult } from './yaml.js';
import { NOT_YAML, scanFlat } from './yaml-flat.js';

export type { Position } from './line-index.js';

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
