import { type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';

/** One `*.md` file found where Claude Code would look. */
export interface ScannedFile {
  /** Absolute path. */
  file: string;
  /** Path relative to the scanned folder, `/`-separated. */
  relative: string;
  size: number;
  /** What stat said about the file (device, inode, size, modification and change times). */
  fingerprint: string;
  /** The newer of its modification and change times, in ms since the epoch. */
  changedMs: number;
}

/**
 * Lists agent files the way Claude Code 2.1.332 finds them: recursive, names ending in `.md`
 * (case-sensitive), hidden files included, symbolic links followed, each inode read once.
 * Files over 1 MiB are listed too (Claude Code skips them; validation reports them).
 * A missing folder is an empty list. Sorted by relative path, so output is stable.
 */
export function scanAgentsTree(root: string): ScannedFile[] {
  const out: ScannedFile[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, prefix: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let stats: Stats | undefined;
      if (entry.isSymbolicLink() || isDir || (isFile && entry.name.endsWith('.md'))) {
        try {
          stats = statSync(file);
        } catch {
          continue; // dangling link
        }
        isDir = stats.isDirectory();
        isFile = stats.isFile();
      }
      if (!stats) continue;
      const key = `${stats.dev}:${stats.ino}`;
      if (isDir) {
        if (seen.has(key)) continue;
        seen.add(key);
        walk(file, relative);
      } else if (isFile && entry.name.endsWith('.md')) {
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          file,
          relative,
          size: stats.size,
          fingerprint: `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`,
          changedMs: Math.max(stats.mtimeMs, stats.ctimeMs),
        });
      }
    }
  };
  try {
    const rootStats = statSync(root);
    seen.add(`${rootStats.dev}:${rootStats.ino}`);
  } catch {
    return out;
  }
  walk(root, '');
  out.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return out;
}
