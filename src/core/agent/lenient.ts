/**
 * Claude Code's lenient retry (docs/claude-code.md, "the lenient retry"): when the YAML fails, it
 * quotes `key: value` lines whose value holds `: ` or a YAML indicator, turns leading tabs into two
 * spaces, and parses once more.
 */
import { MAX_YAML_TOKENS, parseYaml, type TokenBudget } from './yaml.js';

export interface LenientRewrite {
  line: number;
  key: string;
  /** The line as written (without its line break). */
  original: string;
  /** The line as the retry rewrites it. */
  quoted: string;
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
