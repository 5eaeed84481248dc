import { ExitCode } from '../core/errors.js';
import { findOutdated, type OutdatedKind } from '../core/resolve/outdated.js';
import { OTHER_TARGETS } from '../core/targets/ids.js';
import { type CommandContext, type CommandResult, commandScope, formatTable, scopeJson } from './context.js';
import { lockfileFor } from './lockfile-state.js';

export interface OutdatedOptions {
  exitCode?: boolean;
}

const WHAT: Record<OutdatedKind, string> = { version: 'newer version', changed: 'source changed', new: 'new in source', gone: 'gone from source' };

export async function run(ctx: CommandContext, options: OutdatedOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const lockfile = lockfileFor(ctx, scope, 'use');
  const found = await findOutdated(lockfile, ctx, scope.root);
  const { unchecked } = found;
  // Targets: each row names the other tools' files an upgrade would rewrite too.
  const rows = found.rows.map((r) => {
    const held = lockfile.agents[r.name]?.targets ?? {};
    const targets = OTHER_TARGETS.filter((t) => held[t] !== undefined);
    return targets.length > 0 ? { ...r, targets } : r;
  });
  const withTargets = rows.some((r) => 'targets' in r);
  const targetsCell = (r: (typeof rows)[number]) => ('targets' in r ? r.targets.join(' ') : '-');
  if (unchecked.length > 0) {
    ctx.warn(`--offline: not checked (their versions are not in the cache): ${unchecked.map((u) => u.name).join(', ')}. Run without --offline to check them.`);
  }
  const table = [
    ...rows.map((r) => [r.name, r.current, r.wanted, r.latest, r.requested, ...(withTargets ? [targetsCell(r)] : []), WHAT[r.kind]]),
    ...unchecked.map((u) => [u.name, '?', '?', '?', u.source, ...(withTargets ? ['?'] : []), 'not checked: needs the network (--offline)']),
  ];
  const header = ['NAME', 'CURRENT', 'WANTED', 'LATEST', 'REQUESTED', ...(withTargets ? ['TARGETS'] : []), 'WHAT'];
  const text = table.length ? formatTable(header, table, ctx.style) : 'All agents are up to date.';
  const lines = [text];
  if (rows.length === 0 && unchecked.length > 0) lines.push('Every agent that could be checked offline is up to date.');
  if (ctx.quiet)
    lines.splice(0, lines.length, ...(table.length ? [text] : [])); // -q: the table alone, nothing when all is up to date
  else if (rows.length > 0) lines.push('`agent-install upgrade` takes what WANTED shows (and new agents of a folder source); `upgrade --latest` takes LATEST.');
  return {
    json: { ok: true, scope: scopeJson(scope), outdated: rows, ...(unchecked.length > 0 ? { unchecked } : {}) },
    text: lines.join('\n'),
    exitCode: options.exitCode && rows.length > 0 ? ExitCode.differences : ExitCode.ok,
    ...(options.exitCode && rows.length > 0
      ? {
          failure: {
            code: 'OUTDATED',
            message: `${rows.length} agent${rows.length === 1 ? ' is' : 's are'} behind ${rows.length === 1 ? 'its source' : 'their sources'}.`,
            hint: 'Run `agent-install upgrade` (or `upgrade --latest`).',
          },
        }
      : {}),
  };
}
