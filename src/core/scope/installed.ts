import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { writeFileAtomic } from '../io/atomic.js';
import { cacheDir, folderKey } from '../io/cache.js';
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
function stateFile(ctx: Pick<Context, 'env' | 'home'>, agentsDir: string): string {
  return path.join(cacheDir(ctx), 'installed-v1', `${folderKey(agentsDir)}.json`);
}

const isRecord = (value: unknown): value is InstalledRecord =>
  value !== null &&
  typeof value === 'object' &&
  typeof (value as InstalledRecord).path === 'string' &&
  typeof (value as InstalledRecord).integrity === 'string' &&
  typeof (value as InstalledRecord).entry === 'object';

export function readInstalledState(ctx: Pick<Context, 'env' | 'home'>, agentsDir: string): InstalledState {
  const state: InstalledState = Object.create(null);
  try {
    const stored = JSON.parse(readFileSync(stateFile(ctx, agentsDir), 'utf8')) as { dir?: unknown; agents?: unknown };
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
  const text = `${JSON.stringify({ dir: agentsDir, agents: state })}\n`;
  try {
    if (readFileSync(file, 'utf8') === text) return; // a run that changed nothing
  } catch {
    // not written yet
  }
  try {
    writeFileAtomic(file, text, { durable: false });
  } catch {
    /* read-only or full cache */
  }
}
