import path from 'node:path';
import { isAgentInstallError } from '../errors.js';
import { type BoundedRead, readFileBounded } from '../io/bounded-read.js';
import type { Lockfile } from '../lockfile/lockfile.js';
import { type AgentFile, type InstalledAgent, inspectFiles } from './inspect.js';
import { type KnownBytes, NOTHING_KNOWN } from './known.js';
import { type EntryKind, type ScannedFile, scanTree } from './scan.js';
import type { Scope } from './scope.js';

/** What a path of the agents tree held when the snapshot was taken. */
export interface PathState {
  kind: EntryKind | 'missing';
  /** The bytes of a (link to a) regular `*.md` file of at most 1 MiB that could be read. */
  bytes?: Uint8Array;
}

/**
 * A scope as one command sees it: the lockfile, the agents Claude Code would load with their
 * status, and every entry of the agents tree with the bytes of its agent files. Taken once (by a
 * writing command: under the scope lock), it is all that planners look at, so a plan is a pure
 * function of it and of what was fetched.
 */
export interface ScopeSnapshot {
  readonly scope: Scope;
  readonly lockfile: Lockfile;
  readonly installed: InstalledAgent[];
  /** What is at `relative` (`/`-separated, relative to the agents folder). */
  at(relative: string): PathState;
  /** Another entry of `relative`'s folder whose name differs from it only in letter case, else null. */
  caseTwin(relative: string): string | null;
  /** The agent file found at `relative` (or the lock entry missing there), as inspected. */
  agentAt(relative: string): InstalledAgent | undefined;
  /** Every file (and missing lock entry) of agent `name`, as inspected. */
  agentsNamed(name: string): InstalledAgent[];
  /** What agent-install knows about bytes that are not the locked ones. */
  readonly known: KnownBytes;
}

/** One entry of a tree given as data: its kind, and for agent files their bytes (or why they could not be read). */
export interface TreeEntry {
  kind: EntryKind;
  read?: BoundedRead | Error;
  scanned?: ScannedFile;
}

/** A snapshot of a tree that was already read (or is made up, in tests); see {@link takeSnapshot}. */
export async function buildSnapshot(
  scope: Scope,
  lockfile: Lockfile,
  entries: ReadonlyMap<string, TreeEntry>,
  known: KnownBytes = NOTHING_KNOWN,
): Promise<ScopeSnapshot> {
  const files: AgentFile[] = [];
  const byFolder = new Map<string, Map<string, string[]>>();
  for (const [relative, entry] of entries) {
    const folder = path.posix.dirname(relative);
    const base = path.posix.basename(relative);
    let names = byFolder.get(folder);
    if (!names) {
      names = new Map();
      byFolder.set(folder, names);
    }
    const lower = base.toLowerCase();
    names.set(lower, [...(names.get(lower) ?? []), base]);
    if (entry.read === undefined) continue;
    const read = entry.read;
    const scanned: ScannedFile = entry.scanned ?? {
      file: path.join(scope.agentsDir, relative),
      relative,
      link: entry.kind === 'symlink',
      size: read instanceof Error ? 0 : read.size,
      fingerprint: '',
      changedMs: 0,
    };
    files.push({
      scanned,
      read: () => {
        if (read instanceof Error) throw read;
        return read;
      },
    });
  }
  files.sort((a, b) => (a.scanned.relative < b.scanned.relative ? -1 : a.scanned.relative > b.scanned.relative ? 1 : 0));
  const installed = await inspectFiles(scope, lockfile, files, { known });
  const byPath = new Map(installed.map((agent) => [agent.path, agent]));
  const byName = new Map<string, InstalledAgent[]>();
  for (const agent of installed) if (agent.name !== null) byName.set(agent.name, [...(byName.get(agent.name) ?? []), agent]);
  return {
    scope,
    lockfile,
    installed,
    known,
    agentAt: (relative) => byPath.get(relative),
    agentsNamed: (name) => byName.get(name) ?? [],
    at(relative) {
      const entry = entries.get(relative);
      if (entry === undefined) return { kind: 'missing' };
      const read = entry.read;
      return read !== undefined && !(read instanceof Error) && read.bytes !== null ? { kind: entry.kind, bytes: read.bytes } : { kind: entry.kind };
    },
    caseTwin(relative) {
      const base = path.posix.basename(relative);
      const names = byFolder.get(path.posix.dirname(relative))?.get(base.toLowerCase()) ?? [];
      return names.find((n) => n !== base) ?? null;
    },
  };
}

/** Reads a scope's agents tree (as Claude Code scans it) and builds its snapshot. */
export async function takeSnapshot(scope: Scope, lockfile: Lockfile, known: KnownBytes = NOTHING_KNOWN): Promise<ScopeSnapshot> {
  const tree = scanTree(scope.agentsDir);
  const entries = new Map<string, TreeEntry>();
  for (const [relative, kind] of tree.entries) entries.set(relative, { kind });
  for (const scanned of tree.files) {
    let read: BoundedRead | Error;
    try {
      read = readFileBounded(scanned.file);
    } catch (error) {
      if (!isAgentInstallError(error)) throw error;
      read = error;
    }
    entries.set(scanned.relative, { kind: entries.get(scanned.relative)?.kind ?? 'file', read, scanned });
  }
  return buildSnapshot(scope, lockfile, entries, known);
}
