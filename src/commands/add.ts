import { existsSync } from 'node:fs';
import { loadValidate } from '../core/agent/load.js';
import { parseAllow, riskyKinds } from '../core/approvals.js';
import { readPolicy } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import type { ApprovalKind, Approved } from '../core/lockfile/lockfile.js';
import { readLockfile } from '../core/lockfile/read.js';
import { planWrites } from '../core/plan/writes.js';
import { type CheckedCandidate, checkCandidate } from '../core/resolve/check.js';
import { rememberCandidate } from '../core/resolve/locked.js';
import { optionalScope, projectScope, type Scope, userScope } from '../core/scope/scope.js';
import { parseSpec } from '../core/sources/index.js';
import type { Candidate } from '../core/sources/types.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { runWritingPlan } from './run-plan.js';
import { chosenTargets, codexDeclaresMcp, withTargets } from './targets.js';

export interface AddOptions {
  force?: boolean;
  dryRun?: boolean;
  /** `--allow hooks,mcp`: risky grants approved on the command line. */
  allow?: string[] | undefined;
  /** A subfolder of the agents folder for new agents. */
  dir?: string | undefined;
  /** Targets: `--target a,b` (repeatable). */
  target?: string[] | undefined;
  strictTargets?: boolean;
}

/** `--dir team/reviewers`: a plain relative folder below the agents folder. */
function subfolder(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  const clean = dir
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  if (
    clean === '' ||
    clean.startsWith('/') ||
    /^[A-Za-z]:/.test(clean) ||
    clean.split('/').some((s) => s === '' || s === '.' || s === '..' || s.startsWith('.'))
  ) {
    throw new UsageError(`--dir ${JSON.stringify(dir)}: expected a subfolder of the agents folder, such as team or team/reviewers.`, {
      hint: 'No absolute paths, no `..`, no hidden folders.',
    });
  }
  return clean;
}

export async function run(ctx: CommandContext, specs: string[], options: AddOptions): Promise<CommandResult> {
  if (specs.length === 0) {
    throw new UsageError('Nothing to add: name at least one agent.', {
      hint: 'For example `agent-install fastapi-backend-builder`; `agent-install install` installs what the lockfile records.',
    });
  }
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  const dir = subfolder(options.dir);
  const allow = parseAllow(options.allow);
  const want = chosenTargets(ctx, options.target);
  // Resolve and validate everything before touching the scope: a bad spec writes nothing.
  const checked: CheckedCandidate[] = [];
  for (const raw of specs) {
    const { source, spec } = await parseSpec(raw, ctx);
    const candidates: Candidate[] = await source.resolve(spec, ctx);
    for (const candidate of candidates) checked.push(await checkCandidate(candidate));
  }
  await approveCandidates(ctx, scope.lockfilePath, checked, allow, dryRun);
  if (!dryRun) for (const { candidate } of checked) rememberCandidate(ctx, candidate);
  const plan = await runWritingPlan(
    ctx,
    scope,
    { doing: 'Installing into', would: 'Would install into' },
    (snapshot) =>
      withTargets(planWrites(snapshot, checked, { force: options.force === true, ...(dir ? { dir } : {}) }), {
        want,
        strict: options.strictTargets === true,
        force: options.force === true,
        codexMcp: codexDeclaresMcp(ctx, scope),
        source: (name) => {
          const found = checked.find((c) => c.agent.name === name);
          return found ? { theirs: async () => found.candidate.bytes } : undefined;
        },
      }),
    { dryRun },
  );
  // Loaded only here: reading the other scope's files is no part of planning.
  const added = plan.actions.filter((a) => 'entry' in a && a.type !== 'conflict' && !('previous' in a && a.previous)).map((a) => a.name);
  if (!dryRun && added.length > 0 && otherScopeHasAgents(ctx, scope)) await (await import('./cross-scope.js')).warnOtherScope(ctx, scope, added);
  const warnings = checked.flatMap(({ agent, warnings }) => warnings.map((w) => ({ agent: agent.name, ...w })));
  for (const w of warnings) ctx.warn(`${w.agent}:${w.line}:${w.column}  warning  ${w.code}  ${w.message}${w.fix ? ` (fix: ${w.fix})` : ''}`);
  const lines = formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose, quiet: ctx.quiet });
  const approvals = approvalLines(checked);
  lines.push(...approvals.lines);
  const summary = planSummary(plan, { dryRun });
  if (!ctx.quiet) lines.push(summary || `Locked in ${displayPath(ctx, scope.lockfilePath)}`);
  return {
    json: { ok: true, dryRun, scope: scopeJson(scope), actions: planJson(plan), warnings, approved: approvals.json },
    text: lines.join('\n'),
  };
}

/** Whether the other scope has an agents folder at all: without one, nothing there can share a name (and nothing more is loaded). */
function otherScopeHasAgents(ctx: CommandContext, scope: Scope): boolean {
  const other = optionalScope(() => (scope.kind === 'project' ? userScope(ctx) : projectScope(ctx)));
  return other !== null && other.agentsDir !== scope.agentsDir && existsSync(other.agentsDir);
}

/**
 * Risky grants need approval before anything is written (README, "Approvals and policy"): an
 * earlier approval of the same content in the lock entry, `--allow`, the user's `grants.allow`,
 * or a yes on the terminal. Approved candidates carry what their lock entry records.
 */
export async function approveCandidates(
  ctx: CommandContext,
  lockfilePath: string,
  checked: CheckedCandidate[],
  allow: ReadonlySet<ApprovalKind>,
  dryRun = false,
): Promise<void> {
  // Nearly every agent has a kind a policy may make risky (unrestricted Bash): the policy decides.
  if (checked.every((c) => Object.keys(c.risky).length === 0)) return;
  const policy = readPolicy(ctx, ctx.global);
  const riskyUnder = (hashes: Approved) => riskyKinds(hashes).filter((kind) => policy.risky.has(kind));
  const risky = checked.filter((c) => riskyUnder(c.risky).length > 0 || policy.deny.size > 0);
  if (risky.length === 0) return;
  // Loaded only here: most adds (any agent with `tools` unrestricted) stop at the policy.
  const { approveGrants } = await import('./approve.js');
  // The earlier approvals (read without the scope lock: prompting must not hold it).
  const locked = readLockfile(lockfilePath).agents;
  // A bundled agent the build checked has no grants at hand: read them to show what is approved.
  for (const c of risky) {
    if (c.grants !== undefined || riskyUnder(c.risky).length === 0) continue;
    const { checkAgentBytes, grantsOf } = await loadValidate();
    c.grants = grantsOf(checkAgentBytes(c.candidate.bytes, { fileName: c.candidate.fileName }).effective);
  }
  const approved = await approveGrants(
    ctx,
    risky.map((c) => {
      const previous = Object.hasOwn(locked, c.agent.name) ? locked[c.agent.name]?.approved : undefined;
      return {
        name: c.agent.name,
        source: c.candidate.source,
        risky: c.risky,
        ...(c.grants ? { grants: c.grants } : {}),
        ...(previous ? { previous } : {}),
      };
    }),
    { command: 'add', allow, policy, dryRun },
  );
  for (const c of risky) {
    const record = approved.get(c.agent.name);
    if (record) c.candidate.approved = record;
  }
}

/** One line per agent recorded with approved risky grants. */
function approvalLines(checked: CheckedCandidate[]): { lines: string[]; json: Array<{ name: string; approved: Record<string, string> }> } {
  const json = checked.flatMap((c) =>
    c.candidate.approved && Object.keys(c.candidate.approved).length > 0 ? [{ name: c.agent.name, approved: { ...c.candidate.approved } }] : [],
  );
  return { lines: json.map((a) => `  approved ${Object.keys(a.approved).join(', ')} for ${a.name} (recorded in the lock entry)`), json };
}
