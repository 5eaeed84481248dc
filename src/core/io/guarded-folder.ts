import { closeSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AgentInstallError } from '../errors.js';
import { isTempFileOfDeadRun, type PreparedWrite, prepareWrite, removeFile, syncDirectory, tempPathFor, type WriteOptions, writeFileAtomic } from './atomic.js';

/** True when `target` is `folder` itself or lies below it (both already resolved). */
export function isInsideOrSame(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function lstatOrNull(file: string) {
  try {
    return lstatSync(file);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return null;
    throw ioError('inspect', file, error);
  }
}

/**
 * A temporary folder of a dead run: the breaking mutex of the scope lock (scope/lock.ts) is made
 * as one, holding only its owner file. Anything else in it stays, and so does the folder.
 */
function removeTempFolder(folder: string): void {
  for (const name of readdirSync(folder)) if (/^owner-[0-9a-f]{16}\.json$/.test(name)) unlinkSync(path.join(folder, name));
  rmdirSync(folder);
}

function ioError(action: string, target: string, error: unknown): AgentInstallError {
  return new AgentInstallError(`Cannot ${action} ${target}: ${(error as Error).message}`, {
    code: 'IO',
    hint: 'Check the folder permissions, or choose another scope (`-g` / `-C <dir>`).',
    cause: error,
  });
}

function outside(target: string, real: string, root: string): AgentInstallError {
  return new AgentInstallError(`Refusing to touch ${target}: it resolves to ${real}, outside ${root}.`, {
    code: 'PATH_OUTSIDE_SCOPE',
    hint: 'A symbolic link (or a lock entry) leads out of the folder agent-install writes to. Replace the link with a real folder, or fix the entry.',
    details: { path: target, resolved: real, folder: root },
  });
}

/** `x.md`, `team/x.md`: relative, `/`-separated, no `.`/`..`/empty segments, no NUL or backslash. */
function segmentsOf(relative: string): string[] {
  const segments = relative.split('/');
  if (
    relative === '' ||
    relative.includes('\0') ||
    relative.includes('\\') ||
    path.isAbsolute(relative) ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new AgentInstallError(`Refusing to touch ${JSON.stringify(relative)}: not a plain relative path.`, {
      code: 'PATH_OUTSIDE_SCOPE',
      hint: 'Paths below a scope are relative, `/`-separated and never use `..`.',
    });
  }
  return segments;
}

/**
 * A folder that every write and delete below it stays inside. Before a file is written or
 * deleted, each folder on the way to it is resolved (following symbolic links) and must lie
 * inside the guarded folder's own real path; a folder that does not exist yet is created one
 * level at a time and checked again once it exists. The file itself is never followed: writes
 * refuse a symbolic link there (unless asked to replace the link), deletes remove the link.
 * The bytes then go to the resolved folder, so a link swapped in after the check cannot redirect
 * them to a folder that was not checked.
 */
export class GuardedFolder {
  private constructor(
    /** The folder as the user names it. */
    readonly path: string,
    /** Its real path, when it exists. */
    private real: string | null,
    private readonly within: string | null,
    private readonly refuseOutside: (real: string) => AgentInstallError,
  ) {}

  /** Folders written into whose fsync was deferred to {@link flush}. */
  private readonly unsynced = new Set<string>();

  /**
   * Guards `folder`. With `within` (a real path), the folder must resolve inside it — checked
   * now when it exists, and again when `ensure` creates it; `refuseOutside` builds the error.
   */
  static open(folder: string, options: { within?: string; refuseOutside?: (real: string) => AgentInstallError } = {}): GuardedFolder {
    const resolved = path.resolve(folder);
    const within = options.within ?? null;
    const refuse = options.refuseOutside ?? ((real: string) => outside(resolved, real, within ?? resolved));
    const guard = new GuardedFolder(resolved, null, within, refuse);
    guard.real = guard.resolveExisting();
    return guard;
  }

  /** The folder's real path now, null when it does not exist; refused when it resolves outside `within`. */
  private resolveExisting(): string | null {
    if (lstatOrNull(this.path) === null) return null;
    let real: string;
    try {
      real = realpathSync(this.path);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return null; // a dangling link: created (or refused) by ensure
      throw ioError('resolve', this.path, error);
    }
    if (this.within !== null && !isInsideOrSame(this.within, real)) throw this.refuseOutside(real);
    if (!lstatSync(real).isDirectory()) {
      throw new AgentInstallError(`${this.path} is not a folder.`, {
        code: 'PATH_IS_FOLDER',
        hint: 'Move that file away; agent-install needs a folder there.',
      });
    }
    return real;
  }

  /** True when the folder exists. */
  exists(): boolean {
    this.real = this.resolveExisting();
    return this.real !== null;
  }

  /**
   * Creates the folder when missing. Its parent must exist: a missing home or config folder is
   * never created from scratch. Returns its real path.
   */
  ensure(): string {
    const existing = this.resolveExisting();
    if (existing !== null) {
      this.real = existing;
      return existing;
    }
    if (lstatOrNull(this.path) !== null) {
      // A dangling symbolic link: creating "it" would create its target, wherever that is.
      throw new AgentInstallError(`Refusing to create ${this.path}: it is a symbolic link to a missing folder.`, {
        code: 'SYMLINK_TARGET',
        hint: 'Remove the link or create the folder it points to yourself.',
      });
    }
    const parent = path.dirname(this.path);
    const parentStat = lstatOrNull(parent);
    if (parentStat === null) {
      throw new AgentInstallError(`Cannot create ${this.path}: ${parent} does not exist.`, {
        code: 'IO',
        hint: 'agent-install creates at most the last folder of a scope; check the path (HOME, CLAUDE_CONFIG_DIR, -C).',
      });
    }
    try {
      mkdirSync(this.path);
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw ioError('create folder', this.path, error);
    }
    const created = this.resolveExisting();
    if (created === null) throw ioError('create folder', this.path, new Error('it vanished after it was created'));
    this.real = created;
    return created;
  }

  /** `relative`'s absolute path below the folder (as the user names it); no file system access. */
  resolve(relative: string): string {
    return path.join(this.path, ...segmentsOf(relative));
  }

  /**
   * The real path of the folder that holds `relative`, each folder on the way checked to resolve
   * inside this one. With `create`, missing folders are made (and checked again); without, null
   * when one is missing.
   */
  private parentOf(relative: string, create: boolean): string | null {
    const segments = segmentsOf(relative);
    // Resolved once per guard (a run holds the scope lock): re-resolving per file costs three syscalls.
    let root = this.real ?? this.resolveExisting();
    if (root === null) {
      if (!create) return null;
      root = this.ensure();
    }
    let current = root;
    for (const segment of segments.slice(0, -1)) {
      const next = path.join(current, segment);
      let stat = lstatOrNull(next);
      if (stat === null) {
        if (!create) return null;
        try {
          mkdirSync(next);
        } catch (error) {
          if (errnoOf(error) !== 'EEXIST') throw ioError('create folder', next, error);
        }
        stat = lstatOrNull(next);
        if (stat === null) return null;
      }
      let real: string;
      try {
        real = realpathSync(next);
      } catch (error) {
        if (errnoOf(error) === 'ENOENT' && !create) return null;
        throw ioError('resolve', next, error);
      }
      if (!isInsideOrSame(root, real)) throw outside(path.join(this.path, ...segments), real, this.path);
      if (!lstatSync(real).isDirectory()) {
        throw new AgentInstallError(`${next} is not a folder.`, { code: 'PATH_IS_FOLDER', hint: 'Move that file away; agent-install needs a folder there.' });
      }
      current = real;
    }
    return current;
  }

  /** Checks, without creating anything, that `relative` would be written inside the folder. */
  check(relative: string): void {
    this.parentOf(relative, false);
  }

  /**
   * Writes `relative` atomically (see writeFileAtomic), creating folders on the way. With
   * `deferFolderSync`, the folder's fsync waits for {@link flush} (one per folder, not per file).
   */
  writeFile(relative: string, data: string | Uint8Array, options: WriteOptions = {}): void {
    const parent = this.parentOf(relative, true)!;
    writeFileAtomic(path.join(parent, path.basename(relative)), data, options);
    if (options.deferFolderSync) this.unsynced.add(parent);
  }

  /**
   * Writes `relative` under a temporary name (folders on the way created and checked now); its
   * `commit` renames it into place. The folder's fsync waits for {@link flush}.
   */
  async prepareWrite(relative: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<PreparedWrite> {
    const parent = this.parentOf(relative, true)!;
    const prepared = await prepareWrite(path.join(parent, path.basename(relative)), data, options);
    this.unsynced.add(parent);
    return prepared;
  }

  /** Makes the renames of deferred writes durable: one fsync per folder written into. */
  flush(): void {
    for (const dir of this.unsynced) syncDirectory(dir);
    this.unsynced.clear();
  }

  /**
   * Creates `relative` with `data`, never replacing anything there (a file, a folder, a dangling
   * link): the bytes go to a temporary file that is then hard-linked to the target, and link()
   * fails when the target exists, so the file appears whole or not at all. Where hard links are
   * unsupported, an exclusive create is used. `exists` builds the error for a taken target.
   */
  createFile(relative: string, data: string, exists: (target: string) => AgentInstallError): void {
    const parent = this.parentOf(relative, true)!;
    const target = path.join(parent, path.basename(relative));
    const buffer = Buffer.from(data, 'utf8');
    const writeAll = (fd: number) => {
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
      fsyncSync(fd);
    };
    const temp = tempPathFor(target);
    let linked = false;
    try {
      const fd = openSync(temp, 'wx', 0o644);
      try {
        writeAll(fd);
      } finally {
        closeSync(fd);
      }
      try {
        linkSync(temp, target);
        linked = true;
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'EEXIST') throw exists(this.resolve(relative));
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw ioError('write', target, error);
      }
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        /* never created */
      }
      throw error instanceof AgentInstallError ? error : ioError('write', target, error);
    }
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    if (linked) return;
    // No hard links here (some network and FAT file systems): exclusive create, then write.
    let fd: number;
    try {
      fd = openSync(target, 'wx', 0o644);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST') throw exists(this.resolve(relative));
      throw ioError('write', target, error);
    }
    try {
      writeAll(fd);
    } catch (error) {
      closeSync(fd);
      try {
        unlinkSync(target);
      } catch {
        /* best effort: never leave a half-written file */
      }
      throw ioError('write', target, error);
    }
    closeSync(fd);
  }

  /** Deletes `relative` (a link itself, never its target); a missing file is not an error. */
  removeFile(relative: string): void {
    const parent = this.parentOf(relative, false);
    if (parent !== null) removeFile(path.join(parent, path.basename(relative)));
  }

  /**
   * Deletes temporary files that killed runs left in the folder `relativeDir` ('' for the folder
   * itself), which must resolve inside this one. Returns the names removed.
   */
  removeTempFiles(relativeDir: string): string[] {
    const dir = relativeDir === '' ? this.resolveExisting() : this.parentOf(`${relativeDir}/x`, false);
    if (dir === null) return [];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      if (!isTempFileOfDeadRun(name)) continue;
      const file = path.join(dir, name);
      try {
        if (lstatSync(file).isDirectory()) removeTempFolder(file);
        else unlinkSync(file);
        removed.push(name);
      } catch {
        /* someone else cleaned it, or a folder that holds more than a lock owner */
      }
    }
    return removed;
  }
}
