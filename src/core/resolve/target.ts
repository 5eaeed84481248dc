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
  // `requested` paths are relative to the project, not to wherever the command runs.
  const at = options.root === undefined ? ctx : { ...ctx, cwd: options.root };
  const { source: requestedSource, spec } = await parseSpec(entry.requested, at);
  let found: CheckedCandidate | undefined;
  for (const candidate of await requestedSource.resolve(spec, at)) {
    const checked = await checkCandidate(candidate);
    if (checked.agent.name === name) found = checked;
  }
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
