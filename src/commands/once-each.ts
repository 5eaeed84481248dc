import { lstatSync } from 'node:fs';

/**
 * The same file reached twice (two arguments, a link) is kept once, as Claude Code reads an
 * inode once. Files that cannot be stat'ed are kept: reading them reports why.
 */
export function onceEach<T extends { file: string }>(targets: T[]): T[] {
  const seen = new Set<string>();
  return targets.filter((target) => {
    try {
      const stats = lstatSync(target.file);
      const key = `${stats.dev}:${stats.ino}`;
      if (seen.has(key)) return false;
      seen.add(key);
    } catch {
      /* reported when read */
    }
    return true;
  });
}
