import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AgentInstallError } from '../errors.js';

/** Claude Code skips agent files larger than this (2.1.332). */
export const MAX_AGENT_FILE_BYTES = 1_048_576;

export type BoundedRead = { bytes: Uint8Array; size: number } | { bytes: null; size: number };

/**
 * Reads a file only when it is at most `limit` bytes; a larger file (a 1 GB log renamed `.md`)
 * is reported by size without reading it. Throws AgentInstallError for I/O failures.
 */
export function readFileBounded(file: string, limit = MAX_AGENT_FILE_BYTES): BoundedRead {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new AgentInstallError(`Cannot read ${file}: ${(error as Error).message}`, { code: 'IO', cause: error });
  }
  try {
    const size = fstatSync(fd).size;
    if (size > limit) return { bytes: null, size };
    const buffer = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, buffer, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return { bytes: buffer.subarray(0, offset), size: offset };
  } finally {
    closeSync(fd);
  }
}
