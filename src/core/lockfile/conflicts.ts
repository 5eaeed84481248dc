/**
 * Git conflict markers in a lockfile: when two branches both changed `agents.lock.json`, git
 * leaves both versions in the file between `<<<<<<<`, `=======` and `>>>>>>>` lines (and, with
 * `merge.conflictStyle=diff3` or `zdiff3`, the common ancestor after `|||||||`). This splits such a
 * text back into the two sides (and the ancestor when present), each a complete lockfile text.
 */

export interface ConflictRegion {
  /** 1-based line of the `<<<<<<<` marker. */
  startLine: number;
  /** 1-based line of the `>>>>>>>` marker. */
  endLine: number;
}

export interface ConflictedText {
  ours: string;
  theirs: string;
  /** The common ancestor's text, when every region carries it (diff3 style). */
  base?: string;
  regions: ConflictRegion[];
}

const OURS = /^<{7}(?: |$)/;
const BASE = /^\|{7}(?: |$)/;
const SEPARATOR = /^={7}$/;
const THEIRS = /^>{7}(?: |$)/;

/** Does the text hold a conflict marker at the start of a line? */
export function hasConflictMarkers(text: string): boolean {
  return /^(?:<{7}(?: |$)|>{7}(?: |$))/m.test(text);
}

/**
 * The two sides of a conflicted text, or null when the markers do not pair up (a hand edit left
 * half of them): that is reported as a corrupt file, not guessed at.
 */
export function splitConflicts(text: string): ConflictedText | null {
  const lines = text.split(/(?<=\n)/);
  const ours: string[] = [];
  const theirs: string[] = [];
  const base: string[] = [];
  const regions: ConflictRegion[] = [];
  let state: 'both' | 'ours' | 'base' | 'theirs' = 'both';
  let start = 0;
  let everyRegionHasBase = true;
  let sawBase = false;
  lines.forEach((line, index) => {
    const bare = line.replace(/\r?\n$/, '');
    if (state === 'both' && OURS.test(bare)) {
      state = 'ours';
      start = index + 1;
      sawBase = false;
    } else if (state === 'ours' && BASE.test(bare)) {
      state = 'base';
      sawBase = true;
    } else if ((state === 'ours' || state === 'base') && SEPARATOR.test(bare)) {
      state = 'theirs';
    } else if (state === 'theirs' && THEIRS.test(bare)) {
      state = 'both';
      regions.push({ startLine: start, endLine: index + 1 });
      if (!sawBase) everyRegionHasBase = false;
    } else if (state === 'both') {
      ours.push(line);
      theirs.push(line);
      base.push(line);
    } else if (state === 'ours') ours.push(line);
    else if (state === 'base') base.push(line);
    else theirs.push(line);
  });
  if (state !== 'both' || regions.length === 0) return null;
  const result: ConflictedText = { ours: ours.join(''), theirs: theirs.join(''), regions };
  if (everyRegionHasBase) result.base = base.join('');
  return result;
}
