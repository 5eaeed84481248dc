import { cachePut } from '../core/io/cache.js';
import { planAccept } from '../core/plan/accept.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { runWritingPlan } from './run-plan.js';

export interface AcceptOptions {
  dryRun?: boolean;
}

/**
 * `accept <name...>`: the team keeps its own edits of these agents. Afterwards `verify` and
 * `install --frozen` pass on exactly these bytes, `diff --base` shows the edits, and `upgrade`
 * merges upstream changes into them. The accepted bytes are kept in this machine's cache too.
 */
export async function run(ctx: CommandContext, names: string[], options: AcceptOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  let accepted: Array<{ name: string; bytes: Uint8Array }> = [];
  const plan = await runWritingPlan(
    ctx,
    scope,
    { doing: 'Accepting edits in', would: 'Would accept edits in' },
    (snapshot) => {
      const result = planAccept(snapshot, names);
      accepted = result.plan.actions.flatMap((a) => {
        const bytes = snapshot.at(a.path).bytes;
        return a.type === 'unchanged' && a.entry.accepted !== undefined && bytes ? [{ name: a.name, bytes }] : [];
      });
      return result;
    },
    { dryRun },
  );
  if (!dryRun) for (const { bytes } of accepted) cachePut(ctx, bytes);
  const lines = formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose, quiet: ctx.quiet });
  const summary = planSummary(plan, { dryRun });
  if (!ctx.quiet) lines.push(summary || `Updated ${displayPath(ctx, scope.lockfilePath)}; commit it together with the agent files.`);
  return { json: { ok: true, dryRun, scope: scopeJson(scope), actions: planJson(plan) }, text: lines.join('\n') };
}
