import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AgentInstallError } from '../errors.js';

// Temporary files end in `.tmp`, never `.md`: Claude Code loads every `*.md` in an agents tree.
const TEMP_PATTERN = /^\.(.+)\.agent-install-(\d+)-[0-9a-f]{8}\.tmp$/;

export interface WriteOptions {
  /** Replace a symbolic link at the target (the link itself, never what it points to). */
  replaceSymlink?: boolean;
  /** Skip the fsyncs: still all-or-nothing for readers, but a power cut may lose it (caches). */
  durable?: boolean;
  /**
   * Leave the folder's own fsync (which makes the rename durable) to the caller, who writes many
   * files into one folder and syncs it once at the end (see GuardedFolder.flush).
   */
  deferFolderSync?: boolean;
  /**
   * An existing folder below which missing folders of the target's path are made, one level at a
   * time. Without it the target's folder must exist. Nothing above it is ever created, so a
   * missing or odd home (`/proc/…`, a relative `HOME`) fails at once instead of being made.
   */
  createFoldersBelow?: string;
}

/** Folders deeper than this below their anchor are not made (a loop guard; caches use 4). */
const MAX_CREATED_LEVELS = 16;

/**
 * Makes `dir` and its missing parents below `anchor`, one `mkdir` per level (Node's recursive
 * mkdir can loop for ever on file systems such as /proc that answer ENOENT to every create).
 */
export function makeFoldersBelow(anchor: string, dir: string): void {
  const relative = path.relative(anchor, dir);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw ioError('create folder', dir, new Error(`it is not inside ${anchor}`));
  }
  const levels = relative === '' ? [] : relative.split(path.sep);
  if (levels.length > MAX_CREATED_LEVELS) throw ioError('create folder', dir, new Error('too deep'));
  let anchorStat: ReturnType<typeof lstatSync>;
  try {
    anchorStat = lstatSync(anchor);
  } catch (error) {
    throw ioError('create folder', dir, error);
  }
  if (!anchorStat.isDirectory()) throw ioError('create folder', dir, new Error(`${anchor} is not a folder`));
  let current = anchor;
  for (const level of levels) {
    current = path.join(current, level);
    try {
      mkdirSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('create folder', current, error);
    }
  }
}

/**
 * 8 hex digits for temporary names and lock tokens. They need to differ, not to be secret (every
 * name also carries the pid, and files are created exclusively), so no node:crypto.
 */
export function uniqueSuffix(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}

export function isSymlink(target: string): boolean {
  try {
    return lstatSync(target).isSymbolicLink();
  } catch {
    return false;
  }
}

function ioError(action: string, target: string, error: unknown): AgentInstallError {
  const err = error as NodeJS.ErrnoException;
  const hints: Record<string, string> = {
    EACCES: 'Check the folder permissions, or choose another scope (`-g` / `-C <dir>`).',
    EPERM: 'Check the folder permissions, or choose another scope (`-g` / `-C <dir>`).',
    EROFS: 'The file system is read-only.',
    ENOSPC: 'The disk is full; free some space and run the command again. Nothing was half-written.',
    EDQUOT: 'The disk quota is exhausted; free some space and run the command again.',
  };
  return new AgentInstallError(`Cannot ${action} ${target}: ${err.message}`, {
    code: 'IO',
    hint: (err.code && hints[err.code]) ?? 'Nothing was half-written; fix the cause and run the command again.',
    cause: error,
  });
}

/**
 * Writes through a temporary file in the same folder, fsync, then rename: readers see the old
 * bytes or the new bytes, never a mixture. A symbolic link at the target is refused unless
 * `replaceSymlink`, in which case the link is replaced and its target left untouched.
 */
function symlinkError(target: string): AgentInstallError {
  return new AgentInstallError(`Refusing to write ${target}: it is a symbolic link.`, {
    code: 'SYMLINK_TARGET',
    hint: 'agent-install never writes through symbolic links. Use --force to replace the link itself (its target is left untouched).',
  });
}

export function writeFileAtomic(target: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  if (!options.replaceSymlink && isSymlink(target)) throw symlinkError(target);
  const dir = path.dirname(target);
  if (options.createFoldersBelow !== undefined) makeFoldersBelow(options.createFoldersBelow, dir);
  const temp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
    if (options.durable !== false) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      /* never created */
    }
    throw ioError('write', target, error);
  }
  if (options.durable !== false && !options.deferFolderSync) syncDirectory(dir);
}

/** Makes a rename durable. Not every platform can open a folder; that is not an error. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function removeFile(target: string): void {
  try {
    unlinkSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw ioError('delete', target, error);
  }
  syncDirectory(path.dirname(target));
}

/** A temporary file beside `target` for an atomic write: hidden, never `*.md`, unique to this run. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.agent-install-${process.pid}-${uniqueSuffix()}.tmp`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is `name` a temporary file of a run that is no longer alive (killed half-way)? */
export function isTempFileOfDeadRun(name: string): boolean {
  const match = TEMP_PATTERN.exec(name);
  return match !== null && !processAlive(Number(match[2]));
}

/** A file written and synced under a temporary name, waiting for its rename into place. */
export interface PreparedWrite {
  readonly target: string;
  /** Renames it into place (atomic), refusing a symbolic link that appeared at the target meanwhile. */
  commit(): void;
  /** Removes the temporary file (when the run gives up before committing). */
  abort(): void;
}

/**
 * The first half of {@link writeFileAtomic}, asynchronous so that many files can be written and
 * fsynced at once (concurrent fsyncs share the file system's journal commits: restoring thousands
 * of agents takes a fraction of the time that one fsync after another takes). The second half,
 * `commit`, is the rename; the caller makes the renames durable with one fsync per folder.
 */
export async function prepareWrite(target: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<PreparedWrite> {
  const { open, unlink } = await import('node:fs/promises');
  // The symbolic-link check happens at commit, just before the rename.
  const temp = tempPathFor(target);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temp, 'wx', 0o644);
    await handle.writeFile(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    if (options.durable !== false) await handle.sync();
    await handle.close();
    handle = undefined;
  } catch (error) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw ioError('write', target, error);
  }
  return {
    target,
    commit() {
      try {
        if (!options.replaceSymlink && isSymlink(target)) throw symlinkError(target);
        renameSync(temp, target);
      } catch (error) {
        try {
          unlinkSync(temp);
        } catch {
          /* never created */
        }
        throw error instanceof AgentInstallError ? error : ioError('write', target, error);
      }
    },
    abort() {
      try {
        unlinkSync(temp);
      } catch {
        /* already gone */
      }
    },
  };
}
