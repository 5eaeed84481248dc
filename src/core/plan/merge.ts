import { diff3Merge } from 'node-diff3';

export interface MergeConflict {
  /** 1-based line in the local file where the conflict starts. */
  line: number;
  ours: string[];
  base: string[];
  theirs: string[];
}

export type MergeResult =
  | { clean: true; text: string }
  | { clean: false; conflicts: MergeConflict[] /** The merge with git-style markers. */; withMarkers: string };

export interface MergeLabels {
  ours: string;
  theirs: string;
}

/** Lines without their terminators, and whether the text ends with a line break. */
function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text.endsWith('\n');
  const body = finalNewline ? text.replace(/\r?\n$/, '') : text;
  return { lines: body === '' && !finalNewline ? [] : body.split(/\r?\n/), finalNewline };
}

/** CRLF when most line breaks of `text` are CRLF. */
function lineEnding(text: string): '\n' | '\r\n' {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const all = text.match(/\n/g)?.length ?? 0;
  return crlf > 0 && crlf * 2 >= all ? '\r\n' : '\n';
}

/**
 * Line-level three-way merge of text. Line endings are compared without their CR, and the
 * result uses the local file's convention, so an editor that turned the file into CRLF does not
 * make every line a conflict. The final newline is merged on its own: removing or adding it on
 * one side is kept without conflicting with edits to the last line on the other.
 */
export function mergeThreeWay(base: string, ours: string, theirs: string, labels: MergeLabels): MergeResult {
  const eol = lineEnding(ours);
  const [b, o, t] = [splitLines(base), splitLines(ours), splitLines(theirs)];
  const finalNewline = o.finalNewline !== b.finalNewline ? o.finalNewline : t.finalNewline;
  const regions = diff3Merge(o.lines, b.lines, t.lines, { excludeFalseConflicts: true });
  const merged: string[] = [];
  const conflicts: MergeConflict[] = [];
  let oursLine = 1;
  for (const region of regions) {
    if ('ok' in region && region.ok) {
      merged.push(...region.ok);
      oursLine += region.ok.length;
      continue;
    }
    const { a, o, b } = region.conflict!;
    conflicts.push({ line: oursLine, ours: a, base: o, theirs: b });
    merged.push(`<<<<<<< ${labels.ours}`, ...a, '=======', ...b, `>>>>>>> ${labels.theirs}`);
    oursLine += a.length;
  }
  const text = merged.join(eol) + (finalNewline && merged.length > 0 ? eol : '');
  return conflicts.length === 0 ? { clean: true, text } : { clean: false, conflicts, withMarkers: text };
}
