import type { Context } from '../context.js';
import { readTextOrNull } from '../io/bounded-read.js';
import { cacheFile, folderKey, writeCacheFile } from '../io/cache.js';
import type { ScannedFile } from './scan.js';

/**
 * What `list` remembers between runs: the integrity of each installed file that matched its
 * lock entry, keyed by what stat said about the file then (device, inode, size, modification
 * and change time), as git's index does for `git status`. A file whose stat is unchanged is not
 * read or hashed again, so listing a clean project needs neither the file contents nor
 * node:crypto.
 *
 * On Linux and macOS any write to a file changes its change time, which ordinary programs cannot
 * set back (NTFS lets a program set it and FAT has none: there this trusts, as git does, that
 * nobody does). A file changed within RACY_MS of its last change could share that timestamp on a
 * coarse file system, so such files are never remembered ("racily clean", in git's words) and are hashed on every run until
 * they settle. Only `list` uses this: commands that write or that CI trusts (`verify`,
 * `install --frozen`, `add`, `remove`, `upgrade`) hash every file every time.
 *
 * Stored per agents folder in the user's cache (`stat-v1/`); a missing, unreadable or corrupt
 * cache is an empty one, and failing to save it is not an error.
 */
const RACY_MS = 3000;
/** Anything larger is not a cache agent-install wrote: it is not read. */
const MAX_CACHE_FILE_BYTES = 64 * 1_048_576;

interface Stored {
  dir: string;
  files: Record<string, [fingerprint: string, integrity: string]>;
}

export class HashCache {
  private readonly file: string | null;
  private readonly known: Stored['files'] = {};
  private readonly next: Stored['files'] = {};
  private changed = false;

  constructor(
    private readonly ctx: Pick<Context, 'env' | 'home'>,
    private readonly agentsDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = cacheFile(ctx, 'stat-v1', `${folderKey(agentsDir)}.json`);
    const text = this.file === null ? null : readTextOrNull(this.file, MAX_CACHE_FILE_BYTES);
    try {
      const stored = JSON.parse(text ?? 'null') as Stored | null;
      if (stored === null) return;
      if (stored.dir === agentsDir && stored.files && typeof stored.files === 'object') this.known = stored.files;
    } catch {
      // no cache yet, or an unreadable one: start empty
    }
  }

  /** The integrity remembered for this file if stat still says the same about it. */
  lookup(scanned: ScannedFile): string | undefined {
    const remembered = this.known[scanned.relative];
    if (!Array.isArray(remembered) || remembered[0] !== scanned.fingerprint || typeof remembered[1] !== 'string') return undefined;
    this.next[scanned.relative] = remembered;
    return remembered[1];
  }

  /** Remembers a file's integrity, unless it changed too recently to be told apart by its stat. */
  remember(scanned: ScannedFile, integrity: string): void {
    if (scanned.changedMs > this.now() - RACY_MS) return;
    this.next[scanned.relative] = [scanned.fingerprint, integrity];
    this.changed = true;
  }

  /** Writes what this run saw (entries for files that are gone or changed are dropped). */
  save(): void {
    if (this.file === null) return;
    if (!this.changed && Object.keys(this.next).length === Object.keys(this.known).length) return;
    try {
      writeCacheFile(this.ctx, this.file, JSON.stringify({ dir: this.agentsDir, files: this.next } satisfies Stored));
    } catch {
      // a cache that cannot be written is only slower next time
    }
  }
}
