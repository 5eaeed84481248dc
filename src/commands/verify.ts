import { ExitCode } from '../core/errors.js';
import { readScopeLockfile } from '../core/lockfile/scope-lockfile.js';
import { inspectScope } from '../core/scope/inspect.js';
import { verifyInstalled } from '../core/scope/verify.js';
import { type CommandContext, type CommandResult, commandScope, formatTable, scopeJson } from './context.js';

export interface VerifyOptions {
  allowModified?: boolean;
}

export async function run(ctx: CommandContext, options: VerifyOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const lockfile = readScopeLockfile(scope);
  const report = verifyInstalled(await inspectScope(scope, lockfile), { allowModified: options.allowModified === true });
  const locked = report.entries.filter((e) => e.integrity !== undefined).length;
  const rows = report.entries.map((e) => [
    e.status,
    e.name ?? '-',
    (e.movedTo ? `${e.path} → ${e.movedTo}` : e.path + (e.integrity === undefined ? ' (not in the lockfile)' : '')) +
      (e.conflictMarkers ? ' (unresolved conflict markers)' : ''),
  ]);
  const paint = (line: string, i: number) => {
    const entry = report.entries[i - 1];
    if (!entry) return line;
    return entry.drift ? ctx.style.red(line) : entry.status === 'ok' ? line : ctx.style.dim(line);
  };
  const table = rows.length ? formatTable(['STATUS', 'NAME', 'PATH'], rows, ctx.style).split('\n').map(paint).join('\n') : '';
  const summary =
    report.drift > 0
      ? `${report.drift} of ${locked} locked agent${locked === 1 ? '' : 's'} differ${report.drift === 1 ? 's' : ''} from ${scope.lockfilePath}.`
      : `All ${locked} locked agent${locked === 1 ? '' : 's'} match ${scope.lockfilePath}.`;
  return {
    json: { ok: report.drift === 0, scope: scopeJson(scope), drift: report.drift, agents: report.entries },
    text: [table, summary].filter(Boolean).join('\n'),
    exitCode: report.drift > 0 ? ExitCode.differences : ExitCode.ok,
    ...(report.drift > 0
      ? {
          failure: {
            code: 'DRIFT',
            message: summary,
            hint: 'Restore with `agent-install install --force`, keep edits with --allow-modified, or re-lock with `agent-install add`.',
          },
        }
      : {}),
  };
}
