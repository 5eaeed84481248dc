import path from 'node:path';
import semver from 'semver';
import { AgentInstallError } from '../../errors.js';
import type { TarEntry } from '../../io/tar.js';
import type { LockEntry } from '../../lockfile/lockfile.js';
import { sortValidVersions } from '../../resolve/versions.js';
import { type AgentBytes, defaultAgentDir, keepLoadableAgents, nearbyAgentFiles, normalizeInnerPath, selectFiles, type TreeFile } from '../agent-tree.js';
import type { Candidate, Source, SourceContext } from '../types.js';

import { fetchPackageFiles, fetchPackument, offlineMissingFor } from './registry.js';
import { formatNpmSource, type NpmSpec, npmRequested, parseNpmSpec, pickNpmVersion } from './spec.js';

/**
 * The folder an author points at with `"claudeAgents": "<file or folder>"` in package.json, else
 * `.claude/agents/`, else `agents/`, else the package root (without node_modules/).
 */
function packageDefaultDir(entries: TarEntry[], files: TreeFile[], what: string): { dir: string; files: TreeFile[] } {
  const pkg = entries.find((e) => e.path === 'package.json' && e.bytes);
  if (pkg?.bytes) {
    let declared: unknown;
    try {
      declared = (JSON.parse(Buffer.from(pkg.bytes).toString('utf8')) as { claudeAgents?: unknown }).claudeAgents;
    } catch {
      declared = undefined;
    }
    if (declared !== undefined) {
      const dir = typeof declared === 'string' ? normalizeInnerPath(declared.replace(/^\.\//, '')) : null;
      if (dir === null) {
        throw new AgentInstallError(`The "claudeAgents" field of ${what}'s package.json is not a path inside the package.`, {
          code: 'NPM_PACKAGE_INVALID',
          hint: 'It should name a file or folder, e.g. "claudeAgents": "agents". Name the path in the spec instead: npm:<package>/<path>.',
        });
      }
      return { dir, files };
    }
  }
  const dir = defaultAgentDir(files);
  return { dir, files: dir === '' ? files.filter((f) => !f.path.startsWith('node_modules/') && !f.path.includes('/node_modules/')) : files };
}

interface ReadOptions {
  name: string;
  version: string;
  inner: string | undefined;
  requested: string;
  ctx: SourceContext;
  fileOnly?: boolean;
}

async function readCandidates({ name, version, inner, requested, ctx, fileOnly }: ReadOptions): Promise<Candidate[]> {
  const what = `${name}@${version}`;
  const entries = await fetchPackageFiles(name, version, ctx);
  const all: TreeFile[] = entries
    .flatMap((e) => (e.type === 'file' || e.type === 'symlink' || e.type === 'hardlink' ? [{ ...e, type: e.type }] : []))
    .map((e) => ({ path: e.path, size: e.size, ...(e.type !== 'file' ? { special: e.type } : {}) }));
  const { dir, files } = inner === undefined ? packageDefaultDir(entries, all, what) : { dir: inner, files: all };
  const selection = selectFiles(files, dir);
  if (selection === null || (fileOnly && selection.kind !== 'file')) {
    throw new AgentInstallError(`${dir} not found in ${what}.`, {
      code: 'PATH_NOT_FOUND',
      hint: `Check the path (relative to the package root, case-sensitive); ${nearbyAgentFiles(all)}.`,
      details: { name, version, path: dir },
    });
  }
  const bytesOf = new Map(entries.filter((e) => e.bytes).map((e) => [e.path, e.bytes!]));
  let items: AgentBytes[];
  if (selection.kind === 'file') {
    const file = selection.file;
    if (file.special) {
      throw new AgentInstallError(`${file.path} in ${what} is ${file.special === 'hardlink' ? 'a hard link' : 'a symbolic link'}, not an agent file.`, {
        code: 'INVALID_AGENT',
        hint: 'Name the file the link points to.',
      });
    }
    const bytes = bytesOf.get(file.path);
    if (!bytes) {
      throw new AgentInstallError(`${file.path} in ${what} is ${file.size.toLocaleString('en-US')} bytes; Claude Code skips agent files over 1 MiB.`, {
        code: 'INVALID_AGENT',
        hint: 'Name an agent file, not some other file of the package.',
      });
    }
    items = [{ path: file.path, bytes }];
  } else {
    items = await keepLoadableAgents(
      selection.files.map((f) => ({ path: f.path, bytes: bytesOf.get(f.path)! })),
      selection.skipped,
      dir === '' ? what : `${dir}/ of ${what}`,
      ctx.warn,
    );
  }
  return items.map(({ path: file, bytes }) => ({
    origin: `npm ${what}`,
    version,
    requested,
    source: formatNpmSource(name, version, file),
    bytes,
    fileName: path.posix.basename(file),
  }));
}

function lockedSpec(entry: LockEntry): NpmSpec & { range: string; path: string } {
  let spec: NpmSpec | null = null;
  try {
    spec = parseNpmSpec(entry.source);
  } catch {
    spec = null;
  }
  if (!spec || spec.range === undefined || semver.valid(spec.range) !== spec.range || spec.path === undefined) {
    throw new AgentInstallError(`Lock entry source "${entry.source}" is not an exact npm version and file.`, {
      code: 'LOCKFILE_INVALID',
      hint: 'Expected npm:<package>@<version>/<file>; remove the entry and add the agent again.',
    });
  }
  return spec as NpmSpec & { range: string; path: string };
}

export const npmSource: Source<NpmSpec> = {
  id: 'npm',
  parse: (raw) => parseNpmSpec(raw),
  async resolve(spec, ctx) {
    if (ctx.offline) throw offlineMissingFor(spec.raw);
    const { packument } = await fetchPackument(spec.name, ctx);
    const version = pickNpmVersion(packument, spec);
    return readCandidates({ name: spec.name, version, inner: spec.path, requested: npmRequested(spec, version), ctx });
  },
  async fetchLocked(entry, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(entry.source);
    const [candidate] = await readCandidates({ name: spec.name, version: spec.range, inner: spec.path, requested: entry.requested, ctx, fileOnly: true });
    return candidate!;
  },
  async listVersions(entry, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(`the versions of npm package ${spec.name}`);
    const { packument } = await fetchPackument(spec.name, ctx);
    return sortValidVersions(Object.keys(packument.versions));
  },
  async fetchVersion(entry, version, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(`npm:${spec.name}@${version}`);
    const [candidate] = await readCandidates({ name: spec.name, version, inner: spec.path, requested: entry.requested, ctx, fileOnly: true });
    return candidate!;
  },
};
