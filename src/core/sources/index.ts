import { AgentInstallError } from '../errors.js';
import type { LockEntry } from '../lockfile/lockfile.js';
import { claimsGit, claimsNpm, claimsUrl } from './claims.js';
import { localSource } from './local.js';
import { registrySource } from './registry/source.js';
import type { Source, SourceContext, SourceSpec } from './types.js';

/**
 * Tried in order; the first that parses a spec owns it. Paths first: `x.md` on disk would
 * otherwise be a registry name. URL, git and npm load only for a spec whose prefix they claim.
 */
const SOURCES: Array<{ claims: (raw: string) => boolean; load: () => Promise<Source> }> = [
  { claims: () => true, load: async () => localSource as Source },
  { claims: claimsUrl, load: async () => (await import('./url.js')).urlSource as Source },
  { claims: () => true, load: async () => registrySource as Source },
  { claims: claimsGit, load: async () => (await import('./git/source.js')).gitSource as Source },
  { claims: claimsNpm, load: async () => (await import('./npm/source.js')).npmSource as Source },
];

export async function parseSpec(raw: string, ctx: SourceContext): Promise<{ source: Source; spec: SourceSpec }> {
  for (const entry of SOURCES) {
    if (!entry.claims(raw)) continue;
    const source = await entry.load();
    const spec = source.parse(raw, ctx);
    if (spec) return { source, spec };
  }
  throw new AgentInstallError(`Cannot understand the spec ${JSON.stringify(raw)}.`, {
    code: 'INVALID_SPEC',
    hint: 'Use a name (name, name@1.2.0, name@^1.2), a path (./agent.md, ./dir/), an https:// URL, github:owner/repo, git+https://…, or npm:package.',
  });
}

/** The source that can re-fetch a lock entry. */
export async function sourceForEntry(entry: LockEntry, ctx: SourceContext): Promise<Source> {
  return (await parseSpec(entry.source, ctx)).source;
}
