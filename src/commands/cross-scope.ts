import path from 'node:path';
import { loadValidate } from '../core/agent/load.js';
import { type BoundedRead, readFileBounded } from '../core/io/bounded-read.js';
import { scanAgentsTree } from '../core/scope/scan.js';
import { optionalScope, projectScope, type Scope, userScope } from '../core/scope/scope.js';
import { type CommandContext, displayPath } from './context.js';

/** Files in the scope's tree whose `name` is `name` (Claude Code keys agents on it, not on the file name). */
export async function filesNamed(scope: Scope, name: string): Promise<string[]> {
  const out: string[] = [];
  // The rules load only for a file that could be named so (`add` stays as light as it was).
  const needle = Buffer.from(name);
  for (const scanned of scanAgentsTree(scope.agentsDir)) {
    let read: BoundedRead;
    try {
      read = readFileBounded(scanned.file);
    } catch {
      continue;
    }
    if (read.bytes === null || !Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength).includes(needle)) continue;
    const { checkAgentBytes } = await loadValidate();
    const check = checkAgentBytes(read.bytes, { fileName: path.basename(scanned.file) });
    if (check.name === name) out.push(scanned.relative);
  }
  return out;
}

/**
 * Agents just added to one scope whose name an agent of the other scope has: Claude Code loads
 * the project one (docs/claude-code.md), so say which file it hides, or which file hides it.
 */
export async function warnOtherScope(ctx: CommandContext, scope: Scope, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const other = optionalScope(() => (scope.kind === 'project' ? userScope(ctx) : projectScope(ctx)));
  if (!other || other.agentsDir === scope.agentsDir) return;
  for (const name of names) {
    const files = (await filesNamed(other, name)).map((relative) => displayPath(ctx, path.join(other.agentsDir, ...relative.split('/'))));
    if (files.length === 0) continue;
    ctx.warn(
      scope.kind === 'project'
        ? `${name}: your user agent ${files.join(', ')} has the same name; in this project Claude Code loads the project agent instead of it`
        : `${name}: the project agent ${files.join(', ')} has the same name; in that project Claude Code loads it instead of this user agent`,
    );
  }
}
