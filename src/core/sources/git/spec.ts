import semver from 'semver';
import { AgentInstallError } from '../../errors.js';
import { isLoopbackHost } from '../../io/http.js';
import { normalizeInnerPath } from '../agent-tree.js';
import { claimsGit } from '../claims.js';
import type { SourceSpec } from '../types.js';

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
