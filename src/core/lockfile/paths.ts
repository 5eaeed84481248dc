import path from 'node:path';
import type { Context } from '../context.js';
import { resolveScope } from '../scope/scope.js';

/** What path recording depends on: where the command runs, and which scope it writes. */
type PathContext = Pick<Context, 'cwd' | 'home' | 'env'> & { global?: boolean };

// How paths are written into a lockfile and read back: agent paths relative to the agents
// folder, and local sources relative to the project (absolute in the user scope).

/** `x.md` or `team/x.md`: relative, `/`-separated, no `.` or `..` segments, no NUL. */
export function isSafeRelativeAgentPath(value: string): boolean {
  if (!value.endsWith('.md') || value.startsWith('/') || value.includes('\\') || value.includes('\0') || /^[A-Za-z]:/.test(value)) return false;
  return value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** `~` and `~/x` are the home folder; relative paths are relative to `base` (the working directory). */
export function expandPath(target: string, base: string, home: string): string {
  if (target === '~') return home;
  if (target.startsWith('~/') || target.startsWith('~\\')) return path.join(home, target.slice(2));
  return path.resolve(base, target);
}

/**
 * How a path is written into the lockfile: relative to the project root (`./agents/x.md`,
 * `../team-agents/x.md`, `/`-separated, so the lockfile works in every clone) for the project scope,
 * absolute for the user scope (whose lockfile is not shared).
 */
export function lockPath(absolute: string, ctx: PathContext): string {
  const scope = resolveScope(ctx, ctx.global === true);
  if (scope.kind === 'user') return absolute;
  const relative = path.relative(scope.root, absolute);
  if (path.isAbsolute(relative)) return absolute; // another drive on Windows
  const posix = relative.split(path.sep).join('/');
  if (posix === '') return '.';
  return posix === '..' || posix.startsWith('../') ? posix : `./${posix}`;
}

/** The absolute path a lockfile path names (relative ones are relative to the scope's root). */
export function resolveLockPath(recorded: string, ctx: PathContext): string {
  return expandPath(recorded, resolveScope(ctx, ctx.global === true).root, ctx.home);
}
