import path from 'node:path';
import { ExitCode } from '../core/errors.js';
import { readTextBounded } from '../core/io/bounded-read.js';
import { GuardedFolder } from '../core/io/guarded-folder.js';
import { emptyLockfile, type Lockfile, parseLockfile, serializeLockfile } from '../core/lockfile/lockfile.js';
import { mergeLockfiles } from '../core/lockfile/merge.js';
import { MAX_LOCKFILE_BYTES } from '../core/lockfile/read.js';
import { type CommandContext, type CommandResult, counted } from './context.js';

function readSide(ctx: CommandContext, file: string, label: string): Lockfile {
  const absolute = path.resolve(ctx.cwd, file);
  const text = readTextBounded(absolute, MAX_LOCKFILE_BYTES, 'lockfile');
  // git passes an empty file for a side (or ancestor) that has no such file.
  return text === null || text.trim() === '' ? emptyLockfile() : parseLockfile(text, `${file} (${label})`);
}

/**
 * `merge-lockfile %O %A %B`: the git merge driver for agents.lock.json. Merges the two sides per
 * agent with their common ancestor (see core/lockfile/merge.ts) and writes the result to %A, as
 * git expects; agents it cannot reconcile are left between conflict markers in %A (exit 1), where
 * `agent-install install` reports them by name.
 */
export async function run(ctx: CommandContext, base: string, ours: string, theirs: string): Promise<CommandResult> {
  const merged = mergeLockfiles(readSide(ctx, base, 'ancestor'), readSide(ctx, ours, 'ours'), readSide(ctx, theirs, 'theirs'));
  const target = path.resolve(ctx.cwd, ours);
  const clean = merged.conflicts.length === 0;
  const text = clean
    ? serializeLockfile(merged.lockfile)
    : `<<<<<<< ours\n${serializeLockfile(readSide(ctx, ours, 'ours'))}=======\n${serializeLockfile(readSide(ctx, theirs, 'theirs'))}>>>>>>> theirs\n`;
  GuardedFolder.open(path.dirname(target)).writeFile(path.basename(target), text);
  for (const note of merged.notes) ctx.info(`agents.lock.json: ${note}`);
  const lines = merged.conflicts.map((c) => `agents.lock.json: ${c.name}: ${c.why}; resolve it by hand, then run \`agent-install install\``);
  return {
    json: { ok: clean, notes: merged.notes, conflicts: merged.conflicts },
    text: lines.join('\n'),
    exitCode: clean ? ExitCode.ok : ExitCode.failed,
    ...(clean ? {} : { failure: { code: 'LOCKFILE_CONFLICT', message: `${counted(merged.conflicts.length, 'agent', 'agents')} could not be merged.` } }),
  };
}
