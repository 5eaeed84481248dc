import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext, CommandResult } from '../commands/context.js';
import { colorLevel, makeStyle, type Style } from '../commands/style.js';
import { AgentInstallError, ExitCode, UsageError } from '../core/errors.js';
import { isDirectory } from '../core/scope/scope.js';
import { type Invocation, parseArgv } from './parse.js';
import { COMMANDS, GLOBAL_OPTIONS } from './spec.js';

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

function makeContext(io: CliIO, globals: GlobalOptions, style: Style, errStyle: Style, home: string): CommandContext {
  const cwd = globals.cwd ? path.resolve(io.cwd, globals.cwd) : io.cwd;
  if (globals.cwd && !isDirectory(cwd)) throw new UsageError(`-C ${globals.cwd}: no such directory (${cwd}).`);
  const json = globals.json === true;
  const quiet = globals.quiet === true;
  return {
    cwd,
    env: io.env,
    home,
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
      if (!json) io.stderr.write(`${errStyle.yellow('warning')} ${message}\n`);
    },
  };
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
  return `${JSON.stringify({ ok: false, error: body }, null, 2)}\n`;
}

/** Top-level help text, for usage errors found after parsing. */
async function helpText(): Promise<string> {
  const { buildProgram } = await import('./commander.js');
  return buildProgram(await readVersion(), { writeOut: () => {}, writeErr: () => {} }, async () => {}).helpInformation();
}

/**
 * Runs the CLI and returns the exit code. The only place that maps errors to output; nothing
 * below it exits the process. Common command lines are parsed without commander (start-up
 * time); help, version, and anything unusual or wrong go through commander.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const wantsJson = argv.includes('--json');
  // Each stream is coloured only when it is a terminal itself (`2>log` gets plain text).
  const colorFlag = !argv.includes('--no-color');
  const style = await makeStyle(colorLevel(io.env, () => io.stdout.isTTY === true, colorFlag));
  const errStyle = await makeStyle(colorLevel(io.env, () => io.stderr.isTTY === true, colorFlag));
  let result: CommandResult | undefined;
  const invoke = async ({ command, args, options, globals }: Invocation): Promise<void> => {
    const home = io.home ?? io.env.HOME ?? (await import('node:os')).homedir(); // node:os only without HOME
    const ctx = makeContext(io, globals as GlobalOptions, style, errStyle, home);
    const module = await command.load!();
    result = await module.run(ctx, ...args, options);
  };
  try {
    if (argv.length === 0) {
      io.stderr.write(await helpText());
      return ExitCode.usage;
    }
    const fast = parseArgv(argv, GLOBAL_OPTIONS, COMMANDS);
    if (fast) {
      await invoke(fast);
    } else {
      const { buildProgram, CommanderError } = await import('./commander.js');
      const program = buildProgram(await readVersion(), { writeOut: (t) => io.stdout.write(t), writeErr: (t) => io.stderr.write(t) }, invoke);
      try {
        await program.parseAsync(argv, { from: 'user' });
      } catch (error) {
        if (!(error instanceof CommanderError)) throw error;
        if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
        if (wantsJson) io.stdout.write(errorJson(new UsageError(error.message.replace(/^error: /, ''), { hint: 'Run `agent-install --help` for usage.' })));
        return ExitCode.usage;
      }
    }
    if (result === undefined) return ExitCode.ok;
    if (wantsJson) io.stdout.write(`${JSON.stringify(withFailure(result), null, 2)}\n`);
    else if (result.text) io.stdout.write(`${result.text}\n`);
    return result.exitCode ?? ExitCode.ok;
  } catch (error) {
    if (error instanceof AgentInstallError) {
      if (wantsJson) io.stdout.write(errorJson(error));
      else {
        io.stderr.write(`${errStyle.red('error')} ${error.message}\n`);
        if (error.hint) io.stderr.write(`${errStyle.dim('hint')}  ${error.hint}\n`);
      }
      if (error instanceof UsageError && !wantsJson) io.stderr.write(`\n${await helpText()}`);
      return error.exitCode;
    }
    const unexpected = error as Error;
    if (wantsJson) {
      io.stdout.write(
        errorJson(
          new AgentInstallError(unexpected?.message ?? String(error), {
            code: 'INTERNAL',
            hint: 'This is a bug in agent-install; please report it with the command you ran.',
          }),
        ),
      );
    }
    io.stderr.write(
      `${errStyle.red('internal error')} ${unexpected?.stack ?? String(error)}\nThis is a bug in agent-install; please report it with the command you ran and this output.\n`,
    );
    return ExitCode.failed;
  }
}
