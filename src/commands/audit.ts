import { type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { escapeForDisplay } from '../core/agent/escape-display.js';
import { type AuditFinding, FINDING_SEVERITIES, type FindingSeverity, findingsOf, reaches } from '../core/agent/findings.js';
import { checkAgentBytes, formatGrantsSummary, type Grants, grantsOf, type RiskyGrant, riskyGrants } from '../core/agent/validate.js';
import { readPolicy } from '../core/config.js';
import { AgentInstallError, ExitCode, isAgentInstallError, UsageError } from '../core/errors.js';
import { type BoundedRead, MAX_AGENT_FILE_BYTES, readFileBounded } from '../core/io/bounded-read.js';
import { onceEach, scanTree } from '../core/scope/scan.js';
import { optionalScope, projectScope, type Scope, userScope } from '../core/scope/scope.js';
import { type CommandContext, type CommandResult, displayPath } from './context.js';
import { lockfileFor } from './lockfile-state.js';

export interface AuditOptions {
  failOn?: string;
  project?: boolean;
}

/** `--fail-on`: the least severity that fails the run (exit 3), or `none`. */
export type FailOn = FindingSeverity | 'none';

/** One finding of `--json` output; the key order is part of the contract (README, "audit and grants"). */
export interface AuditItem {
  file: string;
  name: string | null;
  severity: FindingSeverity;
  code: string;
  message: string;
  line: number;
  column: number | null;
  evidence: string;
}

/** One audited file of `--json` output. */
export interface AuditedAgent {
  file: string;
  name: string | null;
  /** Where it was found when no path was given; null for paths named on the command line. */
  scope: 'project' | 'user' | null;
  /** Recorded in the scope's lockfile; null when not known (a path named, or a lockfile that cannot be read). */
  managed: boolean | null;
  /** Claude Code would load it. */
  loaded: boolean;
  risky: RiskyGrant[];
  grants: Grants;
  /** Why the file was not read (a FIFO, a device, over 1 MiB, unreadable); null when it was. */
  error: { code: 'unreadable' | 'too-large' | 'not-regular'; message: string } | null;
}

/** A file to audit. */
interface Target {
  file: string;
  display: string;
  scope: 'project' | 'user' | null;
  managed: boolean | null;
  /** Known without reading it: not a regular file. */
  notRegular?: boolean;
}

function parseFailOn(value: string | undefined): FailOn {
  const raw = value ?? 'high';
  if (raw === 'none' || (FINDING_SEVERITIES as readonly string[]).includes(raw)) return raw as FailOn;
  throw new UsageError(`--fail-on ${JSON.stringify(raw)}: expected high, medium, low or none.`, {
    code: 'INVALID_OPTION',
    hint: '`--fail-on medium` exits 3 on a medium or high finding; `--fail-on none` never does.',
  });
}

/** Files and folders named on the command line, as validate reads them; a missing one is an error. */
function namedTargets(ctx: CommandContext, paths: string[]): Target[] {
  const missing: string[] = [];
  const targets: Target[] = [];
  for (const given of paths) {
    const absolute = path.resolve(ctx.cwd, given);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch {
      missing.push(given);
      continue;
    }
    const display = path.normalize(given);
    if (stats.isDirectory()) targets.push(...folderTargets(absolute, display, null, null));
    else targets.push({ file: absolute, display, scope: null, managed: null, ...(stats.isFile() ? {} : { notRegular: true }) });
  }
  if (missing.length > 0) {
    throw new AgentInstallError(`No such file or folder: ${missing.join(', ')}`, {
      code: 'PATH_NOT_FOUND',
      hint: 'Pass agent files or folders, e.g. `agent-install audit .claude/agents`; with none, audit reads the agents of both scopes.',
      details: { missing },
    });
  }
  return targets;
}

/**
 * The agent files of a folder as Claude Code finds them (scan.ts), and `*.md` entries that are not
 * regular files (FIFOs, devices, sockets): Claude Code never reads those, audit lists them with an error.
 */
function folderTargets(root: string, display: string, scope: Target['scope'], managedPaths: Set<string> | null): Target[] {
  const tree = scanTree(root);
  const targets: Target[] = tree.files.map((scanned) => ({
    file: scanned.file,
    display: path.join(display, ...scanned.relative.split('/')),
    scope,
    managed: managedPaths === null ? null : managedPaths.has(scanned.relative),
  }));
  for (const [relative, kind] of tree.entries) {
    if (kind !== 'other' || !relative.endsWith('.md')) continue;
    targets.push({
      file: path.join(root, ...relative.split('/')),
      display: path.join(display, ...relative.split('/')),
      scope,
      managed: null,
      notRegular: true,
    });
  }
  return targets;
}

/** No paths: the agents folders of both scopes (`-g`: the user scope only, `--project`: the project scope only). */
function scopeTargets(ctx: CommandContext, options: AuditOptions): Target[] {
  const scopes: Scope[] = [];
  if (!ctx.global) {
    const project = options.project ? projectScope(ctx) : optionalScope(() => projectScope(ctx));
    if (project) scopes.push(project);
  }
  if (!options.project) {
    const user = ctx.global ? userScope(ctx) : optionalScope(() => userScope(ctx));
    if (user) scopes.push(user);
  }
  const targets: Target[] = [];
  for (const scope of scopes) {
    let managed: Set<string> | null;
    try {
      managed = new Set(Object.values(lockfileFor(ctx, scope, 'show').agents).map((entry) => entry.path));
    } catch (error) {
      if (!isAgentInstallError(error)) throw error;
      ctx.warn(`${error.message} (audit cannot tell managed agents from unmanaged ones in ${displayPath(ctx, scope.agentsDir)})`);
      managed = null;
    }
    targets.push(...folderTargets(scope.agentsDir, displayPath({ cwd: ctx.cwd }, scope.agentsDir), scope.kind, managed));
  }
  return targets;
}

/** The one buffer every file is read into. */
const scratch = Buffer.allocUnsafe(MAX_AGENT_FILE_BYTES);

const UNREAD: Grants = grantsOf({ loaded: false, tools: { kind: 'none' }, dropped: [] });

interface Audited {
  agent: AuditedAgent;
  findings: AuditFinding[];
}

function auditTarget(target: Target): Audited {
  const row = (error: AuditedAgent['error']): Audited => ({
    agent: { file: target.display, name: null, scope: target.scope, managed: target.managed, loaded: false, risky: [], grants: UNREAD, error },
    findings: [],
  });
  if (target.notRegular)
    return row({ code: 'not-regular', message: 'not a regular file (a FIFO, socket or device); Claude Code does not read it and neither does audit' });
  let read: BoundedRead;
  try {
    read = readFileBounded(target.file, MAX_AGENT_FILE_BYTES, { scratch });
  } catch (error) {
    const message = isAgentInstallError(error) ? error.message : String(error);
    return row({ code: /not a regular file/.test(message) ? 'not-regular' : 'unreadable', message });
  }
  if (read.bytes === null) {
    return row({
      code: 'too-large',
      message: `${read.size.toLocaleString('en-US')} bytes: Claude Code skips agent files over ${MAX_AGENT_FILE_BYTES.toLocaleString('en-US')} bytes, so it grants nothing`,
    });
  }
  const check = checkAgentBytes(read.bytes, { fileName: path.basename(target.file), size: read.size });
  const grants = grantsOf(check.effective);
  const findings = findingsOf(read.bytes, check.effective, grants);
  // Copies: the name may be a slice of the file's text, which it would keep alive.
  const name = check.agent?.name ?? check.name;
  return {
    agent: {
      file: target.display,
      name: name === undefined ? null : (JSON.parse(JSON.stringify(name)) as string),
      scope: target.scope,
      managed: target.managed,
      loaded: grants.loaded,
      risky: riskyGrants(grants),
      grants,
      error: null,
    },
    findings,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Output in chunks of about this size (one write per file would cost a system call each). */
const FLUSH_AT = 16 * 1024;

const indented = (value: unknown, depth: number): string =>
  `${'  '.repeat(depth)}${JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`)}`;

/**
 * `audit [path...]`: each agent's grants (what Claude Code lets it do) and the findings in its text;
 * exit 3 when a finding reaches `--fail-on` (default: `grants.failOn` of the config, else high). Without paths: the agents folders of
 * both scopes, managed and unmanaged files alike. Nothing in a file is ever run.
 *
 * Files are read and audited one at a time; the human output is written as it goes and the
 * `--json` document is spooled per file (as validate does), so memory stays flat over many files.
 */
export async function run(ctx: CommandContext, paths: string[], options: AuditOptions): Promise<CommandResult> {
  // --fail-on wins; else the config's grants.failOn (the stricter of the project's and the user's), else high.
  const failOn = parseFailOn(options.failOn ?? readPolicy(ctx, ctx.global).failOn?.value);
  const targets = onceEach(paths.length > 0 ? namedTargets(ctx, paths) : scopeTargets(ctx, options));
  if (targets.length === 0) ctx.warn(paths.length > 0 ? `no agent files (*.md) in ${paths.join(', ')}` : 'no agent files in the project or user agents folder');

  const { style } = ctx;
  const counts: Record<FindingSeverity, number> = { high: 0, medium: 0, low: 0 };
  const riskyCounts = { agents: 0, hooks: 0, mcp: 0, bypass: 0 };
  let failing = 0;
  let buffered = '';
  let started = false;
  const flush = () => {
    if (buffered !== '') ctx.stream(buffered);
    buffered = '';
  };
  // The spool is validate's too; loaded only for --json (so validate never loads audit's code for it).
  const Spool = ctx.json ? (await import('../core/io/spool.js')).Spool : undefined;
  const items = Spool ? new Spool('agent-install-audit-') : undefined;
  const agents = Spool ? new Spool('agent-install-audit-') : undefined;
  const paint: Record<FindingSeverity, (text: string) => string> = { high: style.red, medium: style.yellow, low: style.dim };

  try {
    for (const target of targets) {
      const { agent, findings } = auditTarget(target);
      for (const finding of findings) counts[finding.severity]++;
      const fails = failOn !== 'none' && findings.some((f) => reaches(f.severity, failOn));
      if (fails) failing++;
      if (agent.risky.length > 0) riskyCounts.agents++;
      for (const risky of agent.risky) riskyCounts[risky.kind]++;
      if (items && agents) {
        const rows: AuditItem[] = findings.map((f) => ({
          file: agent.file,
          name: agent.name,
          severity: f.severity,
          code: f.code,
          message: f.message,
          line: f.line,
          column: f.column ?? null,
          evidence: f.evidence,
        }));
        if (rows.length > 0) items.add(rows.map((r) => indented(r, 2)).join(',\n'));
        agents.add(indented(agent, 2));
        continue;
      }
      if (ctx.quiet && findings.length === 0 && agent.error === null) continue;
      const lines: string[] = [];
      const where = [agent.scope, agent.managed === null ? null : agent.managed ? 'managed' : 'unmanaged'].filter((w) => w !== null).join(', ');
      lines.push(
        `${style.bold(escapeForDisplay(agent.file))}  ${agent.name === null ? style.dim('(no name)') : escapeForDisplay(agent.name)}${where ? style.dim(`  (${where})`) : ''}`,
      );
      if (agent.error) lines.push(`  ${style.red('error')}  ${escapeForDisplay(agent.error.message)}`);
      else for (const line of formatGrantsSummary(agent.grants, style)) lines.push(`  ${line}`);
      for (const f of findings) {
        lines.push(
          `  ${paint[f.severity](f.severity.padEnd(6))}  ${`${f.line}${f.column ? `:${f.column}` : ''}`.padEnd(7)}  ${style.dim(f.code)}  ${f.message}`,
        );
        if (f.evidence) lines.push(`          ${style.dim(f.evidence)}`);
      }
      buffered += `${started ? '\n' : ''}${lines.join('\n')}\n`;
      started = true;
      if (buffered.length >= FLUSH_AT) flush();
    }
  } catch (error) {
    items?.close();
    agents?.close();
    throw error;
  }

  const ok = failing === 0;
  const failure: CommandResult['failure'] = ok
    ? undefined
    : {
        code: 'AUDIT_FINDINGS',
        message: `${plural(failing, 'file')} with findings of severity ${failOn}${failOn === 'high' ? '' : ' or higher'}.`,
        hint: 'Read the findings; `--fail-on` sets the severity that fails the run (high, medium, low or none).',
      };
  const exit = { exitCode: ok ? ExitCode.ok : ExitCode.differences, ...(failure ? { failure } : {}) };

  if (items && agents) {
    const head = { ok, files: targets.length, failOn, findings: counts, risky: riskyCounts };
    const writeJson = (write: (text: string) => void) => {
      try {
        const start = JSON.stringify(head, null, 2);
        write(`${start.slice(0, -2)},\n  "items": [`);
        let first = true;
        for (const fragment of items.fragments()) {
          write(`${first ? '\n' : ',\n'}${fragment}`);
          first = false;
        }
        write(`${first ? '' : '\n  '}],\n  "agents": [`);
        first = true;
        for (const fragment of agents.fragments()) {
          write(`${first ? '\n' : ',\n'}${fragment}`);
          first = false;
        }
        write(`${first ? '' : '\n  '}]`);
        if (failure) write(`,\n  "error": ${indented(failure, 1).trimStart()}`);
        write('\n}');
      } finally {
        items.close();
        agents.close();
      }
    };
    return { json: null, writeJson, text: '', ...exit };
  }

  if (!ctx.quiet) {
    const risky =
      riskyCounts.agents === 0
        ? 'no risky grants'
        : `${plural(riskyCounts.agents, 'agent')} with risky grants (${(['hooks', 'mcp', 'bypass'] as const)
            .filter((k) => riskyCounts[k] > 0)
            .map((k) => `${k === 'mcp' ? 'inline MCP servers' : k === 'bypass' ? 'bypassPermissions' : 'hooks'} ${riskyCounts[k]}`)
            .join(', ')})`;
    const verdict = failOn === 'none' ? '' : ok ? '' : `; ${plural(failing, 'file')} at or above --fail-on ${failOn} (exit 3)`;
    buffered += `${started ? '\n' : ''}${plural(targets.length, 'file')} audited: ${counts.high} high, ${counts.medium} medium, ${counts.low} low; ${risky}${verdict}\n`;
  }
  flush();
  return { json: null, text: '', ...exit };
}
