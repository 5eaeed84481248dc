import path from 'node:path';
import { loadValidate } from '../agent/load.js';
import type { Issue } from '../agent/validate.js';
import { isAgentInstallError } from '../errors.js';
import { type BoundedRead, readFileBounded } from '../io/bounded-read.js';
import { computeIntegrity } from '../io/integrity.js';
import { hasCrlf, sameIgnoringLineEndings, toLf } from '../io/line-endings.js';
import { installedIntegrity, type LockEntry, type Lockfile } from '../lockfile/lockfile.js';
import { isNewer, sortValidVersions } from '../resolve/versions.js';
import type { HashCache } from './hash-cache.js';
import { type KnownBytes, NOTHING_KNOWN } from './known.js';
import { type ScannedFile, scanAgentsTree } from './scan.js';
import type { Scope, ScopeKind } from './scope.js';

/**
 * - ok: the installed bytes are the locked bytes (upstream, or the team's accepted ones) — also
 *   when they differ only in CRLF versus LF (`lineEndings`)
 * - modified: owned, but the bytes differ (hand edits, a merge)
 * - behind / ahead: the file holds another version of the agent, older / newer than the locked
 *   one, whose bytes agent-install can name (`fileVersion`): not an edit
 * - missing: locked, but the file is gone
 * - moved: locked, the file is gone from its path but its exact bytes sit elsewhere in the tree
 * - orphaned: this clone installed it, and the lockfile no longer lists it (`edited` when its
 *   bytes changed since)
 * - unmanaged: a valid agent file the lockfile does not record
 * - invalid: a file Claude Code would not load
 * - shadowed: a user agent hidden by a project agent of the same name
 *
 * Within one scope, a file that Claude Code does not load because a later file has its name
 * keeps its status and gets `shadowedBy` (commands show it as shadowed).
 */
export type AgentStatus = 'ok' | 'modified' | 'behind' | 'ahead' | 'missing' | 'moved' | 'orphaned' | 'unmanaged' | 'invalid' | 'shadowed';

export interface InstalledAgent {
  /** The `name` Claude Code keys on; the lock key for locked agents; null for a file without a usable name. */
  name: string | null;
  scope: ScopeKind;
  /** Path relative to the agents folder, `/`-separated. */
  path: string;
  status: AgentStatus;
  entry?: LockEntry;
  /** For `moved`: where the bytes are now. */
  movedTo?: string;
  /** For `behind` and `ahead`: the version the file holds. */
  fileVersion?: string;
  /** The file holds the locked bytes with other line endings. */
  lineEndings?: 'crlf' | 'lf';
  /** The file holds the bytes the team accepted (`agent-install accept`). */
  accepted?: true;
  /** For `orphaned`: the file changed since this clone installed it. */
  edited?: true;
  /** The integrity of the file's bytes, when they were read. */
  integrity?: string;
  /** Validation errors, for `invalid`. */
  issues?: Issue[];
  /** The file still holds git-style conflict markers (from `upgrade --merge-markers`). */
  conflictMarkers?: boolean;
  /** Claude Code loads this other file of the scope (path) under the same name instead of this one. */
  shadowedBy?: string;
}

/** A file of the agents tree and how to get its bytes (from disk, or from a snapshot that already read them). */
export interface AgentFile {
  scanned: ScannedFile;
  read(): BoundedRead;
}

/**
 * Which agents Claude Code would load from a scope, and how each relates to the lockfile.
 * Files holding exactly their locked bytes are recognised by hash alone; the YAML parser and the
 * rules load only when some file needs parsing, which keeps `list` on a clean project fast.
 * With `hashes` (only `list`), owned files whose stat is unchanged since they last matched are
 * not read at all. `known` names versions of bytes that are not the locked ones.
 */
export async function inspectScope(scope: Scope, lockfile: Lockfile, options: { hashes?: HashCache; known?: KnownBytes } = {}): Promise<InstalledAgent[]> {
  const files = scanAgentsTree(scope.agentsDir).map((scanned): AgentFile => ({ scanned, read: () => readFileBounded(scanned.file) }));
  return inspectFiles(scope, lockfile, files, options);
}

/** How an owned file that is not byte for byte what the lockfile wants relates to it. */
async function compareOwned(
  name: string,
  entry: LockEntry,
  bytes: Uint8Array,
  integrity: string,
  known: KnownBytes,
): Promise<Partial<InstalledAgent> & { status: AgentStatus }> {
  const wanted = installedIntegrity(entry);
  if (hasCrlf(bytes) && computeIntegrity(toLf(bytes)) === wanted) return { status: 'ok', lineEndings: 'crlf' };
  if (!hasCrlf(bytes)) {
    // A checkout that turned the locked CRLFs into LFs: compare with the locked bytes themselves.
    const locked = entry.accepted === undefined ? await known.bytesOf(entry) : null;
    if (locked !== null && hasCrlf(locked) && sameIgnoringLineEndings(bytes, locked)) return { status: 'ok', lineEndings: 'lf' };
  }
  const version = await known.versionOf(name, integrity);
  if (version !== null && entry.accepted === undefined && (version.version === undefined || version.version !== entry.version)) {
    const ordered = version.version !== undefined && entry.version !== undefined && sortValidVersions([version.version, entry.version]).length === 2;
    const ahead = ordered && isNewer(version.version!, entry.version!);
    return { status: ahead ? 'ahead' : 'behind', ...(version.version !== undefined ? { fileVersion: version.version } : {}) };
  }
  return { status: 'modified' };
}

/** {@link inspectScope} over files already found. */
export async function inspectFiles(
  scope: Scope,
  lockfile: Lockfile,
  files: AgentFile[],
  { hashes, known = NOTHING_KNOWN }: { hashes?: HashCache; known?: KnownBytes } = {},
): Promise<InstalledAgent[]> {
  const lockedPaths = new Map<string, string>();
  for (const [name, entry] of Object.entries(lockfile.agents)) lockedPaths.set(entry.path, name);

  const out: InstalledAgent[] = [];
  const unlockedByIntegrity = new Map<string, string>();
  const present = new Set<string>();

  for (const { scanned, read: readBytes } of files) {
    present.add(scanned.relative);
    const owner = lockedPaths.get(scanned.relative);
    const entry = owner === undefined ? undefined : lockfile.agents[owner];
    const accepted = entry?.accepted !== undefined ? ({ accepted: true } as const) : {};
    if (entry && owner !== undefined && hashes?.lookup(scanned) === installedIntegrity(entry)) {
      out.push({ name: owner, scope: scope.kind, path: scanned.relative, status: 'ok', entry, ...accepted });
      continue;
    }
    let read: BoundedRead;
    try {
      read = readBytes();
    } catch (error) {
      // One unreadable file (a FIFO, no permission) is a row with its reason, not a failed command.
      if (!isAgentInstallError(error)) throw error;
      const issue: Issue = { line: 1, column: 1, severity: 'error', code: 'unreadable', message: error.message };
      out.push({ name: owner ?? null, scope: scope.kind, path: scanned.relative, status: 'invalid', issues: [issue], ...(entry ? { entry } : {}) });
      continue;
    }
    // Owned files are compared by hash only; parsing is for files whose content we cannot vouch for.
    const integrity = read.bytes ? computeIntegrity(read.bytes) : null;
    const hashed = integrity === null ? {} : { integrity };
    if (entry && owner !== undefined && integrity === installedIntegrity(entry)) {
      hashes?.remember(scanned, integrity);
      out.push({ name: owner, scope: scope.kind, path: scanned.relative, status: 'ok', entry, ...accepted, ...hashed });
      continue;
    }
    if (entry && owner !== undefined && read.bytes !== null && integrity !== null) {
      const compared = await compareOwned(owner, entry, read.bytes, integrity, known);
      if (compared.status !== 'modified') {
        out.push({ name: owner, scope: scope.kind, path: scanned.relative, entry, ...hashed, ...compared });
        continue;
      }
    }
    const { checkAgentBytes } = await loadValidate();
    const check = checkAgentBytes(read.bytes ?? new Uint8Array(0), { fileName: path.basename(scanned.file), size: read.size });
    if (integrity && !entry) unlockedByIntegrity.set(integrity, scanned.relative);
    const errors = check.issues.filter((i) => i.severity === 'error');
    const markers = check.issues.some((i) => i.code === 'merge-conflict-markers');
    const base = { scope: scope.kind, path: scanned.relative, ...(markers ? { conflictMarkers: true } : {}), ...hashed } as const;
    if (check.agent === null) {
      out.push({ ...base, name: owner ?? check.name ?? null, status: 'invalid', issues: errors, ...(entry ? { entry } : {}) });
    } else if (entry && owner !== undefined) {
      out.push({ ...base, name: owner, status: 'modified', entry });
    } else {
      const name = check.agent.name;
      const record = Object.hasOwn(lockfile.agents, name) ? undefined : known.installed(name);
      if (record !== undefined && record.path === scanned.relative) {
        // This clone installed it, and the lockfile (a pull, a merge) no longer lists it.
        const untouched = integrity === record.integrity || (integrity !== null && (await known.versionOf(name, integrity)) !== null);
        out.push({ ...base, name, status: 'orphaned', ...(untouched ? {} : { edited: true as const }) });
      } else {
        out.push({ ...base, name, status: 'unmanaged' });
      }
    }
  }
  for (const [name, entry] of Object.entries(lockfile.agents)) {
    if (present.has(entry.path)) continue;
    const movedTo = unlockedByIntegrity.get(installedIntegrity(entry));
    if (movedTo !== undefined) {
      const index = out.findIndex((a) => a.path === movedTo && (a.status === 'unmanaged' || a.status === 'orphaned'));
      if (index >= 0) out.splice(index, 1);
      out.push({ name, scope: scope.kind, path: entry.path, status: 'moved', entry, movedTo });
    } else {
      out.push({ name, scope: scope.kind, path: entry.path, status: 'missing', entry });
    }
  }
  markDuplicates(out, files);
  // Code-point order, not localeCompare: the first localeCompare loads ICU collation data (~5 ms).
  const byCodePoint = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return out.sort((a, b) => byCodePoint(a.name ?? a.path, b.name ?? b.path) || byCodePoint(a.path, b.path));
}

/**
 * Of the loadable files that share a name, Claude Code loads the last in its order (the scan's)
 * and not the others: those get `shadowedBy`, naming the winner. A locked agent hidden so is drift
 * (`verify`, `install --frozen`): what Claude Code runs under that name is not what the lockfile
 * pins.
 */
function markDuplicates(agents: InstalledAgent[], files: AgentFile[]): void {
  const order = new Map(files.map((file, index) => [file.scanned.relative, index] as const));
  const winners = new Map<string, InstalledAgent>();
  for (const agent of agents) {
    if (agent.name === null || !isLoadable(agent) || !order.has(agent.path)) continue;
    const current = winners.get(agent.name);
    if (current === undefined || order.get(agent.path)! > order.get(current.path)!) winners.set(agent.name, agent);
  }
  for (const agent of agents) {
    if (agent.name === null || !isLoadable(agent) || !order.has(agent.path)) continue;
    const winner = winners.get(agent.name)!;
    if (winner !== agent) agent.shadowedBy = winner.path;
  }
}

/** Statuses under which Claude Code loads the file. */
export function isLoadable(agent: InstalledAgent): boolean {
  return ['ok', 'modified', 'behind', 'ahead', 'unmanaged', 'orphaned', 'moved'].includes(agent.status);
}

/** Marks user agents that a project agent of the same name hides (Claude Code: project wins). */
export function markShadowed(project: InstalledAgent[], user: InstalledAgent[]): void {
  const projectNames = new Set(project.filter(isLoadable).map((a) => a.name));
  for (const agent of user) {
    if (agent.name !== null && isLoadable(agent) && projectNames.has(agent.name)) agent.status = 'shadowed';
  }
}
