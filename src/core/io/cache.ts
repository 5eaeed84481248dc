import path from 'node:path';
import type { Context } from '../context.js';
import { writeFileAtomic } from './atomic.js';
import { readBytesOrNull } from './bounded-read.js';
import { computeIntegrity } from './integrity.js';

/**
 * Where the cache lives, and the existing folder below which its folders may be made: the cache
 * is `AGENT_INSTALL_CACHE`, else `$XDG_CACHE_HOME/agent-install`, else the OS convention
 * (`~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows, `~/.cache` elsewhere). The anchor is
 * the parent of the first two, else the home folder: neither the home folder nor anything above
 * the cache folder's parent is ever created. A relative `HOME` (or `XDG_CACHE_HOME`, which the
 * XDG specification says to ignore when relative) is not used: then there is no cache, and
 * agent-install works without one.
 */
export function cacheLocation(ctx: Pick<Context, 'env' | 'home'>, platform: NodeJS.Platform = process.platform): { dir: string; anchor: string } | null {
  const { env, home } = ctx;
  if (env.AGENT_INSTALL_CACHE) {
    const dir = path.resolve(env.AGENT_INSTALL_CACHE);
    return { dir, anchor: path.dirname(dir) };
  }
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) {
    return { dir: path.join(env.XDG_CACHE_HOME, 'agent-install'), anchor: path.dirname(env.XDG_CACHE_HOME) };
  }
  if (platform === 'win32' && env.LOCALAPPDATA) return { dir: path.join(env.LOCALAPPDATA, 'agent-install', 'Cache'), anchor: path.dirname(env.LOCALAPPDATA) };
  if (!path.isAbsolute(home)) return null;
  if (platform === 'darwin') return { dir: path.join(home, 'Library', 'Caches', 'agent-install'), anchor: home };
  if (platform === 'win32') return { dir: path.join(home, 'AppData', 'Local', 'agent-install', 'Cache'), anchor: home };
  return { dir: path.join(home, '.cache', 'agent-install'), anchor: home };
}

/** The user's cache folder for agent-install ({@link cacheLocation}), or null when there is none. */
export function cacheDir(ctx: Pick<Context, 'env' | 'home'>, platform: NodeJS.Platform = process.platform): string | null {
  return cacheLocation(ctx, platform)?.dir ?? null;
}

/** A file of the cache, or null when there is no cache. */
export function cacheFile(ctx: Pick<Context, 'env' | 'home'>, ...segments: string[]): string | null {
  const dir = cacheDir(ctx);
  return dir === null ? null : path.join(dir, ...segments);
}

/**
 * Writes a file of the cache (atomically, without fsync unless `durable`), making the cache's
 * folders below its anchor. Throws when the cache cannot be written; callers treat the cache as
 * an optimisation and carry on.
 */
export function writeCacheFile(ctx: Pick<Context, 'env' | 'home'>, file: string, data: string | Uint8Array, durable = false): void {
  const location = cacheLocation(ctx);
  if (location === null) throw new Error('there is no cache folder');
  writeFileAtomic(file, data, { durable, createFoldersBelow: location.anchor });
}

export function contentPath(ctx: Pick<Context, 'env' | 'home'>, integrity: string): string | null {
  const match = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(integrity);
  if (!match) return null;
  const hex = Buffer.from(match[1]!, 'base64').toString('hex');
  return cacheFile(ctx, 'content-v1', 'sha256', hex.slice(0, 2), hex.slice(2));
}

/** Larger entries are not agent-install's: they are never read. */
const MAX_CACHED_BYTES = 64 * 1_048_576;

/**
 * Content-addressed store of every upstream file agent-install fetched: upgrades find their base
 * bytes, and `install` finds locked bytes, without the network. A corrupt entry is ignored.
 */
export function cacheGet(ctx: Pick<Context, 'env' | 'home'>, integrity: string): Uint8Array | null {
  const file = contentPath(ctx, integrity);
  if (file === null) return null;
  const bytes = readBytesOrNull(file, MAX_CACHED_BYTES);
  return bytes !== null && computeIntegrity(bytes) === integrity ? bytes : null;
}

/** Stores bytes under their integrity; a cache that cannot be written is not an error. */
export function cachePut(ctx: Pick<Context, 'env' | 'home'>, bytes: Uint8Array): string {
  const integrity = computeIntegrity(bytes);
  const file = contentPath(ctx, integrity);
  try {
    if (file !== null && cacheGet(ctx, integrity) === null) writeCacheFile(ctx, file, bytes, true);
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
