/**
 * A small "did you mean …?" suggester for keys, tool names, colours and agent names.
 *
 * Candidates are compared in three passes, cheapest first: exact match ignoring case, match
 * ignoring case and the separators `-`, `_`, ` ` and `.` (so `disallowed-tools` finds
 * `disallowedTools`), then optimal-string-alignment distance (Levenshtein plus adjacent
 * transpositions) on the lower-cased strings, within a bound that grows with the input length.
 */

export interface DidYouMeanOptions {
  /** Largest edit distance accepted; default: 1 for inputs up to 4 characters, 2 up to 8, then 3. */
  maxDistance?: number;
}

/** Optimal-string-alignment distance between `a` and `b`; returns `limit + 1` as soon as it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const width = b.length + 1;
  // Three rolling rows: two back (for transpositions), previous, current.
  let twoBack = new Array<number>(width).fill(0);
  let previous = new Array<number>(width);
  let current = new Array<number>(width);
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j < width; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        value = Math.min(value, twoBack[j - 2]! + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[b.length]!;
}

function squash(value: string): string {
  return value.toLowerCase().replace(/[-_ .]/g, '');
}

function defaultMaxDistance(input: string): number {
  if (input.length <= 4) return 1;
  if (input.length <= 8) return 2;
  return 3;
}

/** All candidates close to `input`, best first (ties keep the candidates' order). */
export function rankSuggestions(input: string, candidates: Iterable<string>, options: DidYouMeanOptions = {}): string[] {
  const list = [...candidates];
  const lower = input.toLowerCase();
  const exact = list.filter((candidate) => candidate.toLowerCase() === lower && candidate !== input);
  if (exact.length > 0) return exact;
  const squashed = squash(input);
  const loose = list.filter((candidate) => squash(candidate) === squashed && candidate !== input);
  if (loose.length > 0) return loose;
  const limit = options.maxDistance ?? defaultMaxDistance(input);
  const scored: Array<{ candidate: string; distance: number; index: number }> = [];
  list.forEach((candidate, index) => {
    if (candidate === input) return;
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    // A distance as large as the shorter word means "nothing in common" (`ab` → `xy`).
    if (distance <= limit && distance < Math.min(lower.length, candidate.length)) {
      scored.push({ candidate, distance, index });
    }
  });
  scored.sort((x, y) => x.distance - y.distance || x.index - y.index);
  return scored.map((entry) => entry.candidate);
}

/** The single best suggestion for `input`, or `undefined` when nothing is close enough. */
export function didYouMean(input: string, candidates: Iterable<string>, options: DidYouMeanOptions = {}): string | undefined {
  return rankSuggestions(input, candidates, options)[0];
}

/** Alias of {@link didYouMean}, the name other modules use for agent names. */
export const suggest = didYouMean;
