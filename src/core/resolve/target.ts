import { AgentInstallError } from '../errors.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { parseSpec, sourceForEntry } from '../sources/index.js';
import type { SourceContext } from '../sources/types.js';
import { type CheckedCandidate, checkCandidate } from './check.js';
import { fetchLockedCandidate } from './locked.js';
import { requestedFor, sortValidVersions, wantedVersion } from './versions.js';

export interface TargetOptions {
  /** Folder that relative paths in the lockfile are relative to (the scope's root). */
  root?: string;
  /** Ignore `requested` and take the newest version (rewrites `requested` to `^<version>`). */
  latest?: boolean;
  /** An exact version. */
  to?: string;
  /** Specs already resolved in this run (a folder source serves every agent in it from one read). */
  memo?: Map<string, Promise<CheckedCandidate[]>>;
}

/**
 * Every agent a locked agent's `requested` spec provides today, validated (a folder, a
 * repository path or an npm package may provide several). Sources without versions are
 * followed this way.
 */
export function resolveRequested(entry: LockEntry, ctx: SourceContext, options: Pick<TargetOptions, 'root' | 'memo'> = {}): Promise<CheckedCandidate[]> {
  const key = `${options.root ?? ''}\0${entry.requested}`;
  const remembered = options.memo?.get(key);
  if (remembered) return remembered;
  // `requested` paths are relative to the project, not to wherever the command runs.
  const at = options.root === undefined ? ctx : { ...ctx, cwd: options.root };
  const resolving = (async () => {
    const { source, spec } = await parseSpec(entry.requested, at);
    const out: CheckedCandidate[] = [];
    for (const candidate of await source.resolve(spec, at)) out.push(await checkCandidate(candidate));
    return out;
  })();
  options.memo?.set(key, resolving);
  return resolving;
}

/**
 * The version of a locked agent that `upgrade` moves to and `diff` compares with: the newest
 * version `requested` allows (or `--latest`, or `--to`). Sources without versions (paths, URLs,
 * git branches) are resolved again from what was requested.
 */
export async function resolveTarget(name: string, entry: LockEntry, ctx: SourceContext, options: TargetOptions = {}): Promise<CheckedCandidate> {
  const source = await sourceForEntry(entry, ctx);
  if (entry.version !== undefined && source.listVersions && source.fetchVersion) {
    const versions = sortValidVersions(await source.listVersions(entry, ctx));
    let version: string | null;
    if (options.to !== undefined) {
      version = versions.includes(options.to) ? options.to : null;
    } else if (options.latest) {
      version = versions[versions.length - 1] ?? null;
    } else {
      version = wantedVersion(versions, entry.requested);
    }
    if (version === null) {
      throw new AgentInstallError(`No version of ${name} matches ${options.to ?? (options.latest ? 'latest' : entry.requested)}.`, {
        code: 'VERSION_NOT_FOUND',
        hint: `Available versions: ${versions.join(', ') || '(none)'}.`,
      });
    }
    const candidate = version === entry.version ? await fetchLockedCandidate(name, entry, ctx) : await source.fetchVersion(entry, version, ctx);
    const requested = options.latest ? requestedFor(undefined, version) : entry.requested;
    return checkNamed(name, { ...candidate, version, requested });
  }
  if (options.to !== undefined) {
    throw new AgentInstallError(`${name} comes from ${entry.source}, which has no versions.`, {
      code: 'NO_VERSIONS',
      hint: 'Leave out --to; the newest bytes of what was requested are used instead.',
    });
  }
  const found = (await resolveRequested(entry, ctx, options)).findLast((checked) => checked.agent.name === name);
  if (!found) {
    throw new AgentInstallError(`${entry.requested} no longer provides an agent named "${name}".`, {
      code: 'AGENT_NOT_FOUND',
      hint: 'Check the source, or remove the agent with `agent-install remove`.',
    });
  }
  return found;
}

async function checkNamed(name: string, candidate: Parameters<typeof checkCandidate>[0]): Promise<CheckedCandidate> {
  const checked = await checkCandidate(candidate);
  if (checked.agent.name !== name) {
    throw new AgentInstallError(`${candidate.source} is named "${checked.agent.name}", not "${name}".`, {
      code: 'AGENT_RENAMED',
      hint: `Install it under its new name with \`agent-install add ${candidate.source}\` and remove "${name}".`,
    });
  }
  return checked;
}
