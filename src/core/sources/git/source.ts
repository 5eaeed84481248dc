import path from 'node:path';
import semver from 'semver';
import { suggest } from '../../did-you-mean.js';
import { AgentInstallError } from '../../errors.js';
import { type FetchedCommit, gitError, lsRemote, type RemoteRef, type TreeEntry, withFetchedCommit } from '../../io/git.js';
import { isLoopbackHost } from '../../io/http.js';
import type { LockEntry } from '../../lockfile/lockfile.js';
import { sortValidVersions, wantedVersion } from '../../resolve/versions.js';
import { type AgentBytes, defaultAgentDir, keepLoadableAgents, nearbyAgentFiles, normalizeInnerPath, selectFiles, type TreeFile } from '../agent-tree.js';
import { claimsGit } from '../claims.js';
import { offlineMissing } from '../offline.js';
import type { Candidate, Source, SourceContext, SourceSpec } from '../types.js';

const offlineMissingFor = (what: string) => offlineMissing(what, { missing: what });

/**
 * A git spec:
 * - `github:owner/repo[/path][#fragment]` (https://github.com/owner/repo.git)
 * - `git+https://host/repo.git[#fragment]`, `git+ssh://[user@]host[:port]/repo.git`, the scp form
 *   `git+ssh://git@host:owner/repo.git`, `git+file:///abs/repo`, `git://host/repo`, and
 *   `git+http://` for loopback hosts only.
 *
 * The fragment is `::`-separated parts, as npm writes git specs: a ref (`v1.2.0`, `main`, a full
 * commit id), `semver:<range>` (the newest tag `v1.2.3` / `1.2.3` in the range) and
 * `path:<file or folder>`. E.g. `git+https://host/repo.git#v1.2.0::path:agents/x.md`.
 */
export interface GitSpec extends SourceSpec {
  source: 'git';
  /** What git is given. */
  url: string;
  /** The spec without its fragment (`github:owner/repo`, `git+https://host/repo.git`), reused in lock entries. */
  base: string;
  /** For messages. */
  display: string;
  github?: { owner: string; repo: string };
  ref?: string;
  range?: string;
  /** File or folder inside the repository, normalised; undefined = the default folders. */
  path?: string;
  /** `git+file://`: the `file` transport is allowed for this spec only. */
  allowFile: boolean;
}

function invalid(raw: string, why: string, hint?: string): AgentInstallError {
  return new AgentInstallError(`Invalid git spec ${JSON.stringify(raw)}: ${why}.`, {
    code: 'INVALID_SPEC',
    hint:
      hint ??
      'Use github:owner/repo[/path][#ref], or git+https://host/repo.git[#ref][::path:dir/agent.md] (also git+ssh://, git+file://, git://). A ref is a tag, a branch or a full commit id; #semver:^1.2 picks the newest matching tag.',
  });
}

/** `https://github.com/<owner>/<repo>.git`: what `github:owner/repo` fetches. */
export function githubUrl(owner: string, repo: string): string {
  return `https://github.com/${owner}/${repo}.git`;
}

/**
 * Why `ref` cannot be a git ref the user asked for (git check-ref-format's rules, and no leading
 * `-` so it can never be read as an option), or null.
 */
export function refProblem(ref: string): string | null {
  if (ref === '') return 'the ref is empty';
  if (ref.startsWith('-')) return 'a ref cannot start with "-"';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(ref)) return 'a ref cannot contain spaces, control characters or any of ~^:?*[\\';
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//')) return 'a ref cannot contain "..", "@{" or "//"';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock') || ref === '@') return 'not a valid ref name';
  if (ref.split('/').some((s) => s.startsWith('.'))) return 'a ref segment cannot start with "."';
  return null;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

function parseFragment(raw: string, fragment: string): { ref?: string; range?: string; path?: string } {
  const out: { ref?: string; range?: string; path?: string } = {};
  for (const part of fragment.split('::')) {
    if (part === '') continue;
    if (part.startsWith('semver:')) {
      const range = part.slice('semver:'.length);
      if (out.range !== undefined || out.ref !== undefined) throw invalid(raw, 'more than one ref or semver range');
      if (semver.validRange(range) === null) throw invalid(raw, `"${range}" is not a semver range`);
      out.range = range;
    } else if (part.startsWith('path:')) {
      if (out.path !== undefined) throw invalid(raw, 'more than one path');
      const inner = normalizeInnerPath(part.slice('path:'.length));
      if (inner === null) throw invalid(raw, `"${part.slice(5)}" is not a path inside the repository`);
      out.path = inner;
    } else {
      if (out.range !== undefined || out.ref !== undefined) throw invalid(raw, 'more than one ref or semver range');
      const problem = refProblem(part);
      if (problem) throw invalid(raw, `${problem} (${JSON.stringify(part)})`);
      out.ref = part;
    }
  }
  return out;
}

function parseGithub(raw: string, body: string, fragment: ReturnType<typeof parseFragment>): GitSpec {
  const segments = body.split('/');
  const [owner, repo, ...rest] = segments;
  if (!owner || !OWNER.test(owner)) throw invalid(raw, `"${owner ?? ''}" is not a GitHub owner`);
  if (!repo || !REPO.test(repo) || repo === '.' || repo === '..') throw invalid(raw, `"${repo ?? ''}" is not a GitHub repository name`);
  const name = repo.endsWith('.git') ? repo.slice(0, -4) : repo;
  let inner = fragment.path;
  if (rest.length > 0 && rest.join('/') !== '') {
    if (inner !== undefined) throw invalid(raw, 'the path is given twice (in the spec and as ::path:)');
    const normalized = normalizeInnerPath(rest.join('/'));
    if (normalized === null) throw invalid(raw, `"${rest.join('/')}" is not a path inside the repository`);
    inner = normalized;
  }
  const spec: GitSpec = {
    source: 'git',
    raw,
    url: githubUrl(owner, name),
    base: `github:${owner}/${name}`,
    display: `github:${owner}/${name}`,
    github: { owner, repo: name },
    allowFile: false,
  };
  if (fragment.ref !== undefined) spec.ref = fragment.ref;
  if (fragment.range !== undefined) spec.range = fragment.range;
  if (inner !== undefined) spec.path = inner;
  return spec;
}

/** The URL git gets for a `git+…` / `git://` spec, and whether it is a local (`file`) one. */
function transportUrl(raw: string, base: string): { url: string; display: string; allowFile: boolean } {
  const url = base.startsWith('git+') ? base.slice(4) : base;
  const scheme = /^([a-z]+):\/\//.exec(url)?.[1];
  if (scheme === 'ssh') {
    const rest = url.slice('ssh://'.length);
    const authority = rest.split('/')[0] ?? '';
    // npm's scp form: git+ssh://git@github.com:owner/repo.git
    const scp = /^([^@/:]+@)?([^@/:]+):(?!\d+(?:\/|$))(.+)$/.exec(rest);
    if (scp && !/:\d+$/.test(authority)) {
      const [, user = '', host, repoPath] = scp;
      if (host!.startsWith('-') || user.startsWith('-') || repoPath!.startsWith('-')) throw invalid(raw, 'a host, user or path cannot start with "-"');
      return { url: `${user}${host}:${repoPath}`, display: base, allowFile: false };
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(raw, 'not a URL');
  }
  const protocol = parsed.protocol.slice(0, -1);
  if (protocol === 'file') {
    if (parsed.hostname !== '' && parsed.hostname !== 'localhost') throw invalid(raw, 'a git+file:// URL names a local path: git+file:///path/to/repo');
    return { url: `file://${parsed.pathname}`, display: base, allowFile: true };
  }
  if (!['https', 'http', 'ssh', 'git'].includes(protocol)) throw invalid(raw, `unsupported transport "${protocol}"`);
  if (parsed.hostname === '' || parsed.hostname.startsWith('-') || decodeURIComponent(parsed.username).startsWith('-'))
    throw invalid(raw, 'a host or user cannot be empty or start with "-"');
  if (parsed.password !== '') {
    throw invalid(
      raw,
      'it contains a password',
      'Keep credentials out of specs (they would be written to the lockfile): use a git credential helper or an SSH key.',
    );
  }
  if (protocol === 'http' && !isLoopbackHost(parsed.hostname)) {
    throw new AgentInstallError(`Refusing plain http:// for ${base}.`, {
      code: 'INSECURE_URL',
      hint: 'Use git+https:// or git+ssh://. Plain http is accepted only for loopback hosts.',
    });
  }
  if (parsed.search !== '') throw invalid(raw, 'a git URL has no query string');
  return { url, display: base, allowFile: false };
}

/** Parses a git spec; null when `raw` is not one (another source's). Throws on a malformed git spec. */
export function parseGitSpec(raw: string): GitSpec | null {
  if (!claimsGit(raw)) return null;
  const isGithub = raw.startsWith('github:');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(raw)) throw invalid(raw, 'it contains spaces or control characters');
  const hash = raw.indexOf('#');
  const base = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = parseFragment(raw, hash < 0 ? '' : raw.slice(hash + 1));
  if (isGithub) return parseGithub(raw, base.slice('github:'.length), fragment);
  const { url, display, allowFile } = transportUrl(raw, base);
  const spec: GitSpec = { source: 'git', raw, url, base, display, allowFile };
  if (fragment.ref !== undefined) spec.ref = fragment.ref;
  if (fragment.range !== undefined) spec.range = fragment.range;
  if (fragment.path !== undefined) spec.path = fragment.path;
  return spec;
}

/** The `source` of a lock entry: the same repository, the exact commit, the exact file. */
export function formatGitSource(spec: Pick<GitSpec, 'base' | 'github'>, commit: string, file: string): string {
  return spec.github ? `${spec.base}/${file}#${commit}` : `${spec.base}#${commit}::path:${file}`;
}

/** `v1.2.3` / `1.2.3` (with prerelease or build) → `1.2.3`; other tag names → null. */
export function tagVersion(tag: string): string | null {
  if (!/^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(tag)) return null;
  return semver.valid(tag);
}

/** Semver-like tags of an `ls-remote` listing: version → tag name (`v1.2.3` wins over `1.2.3`). */
export function versionTags(refs: RemoteRef[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { ref } of refs) {
    if (!ref.startsWith('refs/tags/') || ref.endsWith('^{}')) continue;
    const tag = ref.slice('refs/tags/'.length);
    const version = tagVersion(tag);
    if (version === null) continue;
    if (!out.has(version) || tag.startsWith('v')) out.set(version, tag);
  }
  return new Map(sortValidVersions([...out.keys()]).map((version) => [version, out.get(version)!]));
}

/** What to fetch for a spec, decided from an `ls-remote` listing. */
export interface ResolvedRef {
  /** A full ref name (`refs/tags/v1.2.0`, `HEAD`) or a full commit id. */
  want: string;
  /** For semver-like tags. */
  version?: string;
  /**
   * Recorded as `requested`: the tag or range when there is a version (`outdated` and `upgrade`
   * compare versions with it), else the spec as written, which `upgrade` resolves again.
   */
  requested: string;
}

const FULL_COMMIT = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

/**
 * Resolves the ref of a spec the way git resolves a name: a full ref, then a tag, then a branch,
 * then a full commit id; `semver:<range>` is the newest matching semver-like tag.
 */
export function resolveRef(refs: RemoteRef[], spec: Pick<GitSpec, 'ref' | 'range' | 'display' | 'raw'>): ResolvedRef {
  if (spec.range !== undefined) {
    const tags = versionTags(refs);
    const version = wantedVersion([...tags.keys()], spec.range);
    if (version === null) {
      throw new AgentInstallError(`No tag of ${spec.display} matches ${spec.range}.`, {
        code: 'VERSION_NOT_FOUND',
        hint: tags.size > 0 ? `Tagged versions: ${[...tags.keys()].join(', ')}.` : 'The repository has no tags like v1.2.3 or 1.2.3.',
        details: { available: [...tags.keys()] },
      });
    }
    return { want: `refs/tags/${tags.get(version)!}`, version, requested: spec.range };
  }
  const ref = spec.ref;
  if (ref === undefined || ref === 'HEAD') {
    if (!refs.some((r) => r.ref === 'HEAD')) {
      throw new AgentInstallError(`${spec.display} has no default branch (is it empty?).`, {
        code: 'REF_NOT_FOUND',
        hint: 'Name a branch or tag: #main, #v1.0.0.',
      });
    }
    return { want: 'HEAD', requested: spec.raw };
  }
  const has = (name: string) => refs.some((r) => r.ref === name);
  if (ref.startsWith('refs/') && has(ref)) {
    const version = ref.startsWith('refs/tags/') ? tagVersion(ref.slice('refs/tags/'.length)) : null;
    return version ? { want: ref, requested: ref, version } : { want: ref, requested: spec.raw };
  }
  if (has(`refs/tags/${ref}`)) {
    const version = tagVersion(ref);
    return version ? { want: `refs/tags/${ref}`, requested: ref, version } : { want: `refs/tags/${ref}`, requested: spec.raw };
  }
  if (has(`refs/heads/${ref}`)) return { want: `refs/heads/${ref}`, requested: spec.raw };
  if (FULL_COMMIT.test(ref)) return { want: ref, requested: spec.raw };
  if (/^[0-9a-f]{4,39}$/.test(ref)) {
    const tips = [...new Set(refs.filter((r) => r.oid.startsWith(ref)).map((r) => r.oid))];
    if (tips.length === 1) return { want: tips[0]!, requested: spec.raw };
    throw new AgentInstallError(`${spec.display}: cannot fetch the abbreviated commit ${ref}.`, {
      code: 'REF_NOT_FOUND',
      hint: 'A shallow fetch needs the full 40-character commit id (git rev-parse <commit>), or use a tag or branch.',
    });
  }
  const names = refs.filter((r) => /^refs\/(heads|tags)\//.test(r.ref) && !r.ref.endsWith('^{}')).map((r) => r.ref.replace(/^refs\/(heads|tags)\//, ''));
  const close = suggest(ref, names);
  throw new AgentInstallError(`${spec.display} has no tag or branch "${ref}".`, {
    code: 'REF_NOT_FOUND',
    hint: `${close ? `Did you mean "${close}"? ` : ''}${names.length > 0 ? `Tags and branches: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}.` : 'The repository has no branches or tags.'}`,
    details: { available: names },
  });
}

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
