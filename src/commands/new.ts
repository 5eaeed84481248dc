import { lstatSync } from 'node:fs';
import {
  assertNewAgentName,
  buildAgentSpec,
  checkColorOption,
  checkDescriptionOption,
  checkEffortOption,
  checkMemoryOption,
  checkModelOption,
  loadTemplate,
  type NewAgentOptions,
  parseToolsOption,
  renderAgent,
} from '../core/agent/scaffold.js';
import { checkAgentText } from '../core/agent/validate.js';
import { AgentInstallError } from '../core/errors.js';
import { ensureScopeFolders, scopeFolders } from '../core/scope/folders.js';
import type { Scope } from '../core/scope/scope.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { filesNamed, warnOtherScope } from './cross-scope.js';

export interface NewOptions {
  template?: string;
  description?: string;
  tools?: string;
  model?: string;
  effort?: string;
  color?: string;
  memory?: string;
  print?: boolean;
  dryRun?: boolean;
}

export const DEFAULT_TEMPLATE = 'blank';

/** `none` removes a line the template would otherwise write. */
function optional<T>(value: string | undefined, check: (value: string) => T): T | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  return check(value);
}

function toNewAgentOptions(options: NewOptions): NewAgentOptions {
  const out: NewAgentOptions = { tools: options.tools === undefined ? 'template' : parseToolsOption(options.tools) };
  if (options.description !== undefined) out.description = checkDescriptionOption(options.description);
  const model = optional(options.model, checkModelOption);
  if (model !== undefined) out.model = model;
  const effort = optional(options.effort, checkEffortOption);
  if (effort !== undefined) out.effort = effort;
  const color = optional(options.color, checkColorOption);
  if (color !== undefined) out.color = color;
  const memory = optional(options.memory, checkMemoryOption);
  if (memory !== undefined) out.memory = memory;
  return out;
}

export function occupied(target: string): boolean {
  try {
    lstatSync(target);
    return true;
  } catch {
    return false;
  }
}

export function existsError(shown: string): AgentInstallError {
  return new AgentInstallError(`Refusing to overwrite ${shown}: it already exists.`, {
    code: 'AGENT_EXISTS',
    hint: `Choose another name, or edit the existing file. \`agent-install validate ${shown}\` checks it.`,
  });
}

/**
 * A file `new` or `import` may create: nothing at `target`, and no agent of the tree named `name`
 * (Claude Code keys agents on `name`, not on the file name). `advice` ends the hint.
 */
export async function assertNewAgent(ctx: CommandContext, scope: Scope, target: string, name: string, advice: string): Promise<void> {
  if (occupied(target)) throw existsError(displayPath(ctx, target));
  const sameName = await filesNamed(scope, name);
  if (sameName.length === 0) return;
  throw new AgentInstallError(`An agent named ${JSON.stringify(name)} already exists in ${displayPath(ctx, scope.agentsDir)}: ${sameName.join(', ')}.`, {
    code: 'AGENT_NAME_TAKEN',
    hint: `Claude Code identifies agents by \`name\`, not by file name, and loads only one of two with the same name. ${advice}`,
  });
}

/**
 * Scaffolds `<agents dir>/<name>.md` from a template. Never overwrites, never adds a second agent
 * of a name the tree already has, and leaves the lockfile alone: the file is the user's own.
 */
export async function run(ctx: CommandContext, name: string, options: NewOptions): Promise<CommandResult> {
  assertNewAgentName(name);
  const agentOptions = toNewAgentOptions(options);
  const templateName = options.template ?? DEFAULT_TEMPLATE;
  const template = loadTemplate(ctx.packageRoot, templateName);
  const spec = buildAgentSpec(name, template, agentOptions);
  const text = renderAgent(spec);

  // The promise of `new`: the file validates with nothing to report. A template or flag combination
  // that breaks it is our bug, so it is refused rather than written.
  const issues = checkAgentText(text, { fileName: `${name}.md` }).issues;
  if (issues.length > 0) {
    throw new AgentInstallError(
      `The generated agent would not validate cleanly: ${issues.map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`).join('; ')}`,
      {
        code: 'TEMPLATE_INVALID',
        hint: 'This is a bug in agent-install (or in the template); please report it with the command you ran.',
        details: { issues },
      },
    );
  }

  const summary = {
    name,
    template: templateName,
    description: spec.description,
    tools: spec.tools ?? null,
    model: spec.model ?? null,
    effort: spec.effort ?? null,
    color: spec.color ?? null,
    memory: spec.memory ?? null,
  };
  if (options.print) {
    // Exactly the file on stdout (cli.ts adds the final newline back).
    return { json: { ok: true, written: false, ...summary, text }, text: text.replace(/\n$/, ''), verbatim: true };
  }

  const scope = commandScope(ctx);
  // Refuses a `.claude` or agents folder that resolves outside the project, as `add` does.
  const folders = scopeFolders(scope);
  const fileName = `${name}.md`;
  const target = folders.agents.resolve(fileName);
  const shown = displayPath(ctx, target);
  await assertNewAgent(ctx, scope, target, name, 'Choose another name.');
  await warnOtherScope(ctx, scope, [name]);

  const dryRun = options.dryRun === true;
  const json = { ok: true, written: !dryRun, dryRun, scope: scopeJson(scope), path: target, ...summary, managed: false };
  const header = `${dryRun ? 'Would create in' : 'Creating in'} ${scope.agentsDir} (${scope.kind} scope)`;
  if (dryRun) {
    const row = `${ctx.style.green('+')} would create  ${shown}  ${ctx.style.dim(`(template: ${templateName})`)}`;
    return { json, text: (ctx.quiet ? [row] : [header, row, 'Dry run: nothing was written.']).join('\n') };
  }
  ctx.out(header);
  ensureScopeFolders(folders);
  folders.agents.createFile(fileName, text, () => existsError(shown));
  const lines = [`${ctx.style.green('+')} created  ${shown}  ${ctx.style.dim(`(template: ${templateName})`)}`];
  if (!ctx.quiet)
    lines.push(
      'Not recorded in the lockfile: it is your own agent (`agent-install list` shows it as unmanaged).',
      `Next: write the prompt${/TODO/.test(text) ? ' (replace the TODOs)' : ''}, then check it with \`agent-install validate ${shown}\`.`,
    );
  return { json, text: lines.join('\n') };
}
