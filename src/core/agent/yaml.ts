/**
 * The YAML layer under the frontmatter parser: the `yaml` package's core schema, behind guards on
 * aliases, nesting and tokens, so that hostile input costs bounded time and memory.
 */
import { Composer, type CST, type Document, isMap, isScalar, Lexer, Parser, type YAMLError } from 'yaml';
import { NOT_YAML, quoteEnd, scanFlat } from './yaml-flat.js';
import type { YamlKey, YamlResult } from './yaml-result.js';

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

export type { YamlFailure, YamlKey, YamlOk, YamlResult } from './yaml-result.js';

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

/*
 * The fast path. Nearly every agent file's frontmatter is flat: top-level `key: value` lines
 * whose value is a one-line plain, double- or single-quoted scalar or a `|` / `>` block scalar,
 * with blank and comment lines between them. scanFlat reads exactly that and gives up on anything
 * else, which then goes to the `yaml` package. What it accepts, it reads as `yaml` does (core
 * schema: null, booleans, decimal integers, strings); tests compare the two on the corpus and on
 * generated edge cases.
 */

/** Characters left to the full parser: tabs, control characters, lone CRs, BOMs, Unicode line breaks. */

/** The `yaml` package's reading, behind the alias, depth and token guards. */
export function parseYamlFully(text: string, budget?: TokenBudget): YamlResult {
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
export interface TokenBudget {
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
export function parseYaml(text: string, budget?: TokenBudget): YamlResult {
  const flat = flowGuard(text) ?? scanFlat(text);
  return flat === undefined || flat === NOT_YAML || !flat.ok ? parseYamlFully(text, budget) : flat;
}

/**
 * The flow nesting bound, checked before either reader. It counts brackets even inside quoted
 * text (so a quoted value of 257 `[` is refused too); applying it to what the fast path reads as
 * well keeps every result what it was before there was a fast path.
 */
export function flowGuard(text: string): Extract<YamlResult, { ok: false }> | undefined {
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

export function asMapping(result: Extract<YamlResult, { ok: true }>): Record<string, unknown> {
  if (!result.isMapping || result.value === null || typeof result.value !== 'object' || Array.isArray(result.value)) return {};
  return result.value as Record<string, unknown>;
}
