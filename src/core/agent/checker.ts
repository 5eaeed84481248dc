/** One check run over one file: the parsed document, the issues found, and position helpers. */

import path from 'node:path';
import type { CheckOptions, Issue, IssueCode, Severity } from './issues.js';
import { LineIndex, type Position } from './line-index.js';
import type { AgentDocument } from './parse.js';

/**
 * Suggestions and field verdicts are pure functions of their input, and the same few values come
 * back file after file (Copilot tool names, misspelt keys, `model: sonnet`): remember them, in
 * bounded caches emptied when full.
 */
const MAX_REMEMBERED = 1024;
const MAX_REMEMBERED_LENGTH = 160;

export function remembered<T extends string>(cache: Map<string, T | undefined>, input: string, compute: (input: string) => T | undefined): T | undefined {
  if (cache.has(input)) return cache.get(input);
  const result = compute(input);
  if (input.length > MAX_REMEMBERED_LENGTH) return result;
  if (cache.size >= MAX_REMEMBERED) cache.clear();
  // A copy: the input is often a slice of a file's text, which it would keep alive.
  cache.set(JSON.parse(JSON.stringify(input)) as string, result);
  return result;
}

export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function fileBase(fileName: string): string {
  const base = path.basename(fileName.replace(/\\/g, '/'));
  return base.endsWith('.md') ? base.slice(0, -3) : base;
}

/** One check run: the parsed document plus lazily built helpers. */
export class Checker {
  readonly issues: Issue[] = [];
  private index: LineIndex | undefined;

  constructor(
    readonly text: string,
    readonly document: AgentDocument,
    readonly options: CheckOptions,
  ) {}

  get lines(): LineIndex {
    this.index ??= new LineIndex(this.text);
    return this.index;
  }

  add(severity: Severity, code: IssueCode, at: Position, message: string, fix?: string): void {
    const issue: Issue = { line: at.line, column: at.column, severity, code, message };
    if (fix !== undefined) issue.fix = fix;
    this.issues.push(issue);
  }

  keyAt(key: string): Position {
    return this.document.keyPosition(key) ?? { line: Math.max(1, this.document.frontmatterLine), column: 1 };
  }

  /** Position of `needle` at or after `from` (a text offset) inside the frontmatter, else `fallback`. */
  find(needle: string, from: number, fallback: Position): { at: Position; next: number } {
    const end = this.document.closing?.offset ?? this.text.length;
    const found = this.text.indexOf(needle, from);
    if (found === -1 || found >= end) return { at: fallback, next: from };
    return { at: this.lines.positionAt(found), next: found + needle.length };
  }

  offsetOf(at: Position): number {
    return this.lines.lineStart(at.line) + at.column - 1;
  }

  /** The top-level key whose value holds the given line (the last `key:` line at or above it). */
  ownerKey(line: number): { key: string; line: number } | undefined {
    for (let current = line; current >= this.document.frontmatterLine && current >= 1; current--) {
      const match = /^([A-Za-z_][\w-]*)\s*:/.exec(this.lines.lineText(current));
      if (match) return { key: match[1]!, line: current };
    }
    return undefined;
  }
}
