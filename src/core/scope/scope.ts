import { statSync } from 'node:fs';
import path from 'node:path';
import type { Context } from '../context.js';
import { AgentInstallError } from '../errors.js';

export type ScopeKind = 'project' | 'user';

/** One installation target: an agents folder and the lockfile beside it. */
export interface Scope {
  kind: ScopeKind;
  /** The `.claude` folder (project) or the user's Claude config folder. */
  claudeDir: string;
  /** `<claudeDir>/agents` — Claude Code scans it recursively. */
  agentsDir: string;
  /** `<claudeDir>/agents.lock.json`. */
  lockfilePath: string;
  /** Project root for project scope; the config folder for user scope. Relative paths in the lockfile are resolved against it. */
  root: string;
  /** Targets: what other coding tools' agent files are relative to: the project root, or the home folder (default: `root`). */
  targetRoot?: string;
}

/** The folder other coding tools' agent files are relative to (src/core/targets). */
export function targetRootOf(scope: Scope): string {
  return scope.targetRoot ?? scope.root;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The nearest folder at or above `start` holding `.git` (a folder, or a file for worktrees). */
export function findGitRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (exists(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * `<project>` is the nearest ancestor of the working directory (up to the git root) that has a
 * `.claude/` folder, else the git root, else the working directory (docs/design.md, "Scopes").
 * The home folder is never taken as a project because its `.claude` is the user scope — the same
 * rule Claude Code applies when it walks up for project agents.
 */
export function findProjectRoot(cwd: string, home: string): string {
  const start = path.resolve(cwd);
  const gitRoot = findGitRoot(start);
  // A relative or empty HOME names no folder (resolving it would make the working directory "home").
  const homeDir = path.isAbsolute(home) ? path.resolve(home) : null;
  let dir = start;
  for (;;) {
    if (dir !== homeDir && isDirectory(path.join(dir, '.claude'))) return dir;
    if (dir === gitRoot) return gitRoot;
    const parent = path.dirname(dir);
    if (parent === dir || (gitRoot === null && dir === homeDir)) break;
    dir = parent;
  }
  return gitRoot ?? start;
}

/** `$CLAUDE_CONFIG_DIR` when set, else `~/.claude`. */
export function userClaudeDir(ctx: Pick<Context, 'env' | 'home'>): string {
  const configured = ctx.env.CLAUDE_CONFIG_DIR;
  return configured ? path.resolve(configured) : path.join(ctx.home, '.claude');
}

export function projectScope(ctx: Pick<Context, 'cwd' | 'home'>): Scope {
  const root = findProjectRoot(ctx.cwd, ctx.home);
  if (path.isAbsolute(ctx.home) && root === path.resolve(ctx.home)) {
    // `~/.claude` is the user scope; a "project" there would be the same folder under another name.
    throw new AgentInstallError(`${root} is your home folder, not a project: its .claude folder is the user scope.`, {
      code: 'NOT_A_PROJECT',
      hint: 'Use -g for the user scope, or run agent-install inside a project folder (or with -C <project>).',
    });
  }
  const claudeDir = path.join(root, '.claude');
  return { kind: 'project', root, claudeDir, agentsDir: path.join(claudeDir, 'agents'), lockfilePath: path.join(claudeDir, 'agents.lock.json') };
}

export function userScope(ctx: Pick<Context, 'env' | 'home'>): Scope {
  const claudeDir = userClaudeDir(ctx);
  if (!ctx.env.CLAUDE_CONFIG_DIR && !(path.isAbsolute(ctx.home) && isDirectory(ctx.home))) {
    const what = path.isAbsolute(ctx.home) ? 'does not exist' : 'is not an absolute path';
    throw new AgentInstallError(`The home folder ${JSON.stringify(ctx.home)} ${what}, so there is no user scope.`, {
      code: 'NO_HOME',
      hint: 'Set HOME to an existing folder, or CLAUDE_CONFIG_DIR to the Claude Code config folder.',
    });
  }
  return {
    kind: 'user',
    root: claudeDir,
    claudeDir,
    agentsDir: path.join(claudeDir, 'agents'),
    lockfilePath: path.join(claudeDir, 'agents.lock.json'),
    targetRoot: path.resolve(ctx.home),
  };
}

/**
 * The scope `make` returns, or null when there is none here: no home folder (user scope), or the
 * home folder itself (project scope). Other errors pass through.
 */
export function optionalScope(make: () => Scope): Scope | null {
  try {
    return make();
  } catch (error) {
    if (error instanceof AgentInstallError && (error.code === 'NO_HOME' || error.code === 'NOT_A_PROJECT')) return null;
    throw error;
  }
}

export function resolveScope(ctx: Pick<Context, 'cwd' | 'home' | 'env'>, global: boolean): Scope {
  return global ? userScope(ctx) : projectScope(ctx);
}

/** True when `target` lies inside `folder` (after resolution), the check every write makes. */
export function isInside(folder: string, target: string): boolean {
  const rel = path.relative(path.resolve(folder), path.resolve(target));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
