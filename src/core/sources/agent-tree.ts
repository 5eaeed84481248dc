/**
 * Picking agent files out of a file tree that is not on disk (a git commit, an npm tarball), the
 * way Claude Code picks them out of `.claude/agents/`: recursively, every file whose name ends
 * in `.md` (case-sensitive), hidden files included.
 */
import path from 'node:path';
import { loadValidate } from '../agent/load.js';
import { AgentInstallError } from '../errors.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../io/bounded-read.js';

/** Folders searched, in order, when a spec names no path inside the repository or package. */
export const DEFAULT_AGENT_DIRS = ['.claude/agents', 'agents'] as const;

/** One regular file of the tree. */
export interface TreeFile {
  /** `/`-separated, relative to the tree's root. */
  path: string;
  size: number;
  /** Not a regular file (a symbolic link, a tar hard link, a submodule): never read, reported when asked for. */
  special?: 'symlink' | 'hardlink' | 'submodule';
}

/** Why a file that is no regular file is skipped. */
const SPECIAL: Record<NonNullable<TreeFile['special']>, string> = {
  symlink: 'a symbolic link (not followed)',
  hardlink: 'a hard link (not followed)',
  submodule: 'a submodule',
};

/**
 * A path inside a repository or package as written in a spec, normalised (no leading or
 * trailing `/`), or null when it could escape the tree or break the spec syntax: empty, `.` or
 * `..` segments, backslashes, `#`, `::`, control characters.
 */
export function normalizeInnerPath(raw: string): string | null {
  const trimmed = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\#]|::/.test(trimmed)) return null;
  const segments = trimmed.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  return trimmed;
}

/** Claude Code's rule for agent files: names ending in `.md`, exactly. */
export function isAgentFileName(file: string): boolean {
  return file.endsWith('.md');
}

export type Selection = { kind: 'file'; file: TreeFile } | { kind: 'dir'; dir: string; files: TreeFile[]; skipped: Array<{ path: string; reason: string }> };

/**
 * The file at `inner`, or every agent file below the folder `inner` ('' = the root), sorted by
 * path as `scanAgentsTree` sorts. Null when nothing is at `inner`.
 */
export function selectFiles(files: TreeFile[], inner: string): Selection | null {
  const exact = files.find((f) => f.path === inner);
  if (exact) return { kind: 'file', file: exact };
  const prefix = inner === '' ? '' : `${inner}/`;
  const below = files.filter((f) => f.path.startsWith(prefix));
  if (below.length === 0) return null;
  const chosen: TreeFile[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  for (const file of below) {
    if (!isAgentFileName(path.posix.basename(file.path))) continue;
    if (file.special) skipped.push({ path: file.path, reason: SPECIAL[file.special] });
    else if (file.size > MAX_AGENT_BYTES) skipped.push({ path: file.path, reason: 'over 1 MiB (Claude Code skips it)' });
    else if (normalizeInnerPath(file.path) !== file.path) skipped.push({ path: file.path, reason: 'its path cannot be written in a spec' });
    else chosen.push(file);
  }
  chosen.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { kind: 'dir', dir: inner, files: chosen, skipped };
}

/** Where to look when the spec names no path: `.claude/agents/`, else `agents/`, else the root. */
export function defaultAgentDir(files: TreeFile[]): string {
  for (const dir of DEFAULT_AGENT_DIRS) {
    if (files.some((f) => f.path.startsWith(`${dir}/`) && isAgentFileName(f.path))) return dir;
  }
  return '';
}

/** A message naming the nearest `.md` files, for "path not found". */
export function nearbyAgentFiles(files: TreeFile[], limit = 8): string {
  const md = files.filter((f) => isAgentFileName(f.path)).map((f) => f.path);
  if (md.length === 0) return 'it holds no .md files';
  return `its .md files: ${md.slice(0, limit).join(', ')}${md.length > limit ? `, … (${md.length} in all)` : ''}`;
}

export interface AgentBytes {
  path: string;
  bytes: Uint8Array;
}

/**
 * From a folder's `.md` files, those Claude Code would load as agents; the others (a README, a
 * broken file) are skipped with a warning. Fails when none is left.
 */
export async function keepLoadableAgents(
  files: AgentBytes[],
  skipped: Array<{ path: string; reason: string }>,
  where: string,
  warn: ((message: string) => void) | undefined,
): Promise<AgentBytes[]> {
  const { checkAgentBytes } = await loadValidate();
  const kept: AgentBytes[] = [];
  const notLoaded: Array<{ path: string; reason: string }> = [...skipped];
  for (const file of files) {
    const check = checkAgentBytes(file.bytes, { fileName: path.posix.basename(file.path) });
    if (check.agent) kept.push(file);
    else
      notLoaded.push({
        path: file.path,
        reason: `not an agent Claude Code would load (${check.issues.find((i) => i.severity === 'error')?.message ?? 'no frontmatter'})`,
      });
  }
  if (kept.length === 0) {
    throw new AgentInstallError(`No agent files in ${where}.`, {
      code: 'NO_AGENTS',
      hint:
        notLoaded.length > 0
          ? `Skipped: ${notLoaded.map((s) => `${s.path} (${s.reason})`).join('; ')}.`
          : 'An agent is a .md file with `name` and `description` in its frontmatter; name the file or folder that holds them.',
      details: { skipped: notLoaded },
    });
  }
  for (const s of notLoaded) warn?.(`${where}: skipped ${s.path}: ${s.reason}`);
  return kept;
}
