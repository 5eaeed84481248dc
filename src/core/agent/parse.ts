/**
 * The one parser of agent files: text → frontmatter, YAML data, body and source positions, exactly
 * as Claude Code 2.1.332 does it (docs/claude-code.md, sections 3 to 5):
 *
 * - one leading byte-order mark is removed;
 * - the frontmatter is what Claude Code's own expression `^---\s*\n([\s\S]*?)---\s*\n?` captures
 *   (so it ends at the first `---` after the opening line, even mid-line or inside a quoted value);
 * - the YAML is read in Bun's dialect (bun-yaml.ts); if that throws, once more after the lenient
 *   rewrite (lenient.ts);
 * - only a mapping counts: a list, a scalar, or several documents give an empty frontmatter.
 *
 * Nothing here executes anything, and the work is bounded (see bun-yaml.ts).
 */
import { type LenientRewrite, type LenientRewriteResult, rewriteLenient } from './lenient.js';
import { LineIndex, type Position } from './line-index.js';
import { parseYaml } from './yaml.js';

export type { LenientRewrite } from './lenient.js';
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

/** What the YAML root was, when it was not one mapping (Claude Code then sees no keys at all). */
export type RootShape = 'mapping' | 'empty' | 'list' | 'scalar' | 'documents';

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
  /** false when Claude Code sees no frontmatter */
  hasFrontmatter: boolean;
  /** raw frontmatter text as Claude Code cuts it */
  frontmatterText: string;
  /** the parsed mapping ({} when none, not a mapping, or failed). Duplicate keys: last wins. */
  data: Record<string, unknown>;
  /** what the YAML root was */
  root: RootShape;
  /** body after the closing delimiter, as Claude Code gives it (trimmed) */
  body: string;
  /** 'strict' = the first parse succeeded; 'lenient' = only the retry did; 'failed' = both threw; 'none' = no frontmatter */
  parse: ParseOutcome;
  /** the parser's error (the first parse's when the retry succeeded, the retry's when both failed), with a position */
  parseError?: { message: string; position: Position };
  /** Where a top-level key is written in the original text (its last occurrence), if it is. */
  keyPosition(key: string): Position | undefined;
  /** lines (1-based) that the lenient retry rewrote (quoted); empty unless the retry ran */
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
  /** false: split only, skip YAML (for files Claude Code skips anyway); `parse` is then 'none'. */
  yaml?: boolean;
}

/** Claude Code's frontmatter expression, with the opening line captured too (same matches). */
const FRONTMATTER = /^(---\s*\n)([\s\S]*?)---\s*\n?/;

interface FrontmatterParse {
  parse: Exclude<ParseOutcome, 'none'>;
  data: Record<string, unknown>;
  root: RootShape;
  keys: Array<{ key: string; offset: number }>;
  /** the text the key offsets refer to */
  parsedText: string;
  strictError?: { message: string; offset: number };
  retryError?: { message: string; offset: number };
  lenient?: LenientRewriteResult;
}

function shapeOf(value: unknown, documents: boolean): RootShape {
  if (documents) return 'documents';
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'mapping' : 'scalar';
}

function parseFrontmatter(text: string): FrontmatterParse {
  const first = parseYaml(text);
  if (first.ok) {
    const root = shapeOf(first.value, first.documents > 1);
    return { parse: 'strict', data: root === 'mapping' ? (first.value as Record<string, unknown>) : {}, root, keys: first.keys, parsedText: text };
  }
  const lenient = rewriteLenient(text);
  const retry = lenient.text === text ? first : parseYaml(lenient.text);
  const strictError = { message: first.message, offset: first.offset };
  if (retry.ok) {
    const root = shapeOf(retry.value, retry.documents > 1);
    return {
      parse: 'lenient',
      data: root === 'mapping' ? (retry.value as Record<string, unknown>) : {},
      root,
      keys: retry.keys,
      parsedText: lenient.text,
      strictError,
      lenient,
    };
  }
  return {
    parse: 'failed',
    data: {},
    root: 'empty',
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
  const document: AgentDocument = {
    hasBom,
    hasCrlf: text.includes('\r\n'),
    hasFrontmatter: false,
    frontmatterText: '',
    data: {},
    root: 'empty',
    body: '',
    parse: 'none',
    keyPosition: () => undefined,
    lenientRewrites: [],
    lenientTabLines: [],
    frontmatterOffset: -1,
    frontmatterLine: 0,
  };
  const stripped = base ? text.slice(base) : text;
  const noFrontmatter = (reason: NoFrontmatterReason): AgentDocument => {
    document.noFrontmatterReason = reason;
    document.body = stripped.trim();
    return document;
  };
  const match = stripped.indexOf('---', 3) < 0 ? null : FRONTMATTER.exec(stripped);
  if (!match) {
    if (stripped.trim() === '') return noFrontmatter('empty');
    if (!stripped.startsWith('---')) return noFrontmatter(/^\s+---/.test(stripped.slice(0, 4096)) ? 'leading-whitespace' : 'missing');
    const lineEnd = stripped.indexOf('\n');
    const suffix = stripped.slice(3, lineEnd === -1 ? stripped.length : lineEnd);
    if (!/^\s*$/.test(suffix)) {
      document.delimiterSuffix = suffix.trim();
      return noFrontmatter('text-after-delimiter');
    }
    return noFrontmatter('unclosed');
  }
  const opening = match[1]!;
  const frontmatterText = match[2]!;
  const start = base + opening.length;
  const close = start + frontmatterText.length;
  const lines = new LineIndex(text);
  const closingPosition = lines.positionAt(close);
  const ownLine = closingPosition.column === 1 && /^---\s*$/.test(lines.lineText(closingPosition.line));

  document.hasFrontmatter = true;
  document.frontmatterText = frontmatterText;
  document.frontmatterOffset = start;
  document.frontmatterLine = lines.positionAt(start).line;
  document.closing = { position: closingPosition, offset: close, ownLine };
  document.body = stripped.slice(match[0].length).trim();
  if (options.yaml === false) return document;

  const parsed = parseFrontmatter(frontmatterText);
  document.parse = parsed.parse;
  document.data = parsed.data;
  document.root = parsed.root;
  const firstLine = document.frontmatterLine;
  const keys = parsed.keys;
  /** Positions are worked out for the keys asked about only: a frontmatter may hold 50,000 keys. */
  const positioned = (toPosition: (offset: number) => Position) => {
    const asked = new Map<string, Position | undefined>();
    return (key: string): Position | undefined => {
      if (asked.has(key)) return asked.get(key);
      let found: Position | undefined;
      for (let i = keys.length - 1; i >= 0; i--) {
        if (keys[i]!.key !== key) continue;
        found = toPosition(keys[i]!.offset);
        break;
      }
      asked.set(key, found);
      return found;
    };
  };
  if (parsed.parse === 'strict') {
    document.keyPosition = positioned((offset) => lines.positionAt(start + offset));
  } else {
    // The retry keeps every line where it was; only columns shift (tabs → two spaces, quotes).
    const rewritten = new LineIndex(parsed.parsedText);
    const toOriginal = (offset: number): Position => {
      const at = rewritten.positionAt(offset);
      const line = firstLine + at.line - 1;
      const originalLine = lines.lineText(line);
      const tabs = /^\t*/.exec(originalLine)![0].length;
      const column = at.column > 2 * tabs ? at.column - tabs : Math.ceil(at.column / 2);
      return { line, column: Math.max(1, Math.min(column, originalLine.length + 1)) };
    };
    document.keyPosition = positioned(toOriginal);
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
      document.intended = { frontmatterText: intendedText, data: intended.data, parse: intended.parse, closingLine: lines.positionAt(proper.index).line };
    }
  }
  return document;
}
