import path from 'node:path';
import { reportInstalledFiles } from '../core/agent/installed-report.js';
import type { AgentReport } from '../core/agent/report.js';
import { agentReportLines, shadowed } from '../core/agent/report.js';
import { UsageError } from '../core/errors.js';
import type { LockEntry } from '../core/lockfile/lockfile.js';
import { HashCache } from '../core/scope/hash-cache.js';
import { type InstalledAgent, inspectScope, isLoadable, markShadowed } from '../core/scope/inspect.js';
import { knownBytes } from '../core/scope/known.js';
import { optionalScope, projectScope, type Scope, userScope } from '../core/scope/scope.js';
import type { TargetStatus } from '../core/targets/status.js';
import { type CommandContext, type CommandResult, displayPath, formatTable } from './context.js';
import { readScope } from './lockfile-state.js';

export interface ListOptions {
  project?: boolean;
}

export interface ListedAgent {
  name: string | null;
  /** The locked version. */
  version: string | null;
  /** For `behind` and `ahead`: the version the file holds. */
  fileVersion?: string;
  /** The file differs from the locked bytes only in line endings. */
  lineEndings?: 'crlf' | 'lf';
  /** The file holds the team's accepted edits. */
  accepted?: true;
  /** For `orphaned`: edited since it was installed. */
  edited?: true;
  /** For `invalid`: why Claude Code would not load it (`line:column message`), e.g. that it cannot be read. */
  reason?: string;
  /** Claude Code loads this file of the same scope under the same name instead. */
  shadowedBy?: string;
  scope: 'project' | 'user';
  source: string | null;
  status: InstalledAgent['status'];
  path: string;
  requested: string | null;
  /** With `-v`: the agent as Claude Code would load the file (absent when there is no file). */
  agent?: AgentReport;
  /** Targets: each other tool's file the lock entry records, with its status. */
  targets?: TargetStatus[];
}

function toListed(agent: InstalledAgent): ListedAgent {
  const issue = agent.status === 'invalid' ? agent.issues?.find((i) => i.severity === 'error') : undefined;
  return {
    name: agent.name,
    version: agent.entry?.version ?? null,
    scope: agent.scope,
    source: agent.entry?.source ?? null,
    status: agent.shadowedBy !== undefined ? 'shadowed' : agent.status,
    path: agent.path,
    requested: agent.entry?.requested ?? null,
    ...(agent.shadowedBy !== undefined ? { shadowedBy: agent.shadowedBy } : {}),
    ...(agent.fileVersion !== undefined ? { fileVersion: agent.fileVersion } : {}),
    ...(agent.lineEndings ? { lineEndings: agent.lineEndings } : {}),
    ...(agent.accepted ? { accepted: true as const } : {}),
    ...(agent.edited ? { edited: true as const } : {}),
    ...(issue ? { reason: `${issue.line}:${issue.column} ${issue.message}` } : {}),
  };
}

/** `1.0.0 → 1.1.0` for a file behind (or ahead of) the lockfile: what it holds, then what is locked. */
function versionColumn(agent: ListedAgent): string {
  if ((agent.status === 'behind' || agent.status === 'ahead') && agent.fileVersion !== undefined) return `${agent.fileVersion} → ${agent.version ?? '?'}`;
  return agent.version ?? '-';
}

/** Lines under the table that explain statuses a reader may not expect. */
function listNotes(agents: ListedAgent[]): string[] {
  const notes: string[] = [];
  const named = (status: ListedAgent['status']) => agents.filter((a) => a.status === status).map((a) => a.name ?? a.path);
  const behind = [...named('behind'), ...named('ahead')];
  if (behind.length)
    notes.push(
      `Not edits: ${behind.join(', ')} hold${behind.length === 1 ? 's' : ''} another version than the lockfile records; \`agent-install install\` brings them to it.`,
    );
  const orphaned = named('orphaned');
  if (orphaned.length) notes.push(`No longer in the lockfile: ${orphaned.join(', ')}; \`agent-install install\` removes what was not edited.`);
  if (agents.some((a) => a.lineEndings)) notes.push('Line endings (CRLF vs LF) are the only difference for some files; they count as unmodified.');
  const invalid = agents.filter((a) => a.status === 'invalid' && a.reason !== undefined);
  const hidden = agents.filter((a) => a.shadowedBy !== undefined);
  if (hidden.length) {
    notes.push(
      'Claude Code loads another file of the same name instead:',
      ...hidden.map((a) => `  ${a.path}${a.scope === 'user' ? ' (user scope)' : ''}  hidden by ${a.shadowedBy}`),
    );
  }
  if (invalid.length) {
    notes.push('Claude Code would not load:', ...invalid.map((a) => `  ${a.path}${a.scope === 'user' ? ' (user scope)' : ''}  ${a.reason}`));
  }
  return notes;
}

/**
 * A scope's agents; none when the scope does not exist here, unless it was asked for explicitly.
 * Unchanged files are recognised by their stat (see HashCache).
 */
async function inspectIfAny(
  ctx: CommandContext,
  make: () => Scope,
  explicit: boolean,
): Promise<{ scope?: Scope; agents: InstalledAgent[]; targets?: Map<string, TargetStatus[]> }> {
  const scope = explicit ? make() : optionalScope(make);
  if (!scope) return { agents: [] };
  const hashes = new HashCache(ctx, scope.agentsDir);
  const known = knownBytes(ctx, scope.agentsDir);
  const { agents, interrupted } = await readScope(ctx, scope, 'show', async (lockfile, interrupted) => ({
    agents: await inspectScope(scope, lockfile, { hashes, known }),
    interrupted,
  }));
  hashes.save();
  // Targets: read only when some entry records target files.
  const locked = agents.flatMap((a): Array<[string, LockEntry]> => (a.entry?.targets && a.name ? [[a.name, a.entry]] : []));
  if (locked.length > 0) {
    const { targetStatuses } = await import('../core/targets/status.js');
    return { scope, agents, targets: targetStatuses(scope, locked) };
  }
  if (interrupted !== null) {
    ctx.warn(
      `An interrupted run left ${displayPath(ctx, interrupted)}; run \`agent-install install\` to finish or undo it. Statuses are against the lockfile as it is.`,
    );
  }
  return { scope, agents };
}

/**
 * `-v`: each file's effective agent, as Claude Code would load it (files of one folder with the
 * same name: the last by path wins). Only here are all files read and the rules loaded.
 */
async function withEffective(ctx: CommandContext, scope: Scope | undefined, agents: InstalledAgent[]): Promise<Map<InstalledAgent, AgentReport>> {
  const out = new Map<InstalledAgent, AgentReport>();
  if (!scope) return out;
  const present = agents.filter((a) => a.status !== 'missing' && a.status !== 'moved');
  const files = present.map((a) => {
    const file = path.join(scope.agentsDir, ...a.path.split('/'));
    return { file, display: displayPath({ cwd: ctx.cwd }, file) }; // as --json has always given it
  });
  const reports = await reportInstalledFiles(files);
  present.forEach((agent, index) => {
    const report = reports[index];
    if (report) out.set(agent, report);
  });
  return out;
}

/** Width of the SOURCE column; `-v` and `--json` show the whole source. */
const SOURCE_WIDTH = 48;

/**
 * A source for the SOURCE column: commit ids cut to 7 characters (as `git log --oneline` does),
 * then anything still wider than {@link SOURCE_WIDTH} cut in the middle, keeping the start (the
 * host or package) and the end (the file).
 */
export function shortSource(source: string, width = SOURCE_WIDTH): string {
  const short = source.replace(/#([0-9a-f]{7})(?:[0-9a-f]{33}|[0-9a-f]{57})(?![0-9a-f])/g, '#$1');
  const chars = [...short];
  if (chars.length <= width) return short;
  const head = Math.ceil((width - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (width - 1 - head)).join('')}`;
}

/** `-v`: under a row, where its file is (and the whole source), then the effective agent. */
function verboseLines(ctx: CommandContext, agent: ListedAgent, file: string | undefined): string[] {
  const line = (label: string, value: string) => `    ${ctx.style.dim(label.padEnd(12))}${value}`;
  const lines: string[] = [];
  if (file !== undefined) lines.push(line('file', `${displayPath(ctx, file)}${agent.status === 'missing' || agent.status === 'moved' ? ' (gone)' : ''}`));
  if (agent.source !== null && shortSource(agent.source) !== agent.source) lines.push(line('source', agent.source));
  if (agent.agent) lines.push(...agentReportLines(agent.agent).map(([label, value]) => line(label, value)));
  return lines;
}

/** Both scopes by default (`-g`: user only, `--project`: project only). */
export async function run(ctx: CommandContext, options: ListOptions): Promise<CommandResult> {
  if (ctx.global && options.project) {
    throw new UsageError('-g (the user scope) and --project (the project scope) exclude each other.', {
      hint: 'Without either, `agent-install list` shows both scopes.',
    });
  }
  const wantProject = !ctx.global;
  const wantUser = !options.project;
  const project = wantProject ? await inspectIfAny(ctx, () => projectScope(ctx), options.project === true) : { agents: [] };
  const user = wantUser ? await inspectIfAny(ctx, () => userScope(ctx), ctx.global) : { agents: [] };
  if (wantProject && wantUser) markShadowed(project.agents, user.agents);
  const reports = ctx.verbose
    ? new Map([...(await withEffective(ctx, project.scope, project.agents)), ...(await withEffective(ctx, user.scope, user.agents))])
    : undefined;
  const agents = [...project.agents, ...user.agents].map((installed) => {
    const listed = toListed(installed);
    let report = reports?.get(installed);
    // A user agent that a project agent of the same name hides: Claude Code loads the project one.
    if (report?.loaded && installed.status === 'shadowed') {
      const winner = project.agents.find((a) => a.name === installed.name && isLoadable(a));
      const where = winner && project.scope ? displayPath(ctx, path.join(project.scope.agentsDir, ...winner.path.split('/'))) : 'the project agent';
      report = shadowed(report, where, `shadowed: ${where} has the same name, and the project scope wins`);
    }
    if (report) listed.agent = report;
    const targets = installed.entry && installed.name ? (installed.scope === 'user' ? user : project).targets?.get(installed.name) : undefined;
    if (targets) listed.targets = targets;
    return listed;
  });
  if (agents.length === 0) return { json: [], text: 'No agents installed.' };
  const colour: Record<ListedAgent['status'], (s: string) => string> = {
    ok: ctx.style.green,
    modified: ctx.style.yellow,
    behind: ctx.style.yellow,
    ahead: ctx.style.yellow,
    orphaned: ctx.style.yellow,
    missing: ctx.style.red,
    moved: ctx.style.yellow,
    unmanaged: ctx.style.dim,
    invalid: ctx.style.red,
    shadowed: ctx.style.dim,
  };
  // Targets: a TARGETS column once some agent has files for other tools.
  const withTargets = agents.some((a) => a.targets !== undefined);
  const targetsCell = (a: ListedAgent) =>
    a.targets === undefined || a.targets.length === 0 ? '-' : a.targets.map((t) => (t.status === 'ok' ? t.target : `${t.target}(${t.status})`)).join(' ');
  const rows = agents.map((a) => [
    a.name ?? `(${a.path})`,
    versionColumn(a),
    a.scope,
    a.source === null ? '-' : shortSource(a.source),
    ...(withTargets ? [targetsCell(a)] : []),
    a.status,
  ]);
  const installed = [...project.agents, ...user.agents];
  const fileOf = (i: number): string | undefined => {
    const scope = installed[i]?.scope === 'user' ? user.scope : project.scope;
    return scope ? path.join(scope.agentsDir, ...agents[i]!.path.split('/')) : undefined;
  };
  const table = formatTable(['NAME', 'VERSION', 'SCOPE', 'SOURCE', ...(withTargets ? ['TARGETS'] : []), 'STATUS'], rows, ctx.style);
  // Colour the status column after padding so widths stay right.
  const lines = table
    .split('\n')
    .flatMap((line, i) =>
      i === 0
        ? [line]
        : [line.replace(/(\S+)$/, (s) => colour[agents[i - 1]!.status](s)), ...(ctx.verbose ? verboseLines(ctx, agents[i - 1]!, fileOf(i - 1)) : [])],
    );
  // -q: the table alone.
  const notes = ctx.quiet ? [] : listNotes(agents);
  return { json: agents, text: [...lines, ...notes].join('\n') };
}
