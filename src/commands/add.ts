import { COMMANDS } from '../cli/spec.js';
import { suggest } from '../core/did-you-mean.js';
import { AgentInstallError, UsageError } from '../core/errors.js';
import { planWrites } from '../core/plan/writes.js';
import { type CheckedCandidate, checkCandidate } from '../core/resolve/check.js';
import { rememberCandidate } from '../core/resolve/locked.js';
import { parseSpec } from '../core/sources/index.js';
import type { Candidate } from '../core/sources/types.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { runWritingPlan } from './run-plan.js';

export interface AddOptions {
  force?: boolean;
  dryRun?: boolean;
}

/**
 * `agent-install lsit` reaches `add` as a spec. When no agent has that name but a command has
 * nearly that name, it was a mistyped command: a usage error (exit 2), not a missing agent.
 */
function mistypedCommand(raw: string, specs: string[], error: unknown): UsageError | null {
  if (specs.length !== 1 || !(error instanceof AgentInstallError) || error.code !== 'AGENT_NOT_FOUND' || !/^[a-z-]+$/.test(raw)) return null;
  const command = suggest(
    raw,
    COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]),
  );
  if (command === undefined) return null;
  return new UsageError(`Unknown command "${raw}" (and no agent has that name). Did you mean \`agent-install ${command}\`?`, {
    code: 'UNKNOWN_COMMAND',
    hint: 'Run `agent-install --help` for the commands; `agent-install search` lists the agents.',
  });
}

export async function run(ctx: CommandContext, specs: string[], options: AddOptions): Promise<CommandResult> {
  if (specs.length === 0) {
    throw new UsageError('Nothing to add: name at least one agent.', {
      hint: 'For example `agent-install fastapi-backend-builder`; `agent-install install` installs what the lockfile records.',
    });
  }
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  // Resolve and validate everything before touching the scope: a bad spec writes nothing.
  const checked: CheckedCandidate[] = [];
  for (const raw of specs) {
    const { source, spec } = await parseSpec(raw, ctx);
    let candidates: Candidate[];
    try {
      candidates = await source.resolve(spec, ctx);
    } catch (error) {
      throw mistypedCommand(raw, specs, error) ?? error;
    }
    for (const candidate of candidates) checked.push(await checkCandidate(candidate));
  }
  if (!dryRun) for (const { candidate } of checked) rememberCandidate(ctx, candidate);
  const plan = await runWritingPlan(
    ctx,
    scope,
    { doing: 'Installing into', would: 'Would install into' },
    (snapshot) => planWrites(snapshot, checked, { force: options.force === true }),
    { dryRun },
  );
  const warnings = checked.flatMap(({ agent, warnings }) => warnings.map((w) => ({ agent: agent.name, ...w })));
  for (const w of warnings) ctx.warn(`${w.agent}:${w.line}:${w.column}  warning  ${w.code}  ${w.message}${w.fix ? ` (fix: ${w.fix})` : ''}`);
  const lines = formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose });
  const summary = planSummary(plan, { dryRun });
  if (summary) lines.push(summary);
  else lines.push(`Locked in ${displayPath(ctx, scope.lockfilePath)}`);
  return {
    json: { ok: true, dryRun, scope: scopeJson(scope), actions: planJson(plan), warnings },
    text: lines.join('\n'),
  };
}
