import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { AgentInstallError } from '../errors.js';

/** Claude Code skips agent files larger than this (2.1.332). */
export const MAX_AGENT_FILE_BYTES = 1_048_576;

export type BoundedRead = { bytes: Uint8Array; size: number } | { bytes: null; size: number };

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever. It does not
// change how regular files are read. (Windows has neither FIFOs nor the flag.)
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
// O_NOFOLLOW: the open fails (ELOOP) when the last component is a symbolic link.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export interface ReadOptions {
  /** Refuse a symbolic link at `file` itself (a lockfile or journal is read only as the file it is). */
  noFollow?: boolean;
  /** A buffer of at least `limit` bytes to read into (see readFileBounded). */
  scratch?: Buffer;
}

function symlinkRefused(file: string): AgentInstallError {
  return new AgentInstallError(`Refusing to read ${file}: it is a symbolic link.`, {
    code: 'SYMLINK_TARGET',
    hint: 'agent-install reads and writes this file only as a regular file. Replace the link with a copy of the file it points to.',
    details: { path: file },
  });
}

function notRegular(file: string, stats?: { isDirectory(): boolean }): AgentInstallError {
  const what = stats?.isDirectory() ? 'a folder' : 'a FIFO, socket or device';
  return new AgentInstallError(`Cannot read ${file}: it is not a regular file (${what}).`, {
    code: 'IO',
    hint: 'Replace it with a regular file; agent-install never reads from pipes or devices.',
    details: { path: file },
  });
}

/**
 * Reads a regular file only when it is at most `limit` bytes; a larger file (a 1 GB log renamed
 * `.md`) is reported by size without reading it. Pipes, sockets and devices are refused at once
 * (checked on the open descriptor, so nothing can swap the file in between). Throws
 * AgentInstallError for I/O failures.
 *
 * With `options.scratch` (of at least `limit` bytes) the bytes are read into it and returned as a view of
 * it, valid until the next read into the same buffer: a run over thousands of files then
 * allocates no buffer per file.
 */
export function readFileBounded(file: string, limit = MAX_AGENT_FILE_BYTES, options: ReadOptions = {}): BoundedRead {
  let fd: number;
  try {
    // Without O_NOFOLLOW (Windows), a link is looked for first.
    if (options.noFollow && NO_FOLLOW === 0 && lstatSync(file).isSymbolicLink()) throw Object.assign(new Error('symbolic link'), { code: 'ELOOP' });
    fd = openSync(file, options.noFollow ? OPEN_FLAGS | NO_FOLLOW : OPEN_FLAGS);
  } catch (error) {
    if (options.noFollow && (error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(file);
    throw new AgentInstallError(`Cannot read ${file}: ${(error as Error).message}`, { code: 'IO', cause: error, details: { path: file } });
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(file, stats);
    const size = stats.size;
    if (size > limit) return { bytes: null, size };
    const scratch = options.scratch;
    const buffer = scratch !== undefined && scratch.length >= size ? scratch : Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, buffer, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return { bytes: buffer.subarray(0, offset), size: offset };
  } catch (error) {
    if (error instanceof AgentInstallError) throw error;
    throw new AgentInstallError(`Cannot read ${file}: ${(error as Error).message}`, { code: 'IO', cause: error, details: { path: file } });
  } finally {
    closeSync(fd);
  }
}

function isMissing(error: unknown): boolean {
  const code = ((error as AgentInstallError).cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The bytes of a regular file of at most `limit` bytes, or null for anything else: missing,
 * unreadable, too large, a FIFO or a device. For agent-install's own caches, where a bad entry is
 * simply not used.
 */
export function readBytesOrNull(file: string, limit: number): Uint8Array | null {
  try {
    return readFileBounded(file, limit).bytes;
  } catch {
    return null;
  }
}

/** {@link readBytesOrNull} as UTF-8 text. */
export function readTextOrNull(file: string, limit: number): string | null {
  const bytes = readBytesOrNull(file, limit);
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * The text of a small regular file (a lockfile, a journal, a config file, an index), or null when
 * there is none (no such file, or a parent that is not a folder). A FIFO or device, or a file over `limit` bytes, is a clear error at once: such a
 * path is never read (a hostile repository may put `/dev/zero` or a 2 GiB sparse file there).
 */
export function readTextBounded(file: string, limit: number, what: string, options: ReadOptions = {}): string | null {
  let read: BoundedRead;
  try {
    read = readFileBounded(file, limit, options);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  if (read.bytes === null) {
    throw new AgentInstallError(
      `The ${what} ${file} is ${read.size.toLocaleString('en-US')} bytes; agent-install reads at most ${limit.toLocaleString('en-US')}.`,
      {
        code: 'TOO_LARGE',
        hint: `That is not a ${what} agent-install wrote; move it away.`,
        details: { path: file, size: read.size, limit },
      },
    );
  }
  return Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength).toString('utf8');
}
