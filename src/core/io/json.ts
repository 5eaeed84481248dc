import { AgentInstallError, type ErrorCode } from '../errors.js';

/** JSON with keys sorted at every level, two-space indent and a trailing newline: byte-stable output. */
export function stringifyDeterministic(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // No prototype: a key named `__proto__` is data like any other.
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.max(1, offset - lineStart + 1) };
}

/**
 * Offset of the first syntax error in `text`, or -1 when it is valid JSON. Node's JSON.parse
 * names a position only for some errors (and differently across versions), so errors are
 * located here, the same way on every Node.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw new RangeError(String(i));
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) i += 2;
      else if (c < 32) fail();
      else i++;
    }
    fail();
  };
  const value = (depth: number): void => {
    if (depth > 512) fail();
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          if (text[i] !== '"') fail();
          string();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') {
      string();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail();
  };
  try {
    value(0);
    space();
    if (i < text.length) fail();
    return -1;
  } catch (error) {
    if (error instanceof RangeError) return Math.min(Number(error.message), text.length);
    throw error;
  }
}

/** How deep and how many values agent-install's JSON files may hold (see {@link jsonShapeProblem}). */
export interface JsonLimits {
  maxDepth: number;
  maxValues: number;
}

/** Enough for a lockfile of 100,000 agents, or a registry index as large as its byte cap allows of real entries. */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 64, maxValues: 2_000_000 };

/**
 * Why `text` is too deep or holds too many values to parse, or null. JSON.parse of a few MiB of
 * `[[[[…` or `[[],[],…` builds millions of objects (gigabytes of memory): one linear scan that
 * counts containers and separators outside strings refuses such a file before it is parsed.
 */
export function jsonShapeProblem(text: string, limits: JsonLimits = DEFAULT_JSON_LIMITS): string | null {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limits.maxDepth) return `it nests deeper than ${limits.maxDepth} levels`;
      values++;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c) values++;
    else continue;
    if (values > limits.maxValues) return `it holds more than ${limits.maxValues.toLocaleString('en-US')} values`;
  }
  return null;
}

/** JSON.parse that reports `file:line:column` instead of a character offset, and refuses absurd shapes unparsed. */
export function parseJsonFile(text: string, file: string, code: ErrorCode, limits: JsonLimits = DEFAULT_JSON_LIMITS): unknown {
  const shape = jsonShapeProblem(text, limits);
  if (shape !== null) {
    throw new AgentInstallError(`${file}: not parsed: ${shape}.`, {
      code,
      hint: 'No file agent-install reads is shaped like that; restore it from version control.',
      details: { file },
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = jsonErrorOffset(text);
    const { line, column } = lineColumnAt(text, offset < 0 ? text.length : offset);
    const found = offset >= text.length || offset < 0 ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[offset])}`;
    throw new AgentInstallError(`${file}:${line}:${column}: invalid JSON (${found})`, {
      code,
      hint: `Fix the file by hand (or restore it from version control); agent-install never replaces it silently.`,
      details: { file, line, column },
      cause: error,
    });
  }
}
