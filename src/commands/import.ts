import path from 'node:path';
import { agentFileName } from '../core/agent/names.js';
import { checkAgentText } from '../core/agent/validate.js';
import { AgentInstallError, UsageError } from '../core/errors.js';
import { readFileBounded } from '../core/io/bounded-read.js';
import { ensureScopeFolders, scopeFolders } from '../core/scope/folders.js';
import { type OtherTarget, parseTargets } from '../core/targets/ids.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { assertNewAgent, existsError } from './new.js';

export interface ImportOptions {
  from?: string | undefined;
  print?: boolean;
  dryRun?: boolean;
}

/**
 * Targets (docs/targets-design.md): another tool's agent file as a Claude Code agent file in the
 * agents folder, never locked (like `new`), never overwriting, with what the import lost or
 * approximated. Nothing in the file is run; a tool list is never widened.
 */
export async function run(ctx: CommandContext, file: string, options: ImportOptions): Promise<CommandResult> {
  if (options.from === undefined) {
    throw new UsageError('import needs --from <target>: the tool whose agent file this is.', { hint: 'One of opencode, copilot, gemini, cursor, codex.' });
  }
  const [from] = parseTargets([options.from], '--from') as [OtherTarget | undefined];
  if (from === undefined || options.from.includes(',')) {
    throw new UsageError(`--from ${JSON.stringify(options.from)}: name one tool other than Claude Code.`, {
      code: 'INVALID_OPTION',
      hint: 'One of opencode, copilot, gemini, cursor, codex.',
    });
  }
  const source = path.resolve(ctx.cwd, file);
  const read = readFileBounded(source);
  if (read.bytes === null) throw new AgentInstallError(`${displayPath(ctx, source)} is over 1 MiB; agent files are smaller.`, { code: 'TOO_LARGE' });
  const { importFrom } = await import('../core/targets/translate.js');
  let imported: Awaited<ReturnType<typeof importFrom>>;
  try {
    imported = importFrom(from, new TextDecoder().decode(read.bytes), path.basename(source));
  } catch (error) {
    throw new AgentInstallError(`Cannot import ${displayPath(ctx, source)} as a ${from} agent: ${(error as Error).message}.`, {
      code: 'INVALID_AGENT',
      hint: `Check that it is a ${from} agent file (docs/targets.md describes each tool's format).`,
    });
  }
  const name = checkAgentText(imported.text).name;
  if (name === null || name === undefined) throw new AgentInstallError('The imported agent has no usable name.', { code: 'INVALID_AGENT' });
  const report = { from, source, name, lost: imported.lost, approximated: imported.approximated };
  const lossLines = [
    ...imported.lost.map((l) => `  lost          ${l.field}: ${l.detail}`),
    ...imported.approximated.map((l) => `  approximated  ${l.field}: ${l.detail}`),
  ];
  if (options.print) return { json: { ok: true, written: false, ...report, text: imported.text }, text: imported.text.replace(/\n$/, ''), verbatim: true };
  const scope = commandScope(ctx);
  const folders = scopeFolders(scope);
  // The name becomes the file name, as for `add` and `new`: no separators, control characters or hidden files.
  const fileName = agentFileName(name);
  const target = folders.agents.resolve(fileName);
  const shown = displayPath(ctx, target);
  await assertNewAgent(ctx, scope, target, name, 'Rename one of them.');
  const dryRun = options.dryRun === true;
  const json = { ok: true, written: !dryRun, dryRun, scope: scopeJson(scope), path: target, ...report, managed: false };
  const header = `${dryRun ? 'Would import into' : 'Importing into'} ${scope.agentsDir} (${scope.kind} scope)`;
  if (!dryRun) {
    ensureScopeFolders(folders);
    folders.agents.createFile(fileName, imported.text, () => existsError(shown));
  }
  const row = `${ctx.style.green('+')} ${dryRun ? 'would create' : 'created'}  ${shown}  ${ctx.style.dim(`(from ${from}: ${displayPath(ctx, source)})`)}`;
  // -q, as for `new`: the created row and what the translation lost, no header or note.
  const lines = ctx.quiet
    ? [row, ...lossLines]
    : [
        header,
        row,
        ...(lossLines.length > 0 ? lossLines : ['  nothing lost or approximated']),
        dryRun ? 'Dry run: nothing was written.' : 'Not recorded in the lockfile: it is your own agent (`agent-install list` shows it as unmanaged).',
      ];
  return { json, text: lines.join('\n') };
}
