import semver from 'semver';
import { AgentInstallError } from '../../errors.js';
import { requestedFor, sortValidVersions } from '../../resolve/versions.js';
import { normalizeInnerPath } from '../agent-tree.js';
import { claimsNpm } from '../claims.js';
import type { SourceSpec } from '../types.js';

/**
 * `npm:<package>[@<range or dist-tag>][/<file or folder>]`, e.g. `npm:@acme/agents@^1/agents/x.md`.
 */
export interface NpmSpec extends SourceSpec {
  source: 'npm';
  name: string;
  /** A semver range; undefined for none. */
  range?: string;
  /** A dist-tag (`latest`, `next`). */
  tag?: string;
  /** File or folder inside the package, normalised. */
  path?: string;
}

// validate-npm-package-name: URL-safe characters, no leading `.` or `_`; old packages may have capitals.
const NAME_PART = '[A-Za-z0-9~-][A-Za-z0-9._~-]*';
const SPEC = new RegExp(`^npm:((?:@${NAME_PART}/)?${NAME_PART})(?:@([^/]*))?(?:/(.*))?$`);

function invalid(raw: string, why: string): AgentInstallError {
  return new AgentInstallError(`Invalid npm spec ${JSON.stringify(raw)}: ${why}.`, {
    code: 'INVALID_SPEC',
    hint: 'Use npm:<package>[@<range>][/<path inside the package>], e.g. npm:@acme/agents@^1.2/agents/reviewer.md.',
  });
}

/** Parses an `npm:` spec; null for other specs, an error for a malformed `npm:` one. */
export function parseNpmSpec(raw: string): NpmSpec | null {
  if (!claimsNpm(raw)) return null;
  const match = SPEC.exec(raw);
  if (!match) throw invalid(raw, 'not a package name');
  const [, name, version, inner] = match;
  if (name!.length > 214) throw invalid(raw, 'a package name has at most 214 characters');
  const spec: NpmSpec = { source: 'npm', raw, name: name! };
  if (version !== undefined) {
    if (version === '') throw invalid(raw, 'nothing after "@"');
    if (semver.validRange(version) !== null) spec.range = version;
    else if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(version)) spec.tag = version;
    else throw invalid(raw, `"${version}" is neither a version range nor a dist-tag`);
  }
  if (inner !== undefined && inner !== '') {
    const normalized = normalizeInnerPath(inner);
    if (normalized === null) throw invalid(raw, `"${inner}" is not a path inside the package`);
    spec.path = normalized;
  }
  return spec;
}

/** The lock entry's `source`: the exact version and the exact file. */
export function formatNpmSource(name: string, version: string, file: string): string {
  return `npm:${name}@${version}/${file}`;
}

/** The subset of a packument agent-install reads. */
export interface Packument {
  name: string;
  'dist-tags'?: Record<string, string>;
  versions: Record<string, { version: string; dist?: { tarball?: string; integrity?: string; shasum?: string } }>;
}

/**
 * The version npm would install for a range or tag: a dist-tag is that version; a range takes
 * the `latest` tag when it satisfies the range, else the newest satisfying version; none = `latest`.
 */
export function pickNpmVersion(packument: Packument, spec: Pick<NpmSpec, 'name' | 'range' | 'tag'>): string {
  const versions = sortValidVersions(Object.keys(packument.versions));
  const tags = packument['dist-tags'] ?? {};
  const latest = tags.latest;
  if (spec.tag !== undefined) {
    const version = tags[spec.tag];
    if (version === undefined || !packument.versions[version]) {
      throw new AgentInstallError(`${spec.name} has no dist-tag "${spec.tag}".`, {
        code: 'VERSION_NOT_FOUND',
        hint: `Dist-tags: ${
          Object.entries(tags)
            .map(([t, v]) => `${t} (${v})`)
            .join(', ') || '(none)'
        }.`,
      });
    }
    return version;
  }
  const range = spec.range ?? '*';
  if (latest !== undefined && packument.versions[latest] && semver.satisfies(latest, range)) return latest;
  const picked = semver.maxSatisfying(versions, range);
  if (picked === null) {
    throw new AgentInstallError(`No version of ${spec.name} matches ${spec.range ?? 'latest'}.`, {
      code: 'VERSION_NOT_FOUND',
      hint: `Available versions: ${versions.join(', ') || '(none)'}.`,
      details: { name: spec.name, range: spec.range, available: versions },
    });
  }
  return picked;
}

/** npm records `^<version>` for a bare name and for dist-tags; ranges as written. */
export function npmRequested(spec: Pick<NpmSpec, 'range'>, version: string): string {
  return requestedFor(spec.range, version);
}
