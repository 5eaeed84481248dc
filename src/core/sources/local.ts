import { realpathSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { type CheckAgentBytes, loadValidate } from '../agent/load.js';
import { nameProblem } from '../agent/names.js';
import { AgentInstallError } from '../errors.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES, readFileBounded } from '../io/bounded-read.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { expandPath, lockPath, resolveLockPath } from '../lockfile/paths.js';
import { scanAgentsTree, TooManyEntries } from '../scope/scan.js';
import { resolveScope } from '../scope/scope.js';
import type { Candidate, Source, SourceContext, SourceSpec } from './types.js';

export interface LocalSpec extends SourceSpec {
  source: 'local';
  /** The path as written (before `#name`). */
  target: string;
  /** `dir#name`: only the agent of this `name`. */
  pick?: string;
}

// `./x`, `../x`, `.`, `..`, `/x`, `~/x`, and on Windows `.\x`, `C:\x`, `\\server\share`.
const EXPLICIT_PATH = /^(?:\.{1,2}(?:[\\/]|$)|~(?:[\\/]|$)|[\\/]|[A-Za-z]:[\\/])/;
// `npm:`, `github:`, `https://`, … belong to other sources.
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:/;

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

/**
 * Splits `dir#name`. A `#` that is part of an existing file name is kept, so `./a#b.md` works
 * when that file exists.
 */
function splitPick(raw: string, cwd: string, home: string): { target: string; pick?: string } {
  const hash = raw.lastIndexOf('#');
  if (hash < 0 || statOrNull(expandPath(raw, cwd, home)) !== null) return { target: raw };
  return { target: raw.slice(0, hash), pick: raw.slice(hash + 1) };
}

/**
 * A path spec: anything written as a path (`./`, `../`, `/`, `~/`, a drive letter), or a spec
 * that exists on disk and contains a path separator or ends in `.md` (`agents/x.md`, `x.md`).
 * Bare words stay registry names even when a folder of that name exists.
 */
export function parseLocalSpec(raw: string, ctx: SourceContext): LocalSpec | null {
  if (raw === '') return null;
  const explicit = EXPLICIT_PATH.test(raw);
  if (!explicit && SCHEME.test(raw)) return null;
  const { target, pick } = splitPick(raw, ctx.cwd, ctx.home);
  if (!explicit) {
    if (!/[\\/]/.test(target) && !target.endsWith('.md')) return null;
    if (statOrNull(path.resolve(ctx.cwd, target)) === null) return null;
  }
  if (pick !== undefined && pick === '') {
    throw new AgentInstallError(`${raw}: nothing after "#".`, { code: 'INVALID_SPEC', hint: 'Write dir#name to pick the agent named `name` from a folder.' });
  }
  return { source: 'local', raw, target, ...(pick !== undefined ? { pick } : {}) };
}

function notFound(file: string, what: string): AgentInstallError {
  return new AgentInstallError(`No such file or folder: ${file} (${what}).`, {
    code: 'NOT_FOUND',
    hint: 'Check the path; relative paths on the command line are relative to the working directory.',
    details: { path: file },
  });
}

function readAgentFile(file: string, what: string): Uint8Array {
  if (statOrNull(file) === null) throw notFound(file, what);
  // Opened once, checked on the descriptor: a FIFO or device is refused at once, a large file by its size.
  const read = readFileBounded(file, MAX_AGENT_BYTES);
  if (read.bytes === null) {
    throw new AgentInstallError(`${file} is ${read.size.toLocaleString('en-US')} bytes; Claude Code skips agent files over 1 MiB.`, {
      code: 'INVALID_AGENT',
      hint: 'Shorten the prompt below 1 MiB.',
      details: { path: file },
    });
  }
  return read.bytes;
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * A project's lockfile is committed, and a clone runs what it names: a local source there must be
 * a file in the project or in a folder beside it (`./agents`, `../team-agents`), where every clone
 * can have it. Anything else (`~`, `/`, `../../..`, or a committed link that leads out) would let
 * a cloned repository make `install` or `upgrade` read the user's own files into the project, or
 * walk the whole disk. Checked on the real path, for the command line and the lockfile alike.
 */
function checkShareable(absolute: string, raw: string, ctx: SourceContext): void {
  if (ctx.global) return;
  const root = resolveScope(ctx, false).root;
  const allowed = realOrSelf(path.dirname(root));
  const real = realOrSelf(absolute);
  const relative = path.relative(allowed, real);
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) return;
  throw new AgentInstallError(
    `${raw} is ${real === absolute ? '' : `${real}, `}outside the project and the folder that holds it; a project's lockfile names only local files that every clone can have.`,
    {
      code: 'LOCAL_PATH_OUTSIDE',
      hint: `Copy the agent into the project (e.g. ./agents/) or a folder beside it (${path.join(allowed, 'team-agents')}), or add it to your user scope with -g.`,
      details: { path: real, allowed },
    },
  );
}

// A folder to install from is a few agents, or a registry's few thousand: not a disk.
const MAX_FOLDER_ENTRIES = 50_000;

/**
 * The file an agent is installed as, `<name>.md`: the upstream file name does not survive the
 * install, so validation should not warn that it differs from `name`.
 */
export function installedFileName(fallback: string, name: string | undefined): string {
  return name !== undefined && nameProblem(name) === null ? `${name}.md` : fallback;
}

function candidateFor(file: string, bytes: Uint8Array, requested: string, ctx: SourceContext, name: string | undefined): Candidate {
  // Cached like any fetched file: `install` reproduces the locked bytes after the file changed
  // (where the cache has them; elsewhere it fails with INTEGRITY_MISMATCH until `add` re-locks),
  // and `upgrade` finds its merge base.
  return { origin: file, requested, source: lockPath(file, ctx), bytes, fileName: installedFileName(path.basename(file), name) };
}

/** Every agent of a folder, scanned as Claude Code scans; files it would not load are reported and skipped. */
function resolveFolder(dir: string, spec: LocalSpec, requested: string, ctx: SourceContext, checkAgentBytes: CheckAgentBytes): Candidate[] {
  const found: Candidate[] = [];
  const names: string[] = [];
  const skipped: string[] = [];
  let scannedFiles: ReturnType<typeof scanAgentsTree>;
  try {
    scannedFiles = scanAgentsTree(dir, { maxEntries: MAX_FOLDER_ENTRIES });
  } catch (error) {
    if (!(error instanceof TooManyEntries)) throw error;
    throw new AgentInstallError(
      `${spec.raw} holds more than ${MAX_FOLDER_ENTRIES.toLocaleString('en-US')} files and folders; agent-install reads agents from a folder of agents, not a whole tree.`,
      {
        code: 'FOLDER_TOO_LARGE',
        hint: 'Point at the folder that holds the agent files, or at one file.',
        details: { path: dir, maxEntries: MAX_FOLDER_ENTRIES },
      },
    );
  }
  for (const scanned of scannedFiles) {
    if (scanned.size > MAX_AGENT_BYTES) {
      skipped.push(`${scanned.relative}: over 1 MiB`);
      continue;
    }
    const bytes = readAgentFile(scanned.file, spec.raw);
    const check = checkAgentBytes(bytes, { fileName: path.basename(scanned.file) });
    const name = check.agent?.name ?? check.name;
    if (spec.pick !== undefined) {
      // The picked file is returned even when invalid, so that `add` reports exactly why.
      if (name === spec.pick) found.push(candidateFor(scanned.file, bytes, requested, ctx, name));
      else if (check.agent) names.push(check.agent.name);
      continue;
    }
    if (check.agent === null) {
      const first = check.issues.find((i) => i.severity === 'error');
      skipped.push(`${scanned.relative}: ${first ? `${first.line}:${first.column} ${first.message}` : 'not an agent'}`);
      continue;
    }
    names.push(check.agent.name);
    found.push(candidateFor(scanned.file, bytes, requested, ctx, check.agent.name));
  }
  // Each reason already says why Claude Code would not load the file ("…; Claude Code ignores it").
  for (const line of skipped) ctx.warn?.(`${spec.raw}: skipping ${line}${/Claude Code (ignores|skips)/.test(line) ? '' : ' (Claude Code would not load it)'}`);
  if (found.length > 0) return found;
  if (spec.pick !== undefined) {
    throw new AgentInstallError(`No agent named "${spec.pick}" in ${dir}.`, {
      code: 'AGENT_NOT_FOUND',
      hint: names.length ? `Agents there: ${names.sort().join(', ')}.` : 'The folder holds no agent Claude Code would load.',
      details: { path: dir, available: names },
    });
  }
  throw new AgentInstallError(`No agent Claude Code would load in ${dir}.`, {
    code: 'AGENT_NOT_FOUND',
    hint: skipped.length
      ? `Skipped: ${skipped.join('; ')}. Run \`agent-install validate ${spec.target}\` for details.`
      : 'Agents are `*.md` files with `name` and `description` frontmatter.',
    details: { path: dir, skipped },
  });
}

/**
 * Agent files on disk: one file, or every agent of a folder (`dir#name` picks one by `name`).
 * The lockfile records the path relative to the project (absolute for the user scope);
 * `install` takes the locked bytes from the cache, else re-reads the file, and a file that changed
 * since fails the integrity check (re-run `add` to re-lock). Local files have no versions.
 */
export const localSource: Source<LocalSpec> = {
  id: 'local',
  parse: (raw, ctx) => parseLocalSpec(raw, ctx),
  async resolve(spec, ctx) {
    const absolute = expandPath(spec.target, ctx.cwd, ctx.home);
    const stats = statOrNull(absolute);
    if (stats === null) throw notFound(absolute, spec.raw);
    checkShareable(absolute, spec.raw, ctx);
    const recorded = lockPath(absolute, ctx);
    const requested = `${recorded}${spec.pick !== undefined ? `#${spec.pick}` : ''}`;
    // A project lockfile is committed: a home folder path (`~/…`) is one person's machine. A
    // sibling folder (`../team-agents`) is a layout clones can share, so it is not warned about.
    if (!ctx.global && (/^~(?:[\\/]|$)/.test(spec.target) || path.isAbsolute(recorded))) {
      ctx.warn?.(
        `${spec.raw} is ${path.isAbsolute(recorded) ? 'on another drive' : 'in your home folder'}, outside the project: the committed lockfile records ${recorded}, which other clones will not have.`,
      );
    }
    const { checkAgentBytes } = await loadValidate();
    if (stats.isDirectory()) return resolveFolder(absolute, spec, requested, ctx, checkAgentBytes);
    if (absolute.endsWith('.json')) {
      throw new AgentInstallError(`${spec.raw} is a JSON file, not an agent file.`, {
        code: 'INVALID_SPEC',
        hint: `A registry index is used with --registry: agent-install --registry ${spec.raw} <name>.`,
        details: { path: absolute },
      });
    }
    const bytes = readAgentFile(absolute, spec.raw);
    const name = checkAgentBytes(bytes, { fileName: path.basename(absolute) }).name;
    if (spec.pick !== undefined) {
      if (name !== spec.pick) {
        throw new AgentInstallError(`${absolute} is named "${name ?? '(no name)'}", not "${spec.pick}".`, {
          code: 'AGENT_NOT_FOUND',
          hint: `Leave out #${spec.pick}, or point at the folder: dir#name.`,
        });
      }
    }
    return [candidateFor(absolute, bytes, requested, ctx, name)];
  },
  async fetchLocked(entry: LockEntry, ctx) {
    const absolute = resolveLockPath(entry.source, ctx);
    if (statOrNull(absolute) === null) {
      throw new AgentInstallError(`${entry.source} is gone (${absolute}); the lockfile installs it from there.`, {
        code: 'NOT_FOUND',
        hint: 'Restore the file, or `agent-install remove` the agent and add it again from where it lives now.',
        details: { path: absolute },
      });
    }
    checkShareable(absolute, entry.source, ctx);
    const bytes = readAgentFile(absolute, entry.source);
    const { checkAgentBytes } = await loadValidate();
    const fileName = installedFileName(path.basename(absolute), checkAgentBytes(bytes).name);
    return { origin: absolute, requested: entry.requested, source: entry.source, bytes, fileName };
  },
};
