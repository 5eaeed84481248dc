/**
 * Target files on disk (docs/targets-design.md): read through the scope's guarded target folder,
 * so that a file reached through a folder that resolves outside the project (a committed
 * `.opencode -> ~/elsewhere`) is refused before anything is read, written or deleted.
 */
import { lstatSync } from 'node:fs';
import { readFileBounded } from '../io/bounded-read.js';
import type { GuardedFolder } from '../io/guarded-folder.js';

export type TargetFileState =
  | { kind: 'missing' }
  | { kind: 'file'; bytes: Uint8Array }
  | { kind: 'symlink' }
  | { kind: 'folder' }
  /** Not a regular file, over 1 MiB, or unreadable. */
  | { kind: 'other'; why: string };

/** What is at `relative` below the target folder; throws PATH_OUTSIDE_SCOPE when a folder on the way leads outside it. */
export function readTargetFile(folder: GuardedFolder, relative: string): TargetFileState {
  folder.check(relative);
  const file = folder.resolve(relative);
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'other', why: (error as Error).message };
  }
  if (stat.isSymbolicLink()) return { kind: 'symlink' };
  if (stat.isDirectory()) return { kind: 'folder' };
  if (!stat.isFile()) return { kind: 'other', why: 'not a regular file' };
  try {
    const read = readFileBounded(file, undefined, { noFollow: true });
    if (read.bytes === null) return { kind: 'other', why: `over 1 MiB (${read.size} bytes)` };
    return { kind: 'file', bytes: read.bytes };
  } catch (error) {
    return { kind: 'other', why: (error as Error).message };
  }
}
