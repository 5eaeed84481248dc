import { Command, CommanderError } from 'commander';
import { UsageError } from '../core/errors.js';
import type { Invocation } from './parse.js';
import { COMMANDS, type CommandSpec, EXAMPLES, GLOBAL_OPTIONS, type OptionSpec } from './spec.js';

export { CommanderError };

export interface CommanderIO {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

function addOption(command: Command, spec: OptionSpec): void {
  if (spec.repeatable) command.option(spec.flags, spec.description, (value: string, previous: string[] = []) => [...previous, value]);
  else if (spec.defaultValue !== undefined) command.option(spec.flags, spec.description, spec.defaultValue);
  else command.option(spec.flags, spec.description);
}

function addCommand(parent: Command, spec: CommandSpec, path: string[], run: (invocation: Invocation) => Promise<void>, io: CommanderIO): void {
  const command = parent.command(spec.name, spec.isDefault ? { isDefault: true } : {}).description(spec.description);
  for (const alias of spec.aliases ?? []) command.alias(alias);
  for (const argument of spec.arguments ?? []) command.argument(argument.syntax, argument.description);
  for (const option of spec.options ?? []) addOption(command, option);
  command.configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr }).showHelpAfterError().exitOverride();
  const names = [...path, spec.name];
  if (spec.subcommands) {
    for (const sub of spec.subcommands) addCommand(command, sub, names, run, io);
    command.action(() => {
      throw new UsageError(`${names.join(' ')}: name a subcommand (${spec.subcommands!.map((c) => c.name).join(', ')}).`);
    });
    return;
  }
  command.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const args = params.slice(0, (spec.arguments ?? []).length);
    await run({ path: names, command: spec, args, options: self.opts(), globals: programOf(self).opts() });
  });
}

function programOf(command: Command): Command {
  let current = command;
  while (current.parent) current = current.parent;
  return current;
}

/** The commander program for the whole CLI, built from `cli-spec.ts`: help, usage errors, and every command line the fast parser leaves to it. */
export function buildProgram(version: string, io: CommanderIO, run: (invocation: Invocation) => Promise<void>): Command {
  const program = new Command('agent-install');
  program
    .description('The package manager for Claude Code subagents.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help');
  for (const option of GLOBAL_OPTIONS) addOption(program, option);
  program.showHelpAfterError().configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr }).exitOverride();
  for (const spec of COMMANDS) addCommand(program, spec, [], run, io);
  program.addHelpText('after', EXAMPLES);
  return program;
}
