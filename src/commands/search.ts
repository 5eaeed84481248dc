import { type CatalogAgent, type CatalogFailure, loadCatalog, searchCatalog, suggestAgentName } from '../core/resolve/catalog.js';
import { type CommandContext, type CommandResult, formatTable } from './context.js';

/** Width of the DESCRIPTION column. */
const SUMMARY_WIDTH = 60;

export interface SearchedAgent {
  name: string;
  latest: string;
  /** Ascending. */
  versions: string[];
  description: string;
  registry: string;
}

/** The first line, then its first sentence, cut to `width` characters (by code point). */
export function summarize(description: string, width = SUMMARY_WIDTH): string {
  const line = description.trim().split('\n')[0]!.trim();
  const sentence = /^(.+?[.!?])(?=\s|$)/.exec(line)?.[1] ?? line;
  const chars = [...sentence];
  return chars.length <= width
    ? sentence
    : `${chars
        .slice(0, width - 1)
        .join('')
        .trimEnd()}…`;
}

export function reportFailures(ctx: CommandContext, failures: CatalogFailure[]): void {
  for (const { registry, error } of failures) ctx.warn(`skipped ${registry}: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
}

function toSearched(agent: CatalogAgent): SearchedAgent {
  return { name: agent.name, latest: agent.latest, versions: agent.versions, description: agent.description, registry: agent.registry };
}

/** `search [query...]`: available agents whose name or description matches, name matches first. */
export async function run(ctx: CommandContext, query: string[] = []): Promise<CommandResult> {
  const text = query.join(' ').trim();
  const catalog = await loadCatalog(ctx);
  reportFailures(ctx, catalog.failures);
  const hits = searchCatalog(catalog.agents, text);
  const json = hits.map(toSearched);
  if (hits.length === 0) {
    if (text === '') return { json, text: 'No agents available.' };
    const close = suggestAgentName(
      text,
      catalog.agents.map((a) => a.name),
    );
    const next = close ? ` Did you mean ${ctx.style.bold(close)}?` : ' `agent-install search` lists every agent.';
    return { json, text: `No agents match "${text}".${next}` };
  }
  const rows = hits.map((a) => [a.name, a.latest, summarize(a.description) || '-', a.registry]);
  return { json, text: formatTable(['NAME', 'LATEST', 'DESCRIPTION', 'REGISTRY'], rows, ctx.style) };
}
