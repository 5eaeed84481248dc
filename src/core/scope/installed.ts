import type { Context } from '../context.js';
import { readTextOrNull } from '../io/bounded-read.js';
import { cacheFile, folderKey, writeCacheFile } from '../io/cache.js';
import type { LockEntry } from '../lockfile/lockfile.js';

/** What agent-install last left in an agents folder for one agent. */
export interface InstalledRecord {
  /** The file, relative to the agents folder. */
  path: string;
  /** The integrity of the bytes it left there. */
  integrity: string;
  /** The lock entry it recorded for them. */
  entry: LockEntry;
}

export type InstalledState = Record<string, InstalledRecord>;

/**
 * What this machine's agent-install last installed into an agents folder, as npm keeps
 * `node_modules/.package-lock.json`: per agent, the file and the bytes it wrote. It tells an
 * agent this clone installed from a file someone put there, after a pull changed the committed
 * lockfile: an untouched older version is not a local edit, and an agent the lockfile no longer
 * lists is ours to remove. Kept in the user cache (`installed-v1/`), never in the repository; a
 * missing or unreadable record is an empty one (agent-install then only knows less, never more).
 */
/** The record of a scope's installs is small; anything larger is not ours and is not read. */
const MAX_STATE_BYTES = 64 * 1_048_576;

function stateFile(ctx: Pick<Context, 'env' | 'home'>, agentsDir: string): string | null {
  return cacheFile(ctx, 'installed-v1', `${folderKey(agentsDir)}.json`);
}

const isRecord = (value: unknown): value is InstalledRecord =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as InstalledRecord).path === 'string' &&
  typeof (value as InstalledRecord).integrity === 'string' &&
  typeof (value as InstalledRecord).entry === 'object';

export function readInstalledState(ctx: Pick<Context, 'env' | 'home'>, agentsDir: string): InstalledState {
  const state: InstalledState = Object.create(null);
  const file = stateFile(ctx, agentsDir);
  const text = file === null ? null : readTextOrNull(file, MAX_STATE_BYTES);
  if (text === null) return state;
  try {
    const stored = JSON.parse(text) as { dir?: unknown; agents?: unknown };
    if (stored.dir !== agentsDir || stored.agents === null || typeof stored.agents !== 'object') return state;
    for (const [name, record] of Object.entries(stored.agents as Record<string, unknown>)) if (isRecord(record)) state[name] = record;
  } catch {
    // none yet, or unreadable: an empty record
  }
  return state;
}

/** Saves the record; failing to is not an error (the cache is an aid, not the truth). */
export function writeInstalledState(ctx: Pick<Context, 'env' | 'home'>, agentsDir: string, state: InstalledState): void {
  const file = stateFile(ctx, agentsDir);
  if (file === null) return;
  const text = `${JSON.stringify({ dir: agentsDir, agents: state })}\n`;
  if (readTextOrNull(file, MAX_STATE_BYTES) === text) return; // a run that changed nothing
  try {
    writeCacheFile(ctx, file, text);
  } catch {
    /* read-only or full cache */
  }
}
