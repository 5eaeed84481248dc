/**
 * The effective agent of one file as data: what Claude Code 2.1.332 would load from it, field by
 * field, in one stable shape (`validate --json`, `info --json`, `list -v --json`), and as a few
 * lines of text (`info`, `list -v`).
 */
import type { DroppedField, EffectiveAgent, EffectiveHook, ToolGrant } from './effective.js';
import type { AgentCheck } from './issues.js';

/** `all`, `none`, or the names as Claude Code splits them. */
export type ToolsReport = 'all' | 'none' | string[];

/** The key order is part of the contract. Optional keys appear only when the file sets them. */
export interface AgentReport {
  loaded: boolean;
  /** Why Claude Code would not load the file (the first error); null when it loads. */
  reason: string | null;
  /** Another file of the tree with the same `name`, whose path sorts later: Claude Code loads that one. */
  shadowedBy?: string;
  name: string | null;
  /** After the backslash-n rule. */
  description: string | null;
  /** Trimmed, `inherit` in any case normalised; null: none set (the agent inherits). */
  model: string | null;
  tools: ToolsReport;
  /** `none`: nothing is disallowed. */
  disallowedTools: ToolsReport;
  color: string | null;
  permissionMode: string | null;
  effort?: string | number;
  maxTurns?: number;
  autoCompactWindow?: number;
  memory?: string;
  background?: boolean;
  omitClaudeMd?: boolean;
  isolation?: string;
  skills?: string[];
  mcpServers?: Array<string | Record<string, unknown>>;
  hooks?: EffectiveHook[];
  initialPrompt?: string;
  observer?: string;
  observerMessage?: string;
  observeSubagents?: boolean;
  observeToolResults?: boolean;
  cacheTtl?: string;
  /** What Claude Code discards and loads the agent without. */
  dropped: DroppedField[];
}

const grant = (tools: ToolGrant | undefined, absent: ToolsReport): ToolsReport =>
  tools === undefined ? absent : tools.kind === 'list' ? [...tools.names] : tools.kind;

const OPTIONAL = [
  'effort',
  'maxTurns',
  'autoCompactWindow',
  'memory',
  'background',
  'omitClaudeMd',
  'isolation',
  'skills',
  'mcpServers',
  'hooks',
  'initialPrompt',
  'observer',
  'observerMessage',
  'observeSubagents',
  'observeToolResults',
  'cacheTtl',
] as const;

/** The report of an effective agent; `reason` says why it is not loaded (null when it is). */
export function agentReport(effective: EffectiveAgent, reason: string | null = null): AgentReport {
  const loaded = effective.loaded && reason === null;
  const report: AgentReport = {
    loaded,
    reason: loaded ? null : (reason ?? 'Claude Code would not load this file'),
    name: effective.name ?? null,
    description: effective.description ?? null,
    model: effective.model ?? null,
    tools: grant(effective.tools, 'all'),
    disallowedTools: grant(effective.disallowedTools, 'none'),
    color: effective.color ?? null,
    permissionMode: effective.permissionMode ?? null,
    dropped: [],
  };
  const extra = report as unknown as Record<string, unknown>;
  for (const key of OPTIONAL) {
    const value = effective[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0 && key === 'skills')) continue;
    extra[key] = value;
  }
  // Last, after the optional keys.
  delete extra.dropped;
  report.dropped = effective.dropped.map((d) => ({ field: d.field, reason: d.reason }));
  return report;
}

/** The report of a loaded file that another file of its tree hides (same `name`, a path that sorts later). */
export function shadowed(report: AgentReport, winner: string, reason: string): AgentReport {
  const { loaded: _loaded, reason: _reason, shadowedBy: _shadowedBy, ...rest } = report;
  return { loaded: false, reason, shadowedBy: winner, ...rest };
}

/** The report of a checked file: its first error, if any, is the reason it is not loaded. */
export function reportOf(check: AgentCheck): AgentReport {
  const error = check.issues.find((issue) => issue.severity === 'error');
  return agentReport(check.effective, check.agent === null ? (error ? `${error.code}: ${error.message}` : 'Claude Code would not load this file') : null);
}

const toolsText = (tools: ToolsReport, all: string, none: string) =>
  tools === 'all' ? all : tools === 'none' ? none : tools.length === 0 ? none : tools.join(', ');

/** `info` and `list -v`: the effective agent as `label  value` lines (no colour; the caller styles). */
export function agentReportLines(report: AgentReport): Array<[label: string, value: string]> {
  const lines: Array<[string, string]> = [];
  lines.push(['loaded', report.loaded ? 'yes' : `no: ${report.reason}`]);
  if (report.name !== null) lines.push(['name', report.name]);
  // What a file that is not loaded would set means nothing to Claude Code.
  if (!report.loaded) return lines;
  if (report.description !== null) {
    const [first = '', ...rest] = report.description.split('\n');
    const shown = first.length > 100 ? `${first.slice(0, 99)}…` : rest.length > 0 ? `${first} …` : first;
    lines.push(['description', shown]);
  }
  lines.push(['model', report.model ?? 'inherit (not set)']);
  lines.push(['tools', toolsText(report.tools, 'all', 'none')]);
  lines.push(['disallowed', toolsText(report.disallowedTools, 'all', 'none')]);
  lines.push(['color', report.color ?? 'none']);
  lines.push(['permissions', report.permissionMode ?? 'default (not set)']);
  if (report.hooks && report.hooks.length > 0) lines.push(['hooks', [...new Set(report.hooks.map((h) => h.event))].join(', ')]);
  if (report.dropped.length > 0) lines.push(['dropped', report.dropped.map((d) => `${d.field} (${d.reason})`).join('; ')]);
  return lines;
}
