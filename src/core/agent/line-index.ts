/** A position in a file, 1-based. */
export interface Position {
  /** 1-based line in the original file. */
  line: number;
  /** 1-based column in the original file. */
  column: number;
}

/**
 * Offsets ↔ 1-based line/column over one text; lines end at `\n` (a CRLF's `\r` stays on its line).
 * Lines are indexed on demand, only as far as asked: positions in the frontmatter never cost a
 * scan of the (often much longer) body.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  /** true once every line start is known */
  private complete = false;

  constructor(readonly text: string) {}

  /** Indexes one more line; false when there is none. */
  private more(): boolean {
    if (this.complete) return false;
    const next = this.text.indexOf('\n', this.starts[this.starts.length - 1]!);
    if (next === -1) {
      this.complete = true;
      return false;
    }
    this.starts.push(next + 1);
    return true;
  }

  get lineCount(): number {
    while (this.more());
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    // Index until a line starts after the offset (or the text ends): its line is then known.
    while (this.starts[this.starts.length - 1]! <= clamped && this.more());
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.starts[low]! + 1 };
  }

  /** Offset of the first character of a 1-based line (the last line's for lines past the end). */
  lineStart(line: number): number {
    while (this.starts.length < line && this.more());
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  /** A line's text without its line break (and without the `\r` of a CRLF). */
  lineText(line: number): string {
    if (line < 1) return '';
    // The line's end is the next line's start, so index one line further.
    while (this.starts.length <= line && this.more());
    if (line > this.starts.length) return '';
    const start = this.starts[line - 1]!;
    const next = line < this.starts.length ? this.starts[line]! - 1 : this.text.length;
    const end = next > start && this.text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    return this.text.slice(start, end);
  }
}
