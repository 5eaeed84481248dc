import semver from 'semver';
import { AgentInstallError } from '../errors.js';

// Plain `x.y.z` versions (no prerelease or build, each part a safe integer) are sorted and picked
// without semver, which costs about 4 ms to load: `add <name>` needs it only for real ranges.
const PLAIN_VERSION = /^(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})$/;
const LOOKS_LIKE_VERSION = /^\d+\.\d+\.\d+/;

export function isPlainVersion(value: string): boolean {
  return PLAIN_VERSION.test(value);
}

export function comparePlainVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
}

/**
 * The semver versions among `names` (written exactly as semver would write them), ascending.
 * Names that are no version (`CHANGELOG`) are left out.
 */
export function sortVersions(names: string[]): string[] {
  if (!names.some((v) => !PLAIN_VERSION.test(v) && LOOKS_LIKE_VERSION.test(v))) return names.filter((v) => PLAIN_VERSION.test(v)).sort(comparePlainVersions);
  return names.filter((v) => semver.valid(v) === v).sort(semver.compare);
}

/** Valid semver versions (in any spelling semver accepts), ascending. */
export function sortValidVersions(versions: string[]): string[] {
  return versions.filter((v) => semver.valid(v) !== null).sort(semver.compare);
}

/** The newest version satisfying `requested` (an exact version, a range, or `latest`), else null. */
export function wantedVersion(versions: string[], requested: string): string | null {
  if (requested === 'latest') return newest(versions);
  if (semver.validRange(requested) === null) return null;
  return semver.maxSatisfying(versions, requested);
}

/** The newest of `versions`, else null. */
export function newest(versions: string[]): string | null {
  if (versions.length === 0) return null;
  if (versions.every((v) => PLAIN_VERSION.test(v))) return versions.reduce((a, b) => (comparePlainVersions(a, b) >= 0 ? a : b));
  return semver.maxSatisfying(versions, '*');
}

/** Is `a` newer than `b`? */
export function isNewer(a: string, b: string): boolean {
  return semver.gt(a, b);
}

/**
 * Picks a version for `name`: exact, a range, or `latest`/none = the newest. Throws listing the
 * available versions.
 */
export function pickVersion(name: string, versions: string[], range: string | undefined): string {
  if (range === undefined || range === 'latest') {
    const picked = newest(versions);
    if (picked !== null) return picked;
  } else if (semver.validRange(range) === null) {
    throw new AgentInstallError(`"${range}" is not a version or version range for ${name}.`, {
      code: 'INVALID_VERSION_RANGE',
      hint: `Use an exact version (1.0.0), a range (^1.0, ~1.1.0) or latest. Available: ${versions.join(', ')}.`,
    });
  }
  const picked = range === undefined || range === 'latest' ? null : semver.maxSatisfying(versions, range);
  if (picked === null) {
    throw new AgentInstallError(`No version of ${name} matches ${range ?? 'latest'}.`, {
      code: 'VERSION_NOT_FOUND',
      hint: `Available versions: ${versions.join(', ') || '(none)'}.`,
      details: { name, range, available: versions },
    });
  }
  return picked;
}

/**
 * What `requested` records for a version picked from `range`: a bare name, `latest` and a tag
 * become `^<version>`, as npm records them; a range or exact version is kept as written.
 */
export function requestedFor(range: string | undefined, version: string): string {
  return range === undefined || range === 'latest' ? `^${version}` : range;
}
