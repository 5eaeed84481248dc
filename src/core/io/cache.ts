import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { writeFileAtomic } from './atomic.js';
import { computeIntegrity } from './integrity.js';

/**
 * The user's cache folder for agent-install: `$XDG_CACHE_HOME/agent-install`, else the OS
 * convention (`~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, `~/.cache` elsewhere).
 * `AGENT_INSTALL_CACHE` overrides it.
 */
export function cacheDir(ctx: Pick<Context, 'env' | 'home'>, platform: NodeJS.Platform = process.platform): string {
  if (ctx.env.AGENT_INSTALL_CACHE) return path.resolve(ctx.env.AGENT_INSTALL_CACHE);
  if (ctx.env.XDG_CACHE_HOME) return path.join(ctx.env.XDG_CACHE_HOME, 'agent-install');
  if (platform === 'darwin') return path.join(ctx.home, 'Library', 'Caches', 'agent-install');
  if (platform === 'win32') return path.join(ctx.env.LOCALAPPDATA ?? path.join(ctx.home, 'AppData', 'Local'), 'agent-install', 'Cache');
  return path.join(ctx.home, '.cache', 'agent-install');
}

export function contentPath(ctx: Pick<Context, 'env' | 'home'>, integrity: string): string | null {
  const match = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(integrity);
  if (!match) return null;
  const hex = Buffer.from(match[1]!, 'base64').toString('hex');
  return path.join(cacheDir(ctx), 'content-v1', 'sha256', hex.slice(0, 2), hex.slice(2));
}

/**
 * Content-addressed store of every upstream file agent-install fetched: upgrades find their base
 * bytes, and `install` finds locked bytes, without the network. A corrupt entry is ignored.
 */
export function cacheGet(ctx: Pick<Context, 'env' | 'home'>, integrity: string): Uint8Array | null {
  const file = contentPath(ctx, integrity);
  if (file === null) return null;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  return computeIntegrity(bytes) === integrity ? bytes : null;
}

/** Stores bytes under their integrity; a cache that cannot be written is not an error. */
export function cachePut(ctx: Pick<Context, 'env' | 'home'>, bytes: Uint8Array): string {
  const integrity = computeIntegrity(bytes);
  const file = contentPath(ctx, integrity)!;
  try {
    if (cacheGet(ctx, integrity) === null) writeFileAtomic(file, bytes);
  } catch {
    /* read-only home, full disk: the cache is an optimisation */
  }
  return integrity;
}

/** A 53-bit string hash (cyrb53) of a folder path, for a cache file per folder without loading node:crypto. */
export function folderKey(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
