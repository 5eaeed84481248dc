import type { CommandModule } from '../commands/context.js';

/**
 * The command line as data: commander is configured from it (help, usage errors) and the fast
 * argument parser in `argv.ts` reads it, so both always agree on commands and options.
 */
export interface OptionSpec {
  /** Commander's flag syntax: `-g, --global`, `--to <version>`, `--no-color`. */
  flags: string;
  description: string;
  /** Collect every occurrence into an array. */
  repeatable?: boolean;
  defaultValue?: string;
}

export interface ArgumentSpec {
  /** Commander's syntax: `<name>`, `[spec...]`, `<path...>`. */
  syntax: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  aliases?: string[];
  description: string;
  /** Runs when the first word is not a command (`agent-install <spec>` = `add`). */
  isDefault?: boolean;
  arguments?: ArgumentSpec[];
  options?: OptionSpec[];
  /** The module that runs the command; absent for a group of subcommands. */
  load?: () => Promise<CommandModule>;
  subcommands?: CommandSpec[];
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { flags: '-g, --global', description: 'use the user scope (~/.claude/agents or $CLAUDE_CONFIG_DIR/agents)' },
  { flags: '-C, --cwd <dir>', description: 'run as if started in <dir>' },
  { flags: '--json', description: 'print one JSON document on stdout' },
  { flags: '--no-color', description: 'disable colour' },
  { flags: '-q, --quiet', description: 'print only results and errors' },
  { flags: '-v, --verbose', description: 'print more detail' },
  { flags: '--offline', description: 'never touch the network; use only the bundled registry, local files and the cache' },
  { flags: '--registry <url>', description: 'a static registry index.json (URL or path) to search after the bundled one; repeatable', repeatable: true },
];

const DRY_RUN: OptionSpec = { flags: '--dry-run', description: 'show what would be written, write nothing' };

export const COMMANDS: CommandSpec[] = [
  {
    name: 'add',
    isDefault: true,
    description: 'install agents and record them in the lockfile (the default command)',
    arguments: [{ syntax: '[spec...]', description: 'name[@version|range], ./path, https://…, github:…, git+…, npm:…' }],
    options: [{ flags: '--force', description: 'overwrite files agent-install does not own or that have local edits' }, DRY_RUN],
    load: () => import('../commands/add.js'),
  },
  {
    name: 'install',
    aliases: ['i'],
    description: 'install exactly what the lockfile records (with specs: the same as add)',
    arguments: [{ syntax: '[spec...]', description: 'optional: specs to add' }],
    options: [
      { flags: '--frozen', description: 'exit 3 instead of changing the lockfile or any installed file' },
      { flags: '--force', description: 'restore files that differ from the lockfile' },
      DRY_RUN,
    ],
    load: () => import('../commands/install.js'),
  },
  {
    name: 'verify',
    description: 'compare every installed file with the lockfile (exit 3 on drift)',
    options: [{ flags: '--allow-modified', description: 'tolerate local edits to owned files' }],
    load: () => import('../commands/verify.js'),
  },
  {
    name: 'outdated',
    description: 'agents with newer versions available',
    options: [{ flags: '--exit-code', description: 'exit 3 when anything is outdated' }],
    load: () => import('../commands/outdated.js'),
  },
  {
    name: 'diff',
    description: 'unified diff from the installed file to the candidate version (--base: local edits)',
    arguments: [{ syntax: '[name...]', description: 'agent names (default: every locked agent of the scope)' }],
    options: [
      { flags: '--to <version>', description: 'compare with this version' },
      { flags: '--latest', description: 'compare with the newest version, ignoring the requested range' },
      { flags: '--base', description: 'show local edits: the locked version → the installed file' },
      { flags: '--exit-code', description: 'exit 3 when there are differences' },
    ],
    load: () => import('../commands/diff.js'),
  },
  {
    name: 'upgrade',
    aliases: ['update'],
    description: 'move to newer versions, three-way merging local edits',
    arguments: [{ syntax: '[name...]', description: 'agent names (default: every locked agent of the scope)' }],
    options: [
      { flags: '--latest', description: 'ignore the requested range, take the newest version and rewrite requested' },
      { flags: '--merge-markers', description: 'on conflict, write git-style conflict markers instead of refusing' },
      { flags: '--force', description: 'on conflict, take the new version (drops conflicting local edits)' },
      { flags: '--dry-run', description: 'show the plan, write nothing' },
    ],
    load: () => import('../commands/upgrade.js'),
  },
  {
    name: 'validate',
    aliases: ['lint'],
    description: "check agent files or folders against Claude Code's rules (exit 1 on errors)",
    arguments: [{ syntax: '<path...>', description: 'agent files, or folders scanned the way Claude Code scans .claude/agents' }],
    options: [
      { flags: '--strict', description: 'treat warnings as errors' },
      { flags: '--fix', description: 'rewrite what is safe: quote values, strip a byte-order mark, CRLF to LF' },
      { flags: '--dry-run', description: 'with --fix: print the diff, write nothing' },
    ],
    load: () => import('../commands/validate.js'),
  },
  {
    name: 'new',
    description: 'scaffold an agent file from a template (not recorded in the lockfile)',
    arguments: [{ syntax: '<name>', description: 'the agent name: lower-case letters, digits and -, 3-50 characters' }],
    options: [
      { flags: '-t, --template <template>', description: 'blank, code-reviewer or backend-builder', defaultValue: 'blank' },
      { flags: '-d, --description <text>', description: 'when Claude should use the agent' },
      { flags: '--tools <list>', description: 'comma-separated tool names, or "all" (default: the template\'s)' },
      { flags: '--model <model>', description: 'sonnet, opus, haiku, inherit, a model id, or none' },
      { flags: '--color <color>', description: 'red, blue, green, yellow, purple, orange, pink, cyan, or none' },
      { flags: '--effort <effort>', description: 'low, medium, high, xhigh, max, or a positive integer' },
      { flags: '--memory <scope>', description: 'user, project or local' },
      { flags: '--print', description: 'write the agent to stdout instead of a file' },
      { flags: '--dry-run', description: 'show where it would be written, write nothing' },
    ],
    load: () => import('../commands/new.js'),
  },
  {
    name: 'search',
    description: 'browse available agents: names and descriptions matching the words (all agents without)',
    arguments: [{ syntax: '[query...]', description: 'words to find in agent names and descriptions' }],
    load: () => import('../commands/search.js'),
  },
  {
    name: 'info',
    description: 'show an available agent: description, versions, model, tools, where it is installed',
    arguments: [{ syntax: '<name>', description: 'name or name@range' }],
    load: () => import('../commands/info.js'),
  },
  {
    name: 'list',
    aliases: ['ls'],
    description: 'list installed agents of both scopes with their status',
    options: [{ flags: '--project', description: 'project scope only' }],
    load: () => import('../commands/list.js'),
  },
  {
    name: 'remove',
    aliases: ['rm'],
    description: 'delete owned agent files and their lock entries',
    arguments: [{ syntax: '<name...>', description: 'agent names' }],
    options: [
      { flags: '--force', description: 'also delete modified or unowned files' },
      { flags: '--dry-run', description: 'show what would be removed, remove nothing' },
    ],
    load: () => import('../commands/remove.js'),
  },
  {
    name: 'registry',
    description: 'tools for static registries (index.json)',
    subcommands: [
      {
        name: 'build',
        description: 'build <dir>/index.json from <dir>/agents/<name>/<version>.md',
        arguments: [{ syntax: '<dir>', description: 'the registry folder' }],
        options: [
          { flags: '--base-url <url>', description: 'write absolute file URLs under this base (default: relative to the index)' },
          { flags: '--out <file>', description: 'where to write the index (default: <dir>/index.json)' },
          { flags: '--dry-run', description: 'check and show the index, write nothing' },
        ],
        load: () => import('../commands/registry.js'),
      },
    ],
  },
];

export const EXAMPLES = `
Examples:
  $ npx agent-install fastapi-backend-builder       install into ./.claude/agents
  $ agent-install add fastapi-backend-builder -g    install for your user
  $ agent-install list                              show installed agents
  $ agent-install upgrade                           move to newer versions, keeping your edits
  $ agent-install validate .claude/agents           check files the way Claude Code loads them

Exit codes: 0 done, 1 failed, 2 usage error, 3 differences found.`;
