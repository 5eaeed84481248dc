import { existsSync } from 'node:fs';
import path from 'node:path';
import { readConfig } from '../core/config.js';
import { readFileBounded } from '../core/io/bounded-read.js';
import type { Plan } from '../core/plan/plan.js';
import type { BuiltPlan } from '../core/plan/transaction.js';
import { scopeFolders, targetsFolder } from '../core/scope/folders.js';
import type { Scope } from '../core/scope/scope.js';
import { type OtherTarget, parseTargets } from '../core/targets/ids.js';
import type { TargetPlanOptions } from '../core/targets/plan.js';
import type { CommandContext } from './context.js';

/** `--target a,b` wins over the configuration's `targets`; the default is Claude Code alone. */
export function chosenTargets(ctx: CommandContext, flag: string[] | undefined): OtherTarget[] {
  if (flag !== undefined && flag.length > 0) return parseTargets(flag);
  return parseTargets(readConfig(ctx, ctx.global).targets ?? []);
}

/** A Codex config.toml that declares an MCP server (a `[mcp_servers.…]` table or an `mcp_servers` key). */
const MCP_SERVERS = /^[ \t]*\[?[ \t]*["']?mcp_servers["']?[ \t]*[.\]=]/m;

/**
 * Does a Codex configuration this run's roles would be read with declare MCP servers: the user's
 * `~/.codex/config.toml`, and in a project its `.codex/config.toml` (docs/targets-mapping.md
 * §3.5)? One that cannot be read counts as declaring them.
 */
export function codexDeclaresMcp(ctx: CommandContext, scope: Scope): boolean {
  const files = [path.join(ctx.home, '.codex', 'config.toml')];
  if (scope.kind === 'project') files.push(path.join(scope.root, '.codex', 'config.toml'));
  return files.some((file) => {
    if (!existsSync(file)) return false;
    try {
      const read = readFileBounded(file, 4 * 1024 * 1024);
      return read.bytes === null || MCP_SERVERS.test(Buffer.from(read.bytes).toString('utf8'));
    } catch {
      return true;
    }
  });
}

/** Does the plan meet a target (one to add, or one an entry records)? Only then are the translations loaded. */
function meetsTargets(plan: Plan, want: readonly OtherTarget[]): boolean {
  if (want.length > 0) return plan.actions.some((a) => a.type !== 'skip' && a.type !== 'conflict');
  return plan.actions.some((a) => ('previous' in a && a.previous?.targets !== undefined) || ('entry' in a && a.entry?.targets !== undefined));
}

/** Adds the target files to a built plan (see core/targets/plan.ts); their refusals join the plan's. */
export async function withTargets(built: BuiltPlan, options: TargetPlanOptions): Promise<BuiltPlan> {
  if (!meetsTargets(built.plan, options.want)) return built;
  const { planTargets } = await import('../core/targets/plan.js');
  const refusals = await planTargets(built.plan, targetsFolder(scopeFolders(built.plan.scope)), options);
  return { ...built, refusals: [...built.refusals, ...refusals] };
}
