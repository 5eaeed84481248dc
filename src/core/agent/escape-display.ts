/**
 * Agent text shown to a human (grants summaries, audit evidence) with every character that could
 * hide or disguise text written out visibly: `\u{202E}` instead of a right-to-left override.
 *
 * A local helper of the grants and audit code, kept in a module of its own so that one central
 * escaping helper for all human output can replace it without touching its callers.
 */

/**
 * Characters that are invisible, reorder text, or control a terminal: C0 and C1 controls (tab
 * included, so columns stay honest), DEL, the bidirectional controls and marks, zero-width
 * characters, the byte-order mark, Hangul fillers and other blank letters, the soft hyphen,
 * variation selectors, Unicode tag characters, the line and paragraph separators and the
 * interlinear annotation characters.
 */
const INVISIBLE =
  /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|\u034F|\u17B4|\u17B5|\u180B|\u180C|\u180D|\u180F|[\uFE00-\uFE0F]|\uDB40[\uDC00-\uDDEF]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\u{XXXX}` for one character (a surrogate pair counts as one). */
function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  return `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`;
}

/** `text` with every invisible or reordering character written as `\n`, `\t` or `\u{XXXX}`. */
export function escapeForDisplay(text: string): string {
  return text.replace(INVISIBLE, escapeOne);
}

/** {@link escapeForDisplay}, then cut to at most `max` characters with `…` (never inside an escape). */
export function shortForDisplay(text: string, max = 80): string {
  const escaped = escapeForDisplay(text);
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, max - 1);
  // Do not end in the middle of `\u{…}` or of a surrogate pair.
  const open = cut.lastIndexOf('\\u{');
  if (open !== -1 && cut.indexOf('}', open) === -1) cut = cut.slice(0, open);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
