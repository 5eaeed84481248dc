import { UsageError } from '../core/errors.js';
import { planWrites } from '../core/plan/writes.js';
import { type CheckedCandidate, checkCandidate } from '../core/resolve/check.js';
import { rememberCandidate } from '../core/resolve/locked.js';
import { parseSpec } from '../core/sources/index.js';
import type { Candidate } from '../core/sources/types.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { runWritingPlan } from './run-plan.js';
import { chosenTargets, withTargets } from './targets.js';

export interface AddOptions {
  force?: boolean;
  dryRun?: boolean;
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
  const want = chosenTargets(ctx, options.target);
  // Resolve and validate everything before touching the scope: a bad spec writes nothing.
  const checked: CheckedCandidate[] = [];
  for (const raw of specs) {
    const { source, spec } = await parseSpec(raw, ctx);
    const candidates: Candidate[] = await source.resolve(spec, ctx);
    for (const candidate of candidates) checked.push(await checkCandidate(candidate));
  }
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
        source: (name) => {
          const found = checked.find((c) => c.agent.name === name);
          return found ? { theirs: async () => found.candidate.bytes } : undefined;
        },
      }),
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
