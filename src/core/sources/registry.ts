import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { AgentInstallError } from '../errors.js';
import type { LockEntry } from '../lockfile.js';
import { nameProblem } from '../names.js';
import { suggest } from '../did-you-mean.js';
import type { Candidate, Source, SourceContext, SourceSpec } from './types.js';

export interface RegistrySpec extends SourceSpec {
  source: 'registry';
  name: string;
  /** A semver range, an exact version, or `latest`; undefined for a bare name. */
  range?: string;
}

// `name`, `name@1.2.0`, `name@^1.2`, `name@latest`. Anything with `/`, `:` or a leading `.` is another source's.
const SPEC = /^([A-Za-z0-9_][A-Za-z0-9._-]*)(?:@(.+))?$/;

/** The `registry` value of lock entries resolved from the bundled registry. */
export const BUNDLED = 'bundled';

export function parseRegistrySpec(raw: string): RegistrySpec | null {
  const match = SPEC.exec(raw);
  if (!match) return null;
  const [, name, range] = match;
  if (nameProblem(name!) !== null) return null;
  return range === undefined ? { source: 'registry', raw, name: name! } : { source: 'registry', raw, name: name!, range };
}

/** The bundled registry: `agents/<name>/<version>.md` inside the package. */
export function bundledAgentsDir(ctx: SourceContext): string {
  return path.join(ctx.packageRoot, 'agents');
}

export function listBundledAgents(ctx: SourceContext): string[] {
  try {
    return readdirSync(bundledAgentsDir(ctx), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** Versions of a bundled agent, ascending. */
export function listBundledVersions(ctx: SourceContext, name: string): string[] {
  let files: string[];
  try {
    files = readdirSync(path.join(bundledAgentsDir(ctx), name));
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .filter((v) => semver.valid(v) === v)
    .sort(semver.compare);
}

function notFound(name: string, ctx: SourceContext): AgentInstallError {
  const available = listBundledAgents(ctx);
  const close = suggest(name, available);
  return new AgentInstallError(`Agent "${name}" not found in the bundled registry.`, {
    code: 'AGENT_NOT_FOUND',
    hint: `${close ? `Did you mean "${close}"? ` : ''}Available: ${available.join(', ') || '(none)'}. See \`agent-install search\`.`,
    details: { name, available },
  });
}

/** Picks a version: exact, range, or `latest`/none = the newest. Throws listing the available versions. */
export function pickVersion(name: string, versions: string[], range: string | undefined): string {
  const wanted = range === undefined || range === 'latest' ? '*' : range;
  if (semver.validRange(wanted) === null) {
    throw new AgentInstallError(`"${range}" is not a version or version range for ${name}.`, {
      code: 'INVALID_VERSION_RANGE',
      hint: `Use an exact version (1.0.0), a range (^1.0, ~1.1.0) or latest. Available: ${versions.join(', ')}.`,
    });
  }
  const picked = semver.maxSatisfying(versions, wanted);
  if (picked === null) {
    throw new AgentInstallError(`No version of ${name} matches ${range}.`, {
      code: 'VERSION_NOT_FOUND',
      hint: `Available versions: ${versions.join(', ')}.`,
      details: { name, range, available: versions },
    });
  }
  return picked;
}

/** Bare names and `latest` are recorded as `^<version>`, as npm does. */
export function requestedFor(range: string | undefined, version: string): string {
  return range === undefined || range === 'latest' ? `^${version}` : range;
}

function readBundled(ctx: SourceContext, name: string, version: string, requested: string): Candidate {
  const file = path.join(bundledAgentsDir(ctx), name, `${version}.md`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new AgentInstallError(`Bundled agent ${name}@${version} is missing (${file}).`, {
      code: 'AGENT_NOT_FOUND',
      hint: `Available versions: ${listBundledVersions(ctx, name).join(', ') || '(none)'}.`,
      cause: error,
    });
  }
  return { origin: 'bundled registry', version, requested, source: `${name}@${version}`, bytes, fileName: `${name}.md`, registry: BUNDLED, alwaysAvailable: true };
}

function lockedName(entry: LockEntry): RegistrySpec {
  const spec = parseRegistrySpec(entry.source);
  if (!spec || spec.range === undefined) {
    throw new AgentInstallError(`Lock entry source "${entry.source}" is not a registry version.`, { code: 'LOCKFILE_INVALID' });
  }
  return spec;
}

export const registrySource: Source<RegistrySpec> = {
  id: 'registry',
  parse: (raw) => parseRegistrySpec(raw),
  async resolve(spec, ctx) {
    const versions = listBundledVersions(ctx, spec.name);
    if (versions.length === 0) throw notFound(spec.name, ctx);
    const version = pickVersion(spec.name, versions, spec.range);
    return [readBundled(ctx, spec.name, version, requestedFor(spec.range, version))];
  },
  async fetchLocked(entry, ctx) {
    const spec = lockedName(entry);
    return readBundled(ctx, spec.name, spec.range!, entry.requested);
  },
  async listVersions(entry, ctx) {
    return listBundledVersions(ctx, lockedName(entry).name);
  },
  async fetchVersion(entry, version, ctx) {
    return readBundled(ctx, lockedName(entry).name, version, entry.requested);
  },
};
