import { type Checker, show } from './checker.js';

/** Longest `quote the value: …` fix shown in full. */
const MAX_FIX_LENGTH = 300;

const EXECUTABLE_FRONTMATTER = /^(?:js|javascript|coffee|coffeescript|cson)$/i;

export function checkEncoding(checker: Checker): void {
  const { document, text } = checker;
  if (document.hasBom) {
    checker.add(
      'style',
      'bom',
      { line: 1, column: 1 },
      'the file starts with a byte-order mark; Claude Code 2.1.332 strips it, but 2.1.197 skipped such files',
      'save the file as UTF-8 without a byte-order mark',
    );
  }
  if (document.hasCrlf) {
    const at = checker.lines.positionAt(text.indexOf('\r\n'));
    checker.add(
      'style',
      'crlf',
      at,
      'the file uses CRLF line endings; Claude Code reads them, but its lenient retry never rescues a CRLF line',
      'convert the line endings to LF',
    );
  }
}

export function checkConflictMarkers(checker: Checker): void {
  const { text } = checker;
  if (!text.includes('<<<<<<<') || !text.includes('>>>>>>>')) return;
  const markers = /^(<{7}|={7}|>{7})(?:[ \t].*)?\r?$/gm;
  let open: number | undefined;
  let parts: number[] = [];
  for (let match = markers.exec(text); match !== null; match = markers.exec(text)) {
    const line = checker.lines.positionAt(match.index).line;
    const kind = match[1]![0];
    if (kind === '<') {
      open = line;
      parts = [line];
    } else if (open !== undefined && kind === '=') {
      parts.push(line);
    } else if (open !== undefined && kind === '>') {
      parts.push(line);
      const inFrontmatter = checker.document.closing !== undefined && open < checker.document.closing.position.line;
      checker.add(
        'warning',
        'merge-conflict-markers',
        { line: open, column: 1 },
        `unresolved git merge conflict (marker lines ${parts.join(', ')})${inFrontmatter ? '; inside the frontmatter it also breaks the YAML' : ''}`,
        `resolve the conflict and delete the marker lines ${parts.join(', ')}`,
      );
      open = undefined;
    }
  }
}

export function checkMissingFrontmatter(checker: Checker): void {
  const { document, text } = checker;
  const top = { line: 1, column: 1 };
  const skeleton = 'start the file with a line `---`, then `name:` and `description:`, then a line `---`';
  switch (document.noFrontmatterReason) {
    case 'empty':
      checker.add('error', 'no-frontmatter', top, 'the file is empty; Claude Code ignores it', skeleton);
      return;
    case 'leading-whitespace': {
      const offset = text.indexOf('---');
      const at = checker.lines.positionAt(offset);
      const indented = at.column > (document.hasBom && at.line === 1 ? 2 : 1);
      checker.add(
        'error',
        'no-frontmatter',
        at,
        indented
          ? 'the opening `---` is indented; Claude Code needs it at the very start of the file and sees no frontmatter'
          : 'blank lines come before the opening `---`; Claude Code needs it at the very start of the file and sees no frontmatter',
        indented
          ? 'remove the indentation of the frontmatter block, so that `---` starts line 1'
          : `delete the ${at.line - 1 === 1 ? 'line' : `${at.line - 1} lines`} before \`---\``,
      );
      return;
    }
    case 'text-after-delimiter': {
      const suffix = document.delimiterSuffix ?? '';
      if (EXECUTABLE_FRONTMATTER.test(suffix)) {
        checker.add(
          'error',
          'js-frontmatter',
          top,
          `executable front matter (\`---${suffix}\`) is never run; Claude Code sees no frontmatter`,
          'write the frontmatter as YAML between two lines `---`',
        );
      } else {
        checker.add(
          'error',
          'no-frontmatter',
          top,
          `text after the opening \`---\` (\`${show(suffix)}\`); Claude Code sees no frontmatter`,
          'leave nothing but `---` on line 1',
        );
      }
      return;
    }
    case 'unclosed':
      checker.add(
        'error',
        'frontmatter-unclosed',
        top,
        'no `---` closes the frontmatter; Claude Code sees no frontmatter',
        'add a line `---` after the last frontmatter line',
      );
      return;
    default:
      checker.add('error', 'no-frontmatter', top, 'the file does not start with `---`, so it has no frontmatter; Claude Code ignores it', skeleton);
  }
}

export function checkDelimiter(checker: Checker): void {
  const { document } = checker;
  const closing = document.closing!;
  if (closing.ownLine) return;
  const at = closing.position;
  const lineText = checker.lines.lineText(at.line);
  if (at.column === 1) {
    checker.add(
      'warning',
      'closing-delimiter-text',
      at,
      `the closing \`---\` has text after it (\`${show(lineText)}\`); Claude Code ends the frontmatter at \`---\` and treats the rest as prompt`,
      'put the closing `---` on a line of its own',
    );
    return;
  }
  const owner = checker.ownerKey(at.line);
  const key = owner?.key;
  const intended = document.intended;
  const lost = ['name', 'description'].filter(
    (field) =>
      !(typeof document.data[field] === 'string' && document.data[field] !== '') &&
      (!intended || (typeof intended.data[field] === 'string' && intended.data[field] !== '')),
  );
  // An error only when the cut is what makes Claude Code skip the file.
  const fatal = document.parse === 'failed' ? intended?.parse !== 'failed' : lost.length > 0;
  const where = key ? `inside the value of \`${key}\`` : 'inside a line';
  const rest = intended ? ` and ignores everything up to line ${intended.closingLine}` : '';
  let consequence: string;
  if (document.parse === 'failed' && fatal) consequence = 'so the frontmatter no longer parses';
  else if (fatal) consequence = `so \`${lost.join('` and `')}\` ${lost.length > 1 ? 'are' : 'is'} lost`;
  else if (key && typeof document.data[key] === 'string') consequence = `so Claude Code reads \`${key}\` as "${show(document.data[key])}"${rest}`;
  else consequence = `so the frontmatter is cut short${rest}`;
  checker.add(
    fatal ? 'error' : 'warning',
    'delimiter-in-value',
    at,
    `\`---\` ${where} ends the frontmatter here (Claude Code splits at the first \`---\`, even mid-line), ${consequence}`,
    'rewrite the `---` in the value (e.g. as `—`); quoting the value does not help',
  );
}

export function checkYamlFailure(checker: Checker): void {
  const { document } = checker;
  const error = document.parseError!;
  const at = error.position;
  const lineText = checker.lines.lineText(at.line);
  const owner = checker.ownerKey(at.line);
  let fix = 'fix the YAML on this line; values containing `: `, ` #` or starting with a special character need quotes';
  const closing = document.closing!;
  if (!closing.ownLine && closing.position.column > 1) {
    fix = `rewrite the \`---\` on line ${closing.position.line} (e.g. as \`—\`): Claude Code ends the frontmatter there`;
  } else if (/Maximum call stack|Excessive aliasing/.test(error.message)) {
    fix = 'flatten the YAML: agent frontmatter needs a few levels of nesting and no aliases at most';
  } else if (owner) {
    // Does the owner's value run on past its own line (continuation lines before the next key)?
    const last = document.closing!.position.line - 1;
    let continued = false;
    for (let line = owner.line + 1; line <= last; line++) {
      const text = checker.lines.lineText(line);
      if (/^[A-Za-z_][\w-]*\s*:(\s|$)/.test(text)) break;
      if (text.trim() !== '') continued = true;
    }
    const unindented = owner.line < at.line && lineText.trim() !== '' && !/^\s/.test(lineText);
    if (continued) {
      fix = `write \`${owner.key}\` as a block scalar: \`${owner.key}: |\` on line ${owner.line}, then all of its text on the following lines${unindented ? ', each indented by two spaces' : ', indented'}`;
    } else if (owner.line === at.line) {
      fix = `put the value of \`${owner.key}\` in double quotes (escape \`"\` and \`\\\` inside it)`;
    }
  }
  checker.add('error', 'yaml-invalid', at, `the frontmatter is not valid YAML, even after Claude Code's lenient retry: ${error.message}`, fix);
}

export function checkLenient(checker: Checker): void {
  const { document } = checker;
  for (const rewrite of document.lenientRewrites) {
    const value = rewrite.original.slice(rewrite.original.indexOf(':') + 1).trim();
    const special = value.includes(': ') ? '`: `' : `\`${/[{}[\]*&#!|>%@`]/.exec(value)?.[0] ?? ''}\``;
    checker.add(
      'warning',
      'yaml-lenient',
      { line: rewrite.line, column: 1 },
      `\`${rewrite.key}\` is not valid YAML as written (its value contains ${special}); Claude Code loads the file only because its lenient retry quotes the value`,
      rewrite.quoted.length <= MAX_FIX_LENGTH
        ? `quote the value: ${rewrite.quoted}`
        : `quote the value of \`${rewrite.key}\` in double quotes, escaping \\ and " (\`agent-install validate --fix\` does it)`,
    );
  }
  for (const line of document.lenientTabLines) {
    checker.add(
      'warning',
      'yaml-lenient',
      { line, column: 1 },
      'this line is indented with tabs, which YAML forbids; Claude Code loads the file only because its lenient retry turns each leading tab into two spaces',
      'indent with spaces: replace each leading tab with two spaces',
    );
  }
}

/** zod's verdict on string values, by key (see `remembered`). */

/** A frontmatter that is not one mapping: Claude Code sees no keys, so no `name`. */
export function checkRoot(checker: Checker): void {
  const { document } = checker;
  const root = document.root;
  if (root === 'mapping' || (root === 'empty' && document.frontmatterText.trim() === '')) return;
  const what: Record<string, string> = {
    documents: 'holds more than one YAML document (a `---` or `...` line inside it)',
    list: 'is a YAML list, not a mapping',
    scalar: 'is a single YAML value, not a mapping',
    empty: 'holds no keys (only comments or `null`)',
  };
  checker.add(
    'error',
    'yaml-not-mapping',
    { line: Math.max(1, document.frontmatterLine), column: 1 },
    `the frontmatter ${what[root]}; Claude Code reads it as empty and skips the file without a message`,
    root === 'documents' ? 'remove the `---` / `...` lines inside the frontmatter' : 'write the frontmatter as `key: value` lines (name:, description:, …)',
  );
}
