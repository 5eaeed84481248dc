/**
 * The frontmatter fields Claude Code 2.1.332 understands (docs/claude-code.md, "fields"), as one
 * zod/mini schema. Every check reports the stable issue code of `validate.ts` as its message, so
 * a failed field maps straight to an issue. Whether a failure is an error (Claude Code skips the
 * file) or a warning (it ignores the field) is decided in `validate.ts`.
 *
 * Unknown keys are kept (`looseObject`), never dropped: validation reports them.
 */
import * as z from 'zod/mini';

export const AGENT_COLORS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'cyan'] as const;

/** `manual` since 2.1.200. */
export const PERMISSION_MODES = ['default', 'acceptEdits', 'auto', 'dontAsk', 'bypassPermissions', 'plan', 'manual'] as const;

export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;

export const MEMORY_SCOPES = ['user', 'project', 'local'] as const;

export const ISOLATION_MODES = ['worktree', 'remote'] as const;

/** Hook events of settings.json `hooks` (code.claude.com/docs/en/hooks). */
export const HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'PermissionRequest',
  'PermissionDenied',
  'Notification',
  'UserPromptSubmit',
  'UserPromptExpansion',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'PostCompact',
  'Elicitation',
  'ElicitationResult',
  'TeammateIdle',
  'TaskCreated',
  'TaskCompleted',
  'Setup',
  'InstructionsLoaded',
  'CwdChanged',
  'FileChanged',
  'ConfigChange',
  'WorktreeCreate',
  'WorktreeRemove',
  'SessionStart',
  'SessionEnd',
  'PreModelSwitch',
  'PostModelSwitch',
  'MessageDisplay',
  'DirectoryAdded',
  'PreSkillShellCommand',
] as const;

export const HOOK_TYPES = ['command', 'prompt', 'agent', 'http', 'mcp_tool'] as const;

/** Model aliases Claude Code resolves itself; compared case-insensitively. */
export const MODEL_ALIASES = ['inherit', 'sonnet', 'opus', 'haiku', 'fable', 'default', 'best', 'opusplan', 'sonnet[1m]', 'opus[1m]'] as const;

const ALIAS_SET = new Set<string>(MODEL_ALIASES);

/**
 * A model value Claude Code will recognise: an alias (any case), or something shaped like a full
 * model id: `claude-sonnet-4-20250514`, `claude-opus-4-1`, Bedrock `us.anthropic.claude-…-v1:0`,
 * Vertex `claude-…@20250514`, optionally with a `[1m]` context suffix.
 */
export function isRecognizedModel(value: string): boolean {
  const lower = value.toLowerCase();
  if (ALIAS_SET.has(lower)) return true;
  return /^(?:(?:[a-z]{2,4}\.)?anthropic\.)?claude-[a-z0-9]+(?:[-.][a-z0-9]+)*(?:@\d{8})?(?::\d+)?(?:\[1m\])?$/.test(lower);
}

/** `name` after Unicode NFKC normalisation contains `:` (the full-width colon counts). */
export function nameHasColon(name: string): boolean {
  return name.normalize('NFKC').includes(':');
}

export const MAX_NAME_LENGTH = 256;

const positiveInt = (code: string) => z.int({ error: code }).check(z.positive({ error: code }));
const toolList = (code: string) => z.union([z.string(), z.array(z.unknown())], { error: code });

const hookCommon = {
  timeout: z.optional(z.number().check(z.positive())),
  statusMessage: z.optional(z.string()),
  once: z.optional(z.boolean()),
};

/** One hook handler: `{ type: 'command', command }`, `{ type: 'prompt', prompt }`, … */
export const hookHandlerSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('command'), command: z.string(), async: z.optional(z.boolean()), ...hookCommon }),
  z.looseObject({ type: z.literal('prompt'), prompt: z.string(), model: z.optional(z.string()), ...hookCommon }),
  z.looseObject({ type: z.literal('agent'), prompt: z.string(), model: z.optional(z.string()), ...hookCommon }),
  z.looseObject({ type: z.literal('http'), url: z.string(), ...hookCommon }),
  z.looseObject({ type: z.literal('mcp_tool'), server: z.string(), tool: z.string(), ...hookCommon }),
]);

/** `{ matcher?, hooks: [handler, …] }` */
export const hookMatcherSchema = z.looseObject({
  matcher: z.optional(z.string()),
  hooks: z.array(hookHandlerSchema),
});

/** The settings.json shape: event name → array of matchers. */
export const hooksSchema = z.partialRecord(z.enum(HOOK_EVENTS), z.array(hookMatcherSchema));

/**
 * One schema per known key. A value failing its schema yields an issue whose message is the
 * issue code (nested `hooks` issues carry zod's own message and map to `hooks-invalid`).
 */
export const agentFieldSchemas = {
  name: z.string({ error: 'name-not-string' }).check(
    z.minLength(1, { error: 'name-missing' }),
    z.refine((value: string) => !value.startsWith('-'), { error: 'name-leading-dash' }),
    z.refine((value: string) => !nameHasColon(value), { error: 'name-colon' }),
    z.maxLength(MAX_NAME_LENGTH, { error: 'name-too-long' }),
  ),
  description: z.string({ error: 'description-not-string' }).check(z.minLength(1, { error: 'description-missing' })),
  model: z.string({ error: 'model-unknown' }).check(
    z.minLength(1, { error: 'model-unknown' }),
    z.refine((value: string) => value.length === 0 || isRecognizedModel(value), { error: 'model-unknown' }),
  ),
  tools: toolList('tools-invalid'),
  disallowedTools: toolList('disallowed-tools-invalid'),
  color: z.enum(AGENT_COLORS, { error: 'color-invalid' }),
  effort: z.union([z.enum(EFFORT_LEVELS), z.int()], { error: 'effort-invalid' }),
  permissionMode: z.enum(PERMISSION_MODES, { error: 'permission-mode-invalid' }),
  mcpServers: z.array(z.union([z.string(), z.record(z.string(), z.unknown())]), { error: 'mcp-servers-invalid' }),
  hooks: hooksSchema,
  maxTurns: positiveInt('max-turns-invalid'),
  autoCompactWindow: positiveInt('auto-compact-window-invalid'),
  skills: z.union([z.string(), z.array(z.string())], { error: 'skills-invalid' }),
  initialPrompt: z.string({ error: 'initial-prompt-invalid' }),
  memory: z.enum(MEMORY_SCOPES, { error: 'memory-invalid' }),
  background: z.boolean({ error: 'background-invalid' }),
  omitClaudeMd: z.boolean({ error: 'omit-claude-md-invalid' }),
  isolation: z.enum(ISOLATION_MODES, { error: 'isolation-invalid' }),
  experimental: z.record(z.string(), z.unknown(), { error: 'experimental-invalid' }),
  observer: z.string(),
  observerMessage: z.string(),
  observeToolResults: z.boolean(),
  observeSubagents: z.boolean(),
};

export type AgentFieldName = keyof typeof agentFieldSchemas;

/** Every key Claude Code reads from agent frontmatter (case-sensitive). */
export const KNOWN_AGENT_KEYS: readonly AgentFieldName[] = Object.keys(agentFieldSchemas) as AgentFieldName[];

/** The whole frontmatter: known fields checked, unknown keys kept. */
export const agentFrontmatterSchema = z.looseObject(
  Object.fromEntries(Object.entries(agentFieldSchemas).map(([key, schema]) => [key, z.optional(schema)])) as {
    [K in AgentFieldName]: z.ZodMiniOptional<(typeof agentFieldSchemas)[K]>;
  },
);

export type AgentFrontmatter = z.infer<typeof agentFrontmatterSchema>;
