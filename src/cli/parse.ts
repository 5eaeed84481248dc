import {
  type CliSpec,
  type CommandSpec,
  findCommand,
  flagsOf,
  type OptionDecl,
  type OptionDecls,
  type OptionValues,
  type ParsedInput,
  walkCommands,
} from './define.js';

/** What is wrong with a command line; help.ts turns it into a message with a did-you-mean. */
export type Problem =
  /** No option of that name anywhere. */
  | { kind: 'unknown-option'; option: string }
  /** An option of other commands, not of this one. */
  | { kind: 'foreign-option'; option: string; owners: string[] }
  /** `--to` at the end, or followed by another option. */
  | { kind: 'missing-value'; option: string; next?: string }
  /** `--json=yes`. */
  | { kind: 'unexpected-value'; option: string }
  /** A word that is no subcommand of a group, or no command after `help`. */
  | { kind: 'unknown-command'; word: string }
  /** A group (`registry`) without its subcommand. */
  | { kind: 'missing-command' }
  | { kind: 'missing-argument'; argument: string }
  | { kind: 'extra-arguments'; extra: string[] }
  /** An empty command line. */
  | { kind: 'nothing' };

interface Common<G> {
  /** The command named so far (`['registry', 'build']`; `[]` for none): whose help fits. */
  path: string[];
  globals: G;
  /** The default command runs because the first word (`first`) is no command. */
  implicit: boolean;
  first?: string;
}

export type Parsed<G> =
  | (Common<G> & { kind: 'run'; command: CommandSpec; input: ParsedInput })
  | (Common<G> & { kind: 'help' })
  | (Common<G> & { kind: 'version' })
  | (Common<G> & { kind: 'error'; problem: Problem });

/** Every flag of every option, of the globals and of all commands at every level, and whether it takes a value. */
export function flagArity(cli: CliSpec): Map<string, { takesValue: boolean; owners: string[] }> {
  const table = new Map<string, { takesValue: boolean; owners: string[] }>();
  const add = (options: OptionDecls, owner: string) => {
    for (const [key, decl] of Object.entries(options)) {
      for (const flag of flagsOf(key, decl)) {
        const known = table.get(flag);
        if (known) known.owners.push(owner);
        else table.set(flag, { takesValue: decl.type === 'string', owners: [owner] });
      }
    }
  };
  add(cli.globals, '');
  for (const { path, command } of walkCommands(cli.commands)) add(command.options, path.join(' '));
  return table;
}

type OptionTable = Map<string, { key: string; decl: OptionDecl }>;

function optionTable(options: OptionDecls): OptionTable {
  const table: OptionTable = new Map();
  for (const [key, decl] of Object.entries(options)) for (const flag of flagsOf(key, decl)) table.set(flag, { key, decl });
  return table;
}

function defaults(options: OptionDecls): Record<string, string | string[] | boolean | undefined> {
  const values: Record<string, string | string[] | boolean | undefined> = {};
  for (const [key, decl] of Object.entries(options)) {
    if (decl.type === 'boolean') values[key] = decl.negated === true;
    else values[key] = decl.repeatable ? [] : decl.default;
  }
  return values;
}

function assign(values: Record<string, unknown>, key: string, decl: OptionDecl, value: string | undefined): void {
  if (decl.type === 'boolean') values[key] = !decl.negated;
  else if (decl.repeatable) (values[key] as string[]).push(value!);
  else values[key] = value;
}

/** A word that reads as an option, so it is not taken as the value of the option before it. */
const looksLikeOption = (word: string) => word.length > 1 && word.startsWith('-');

/**
 * Reads a command line by the spec, the only parser of the CLI. Options: `--long`, `--long=value`,
 * `--long value`, `-s`, `-s value`, `-svalue`, bundled short flags (`-gq`, `-gC dir`), `--no-x`
 * negations, repeatable options; `--` ends the options. Global options go anywhere, and so do
 * a command's own options, even before the command word (`--dry-run add x`): whether a flag takes
 * a value is known from the union of every declared option (tests/unit/argv.test.ts checks that
 * no flag takes a value in one place and none in another). The first word that is no option
 * names the command; a word that is no command is the first argument of the default command.
 *
 * Never throws: a wrong command line is a `kind: 'error'` result that still carries the global
 * options found (`--json` decides how the error is printed) and the command named so far.
 */
export function parseArgv<G extends OptionDecls>(argv: readonly string[], cli: CliSpec<G>): Parsed<OptionValues<G>> {
  // Tables are made when first needed: `list` alone needs none, `list --json` only the globals'.
  let globalTable: OptionTable | undefined;
  let ownTable: OptionTable | undefined;
  let arity: ReturnType<typeof flagArity> | undefined;
  const globalOption = (flag: string) => {
    globalTable ??= optionTable(cli.globals);
    return globalTable.get(flag);
  };
  const ownOption = (flag: string) => {
    if (!command || command.subcommands.length > 0) return undefined;
    ownTable ??= optionTable(command.options);
    return ownTable.get(flag);
  };
  const anyOption = (flag: string) => {
    arity ??= flagArity(cli);
    return arity.get(flag);
  };
  /** Whether `flag` takes a value: the command's own or a global option, else any command's; undefined when none has it. */
  const takesValue = (flag: string): boolean | undefined => {
    const decl = ownOption(flag)?.decl ?? globalOption(flag)?.decl;
    return decl ? decl.type === 'string' : anyOption(flag)?.takesValue;
  };

  const seen: Array<{ flag: string; value?: string }> = [];
  const words: string[] = [];
  let problem: Problem | undefined;
  const note = (found: Problem) => {
    problem ??= found;
  };
  // The command: the first word, then a subcommand while the command is a group; a first word
  // that is no command is the default command's first argument.
  let command: CommandSpec | undefined;
  const path: string[] = [];
  let implicit = false;
  let first: string | undefined;
  /** A group still waits for its subcommand. */
  const wantsWord = () => command === undefined || command.subcommands.length > 0;
  const commandWord = (word: string) => {
    const found = findCommand(command ? command.subcommands : cli.commands, word);
    if (found) {
      command = found;
      path.push(found.name);
    } else if (command) {
      note({ kind: 'unknown-command', word });
      words.push(word);
    } else {
      command = findCommand(cli.commands, cli.defaultCommand)!;
      implicit = true;
      first = word;
      words.push(word);
    }
    ownTable = undefined;
  };
  let operands = false;

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (operands || !looksLikeOption(token)) {
      if (!operands && wantsWord()) commandWord(token);
      else words.push(token);
      continue;
    }
    if (token === '--') {
      operands = true;
      continue;
    }
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const flag = eq > 0 ? token.slice(0, eq) : token;
      const withValue = takesValue(flag);
      if (withValue === undefined) {
        note({ kind: 'unknown-option', option: flag });
        continue;
      }
      if (!withValue) {
        if (eq > 0) note({ kind: 'unexpected-value', option: flag });
        else seen.push({ flag });
        continue;
      }
      if (eq > 0) {
        seen.push({ flag, value: token.slice(eq + 1) });
        continue;
      }
      const next = argv[i + 1];
      if (next === undefined || looksLikeOption(next)) {
        note(next === undefined ? { kind: 'missing-value', option: flag } : { kind: 'missing-value', option: flag, next });
        continue;
      }
      seen.push({ flag, value: next });
      i++;
      continue;
    }
    // One or more short flags: `-g`, `-gq`, `-Cdir`, `-gC dir`.
    for (let j = 1; j < token.length; j++) {
      const flag = `-${token[j]}`;
      const withValue = takesValue(flag);
      if (withValue === undefined) {
        note({ kind: 'unknown-option', option: flag });
        break;
      }
      if (!withValue) {
        seen.push({ flag });
        continue;
      }
      const rest = token.slice(j + 1);
      if (rest !== '') seen.push({ flag, value: rest });
      else {
        const next = argv[i + 1];
        if (next === undefined || looksLikeOption(next))
          note(next === undefined ? { kind: 'missing-value', option: flag } : { kind: 'missing-value', option: flag, next });
        else {
          seen.push({ flag, value: next });
          i++;
        }
      }
      break;
    }
  }
  if (command === undefined) {
    if (argv.length === 0) note({ kind: 'nothing' });
    else {
      // Only options, or only words after `--`: the default command's.
      command = findCommand(cli.commands, cli.defaultCommand)!;
      implicit = true;
    }
  } else if (command.subcommands.length > 0) note({ kind: 'missing-command' });

  // Options: the command's own, then the global ones.
  const globals = defaults(cli.globals);
  const options = defaults(command?.options ?? {});
  for (const { flag, value } of seen) {
    const own = ownOption(flag);
    if (own) assign(options, own.key, own.decl, value);
    else {
      const global = globalOption(flag);
      if (global) assign(globals, global.key, global.decl, value);
      // A group's problem (`registry` alone) comes first; its subcommands' options are no surprise.
      else if (command && command.subcommands.length === 0) note({ kind: 'foreign-option', option: flag, owners: anyOption(flag)!.owners });
    }
  }
  // `defaults` and `assign` filled in exactly the declared keys, with values of the declared types.
  const base = { path, globals: globals as OptionValues<G>, implicit, ...(first === undefined ? {} : { first }) };
  if (globals.help === true) return { ...base, kind: 'help', path: implicit ? [] : path };

  // `help [command...]`: the path of the command to explain.
  if (command && command.name === cli.helpCommand && path.length === 1) {
    const topic: string[] = [];
    let commands = cli.commands;
    for (const word of words) {
      const found = findCommand(commands, word);
      if (!found) return { ...base, path: topic, kind: 'error', problem: problem ?? { kind: 'unknown-command', word } };
      topic.push(found.name);
      commands = found.subcommands;
    }
    return problem ? { ...base, path: [], kind: 'error', problem } : { ...base, path: topic, kind: 'help' };
  }
  if (globals.version === true) return { ...base, kind: 'version' };

  // Arguments, in declared order; a variadic one takes the rest.
  const args: ParsedInput['args'] = {};
  const rest = [...words];
  for (const arg of command?.args ?? []) {
    if (arg.variadic) {
      args[arg.name] = rest.splice(0);
      if (arg.required && (args[arg.name] as string[]).length === 0) note({ kind: 'missing-argument', argument: arg.name });
    } else {
      args[arg.name] = rest.shift();
      if (arg.required && args[arg.name] === undefined) note({ kind: 'missing-argument', argument: arg.name });
    }
  }
  if (rest.length > 0 && command?.subcommands.length === 0) note({ kind: 'extra-arguments', extra: rest });

  if (problem || !command) return { ...base, kind: 'error', problem: problem ?? { kind: 'nothing' } };
  return { ...base, kind: 'run', command, input: { args, options } };
}
