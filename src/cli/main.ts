import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext, CommandResult } from '../commands/context.js';
import { colorLevel, jsonControls, jsonText, makeStyle, type Style, terminalText } from '../commands/style.js';
import { checkEnvironment } from '../core/env.js';
import { AgentInstallError, ExitCode, UsageError } from '../core/errors.js';
import { isDirectory } from '../core/scope/scope.js';
import type { OptionValues } from './define.js';
import { type Parsed, parseArgv } from './parse.js';
import { CLI, type GLOBAL_OPTIONS } from './spec.js';

declare const __VERSION__: string | undefined;

/** Where output goes; the real process streams, or buffers in tests. */
export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Standard input: prompts need it to be a terminal. Absent: not a terminal. */
  stdin?: { isTTY?: boolean };
  /**
   * Reads one answer after showing `question` (on stderr); null when input ended. Defaults to a
   * line read from the process's stdin. Tests inject answers here.
   */
  ask?: (question: string) => Promise<string | null>;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Defaults to `HOME`, then the OS's idea of home. */
  home?: string;
  /** Folder holding `agents/` and `templates/`; defaults to this package. */
  packageRoot?: string;
}

/**
 * The package root: `dist/cli.cjs` sits one level below it, `src/cli/main.ts` two. The built
 * CommonJS file knows its `__filename` (no URL handling at start-up); the ES module source has
 * only `import.meta.url`.
 */
const HERE = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
const PACKAGE_ROOT = path.resolve(path.dirname(HERE), HERE.endsWith('.cjs') ? '..' : '../..');

async function readVersion(): Promise<string> {
  if (typeof __VERSION__ === 'string') return __VERSION__;
  const { readFileSync } = await import('node:fs');
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

type GlobalOptions = OptionValues<typeof GLOBAL_OPTIONS>;

/** Standard output could not be written (`> /dev/full`, a full disk behind `> file`): one line on stderr, exit 1. */
class OutputFailed extends AgentInstallError {}

/**
 * Where main writes. Human output (`out`, `err`) passes through {@link terminalText}, which shows
 * control and invisible characters from agent text as escapes and only then turns our own style
 * marks into colour codes; `raw` text is written as it is. A failed write to stdout
 * stops the command (OutputFailed); one to stderr is dropped, as there is nowhere left to say so.
 * (A reader that went away, EPIPE, is handled below this, by the bin shim: quietly.)
 */
interface Say {
  out(text: string): void;
  /** Written as it is: `--json` documents, and files the user asked to see (`new --print`). */
  raw(text: string): void;
  err(text: string): void;
}

function sayTo(io: CliIO): Say {
  const write = (text: string) => {
    try {
      io.stdout.write(text);
    } catch (error) {
      throw new OutputFailed(`Cannot write to standard output: ${(error as Error)?.message ?? String(error)}`, { code: 'IO', cause: error });
    }
  };
  return {
    out: (text) => write(terminalText(text)),
    raw: write,
    err: (text) => {
      try {
        io.stderr.write(terminalText(text));
      } catch {
        /* stderr is gone too */
      }
    },
  };
}

function makeContext(io: CliIO, say: Say, globals: GlobalOptions, style: Style, errStyle: Style, home: string): CommandContext {
  const cwd = globals.cwd !== undefined ? path.resolve(io.cwd, globals.cwd) : io.cwd;
  if (globals.cwd !== undefined && !isDirectory(cwd)) throw new UsageError(`-C ${globals.cwd}: no such directory (${cwd}).`);
  const { json, quiet } = globals;
  return {
    cwd,
    env: io.env,
    home,
    packageRoot: io.packageRoot ?? PACKAGE_ROOT,
    style,
    json,
    quiet,
    verbose: globals.verbose,
    global: globals.global,
    offline: globals.offline,
    registries: globals.registry,
    progress: (message) => {
      if (!json && !quiet && io.stderr.isTTY) say.err(`${message}\n`);
    },
    out: (message) => {
      if (!json && !quiet) say.out(`${message}\n`);
    },
    stream: (text) => {
      if (!json) say.out(text);
    },
    info: (message) => {
      if (!json && !quiet) say.err(`${message}\n`);
    },
    warn: (message) => {
      if (!json) say.err(`${errStyle.yellow('warning')} ${message}\n`);
    },
    // Asked only by a command that needs an answer: whether stdin is a terminal is not looked up before.
    get confirm() {
      if (!canPrompt(io, json)) return undefined;
      return async (lines: string[], question: string) => {
        for (const line of lines) say.err(`${line}\n`);
        const answer = await (io.ask ?? askStdin)(terminalText(question));
        return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
      };
    },
  };
}

/** Someone can answer a prompt: stdin and stdout are terminals, `CI` is not set, no `--json`. */
function canPrompt(io: CliIO, json: boolean): boolean {
  const ci = io.env.CI;
  return !json && io.stdin?.isTTY === true && io.stdout.isTTY === true && (ci === undefined || ci === '');
}

/** One line from the process's stdin, the question shown on stderr. */
async function askStdin(question: string): Promise<string | null> {
  const readline = await import('node:readline');
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => {
      if (!answered) resolve(null);
    });
  });
}

/** The `--json` document of a result; a failure (exit 3, or validation errors) adds `ok: false` and `error`. */
function withFailure(result: CommandResult): unknown {
  const { json, failure } = result;
  if (!failure || json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  return { ...json, ok: false, error: failure };
}

function errorJson(error: AgentInstallError): string {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.hint) body.hint = error.hint;
  if (error.details) body.details = error.details;
  return `${jsonText({ ok: false, error: body })}\n`;
}

/** Help and usage errors live in their own file, loaded only when needed. */
const loadHelp = () => import('./help.js');

/** Runs the parsed command; a first word that no agent has but nearly a command has is a mistyped command. */
async function run(parsed: Extract<Parsed<GlobalOptions>, { kind: 'run' }>, io: CliIO, say: Say, style: Style, errStyle: Style): Promise<CommandResult> {
  checkEnvironment(io.env);
  const home = io.home ?? io.env.HOME ?? (await import('node:os')).homedir(); // node:os only without HOME
  const ctx = makeContext(io, say, parsed.globals, style, errStyle, home);
  try {
    return await parsed.command.run!(ctx, parsed.input);
  } catch (error) {
    const { first } = parsed;
    if (first !== undefined && error instanceof AgentInstallError && error.code === 'AGENT_NOT_FOUND' && error.details?.name === first) {
      throw (await loadHelp()).mistypedCommand(CLI, first, true) ?? error;
    }
    throw error;
  }
}

/**
 * Runs the CLI and returns the exit code. The only place that maps errors to output and exit
 * codes; nothing below it exits the process. Every command line, help and version included, is
 * read by the one parser (parse.ts) from the one spec (spec.ts).
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseArgv(argv, CLI);
  // Each stream is coloured only when it is a terminal itself (`2>log` gets plain text).
  const colorFlag = parsed.globals.color;
  const style = makeStyle(colorLevel(io.env, () => io.stdout.isTTY === true, colorFlag));
  const errStyle = makeStyle(colorLevel(io.env, () => io.stderr.isTTY === true, colorFlag));
  const say = sayTo(io);
  try {
    return await mainWith(parsed, io, say, style, errStyle);
  } catch (error) {
    if (!(error instanceof OutputFailed)) throw error;
    say.err(`${errStyle.red('error')} ${error.message}\n`);
    return ExitCode.failed;
  }
}

async function mainWith(parsed: Parsed<GlobalOptions>, io: CliIO, say: Say, style: Style, errStyle: Style): Promise<number> {
  const json = parsed.globals.json;
  /** The command the line is about: the default command's when it was implied. */
  const commandPath = parsed.implicit ? [CLI.defaultCommand] : parsed.path;
  try {
    let result: CommandResult;
    switch (parsed.kind) {
      case 'version':
        say.out(`${await readVersion()}\n`);
        return ExitCode.ok;
      case 'help':
        say.out((await loadHelp()).renderHelp(CLI, parsed.path));
        return ExitCode.ok;
      case 'error': {
        const help = await loadHelp();
        if (parsed.problem.kind === 'nothing') {
          say.err(help.renderHelp(CLI));
          return ExitCode.usage;
        }
        throw (parsed.first !== undefined ? help.mistypedCommand(CLI, parsed.first, false) : undefined) ?? help.usageError(CLI, commandPath, parsed.problem);
      }
      case 'run':
        result = await run(parsed, io, say, style, errStyle);
    }
    if (json && result.writeJson) {
      result.writeJson((text) => say.raw(jsonControls(text)));
      say.raw('\n');
    } else if (json) say.raw(`${jsonText(withFailure(result))}\n`);
    else if (result.text) (result.verbatim ? say.raw : say.out)(`${result.text}\n`);
    return result.exitCode ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof OutputFailed) throw error;
    if (error instanceof AgentInstallError) {
      if (json) say.raw(errorJson(error));
      else {
        say.err(`${errStyle.red('error')} ${error.message}\n`);
        if (error.hint) say.err(`${errStyle.dim('hint')}  ${error.hint}\n`);
        if (error.exitCode === ExitCode.usage) {
          // A mistyped command gets the list of commands; any other usage error its command's help.
          say.err(`\n${(await loadHelp()).renderHelp(CLI, error.code === 'UNKNOWN_COMMAND' ? [] : commandPath)}`);
        }
      }
      return error.exitCode;
    }
    const unexpected = error as Error;
    if (json) {
      say.raw(
        errorJson(
          new AgentInstallError(unexpected?.message ?? String(error), {
            code: 'INTERNAL',
            hint: 'This is a bug in agent-install; please report it with the command you ran.',
          }),
        ),
      );
    }
    say.err(
      `${errStyle.red('internal error')} ${unexpected?.stack ?? String(error)}\nThis is a bug in agent-install; please report it with the command you ran and this output.\n`,
    );
    return ExitCode.failed;
  }
}
