import { readScopeLockfile } from '../core/lockfile/scope-lockfile.js';
import { HashCache } from '../core/scope/hash-cache.js';
import { type InstalledAgent, inspectScope, markShadowed } from '../core/scope/inspect.js';
import { optionalScope, projectScope, type Scope, userScope } from '../core/scope/scope.js';
import { type CommandContext, type CommandResult, formatTable } from './context.js';

export interface ListOptions {
  project?: boolean;
}

export interface ListedAgent {
  name: string | null;
  version: string | null;
  scope: 'project' | 'user';
  source: string | null;
  status: InstalledAgent['status'];
  path: string;
  requested: string | null;
}

function toListed(agent: InstalledAgent): ListedAgent {
  return {
    name: agent.name,
    version: agent.entry?.version ?? null,
    scope: agent.scope,
    source: agent.entry?.source ?? null,
    status: agent.status,
    path: agent.path,
    requested: agent.entry?.requested ?? null,
  };
}

/**
 * A scope's agents; none when the scope does not exist here, unless it was asked for explicitly.
 * Unchanged files are recognised by their stat (see HashCache).
 */
async function inspectIfAny(ctx: CommandContext, make: () => Scope, explicit: boolean): Promise<InstalledAgent[]> {
  const scope = explicit ? make() : optionalScope(make);
  if (!scope) return [];
  const hashes = new HashCache(ctx, scope.agentsDir);
  const agents = await inspectScope(scope, readScopeLockfile(scope), hashes);
  hashes.save();
  return agents;
}

/** Both scopes by default (`-g`: user only, `--project`: project only). */
export async function run(ctx: CommandContext, options: ListOptions): Promise<CommandResult> {
  const wantProject = !ctx.global;
  const wantUser = !options.project;
  const project = wantProject ? await inspectIfAny(ctx, () => projectScope(ctx), options.project === true) : [];
  const user = wantUser ? await inspectIfAny(ctx, () => userScope(ctx), ctx.global) : [];
  if (wantProject && wantUser) markShadowed(project, user);
  const agents = [...project, ...user].map(toListed);
  if (agents.length === 0) return { json: [], text: 'No agents installed.' };
  const colour: Record<ListedAgent['status'], (s: string) => string> = {
    ok: ctx.style.green,
    modified: ctx.style.yellow,
    missing: ctx.style.red,
    moved: ctx.style.yellow,
    unmanaged: ctx.style.dim,
    invalid: ctx.style.red,
    shadowed: ctx.style.dim,
  };
  const rows = agents.map((a) => [a.name ?? `(${a.path})`, a.version ?? '-', a.scope, a.source ?? '-', a.status]);
  const table = formatTable(['NAME', 'VERSION', 'SCOPE', 'SOURCE', 'STATUS'], rows, ctx.style);
  // Colour the status column after padding so widths stay right.
  const text = table
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.replace(/(\S+)$/, (s) => colour[agents[i - 1]!.status](s))))
    .join('\n');
  return { json: agents, text };
}
