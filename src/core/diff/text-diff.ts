import { structuredPatch } from 'diff';

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Lines prefixed with ` `, `+`, `-` or `\` (no newline at end of file). */
  lines: string[];
}

/** Unified-diff hunks between two texts (three lines of context), or [] when they are equal. */
export function diffHunks(from: string, to: string): DiffHunk[] {
  if (from === to) return [];
  const patch = structuredPatch('a', 'b', from, to, '', '', { context: 3 });
  return patch.hunks.map((h) => ({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines }));
}

export interface Painter {
  add(text: string): string;
  remove(text: string): string;
  hunk(text: string): string;
  header(text: string): string;
}

/** A `diff -u` style text; `painter` colours it (identity functions for no colour). */
export function formatUnifiedDiff(fromLabel: string, toLabel: string, hunks: DiffHunk[], painter: Painter): string {
  const out = [painter.header(`--- ${fromLabel}`), painter.header(`+++ ${toLabel}`)];
  for (const h of hunks) {
    out.push(painter.hunk(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`));
    for (const line of h.lines) {
      // CR at the end of a line would move the cursor; show it.
      const shown = line.endsWith('\r') ? `${line.slice(0, -1)}␍` : line;
      out.push(line.startsWith('+') ? painter.add(shown) : line.startsWith('-') ? painter.remove(shown) : shown);
    }
  }
  return out.join('\n');
}
