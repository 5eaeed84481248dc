import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AgentInstallError } from '../../errors.js';
import { readFileBounded, readTextOrNull } from '../../io/bounded-read.js';
import { computeIntegrity } from '../../io/integrity.js';
import { sortVersions } from '../../resolve/versions.js';
import type { Candidate, SourceContext } from '../types.js';
import { BUNDLED } from './spec.js';

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
  const names = files.filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
  // CHANGELOG.md and the like are not versions; anything version-like but not plain needs semver.
  return sortVersions(names);
}

/**
 * `dist/bundled-index.json`, written at build time: name → version → the text and integrity of
 * every bundled file that passed validation with no issues.
 */
type BuildIndex = Record<string, Record<string, { integrity: string; text: string; risky?: Record<string, string> }>>;
const checkedAtBuild = new Map<string, BuildIndex | null>();

/**
 * What the build validated for this file, unless the file's size no longer matches (an agent
 * edited in a checkout without rebuilding): then it is read and validated like any other file.
 * (File times cannot tell: npm stamps every file it extracts with the time of extraction.)
 */
function checkedByBuild(
  ctx: SourceContext,
  name: string,
  version: string,
  file: string,
): { integrity: string; text: string; risky?: Record<string, string> } | undefined {
  let index = checkedAtBuild.get(ctx.packageRoot);
  if (index === undefined) {
    try {
      index = JSON.parse(readTextOrNull(path.join(ctx.packageRoot, 'dist', 'bundled-index.json'), 64 * 1_048_576) ?? 'null') as BuildIndex;
    } catch {
      index = null; // running from source, or a registry without a build: validate at run time
    }
    checkedAtBuild.set(ctx.packageRoot, index);
  }
  const checked = index?.[name]?.[version];
  if (checked === undefined) return undefined;
  try {
    return statSync(file).size === Buffer.byteLength(checked.text, 'utf8') ? checked : undefined;
  } catch {
    return undefined; // the file is gone: reported by the read below
  }
}

export function readBundled(ctx: SourceContext, name: string, version: string, requested: string): Candidate {
  const base = {
    origin: 'bundled registry',
    version,
    requested,
    source: `${name}@${version}`,
    fileName: `${name}.md`,
    registry: BUNDLED,
    alwaysAvailable: true,
  };
  const file = path.join(bundledAgentsDir(ctx), name, `${version}.md`);
  // What the build validated is installed as it was validated: no parsing, no hashing (fast `add`).
  const checked = checkedByBuild(ctx, name, version, file);
  if (checked !== undefined)
    return {
      ...base,
      bytes: Buffer.from(checked.text, 'utf8'),
      integrity: checked.integrity,
      checkedName: name,
      ...(checked.risky !== undefined ? { risky: checked.risky } : {}),
    };
  let bytes: Uint8Array | null;
  try {
    bytes = readFileBounded(file).bytes;
    if (bytes === null) throw new Error('larger than 1 MiB');
  } catch (error) {
    throw new AgentInstallError(`Bundled agent ${name}@${version} is missing (${file}).`, {
      code: 'AGENT_NOT_FOUND',
      hint: `Available versions: ${listBundledVersions(ctx, name).join(', ') || '(none)'}.`,
      cause: error,
    });
  }
  return { ...base, bytes };
}

/** Every bundled version of `name` with the integrity and bytes of its file (read once per run). */
export function bundledVersionsOf(ctx: SourceContext, name: string): Array<{ version: string; integrity: string; bytes: Uint8Array }> {
  return listBundledVersions(ctx, name).map((version) => {
    const candidate = readBundled(ctx, name, version, version);
    return { version, integrity: candidate.integrity ?? computeIntegrity(candidate.bytes), bytes: candidate.bytes };
  });
}
