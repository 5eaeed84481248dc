import { type CliSpec, defineCommand, defineGroup } from './define.js';

/**
 * The command line as data: the parser (parse.ts) and the help renderer (help.ts) both read it,
 * so commands, options and help always agree. Each command's `run` loads its module on first use
 * and receives arguments and options typed from the declaration beside it.
 */

export const GLOBAL_OPTIONS = {
  global: { type: 'boolean', short: 'g', description: 'use the user scope (~/.claude/agents or $CLAUDE_CONFIG_DIR/agents)' },
  cwd: { type: 'string', short: 'C', placeholder: 'dir', description: 'run as if started in <dir>' },
  json: { type: 'boolean', description: 'print one JSON document on stdout' },
  color: { type: 'boolean', negated: true, description: 'disable colour' },
  quiet: { type: 'boolean', short: 'q', description: 'print only results and errors' },
  verbose: { type: 'boolean', short: 'v', description: 'print more detail' },
  offline: { type: 'boolean', description: 'never touch the network; use only the bundled registry, local files and the cache' },
  registry: {
    type: 'string',
    placeholder: 'url',
    repeatable: true,
    description: 'a static registry index.json (URL or path) to search after the bundled one; repeatable',
  },
  help: { type: 'boolean', short: 'h', description: 'show help (of the command, when one is named)' },
  version: { type: 'boolean', short: 'V', description: 'print the version' },
} as const;

const DRY_RUN = { type: 'boolean', description: 'show what would be written, write nothing' } as const;
const ALLOW = {
  type: 'string',
  placeholder: 'kinds',
  repeatable: true,
  description: 'approve risky grants: hooks, mcp, bypass, unrestricted-bash, all-tools or all, comma-separated (a config deny still refuses)',
} as const;

/** Targets (docs/targets-design.md): the coding tools to write each agent for. */
const TARGET_OPTIONS = {
  target: {
    type: 'string',
    placeholder: 'list',
    repeatable: true,
    description: "also write each agent for these tools: opencode, copilot, gemini, cursor, codex (comma-separated; default: claude, or the config's targets)",
  },
  strictTargets: { type: 'boolean', description: 'refuse a translation that loses or approximates any field' },
} as const;

const COMMANDS = [
  defineCommand({
    name: 'add',
    description: 'install agents and record them in the lockfile (the default command)',
    args: [{ name: 'spec', variadic: true, description: 'name[@version|range], ./path, https://…, github:…, git+…, npm:…' }],
    options: {
      force: { type: 'boolean', description: 'overwrite files agent-install does not own or that have local edits' },
      dir: { type: 'string', placeholder: 'folder', description: 'install new agents into this subfolder of the agents folder' },
      allow: ALLOW,
      ...TARGET_OPTIONS,
      dryRun: DRY_RUN,
    },
    run: async (ctx, { args, options }) => (await import('../commands/add.js')).run(ctx, args.spec, options),
  }),
  defineCommand({
    name: 'install',
    aliases: ['i'],
    description: 'install exactly what the lockfile records (with specs: the same as add)',
    args: [{ name: 'spec', variadic: true, description: 'optional: specs to add' }],
    options: {
      frozen: { type: 'boolean', description: 'exit 3 instead of changing the lockfile or any installed file' },
      force: { type: 'boolean', description: 'restore files that differ from the lockfile' },
      allow: { ...ALLOW, description: 'with specs: approve risky grants, as add does (install from the lockfile takes none)' },
      ...TARGET_OPTIONS,
      dryRun: DRY_RUN,
    },
    run: async (ctx, { args, options }) => (await import('../commands/install.js')).run(ctx, args.spec, options),
  }),
  defineCommand({
    name: 'accept',
    description: "record the current bytes of edited agents as the team's version (the upstream version stays the merge base)",
    args: [{ name: 'name', required: true, variadic: true, description: 'agent names' }],
    options: { dryRun: DRY_RUN },
    run: async (ctx, { args, options }) => (await import('../commands/accept.js')).run(ctx, args.name, options),
  }),
  defineCommand({
    name: 'merge-lockfile',
    description: 'git merge driver for agents.lock.json: merge-lockfile %O %A %B (see the README)',
    args: [
      { name: 'base', required: true, description: "the common ancestor's file (%O)" },
      { name: 'ours', required: true, description: 'our side (%A); the result is written here' },
      { name: 'theirs', required: true, description: 'their side (%B)' },
    ],
    run: async (ctx, { args }) => (await import('../commands/merge-lockfile.js')).run(ctx, args.base, args.ours, args.theirs),
  }),
  defineCommand({
    name: 'verify',
    description: 'compare every installed file with the lockfile (exit 3 on drift)',
    options: { allowModified: { type: 'boolean', description: 'tolerate local edits to owned files' } },
    run: async (ctx, { options }) => (await import('../commands/verify.js')).run(ctx, options),
  }),
  defineCommand({
    name: 'outdated',
    description: 'agents with newer versions available',
    options: { exitCode: { type: 'boolean', description: 'exit 3 when anything is outdated' } },
    run: async (ctx, { options }) => (await import('../commands/outdated.js')).run(ctx, options),
  }),
  defineCommand({
    name: 'diff',
    description: 'unified diff from the installed file to the candidate version (--base: local edits)',
    args: [{ name: 'name', variadic: true, description: 'agent names (default: every locked agent of the scope)' }],
    options: {
      to: { type: 'string', placeholder: 'version', description: 'compare with this version' },
      latest: { type: 'boolean', description: 'compare with the newest version, ignoring the requested range' },
      base: { type: 'boolean', description: 'show local edits: the locked version → the installed file' },
      target: {
        type: 'string',
        placeholder: 'list',
        repeatable: true,
        description:
          "diff these tools' files instead (opencode, copilot, gemini, cursor, codex): against the candidate's translation, or --base the locked one's",
      },
      exitCode: { type: 'boolean', description: 'exit 3 when there are differences' },
    },
    run: async (ctx, { args, options }) => (await import('../commands/diff.js')).run(ctx, args.name, options),
  }),
  defineCommand({
    name: 'upgrade',
    aliases: ['update'],
    description: 'move to newer versions, three-way merging local edits',
    args: [{ name: 'name', variadic: true, description: 'agent names (default: every locked agent of the scope)' }],
    options: {
      latest: { type: 'boolean', description: 'ignore the requested range, take the newest version and rewrite requested' },
      mergeMarkers: { type: 'boolean', description: 'on conflict, write git-style conflict markers instead of refusing' },
      force: { type: 'boolean', description: 'on conflict, take the new version (drops conflicting local edits)' },
      allow: { ...ALLOW, description: 'approve risky grants the new versions add or change: hooks, mcp, bypass, unrestricted-bash, all-tools or all' },
      dryRun: { type: 'boolean', description: 'show the plan, write nothing' },
    },
    run: async (ctx, { args, options }) => (await import('../commands/upgrade.js')).run(ctx, args.name, options),
  }),
  defineCommand({
    name: 'validate',
    aliases: ['lint'],
    description: "check agent files or folders against Claude Code's rules (exit 1 on errors)",
    args: [{ name: 'path', required: true, variadic: true, description: 'agent files, or folders scanned the way Claude Code scans .claude/agents' }],
    options: {
      strict: { type: 'boolean', description: 'treat warnings as errors' },
      fix: { type: 'boolean', description: 'rewrite what is safe: quote values, strip a byte-order mark, CRLF to LF' },
      dryRun: { type: 'boolean', description: 'with --fix: print the diff, write nothing' },
    },
    run: async (ctx, { args, options }) => (await import('../commands/validate.js')).run(ctx, args.path, options),
  }),
  defineCommand({
    name: 'audit',
    description: 'show what agents may do (tools, hooks, MCP servers) and what their text hides; exit 3 on findings',
    args: [{ name: 'path', variadic: true, description: 'agent files or folders (default: the agents folders of both scopes, managed or not)' }],
    options: {
      failOn: {
        type: 'string',
        placeholder: 'severity',
        description: 'exit 3 when a finding is this severe or more: high, medium, low or none (default: grants.failOn of the config, else high)',
      },
      project: { type: 'boolean', description: 'without paths: the project scope only' },
    },
    run: async (ctx, { args, options }) => (await import('../commands/audit.js')).run(ctx, args.path, options),
  }),
  defineCommand({
    name: 'import',
    description: "turn another tool's agent file into a Claude Code agent file (not recorded in the lockfile)",
    args: [{ name: 'file', required: true, description: 'the agent file: .opencode/agents/x.md, .github/agents/x.agent.md, .codex/agents/x.toml…' }],
    options: {
      from: { type: 'string', placeholder: 'target', description: 'the tool it is for: opencode, copilot, gemini, cursor or codex' },
      print: { type: 'boolean', description: 'write the Claude Code agent to stdout instead of a file' },
      dryRun: { type: 'boolean', description: 'show where it would be written, write nothing' },
    },
    run: async (ctx, { args, options }) => (await import('../commands/import.js')).run(ctx, args.file, options),
  }),
  defineCommand({
    name: 'new',
    description: 'scaffold an agent file from a template (not recorded in the lockfile)',
    args: [{ name: 'name', required: true, description: 'the agent name: lower-case letters, digits and -, 3-50 characters' }],
    options: {
      template: { type: 'string', short: 't', placeholder: 'template', default: 'blank', description: 'blank, code-reviewer or backend-builder' },
      description: { type: 'string', short: 'd', placeholder: 'text', description: 'when Claude should use the agent' },
      tools: { type: 'string', placeholder: 'list', description: 'comma-separated tool names, or "all" (default: the template\'s)' },
      model: { type: 'string', placeholder: 'model', description: 'sonnet, opus, haiku, inherit, a model id, or none' },
      color: { type: 'string', placeholder: 'color', description: 'red, blue, green, yellow, purple, orange, pink, cyan, or none' },
      effort: { type: 'string', placeholder: 'effort', description: 'low, medium, high, xhigh, max, or a positive integer' },
      memory: { type: 'string', placeholder: 'scope', description: 'user, project or local' },
      print: { type: 'boolean', description: 'write the agent to stdout instead of a file' },
      dryRun: { type: 'boolean', description: 'show where it would be written, write nothing' },
    },
    run: async (ctx, { args, options }) => (await import('../commands/new.js')).run(ctx, args.name, options),
  }),
  defineCommand({
    name: 'search',
    description: 'browse available agents: names and descriptions matching the words (all agents without)',
    args: [{ name: 'query', variadic: true, description: 'words to find in agent names and descriptions' }],
    run: async (ctx, { args }) => (await import('../commands/search.js')).run(ctx, args.query),
  }),
  defineCommand({
    name: 'info',
    description: 'show an available agent: description, versions, model, tools, where it is installed',
    args: [{ name: 'name', required: true, description: 'name or name@range' }],
    run: async (ctx, { args }) => (await import('../commands/info.js')).run(ctx, args.name),
  }),
  defineCommand({
    name: 'list',
    aliases: ['ls'],
    description: 'list installed agents of both scopes with their status',
    options: { project: { type: 'boolean', description: 'project scope only' } },
    run: async (ctx, { options }) => (await import('../commands/list.js')).run(ctx, options),
  }),
  defineCommand({
    name: 'remove',
    aliases: ['rm'],
    description: 'delete owned agent files and their lock entries',
    args: [{ name: 'name', required: true, variadic: true, description: 'agent names' }],
    options: {
      force: { type: 'boolean', description: 'also delete modified or unowned files' },
      dryRun: { type: 'boolean', description: 'show what would be removed, remove nothing' },
    },
    run: async (ctx, { args, options }) => (await import('../commands/remove.js')).run(ctx, args.name, options),
  }),
  defineGroup({
    name: 'registry',
    description: 'tools for static registries (index.json)',
    subcommands: [
      defineCommand({
        name: 'build',
        description: 'build <dir>/index.json from <dir>/agents/<name>/<version>.md',
        args: [{ name: 'dir', required: true, description: 'the registry folder' }],
        options: {
          baseUrl: { type: 'string', placeholder: 'url', description: 'write absolute file URLs under this base (default: relative to the index)' },
          out: { type: 'string', placeholder: 'file', description: 'where to write the index (default: <dir>/index.json)' },
          dryRun: { type: 'boolean', description: 'check and show the index, write nothing' },
        },
        run: async (ctx, { args, options }) => (await import('../commands/registry.js')).run(ctx, args.dir, options),
      }),
    ],
  }),
  {
    // Answered by the CLI itself (main.ts): help of the top level or of the named command.
    name: 'help',
    aliases: [],
    description: 'show help for a command (`help registry build` for a subcommand)',
    args: [{ name: 'command', variadic: true, description: 'a command, and a subcommand of it' }],
    options: {},
    subcommands: [],
  },
];

const FOOTER = `Examples:
  $ npx agent-install fastapi-backend-builder       install into ./.claude/agents
  $ agent-install add fastapi-backend-builder -g    install for your user
  $ agent-install list                              show installed agents
  $ agent-install upgrade                           move to newer versions, keeping your edits
  $ agent-install validate .claude/agents           check files the way Claude Code loads them

Exit codes: 0 done, 1 failed, 2 usage error, 3 differences found.`;

export const CLI = {
  name: 'agent-install',
  description: 'The package manager for Claude Code subagents.',
  globals: GLOBAL_OPTIONS,
  commands: COMMANDS,
  defaultCommand: 'add',
  helpCommand: 'help',
  footer: FOOTER,
} satisfies CliSpec<typeof GLOBAL_OPTIONS>;
