import { AgentInstallError } from '../errors.js';
import type { LockEntry } from '../lockfile.js';
import { gitSource } from './git.js';
import { localSource } from './local.js';
import { npmSource } from './npm.js';
import { registrySource } from './registry.js';
import type { Source, SourceContext, SourceSpec } from './types.js';
import { urlSource } from './url.js';

/** Tried in order; the first that parses a spec owns it. Paths first: `x.md` on disk would otherwise be a registry name. */
const SOURCES: Source[] = [localSource as Source, urlSource as Source, registrySource as Source, gitSource as Source, npmSource as Source];

export function parseSpec(raw: string, ctx: SourceContext): { source: Source; spec: SourceSpec } {
  for (const source of SOURCES) {
    const spec = source.parse(raw, ctx);
    if (spec) return { source, spec };
  }
  throw new AgentInstallError(`Cannot understand the spec ${JSON.stringify(raw)}.`, {
    code: 'INVALID_SPEC',
    hint: 'Use a name (name, name@1.2.0, name@^1.2), a path (./agent.md, ./dir/), an https:// URL, github:owner/repo, git+https://…, or npm:package.',
  });
}

/** The source that can re-fetch a lock entry. */
export function sourceForEntry(entry: LockEntry, ctx: SourceContext): Source {
  return parseSpec(entry.source, ctx).source;
}
