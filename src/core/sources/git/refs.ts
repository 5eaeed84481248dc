import semver from 'semver';
import { suggest } from '../../did-you-mean.js';
import { AgentInstallError } from '../../errors.js';
import type { RemoteRef } from '../../io/git.js';
import { sortValidVersions, wantedVersion } from '../../resolve/versions.js';
import type { GitSpec } from './spec.js';

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

export const FULL_COMMIT = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

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
