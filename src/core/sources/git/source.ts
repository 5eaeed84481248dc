import path from 'node:path';
import semver from 'semver';
import { AgentInstallError } from '../../errors.js';
import { MAX_AGENT_FILE_BYTES as MAX_AGENT_BYTES } from '../../io/bounded-read.js';
import { type FetchedCommit, gitError, lsRemote, type RemoteRef, type TreeEntry, withFetchedCommit } from '../../io/git.js';
import type { LockEntry } from '../../lockfile/lockfile.js';
import { type AgentBytes, defaultAgentDir, keepLoadableAgents, nearbyAgentFiles, selectFiles, type TreeFile } from '../agent-tree.js';
import { offlineMissing } from '../offline.js';
import type { Candidate, Source, SourceContext } from '../types.js';

import { FULL_COMMIT, resolveRef, tagVersion, versionTags } from './refs.js';
import { formatGitSource, type GitSpec, parseGitSpec } from './spec.js';

const offlineMissingFor = (what: string) => offlineMissing(what, { missing: what });

function treeFiles(entries: TreeEntry[]): TreeFile[] {
  return entries
    .filter((e) => e.type === 'blob' || e.type === 'commit')
    .map((e) => ({
      path: e.path,
      size: e.size ?? 0,
      ...(e.mode === '120000' ? { special: 'symlink' as const } : e.type === 'commit' ? { special: 'submodule' as const } : {}),
    }));
}

interface ReadOptions {
  spec: GitSpec;
  fetched: FetchedCommit;
  resolved: { version?: string; requested: string };
  ctx: SourceContext;
  /** A file exactly (lock entries, fetchVersion): no folder expansion. */
  fileOnly?: boolean;
}

async function readCandidates({ spec, fetched, resolved, ctx, fileOnly }: ReadOptions): Promise<Candidate[]> {
  const at = `${spec.display}@${fetched.commit.slice(0, 12)}`;
  // With a path, list only that: a large repository is never listed in full unless it is missing.
  const entries = await fetched.listTree(spec.path ?? '');
  const oids = new Map(entries.map((e) => [e.path, e.oid]));
  const files = treeFiles(entries);
  const inner = spec.path ?? defaultAgentDir(files);
  const selection = selectFiles(files, inner);
  if (selection === null || (fileOnly && selection.kind !== 'file')) {
    const all = spec.path === undefined ? files : treeFiles(await fetched.listTree(''));
    throw new AgentInstallError(`${inner} not found in ${at}.`, {
      code: 'PATH_NOT_FOUND',
      hint: `Check the path (relative to the repository root, case-sensitive); ${nearbyAgentFiles(all)}.`,
      details: { repository: spec.display, commit: fetched.commit, path: inner },
    });
  }
  const where = inner === '' ? at : `${inner}/ of ${at}`;
  let wanted: TreeFile[];
  if (selection.kind === 'file') {
    if (selection.file.special) {
      throw new AgentInstallError(`${inner} in ${at} is ${selection.file.special === 'symlink' ? 'a symbolic link' : 'a submodule'}, not an agent file.`, {
        code: 'INVALID_AGENT',
        hint: 'Name the file the link points to; agent-install does not follow links inside repositories.',
      });
    }
    if (selection.file.size > MAX_AGENT_BYTES) {
      // Known from the tree listing: the blob is never read (it could be gigabytes).
      throw new AgentInstallError(
        `${inner} in ${at} is ${selection.file.size.toLocaleString('en-US')} bytes; agent files are at most 1 MiB (Claude Code skips larger ones).`,
        {
          code: 'INVALID_AGENT',
          hint: 'Name an agent file, not some other file of the repository.',
          details: { repository: spec.display, commit: fetched.commit, path: inner, size: selection.file.size },
        },
      );
    }
    wanted = [selection.file];
  } else wanted = selection.files;
  const blobs = await fetched.readBlobs(wanted.map((f) => oids.get(f.path)!));
  let items: AgentBytes[] = wanted.map((f) => ({ path: f.path, bytes: blobs.get(oids.get(f.path)!) ?? new Uint8Array() }));
  if (selection.kind === 'dir') items = await keepLoadableAgents(items, selection.skipped, where, ctx.warn);
  return items.map(({ path: file, bytes }) => ({
    origin: at,
    requested: resolved.requested,
    source: formatGitSource(spec, fetched.commit, file),
    bytes,
    fileName: path.posix.basename(file),
    ...(resolved.version !== undefined ? { version: resolved.version } : {}),
  }));
}

function lockedSpec(entry: LockEntry): GitSpec & { ref: string; path: string } {
  let spec: GitSpec | null = null;
  try {
    spec = parseGitSpec(entry.source);
  } catch {
    spec = null;
  }
  if (!spec || spec.ref === undefined || !FULL_COMMIT.test(spec.ref) || spec.path === undefined) {
    throw new AgentInstallError(`Lock entry source "${entry.source}" is not a git commit and file.`, {
      code: 'LOCKFILE_INVALID',
      hint: 'Expected github:owner/repo/<file>#<commit> or git+…#<commit>::path:<file>; remove the entry and add the agent again.',
    });
  }
  return spec as GitSpec & { ref: string; path: string };
}

function gitOptions(spec: GitSpec, ctx: SourceContext) {
  return { env: ctx.env, allowFile: spec.allowFile, display: spec.display, ...(ctx.progress ? { progress: ctx.progress } : {}) };
}

async function remoteRefs(spec: GitSpec, patterns: string[], ctx: SourceContext): Promise<RemoteRef[]> {
  try {
    return await lsRemote(spec.url, patterns, gitOptions(spec, ctx));
  } catch (error) {
    throw gitError(error, spec.display);
  }
}

export const gitSource: Source<GitSpec> = {
  id: 'git',
  parse: (raw) => parseGitSpec(raw),
  async resolve(spec, ctx) {
    if (ctx.offline) throw offlineMissingFor(spec.raw);
    const resolved =
      spec.ref !== undefined && FULL_COMMIT.test(spec.ref)
        ? { want: spec.ref, requested: spec.raw }
        : resolveRef(await remoteRefs(spec, ['HEAD', 'refs/heads/*', 'refs/tags/*'], ctx), spec);
    return withFetchedCommit(spec.url, resolved.want, gitOptions(spec, ctx), (fetched) => readCandidates({ spec, fetched, resolved, ctx }));
  },
  async fetchLocked(entry, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(entry.source);
    const resolved = { requested: entry.requested, ...(entry.version !== undefined ? { version: entry.version } : {}) };
    const [candidate] = await withFetchedCommit(spec.url, spec.ref, gitOptions(spec, ctx), (fetched) =>
      readCandidates({ spec, fetched, resolved, ctx, fileOnly: true }),
    );
    return candidate!;
  },
  async listVersions(entry, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(`the tags of ${spec.display}`);
    return [...versionTags(await remoteRefs(spec, ['refs/tags/*'], ctx)).keys()];
  },
  async fetchVersion(entry, version, ctx) {
    const spec = lockedSpec(entry);
    if (ctx.offline) throw offlineMissingFor(`${spec.display} at ${version}`);
    const tags = versionTags(await remoteRefs(spec, ['refs/tags/*'], ctx));
    const tag = tags.get(semver.valid(version) ?? version);
    if (tag === undefined) {
      throw new AgentInstallError(`${spec.display} has no tag for version ${version}.`, {
        code: 'VERSION_NOT_FOUND',
        hint: `Tagged versions: ${[...tags.keys()].join(', ') || '(none)'}.`,
      });
    }
    const resolved = { requested: entry.requested, version: tagVersion(tag)! };
    const [candidate] = await withFetchedCommit(spec.url, `refs/tags/${tag}`, gitOptions(spec, ctx), (fetched) =>
      readCandidates({ spec, fetched, resolved, ctx, fileOnly: true }),
    );
    return candidate!;
  },
};
