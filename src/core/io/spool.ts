/**
 * Text fragments kept for later, in order. The first MiB or so stays in memory; past that every
 * fragment goes to a private temporary file and is read back one by one, so that a run over tens
 * of thousands of files keeps its `--json` document outside the heap. Where no temporary file can
 * be made, the fragments stay in memory.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AgentInstallError } from '../errors.js';

/** Characters kept in memory before the fragments move to a file. */
const KEPT_IN_MEMORY = 1024 * 1024;

/**
 * Writes to the file in chunks of about this many bytes, and reads back in windows of at least
 * this many. Small enough that a chunk's string is an ordinary young object (a large one would be
 * garbage in the old generation, which is collected rarely).
 */
const CHUNK = 32 * 1024;

export class Spool {
  /** Fragments not on file, in order: all of them until the file is opened. */
  private kept: string[] = [];
  private keptLength = 0;
  private dir: string | undefined;
  private fd: number | undefined;
  /** No file could be made: everything stays in memory. */
  private noFile = false;
  /** Byte length of each fragment on file, in order. */
  private readonly lengths: number[] = [];
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(private readonly prefix = 'agent-install-') {}

  add(fragment: string): void {
    if (this.fd === undefined) {
      this.kept.push(fragment);
      this.keptLength += fragment.length;
      if (this.keptLength > KEPT_IN_MEMORY && !this.noFile) this.open();
      return;
    }
    this.toFile(fragment);
  }

  private open(): void {
    try {
      this.dir = mkdtempSync(path.join(tmpdir(), this.prefix));
      this.fd = openSync(path.join(this.dir, 'spool'), 'w+', 0o600);
      // Gone from the folder at once where an open file can be unlinked: nothing is left behind,
      // even when the process is killed.
      if (process.platform !== 'win32') this.removeFolder();
    } catch {
      this.close();
      this.noFile = true;
      return;
    }
    const kept = this.kept;
    this.kept = [];
    this.keptLength = 0;
    for (const fragment of kept) this.toFile(fragment);
  }

  private toFile(fragment: string): void {
    const bytes = Buffer.byteLength(fragment, 'utf8');
    this.lengths.push(bytes);
    this.pending.push(fragment);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0 || this.fd === undefined) return;
    const text = this.pending.join('');
    const length = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      const written = writeSync(this.fd, text);
      if (written < length) {
        // A short write (rare on a regular file): the rest as bytes.
        const bytes = Buffer.from(text, 'utf8');
        let done = written;
        while (done < bytes.length) done += writeSync(this.fd, bytes, done);
      }
    } catch (error) {
      throw new AgentInstallError(`Cannot write a temporary file: ${(error as Error).message}`, {
        code: 'IO',
        cause: error,
        hint: 'Free some space in the temporary folder (TMPDIR), or validate fewer files at once.',
      });
    }
  }

  /** The fragments in the order they were added. */
  *fragments(): Generator<string> {
    if (this.fd === undefined) {
      yield* this.kept;
      return;
    }
    this.flush();
    const fd = this.fd;
    let window = Buffer.allocUnsafe(CHUNK);
    /** File position of window[0], and how many bytes of the window hold file data. */
    let base = 0;
    let filled = 0;
    let at = 0;
    for (const length of this.lengths) {
      if (at + length > base + filled) {
        // Keep the unread tail, read on; a fragment larger than the window gets a larger one.
        const tail = base + filled - at;
        const next = length > window.length ? Buffer.allocUnsafe(length) : window;
        window.copy(next, 0, at - base, at - base + tail);
        window = next;
        base = at;
        filled = tail;
        while (filled < length) {
          const n = readSync(fd, window, filled, window.length - filled, base + filled);
          if (n === 0) throw new AgentInstallError('A temporary file ended early.', { code: 'IO' });
          filled += n;
        }
      }
      yield window.toString('utf8', at - base, at - base + length);
      at += length;
    }
  }

  /** Closes and removes the temporary file, if any (also when reading stopped half-way). */
  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = undefined;
    }
    this.removeFolder();
  }

  private removeFolder(): void {
    if (this.dir === undefined) return;
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
