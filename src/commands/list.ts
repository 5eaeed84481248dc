import { readScopeLockfile } from '../core/apply.js';
import { inspectScope, markShadowed, type InstalledAgent } from '../core/inspect.js';
import { AgentInstallError } from '../core/errors.js';
import { projectScope, userScope } from '../core/scope.js';
import { formatTable, type CommandContext, type CommandResult } from './command.js';

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

/** The user scope's agents; without a home folder there are none (an error only when asked for with -g). */
async function inspectUserScope(ctx: CommandContext, tolerateMissingHome: boolean): Promise<InstalledAgent[]> {
  let scope;
  try {
    scope = userScope(ctx);
  } catch (error) {
    if (tolerateMissingHome && error instanceof AgentInstallError && error.code === 'NO_HOME') return [];
    throw error;
  }
  return inspectScope(scope, readScopeLockfile(scope));
}

/** The project scope's agents; in the home folder there is no project (an error only with --project). */
async function inspectProjectScope(ctx: CommandContext, tolerateNoProject: boolean): Promise<InstalledAgent[]> {
  let scope;
  try {
    scope = projectScope(ctx);
  } catch (error) {
    if (tolerateNoProject && error instanceof AgentInstallError && error.code === 'NOT_A_PROJECT') return [];
    throw error;
  }
  return inspectScope(scope, readScopeLockfile(scope));
}

/** Both scopes by default (`-g`: user only, `--project`: project only). */
export default async function list(ctx: CommandContext, options: ListOptions): Promise<CommandResult> {
  const wantProject = !ctx.global;
  const wantUser = !options.project;
  const project = wantProject ? await inspectProjectScope(ctx, !options.project) : [];
  const user = wantUser ? await inspectUserScope(ctx, !ctx.global) : [];
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
