import { didYouMean } from '../core/did-you-mean.js';
import { UsageError } from '../core/errors.js';
import { type ArgDecl, type CliSpec, type CommandSpec, findCommand, flagsOf, longFlag, type OptionDecl, type OptionDecls } from './define.js';
import type { Problem } from './parse.js';

/**
 * Help and usage errors, rendered from the same spec the parser reads. Loaded only for help and
 * for a command line that is wrong: a well-formed one never needs it.
 */

/** Help is laid out for 80 columns, whatever the terminal (the bin shim prints a copy made at build time). */
const WIDTH = 80;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

type Rows = Array<[string, string]>;

/** Two columns: terms, and descriptions wrapped beside them; every section of a page shares the width of its terms. */
function columns(rows: Rows, termWidth: number): string[] {
  const descWidth = Math.max(WIDTH - termWidth - 4, 30);
  return rows.flatMap(([term, description]) => {
    const [head, ...tail] = wrap(description, descWidth);
    return [`  ${term.padEnd(termWidth)}  ${head}`.trimEnd(), ...tail.map((l) => `${' '.repeat(termWidth + 4)}${l}`)];
  });
}

function argSyntax(arg: ArgDecl): string {
  const name = `${arg.name}${arg.variadic ? '...' : ''}`;
  return arg.required ? `<${name}>` : `[${name}]`;
}

function optionTerm(key: string, decl: OptionDecl): string {
  const value = decl.type === 'string' ? ` <${decl.placeholder}>` : '';
  return decl.short ? `-${decl.short}, ${longFlag(key, decl)}${value}` : `    ${longFlag(key, decl)}${value}`;
}

function optionRows(options: OptionDecls): Rows {
  return Object.entries(options).map(([key, decl]) => [
    optionTerm(key, decl),
    decl.type === 'string' && decl.default !== undefined ? `${decl.description} (default: ${decl.default})` : decl.description,
  ]);
}

/** `install|i [options] [spec...]`. */
function commandTerm(command: CommandSpec): string {
  const words = [[command.name, ...command.aliases].join('|')];
  if (command.subcommands.length > 0) words.push('<command>');
  if (Object.keys(command.options).length > 0) words.push('[options]');
  words.push(...command.args.map(argSyntax));
  return words.join(' ');
}

/** The commands of a level, a group's subcommands listed in its place (`registry build`). */
function commandRows(commands: readonly CommandSpec[], prefix = ''): Rows {
  return commands.flatMap(
    (command): Rows =>
      command.subcommands.length > 0
        ? commandRows(command.subcommands, `${prefix}${command.name} `)
        : [[`${prefix}${commandTerm(command)}`, command.description]],
  );
}

function resolvePath(cli: CliSpec, path: readonly string[]): CommandSpec | undefined {
  let command: CommandSpec | undefined;
  let commands = cli.commands;
  for (const word of path) {
    command = findCommand(commands, word);
    if (!command) return undefined;
    commands = command.subcommands;
  }
  return command;
}

/** Titled sections of two columns, aligned with each other. */
function sections(list: Array<[string, Rows]>): string {
  const termWidth = Math.max(...list.flatMap(([, rows]) => rows.map(([term]) => term.length)));
  return list.map(([title, rows]) => [title, ...columns(rows, termWidth)].join('\n')).join('\n\n');
}

/** Help of the whole CLI (`path` empty) or of one command: usage, arguments, options, global options. */
export function renderHelp(cli: CliSpec, path: readonly string[] = []): string {
  const command = resolvePath(cli, path);
  const globals: [string, Rows] = ['Global options (before or after the command):', optionRows(cli.globals)];
  if (!command) {
    return [
      `Usage: ${cli.name} [options] <command> [arguments]`,
      `       ${cli.name} [options] <spec...>     the same as \`${cli.name} ${cli.defaultCommand} <spec...>\``,
      '',
      cli.description,
      '',
      sections([['Commands:', commandRows(cli.commands)], globals]),
      '',
      cli.footer,
      '',
    ].join('\n');
  }
  const parents = path.slice(0, -1).join(' ');
  const usage = [`Usage: ${cli.name} ${parents ? `${parents} ` : ''}${commandTerm(command)}`];
  if (path.length === 1 && command.name === cli.defaultCommand) {
    usage.push(`       ${cli.name} [options] ${command.args.map(argSyntax).join(' ')}     (${command.name} is the default command)`);
  }
  const parts: Array<[string, Rows]> = [];
  if (command.subcommands.length > 0) parts.push(['Commands:', commandRows(command.subcommands)]);
  if (command.args.length > 0) parts.push(['Arguments:', command.args.map((a) => [argSyntax(a), a.description])]);
  if (Object.keys(command.options).length > 0) parts.push(['Options:', optionRows(command.options)]);
  parts.push(globals);
  return `${[usage.join('\n'), wrap(command.description, WIDTH).join('\n'), sections(parts)].join('\n\n')}\n`;
}

const quote = (text: string) => `'${text}'`;

/** Flags the command line could have meant: the command's own and the global ones. */
function flagsFor(cli: CliSpec, command: CommandSpec | undefined): string[] {
  const flags: string[] = [];
  for (const options of [command?.options ?? {}, cli.globals]) for (const [key, decl] of Object.entries(options)) flags.push(...flagsOf(key, decl));
  return flags;
}

function helpCommandFor(cli: CliSpec, path: readonly string[]): string {
  return `\`${[cli.name, ...path, '--help'].join(' ')}\``;
}

/** The usage error for a problem the parser found, with a did-you-mean where one fits. */
export function usageError(cli: CliSpec, path: readonly string[], problem: Problem): UsageError {
  const command = resolvePath(cli, path);
  const named = path.length > 0 ? `\`${path.join(' ')}\`` : cli.name;
  const forHelp = `Run ${helpCommandFor(cli, path)} for usage.`;
  switch (problem.kind) {
    case 'unknown-option': {
      const close = problem.option.startsWith('--') ? didYouMean(problem.option, flagsFor(cli, command)) : undefined;
      return new UsageError(`unknown option ${quote(problem.option)}${close ? `. Did you mean ${quote(close)}?` : ''}`, { hint: forHelp });
    }
    case 'foreign-option': {
      const owners = problem.owners.map((o) => `\`${o}\``).join(', ');
      return new UsageError(`${named} has no option ${quote(problem.option)} (${owners} ${problem.owners.length === 1 ? 'has' : 'have'} it)`, {
        hint: forHelp,
      });
    }
    case 'missing-value': {
      const spelled = problem.next === undefined ? '' : `; ${quote(problem.next)} reads as an option`;
      return new UsageError(`option ${quote(problem.option)} needs a value${spelled}`, {
        hint:
          problem.next === undefined
            ? forHelp
            : `To pass a value that starts with '-', write ${problem.option.startsWith('--') ? `${problem.option}=` : problem.option}<value>.`,
      });
    }
    case 'unexpected-value':
      return new UsageError(`option ${quote(problem.option)} takes no value`, { hint: forHelp });
    case 'unknown-command': {
      const choices = command ? command.subcommands : cli.commands;
      const close = didYouMean(
        problem.word,
        choices.flatMap((c) => [c.name, ...c.aliases]),
      );
      if (command && choices.length === 0) return new UsageError(`${named} has no subcommands (${quote(problem.word)})`, { hint: forHelp });
      const where = command ? `${named} has no subcommand ${quote(problem.word)}` : `unknown command ${quote(problem.word)}`;
      return new UsageError(`${where}${close ? `. Did you mean \`${[cli.name, ...path, close].join(' ')}\`?` : ''}`, {
        hint: `${command ? 'Subcommands' : 'Commands'}: ${choices.map((c) => c.name).join(', ')}.`,
      });
    }
    case 'missing-command':
      return new UsageError(`${path.join(' ')}: name a subcommand (${command?.subcommands.map((c) => c.name).join(', ') ?? ''}).`, { hint: forHelp });
    case 'missing-argument':
      return new UsageError(`${named}: missing required argument ${quote(problem.argument)}`, { hint: forHelp });
    case 'extra-arguments': {
      const max = command?.args.length ?? 0;
      const expected = max === 0 ? 'takes no arguments' : `takes ${max === 1 ? 'one argument' : `${max} arguments`}`;
      return new UsageError(`${named} ${expected}: unexpected ${problem.extra.map((w) => JSON.stringify(w)).join(' ')}`, { hint: forHelp });
    }
    case 'nothing':
      return new UsageError('no command given', { hint: forHelp });
  }
}

/**
 * `agent-install lsit` reaches the default command with `lsit` as its first argument. When that
 * word is nearly a command, it was most likely a mistyped command. `noAgent`: the default command
 * confirmed that no agent has that name (otherwise the command line was wrong anyway).
 */
export function mistypedCommand(cli: CliSpec, word: string, noAgent: boolean): UsageError | undefined {
  if (!/^[a-z-]+$/.test(word)) return undefined;
  const command = didYouMean(
    word,
    cli.commands.flatMap((c) => [c.name, ...c.aliases]),
  );
  if (command === undefined) return undefined;
  return new UsageError(`Unknown command "${word}"${noAgent ? ' (and no agent has that name)' : ''}. Did you mean \`${cli.name} ${command}\`?`, {
    code: 'UNKNOWN_COMMAND',
    hint: `Run \`${cli.name} --help\` for the commands; \`${cli.name} search\` lists the agents.`,
  });
}
