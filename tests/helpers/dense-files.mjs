// Agent files of just under 1 MiB (the largest Claude Code reads) whose frontmatter is as dense
// as it gets: the worst cases for the YAML parser's time and memory. Shared by
// tests/e2e/memory.test.ts (memory per file) and bench/hostile.mjs (time and memory per file).

export const MIB = 1_048_576;
const head = 'name: a\ndescription: b\n';

/** `---`, `prefix`, then `unit` repeated, then `suffix` and `---`: one file of just under 1 MiB. */
export function fill(prefix, unit, suffix = '\n') {
  const start = `---\n${prefix}`;
  return `${start}${unit.repeat(Math.floor((MIB - start.length - suffix.length - 8) / unit.length))}${suffix}---\n`;
}

/** file name → text; every one at most 1 MiB. */
export function denseFiles() {
  return {
    // Error floods that Claude Code's lenient retry rescues (it quotes the value).
    'commas.md': fill(`${head}x: [`, ','),
    'tags.md': fill(`${head}x: `, '! '),
    'anchors.md': fill(`${head}x: `, '& '),
    'brackets.md': fill(`${head}x: `, '[]'),
    // Only the first document counts.
    'doc-ends.md': fill(head, '...\n', ''),
    // Not a mapping.
    'dashes.md': fill('', '- 1\n', ''),
    'flow.md': fill('[', '1,', '1]\n'),
    'words.md': fill('', 'word [x] - ', '\n'),
    // Huge values that load.
    'block-list.md': fill(`${head}x:\n`, '- 1\n'),
    'flow-list.md': fill(`${head}x: [`, '1,', '1]\n'),
    'flow-map.md': fill(`${head}x: {`, 'a: 1, ', 'b: 2}\n'),
    'quoted-list.md': fill(`${head}x:\n`, '  - "abc"\n', ''),
    'nested-items.md': fill(`${head}x:\n`, '  - {a: [1, 2], b: {c: d}}\n', ''),
    'aliases.md': fill(`${head}a: &a [1, 2, 3]\nx:\n`, '  - *a\n', ''),
    'many-keys.md': fill(head, 'kkkkk: v\n', ''),
    'keys-with-lists.md': `---\n${head}${Array.from({ length: 50_000 }, (_, i) => `k${i}: [{a: ${i}}]`).join('\n')}\n---\n`.slice(0, MIB - 8),
    'long-description.md': `---\nname: a\ndescription: ${'word '.repeat(200_000)}\n---\n`,
    'escapes.md': fill(`${head}x: "`, 'ab\\n', '"\n'),
    // Invalid, before and after the retry.
    'keys.md': fill(head, 'a\n', ''),
  };
}
