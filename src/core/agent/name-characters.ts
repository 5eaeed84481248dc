import type { Checker } from './checker.js';

/**
 * Characters that do not show, or change how the text around them is shown: controls (`\p{Cc}`),
 * format characters (`\p{Cf}`: bidi embeddings, overrides, isolates and marks, zero-width
 * spaces and joiners, word joiner, byte-order mark, soft hyphen, tag characters…), line and
 * paragraph separators.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const codePoint = (character: string) => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * `name` with bidi or zero-width characters: Claude Code loads it, but `re<U+202E>weiv` shows as
 * `review`, and `review<U+200B>` looks like `review` while being another agent. A warning, with
 * the characters named by code point (messages may be printed raw by other tools).
 */
export function checkNameCharacters(checker: Checker): void {
  const name = checker.document.data.name;
  if (typeof name !== 'string') return;
  const found = [...new Set(name.match(INVISIBLE) ?? [])];
  if (found.length === 0) return;
  const cleaned = name.replace(INVISIBLE, '');
  checker.add(
    'warning',
    'name-invisible-characters',
    checker.keyAt('name'),
    `\`name\` holds invisible or bidi characters (${found.map(codePoint).join(', ')}), so it is not the name it appears to be; without them it is ${JSON.stringify(cleaned)}`,
    cleaned === '' ? 'choose a name of visible characters' : `name: ${cleaned}`,
  );
}
