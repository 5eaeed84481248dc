import { type Dirent, lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';

/** One `*.md` file found where Claude Code would look. */
export interface ScannedFile {
  /** Absolute path. */
  file: string;
  /** Path relative to the scanned folder, `/`-separated. */
  relative: string;
  /** The entry itself is a symbolic link (Claude Code reads what it points to). */
  link: boolean;
  size: number;
  /** What stat said about the file (device, inode, size, modification and change times). */
  fingerprint: string;
  /** The newer of its modification and change times, in ms since the epoch. */
  changedMs: number;
}

/** What sits at a path of the tree, as lstat sees it (a link is a link, wherever it leads). */
export type EntryKind = 'file' | 'symlink' | 'folder' | 'other';

export interface ScannedTree {
  /** The files Claude Code would consider, in its order and without its duplicates. */
  files: ScannedFile[];
  /** Every entry met on the way, `.md` or not, by relative path. */
  entries: Map<string, EntryKind>;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function kindOf(entry: Dirent): EntryKind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'folder';
  if (entry.isFile()) return 'file';
  return 'other';
}

/**
 * Walks an agents folder the way Claude Code 2.1.332 finds agent files (docs/claude-code.md,
 * "Finding files"): recursive, hidden entries included, a candidate's own name must end in `.md`
 * (case-sensitive; for a link, the link's name), folders entered once per device and inode (a
 * link back to a visited folder is a cycle), files sorted by path and then de-duplicated by the
 * inode lstat reports — hard links count once, a link and its target twice. Only regular files
 * (or links to them) count: a FIFO or device is never opened. Files over 1 MiB are listed too
 * (Claude Code skips them; validation reports them). A missing folder is empty.
 */
export class TooManyEntries extends Error {}

export function scanTree(root: string, options: { maxEntries?: number } = {}): ScannedTree {
  const found: Array<ScannedFile & { lstatKey: string }> = [];
  const entries = new Map<string, EntryKind>();
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  const visited = new Set<string>();
  const walk = (dir: string, prefix: string): void => {
    let listing: Dirent[];
    try {
      listing = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // `path.join(dir, name)` without normalising the same folder again for every entry: the
    // folder's path, normalised once, then the name (an entry's name holds no separator and is
    // never `.` or `..`). Cheaper, and the siblings share the folder's string.
    const folder = path.normalize(dir);
    const base = folder === '.' ? '' : folder.endsWith(path.sep) ? folder : `${folder}${path.sep}`;
    for (const entry of listing) {
      const file = `${base}${entry.name}`;
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      const kind = kindOf(entry);
      entries.set(relative, kind);
      if (entries.size > maxEntries) throw new TooManyEntries(root);
      const isMd = entry.name.endsWith('.md');
      if (kind === 'other' && !isMd) continue;
      if (kind === 'file' && !isMd) continue;
      let stats: Stats;
      try {
        stats = statSync(file);
      } catch {
        continue; // a dangling link, or gone meanwhile
      }
      if (stats.isDirectory()) {
        const key = `${stats.dev}:${stats.ino}`;
        if (visited.has(key)) continue;
        visited.add(key);
        walk(file, relative);
        continue;
      }
      // Claude Code reads regular files only (a FIFO would block it); nor does agent-install.
      if (!isMd || !stats.isFile()) continue;
      let own: Stats = stats;
      if (kind === 'symlink') {
        try {
          own = lstatSync(file);
        } catch {
          continue;
        }
      }
      found.push({
        file,
        relative,
        link: kind === 'symlink',
        size: stats.size,
        // Joined rather than templated: one flat string each, not a tree of pieces (a tree of
        // 20,000 files holds 20,000 of them).
        fingerprint: [stats.dev, stats.ino, stats.size, stats.mtimeMs, stats.ctimeMs].join(':'),
        changedMs: Math.max(stats.mtimeMs, stats.ctimeMs),
        lstatKey: [own.dev, own.ino].join(':'),
      });
    }
  };
  try {
    const rootStats = statSync(root);
    if (!rootStats.isDirectory()) return { files: [], entries };
    visited.add(`${rootStats.dev}:${rootStats.ino}`);
  } catch {
    return { files: [], entries };
  }
  walk(root, '');
  found.sort((a, b) => byCodePoint(a.relative, b.relative));
  const seen = new Set<string>();
  const files: ScannedFile[] = [];
  for (const { lstatKey, ...scanned } of found) {
    if (seen.has(lstatKey)) continue;
    seen.add(lstatKey);
    files.push(scanned);
  }
  return { files, entries };
}

/** The agent files of a folder, as {@link scanTree} finds them. */
export function scanAgentsTree(root: string, options: { maxEntries?: number } = {}): ScannedFile[] {
  return scanTree(root, options).files;
}

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
