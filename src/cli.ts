import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { Chalk } from 'chalk';
import { AgentInstallError, ExitCode, UsageError } from './core/errors.js';
import type { CommandContext, CommandResult } from './commands/command.js';

declare const __VERSION__: string | undefined;

/** Where output goes; the real process streams, or buffers in tests. */
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
  /** Defaults to `HOME`, then the OS's idea of home. */
  home?: string;
  /** Folder holding `agents/` and `templates/`; defaults to this package. */
  packageRoot?: string;
}

/** `dist/cli.js` and `src/cli.ts` both sit one level below the package root. */
const PACKAGE_ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

async function readVersion(): Promise<string> {
  if (typeof __VERSION__ === 'string') return __VERSION__;
  const { readFileSync } = await import('node:fs');
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Colour only on a TTY, honouring `NO_COLOR`, `FORCE_COLOR` and `--no-color`. */
export function colorLevel(io: CliIO, flag: boolean): 0 | 1 | 2 | 3 {
  if (!flag) return 0;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as 2 | 3;
    return 1;
  }
  if (io.env.NO_COLOR) return 0;
  if (!io.stdout.isTTY || io.env.TERM === 'dumb') return 0;
  return io.env.COLORTERM === 'truecolor' || io.env.COLORTERM === '24bit' ? 3 : 1;
}

interface GlobalOptions {
  global?: boolean;
  cwd?: string;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  offline?: boolean;
  registry?: string[];
}

type Loader = () => Promise<{ default: (ctx: CommandContext, ...args: never[]) => Promise<CommandResult> }>;

function makeContext(io: CliIO, globals: GlobalOptions): CommandContext {
  const cwd = globals.cwd ? path.resolve(io.cwd, globals.cwd) : io.cwd;
  if (globals.cwd) {
    let ok = false;
    try {
      ok = statSync(cwd).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`-C ${globals.cwd}: no such directory (${cwd}).`);
  }
  const json = globals.json === true;
  const quiet = globals.quiet === true;
  const style = new Chalk({ level: colorLevel(io, globals.color !== false) });
  return {
    cwd,
    env: io.env,
    home: io.home ?? io.env.HOME ?? homedir(),
    packageRoot: io.packageRoot ?? PACKAGE_ROOT,
    style,
    json,
    quiet,
    verbose: globals.verbose === true,
    global: globals.global === true,
    offline: globals.offline === true,
    registries: globals.registry ?? [],
    progress: (message) => {
      if (!json && !quiet && io.stderr.isTTY) io.stderr.write(`${message}\n`);
    },
    out: (message) => {
      if (!json && !quiet) io.stdout.write(`${message}\n`);
    },
    info: (message) => {
      if (!json && !quiet) io.stderr.write(`${message}\n`);
    },
    warn: (message) => {
      if (!json) io.stderr.write(`${style.yellow('warning')} ${message}\n`);
    },
  };
}

function buildProgram(io: CliIO, version: string, run: (load: Loader, command: Command, args: unknown[]) => Promise<void>): Command {
  const program = new Command('agent-install');
  program
    .description('The package manager for Claude Code subagents.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('-g, --global', 'use the user scope (~/.claude/agents or $CLAUDE_CONFIG_DIR/agents)')
    .option('-C, --cwd <dir>', 'run as if started in <dir>')
    .option('--json', 'print one JSON document on stdout')
    .option('--no-color', 'disable colour')
    .option('-q, --quiet', 'print only results and errors')
    .option('-v, --verbose', 'print more detail')
    .option('--offline', 'never touch the network; use only the bundled registry and the cache')
    .option('--registry <url>', 'a static registry index.json (URL or path) to search after the bundled one; repeatable', (value: string, previous: string[] = []) => [...previous, value])
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();

  program
    .command('add', { isDefault: true })
    .description('install agents and record them in the lockfile (the default command)')
    .argument('[spec...]', 'name, name@version, name@range')
    .option('--force', 'overwrite files agent-install does not own or that have local edits')
    .option('--dry-run', 'show what would be written, write nothing')
    .action((specs: string[], options, command: Command) => run(() => import('./commands/add.js'), command, [specs, options]));

  program
    .command('install')
    .alias('i')
    .description('install exactly what the lockfile records (with specs: the same as add)')
    .argument('[spec...]', 'optional: specs to add')
    .option('--frozen', 'exit 3 instead of changing the lockfile or any installed file')
    .option('--force', 'restore files that differ from the lockfile')
    .option('--dry-run', 'show what would be written, write nothing')
    .action((specs: string[], options, command: Command) => run(() => import('./commands/install.js'), command, [specs, options]));

  program
    .command('verify')
    .description('compare every installed file with the lockfile (exit 3 on drift)')
    .option('--allow-modified', 'tolerate local edits to owned files')
    .action((options, command: Command) => run(() => import('./commands/verify.js'), command, [options]));

  program
    .command('outdated')
    .description('agents with newer versions available')
    .option('--exit-code', 'exit 3 when anything is outdated')
    .action((options, command: Command) => run(() => import('./commands/outdated.js'), command, [options]));

  program
    .command('diff')
    .description('unified diff from the installed file to the candidate version (--base: local edits)')
    .argument('[name...]', 'agent names (default: every locked agent of the scope)')
    .option('--to <version>', 'compare with this version')
    .option('--latest', 'compare with the newest version, ignoring the requested range')
    .option('--base', 'show local edits: the locked version → the installed file')
    .option('--exit-code', 'exit 3 when there are differences')
    .action((names: string[], options, command: Command) => run(() => import('./commands/diff.js'), command, [names, options]));

  program
    .command('upgrade')
    .alias('update')
    .description('move to newer versions, three-way merging local edits')
    .argument('[name...]', 'agent names (default: every locked agent of the scope)')
    .option('--latest', 'ignore the requested range, take the newest version and rewrite requested')
    .option('--merge-markers', 'on conflict, write git-style conflict markers instead of refusing')
    .option('--force', 'on conflict, take the new version (drops conflicting local edits)')
    .option('--dry-run', 'show the plan, write nothing')
    .action((names: string[], options, command: Command) => run(() => import('./commands/upgrade.js'), command, [names, options]));

  program
    .command('validate')
    .alias('lint')
    .description("check agent files or folders against Claude Code's rules (exit 1 on errors)")
    .argument('<path...>', 'agent files, or folders scanned the way Claude Code scans .claude/agents')
    .option('--strict', 'treat warnings as errors')
    .option('--fix', 'rewrite what is safe: quote values, strip a byte-order mark, CRLF to LF')
    .option('--dry-run', 'with --fix: print the diff, write nothing')
    .action((paths: string[], options, command: Command) => run(() => import('./commands/validate.js'), command, [paths, options]));

  program
    .command('new')
    .description('scaffold an agent file from a template (not recorded in the lockfile)')
    .argument('<name>', 'the agent name: lower-case letters, digits and -, 3-50 characters')
    .option('-t, --template <template>', 'blank, code-reviewer or backend-builder', 'blank')
    .option('-d, --description <text>', 'when Claude should use the agent')
    .option('--tools <list>', 'comma-separated tool names, or "all" (default: the template\'s)')
    .option('--model <model>', 'sonnet, opus, haiku, inherit, a model id, or none')
    .option('--color <color>', 'red, blue, green, yellow, purple, orange, pink, cyan, or none')
    .option('--effort <effort>', 'low, medium, high, xhigh, max, or a positive integer')
    .option('--memory <scope>', 'user, project or local')
    .option('--print', 'write the agent to stdout instead of a file')
    .option('--dry-run', 'show where it would be written, write nothing')
    .action((name: string, options, command: Command) => run(() => import('./commands/new.js'), command, [name, options]));

  program
    .command('list')
    .alias('ls')
    .description('list installed agents of both scopes with their status')
    .option('--project', 'project scope only')
    .action((options, command: Command) => run(() => import('./commands/list.js'), command, [options]));

  program
    .command('remove')
    .alias('rm')
    .description('delete owned agent files and their lock entries')
    .argument('<name...>', 'agent names')
    .option('--force', 'also delete modified or unowned files')
    .option('--dry-run', 'show what would be removed, remove nothing')
    .action((names: string[], options, command: Command) => run(() => import('./commands/remove.js'), command, [names, options]));

  program
    .command('registry')
    .description('tools for static registries (index.json)')
    .action(() => {
      throw new UsageError('registry: name a subcommand (build).');
    })
    .command('build')
    .description('build <dir>/index.json from <dir>/agents/<name>/<version>.md')
    .argument('<dir>', 'the registry folder')
    .option('--base-url <url>', 'write absolute file URLs under this base (default: relative to the index)')
    .option('--out <file>', 'where to write the index (default: <dir>/index.json)')
    .option('--dry-run', 'check and show the index, write nothing')
    .action((dir: string, options, command: Command) => run(() => import('./commands/registry.js'), command, [dir, options]));

  program.addHelpText(
    'after',
    `
Examples:
  $ npx agent-install fastapi-backend-builder       install into ./.claude/agents
  $ agent-install add fastapi-backend-builder -g    install for your user
  $ agent-install list                              show installed agents
  $ agent-install remove fastapi-backend-builder

Exit codes: 0 done, 1 failed, 2 usage error, 3 differences found.`,
  );
  return program;
}

function errorJson(error: AgentInstallError): string {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.hint) body.hint = error.hint;
  if (error.details) body.details = error.details;
  return `${JSON.stringify({ ok: false, error: body }, null, 2)}\n`;
}

/**
 * Runs the CLI and returns the exit code. The only place that maps errors to output; nothing
 * below it exits the process.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const wantsJson = argv.includes('--json');
  const colorFlag = !argv.includes('--no-color');
  const style = new Chalk({ level: colorLevel(io, colorFlag) });
  let result: CommandResult | undefined;
  let usageText = '';
  const program = buildProgram(io, await readVersion(), async (load, command, args) => {
    const ctx = makeContext(io, command.optsWithGlobals() as GlobalOptions);
    const module = await load();
    result = await module.default(ctx, ...(args as never[]));
  });
  // Keep commander's own usage messages for --json mode, where stderr gets text and stdout JSON.
  program.configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => {
      usageText += text;
      io.stderr.write(text);
    },
  });
  try {
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return ExitCode.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    if (result === undefined) return ExitCode.ok;
    if (wantsJson) io.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    else if (result.text) io.stdout.write(`${result.text}\n`);
    return result.exitCode ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
      if (wantsJson) {
        const message = error.message.replace(/^error: /, '');
        io.stdout.write(errorJson(new UsageError(message, { hint: 'Run `agent-install --help` for usage.' })));
      }
      void usageText;
      return ExitCode.usage;
    }
    if (error instanceof AgentInstallError) {
      if (wantsJson) io.stdout.write(errorJson(error));
      else {
        io.stderr.write(`${style.red('error')} ${error.message}\n`);
        if (error.hint) io.stderr.write(`${style.dim('hint')}  ${error.hint}\n`);
      }
      if (error instanceof UsageError && !wantsJson) io.stderr.write(`\n${program.helpInformation()}`);
      return error.exitCode;
    }
    const unexpected = error as Error;
    if (wantsJson) {
      io.stdout.write(errorJson(new AgentInstallError(unexpected?.message ?? String(error), { code: 'INTERNAL', hint: 'This is a bug in agent-install; please report it with the command you ran.' })));
    }
    io.stderr.write(`${style.red('internal error')} ${unexpected?.stack ?? String(error)}\nThis is a bug in agent-install; please report it with the command you ran and this output.\n`);
    return ExitCode.failed;
  }
}
