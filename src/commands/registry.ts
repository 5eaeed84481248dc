import path from 'node:path';
import { loadValidate } from '../core/agent/load.js';
import { GuardedFolder } from '../core/io/guarded-folder.js';
import { sortValidVersions } from '../core/resolve/versions.js';
import { buildRegistryIndex } from '../core/sources/registry/build.js';
import { type CommandContext, type CommandResult, displayPath } from './context.js';

export interface RegistryBuildOptions {
  baseUrl?: string;
  out?: string;
  dryRun?: boolean;
}

/** `agent-install registry build <dir>`: writes `<dir>/index.json` (or `--out`) for a static registry. */
export async function run(ctx: CommandContext, dir: string, options: RegistryBuildOptions): Promise<CommandResult> {
  const root = path.resolve(ctx.cwd, dir);
  const outFile = path.resolve(ctx.cwd, options.out ?? path.join(root, 'index.json'));
  const { checkAgentBytes } = await loadValidate();
  const built = buildRegistryIndex(root, { outFile, ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}) }, checkAgentBytes);
  for (const { file, issue } of built.warnings) {
    ctx.warn(`${file}:${issue.line}:${issue.column}  warning  ${issue.code}  ${issue.message}${issue.fix ? ` (fix: ${issue.fix})` : ''}`);
  }
  if (ctx.verbose) for (const file of built.ignored) ctx.info(`ignored ${file} (not agents/<name>/<version>.md)`);
  const dryRun = options.dryRun === true;
  if (!dryRun) GuardedFolder.open(path.dirname(outFile)).writeFile(path.basename(outFile), built.text);
  const agents = Object.entries(built.index.agents).map(([name, agent]) => ({ name, versions: sortValidVersions(Object.keys(agent.versions)) }));
  const count = agents.reduce((n, a) => n + a.versions.length, 0);
  const lines = ctx.quiet ? [] : agents.map((a) => `  ${a.name}  ${a.versions.join(', ')}`);
  if (!ctx.quiet)
    lines.push(
      `${dryRun ? 'Would write' : 'Wrote'} ${displayPath(ctx, outFile)}: ${agents.length} agent${agents.length === 1 ? '' : 's'}, ${count} version${count === 1 ? '' : 's'}.`,
    );
  return {
    json: { ok: true, dryRun, out: outFile, agents, ignored: built.ignored, warnings: built.warnings.map(({ file, issue }) => ({ file, ...issue })) },
    text: lines.join('\n'),
  };
}
