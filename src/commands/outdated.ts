import { ExitCode } from '../core/errors.js';
import { readScopeLockfile } from '../core/lockfile/scope-lockfile.js';
import { findOutdated } from '../core/resolve/outdated.js';
import { type CommandContext, type CommandResult, commandScope, formatTable, scopeJson } from './context.js';

export interface OutdatedOptions {
  exitCode?: boolean;
}

export async function run(ctx: CommandContext, options: OutdatedOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const { rows, unchecked } = await findOutdated(readScopeLockfile(scope), ctx);
  if (unchecked.length > 0) {
    ctx.warn(`--offline: not checked (their versions are not in the cache): ${unchecked.map((u) => u.name).join(', ')}. Run without --offline to check them.`);
  }
  const text = rows.length
    ? formatTable(
        ['NAME', 'CURRENT', 'WANTED', 'LATEST', 'REQUESTED'],
        rows.map((r) => [r.name, r.current, r.wanted, r.latest, r.requested]),
        ctx.style,
      )
    : unchecked.length > 0
      ? 'Every agent that could be checked offline is up to date.'
      : 'All agents are up to date.';
  return {
    json: { ok: true, scope: scopeJson(scope), outdated: rows, ...(unchecked.length > 0 ? { unchecked } : {}) },
    text,
    exitCode: options.exitCode && rows.length > 0 ? ExitCode.differences : ExitCode.ok,
    ...(options.exitCode && rows.length > 0
      ? { failure: { code: 'OUTDATED', message: `${rows.length} agent(s) have newer versions.`, hint: 'Run `agent-install upgrade` (or `upgrade --latest`).' } }
      : {}),
  };
}
