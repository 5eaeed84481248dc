/**
 * Claude Code's lenient retry (docs/claude-code.md, "the lenient retry"): when the YAML fails, it
 * quotes `KEY: VALUE` lines whose value holds `: ` or a YAML indicator, turns leading tabs into two
 * spaces, and parses once more. The line test and the rewrite are Claude Code's own regular
 * expressions, so that JavaScript's reading of them (a line ending in `\r` never matches; `^` after
 * a lone CR counts for the tab rewrite) is the same here.
 */
import { parseYaml } from './yaml.js';

export interface LenientRewrite {
  line: number;
  key: string;
  /** The line as written (without its line break). */
  original: string;
  /** The line as the retry rewrites it. */
  quoted: string;
}

const LENIENT_LINE = /^([a-zA-Z_-]+):\s+(\S.*)$/;
const LENIENT_SPECIAL = /[{}[\]*&#!|>%@`]|: /;

/** Double-quotes a value the way Claude Code's lenient retry does. */
export function quoteLenientValue(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export interface LenientRewriteResult {
  text: string;
  /** `line` is 0-based within the frontmatter text here (lines split at `\n`). */
  rewrites: LenientRewrite[];
  /** 0-based lines (split at `\n`) on which a leading tab run became spaces. */
  tabLines: number[];
}

/** A bracketed value the retry leaves alone: one that parses as a YAML list. */
function isYamlList(value: string): boolean {
  const parsed = parseYaml(value);
  return parsed.ok && Array.isArray(parsed.value);
}

/** Claude Code's rewrite of a frontmatter that failed to parse. */
export function rewriteLenient(frontmatterText: string): LenientRewriteResult {
  const lines = frontmatterText.split('\n');
  const rewrites: LenientRewrite[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const match = LENIENT_LINE.exec(line);
    if (!match) continue;
    const key = match[1]!;
    const value = match[2]!;
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) continue;
    if (value.startsWith('[') && value.endsWith(']') && isYamlList(value)) continue;
    if (!LENIENT_SPECIAL.test(value)) continue;
    const quoted = `${key}: ${quoteLenientValue(value)}`;
    rewrites.push({ line: index, key, original: line, quoted });
    lines[index] = quoted;
  }
  const quotedText = lines.join('\n');
  const tabLines = new Set<number>();
  let lineOf = 0;
  let scanned = 0;
  const text = quotedText.replace(/^\t+/gm, (tabs: string, offset: number) => {
    for (let at = quotedText.indexOf('\n', scanned); at !== -1 && at < offset; at = quotedText.indexOf('\n', at + 1)) {
      lineOf++;
      scanned = at + 1;
    }
    tabLines.add(lineOf);
    return '  '.repeat(tabs.length);
  });
  return { text, rewrites, tabLines: [...tabLines] };
}
