/**
 * Safe, meaning-preserving rewrites of an agent file: the text Claude Code already loads, written
 * so that it loads the same way without relying on leniency. Nothing else is touched: the body
 * stays byte for byte the same (apart from line endings, when CRLF is converted).
 */
import { isDeepStrictEqual } from 'node:util';
import { rewriteLenient } from './lenient.js';
import { parseAgentFile } from './parse.js';

export interface FixResult {
  text: string;
  /** One line per change, e.g. "line 3: quoted the value of `description`". Empty when nothing changed. */
  changes: string[];
}

/**
 * - frontmatter that only loads through Claude Code's lenient retry gets exactly the retry's
 *   rewrite (values double-quoted, leading tabs → two spaces), so it parses as strict YAML with
 *   the same values;
 * - a byte-order mark is removed;
 * - CRLF line endings become LF, unless that changes what Claude Code reads: a quoted value that
 *   spans CRLF lines is read with a line break per CRLF (docs/claude-code.md, section 4), and a
 *   frontmatter that fails could load through the lenient retry once its lines end in LF. Such a
 *   file keeps its line endings (fix the YAML or the value by hand).
 */
export function fixAgentText(text: string): FixResult {
  const changes: string[] = [];
  const document = parseAgentFile(text);
  let out = text;
  if (document.parse === 'lenient') {
    const rewritten = rewriteLenient(document.frontmatterText).text;
    const start = document.frontmatterOffset;
    out = out.slice(0, start) + rewritten + out.slice(start + document.frontmatterText.length);
    const byLine = new Map<number, string>();
    for (const rewrite of document.lenientRewrites) byLine.set(rewrite.line, `line ${rewrite.line}: quoted the value of \`${rewrite.key}\``);
    for (const line of document.lenientTabLines) {
      const before = byLine.get(line);
      byLine.set(line, before ? `${before}; replaced leading tabs with spaces` : `line ${line}: replaced leading tabs with spaces`);
    }
    changes.push(...[...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([, change]) => change));
  }
  if (document.hasBom) {
    out = out.slice(1);
    changes.push('removed the byte-order mark');
  }
  if (document.hasCrlf) {
    const lf = out.replace(/\r\n/g, '\n');
    const after = parseAgentFile(lf);
    if (document.parse !== 'failed' && after.parse !== 'failed' && isDeepStrictEqual(after.data, document.data)) {
      out = lf;
      changes.push('converted CRLF line endings to LF');
    }
  }
  return { text: out, changes };
}
