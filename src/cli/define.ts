import type { CommandContext, CommandResult } from '../commands/context.js';

/**
 * How the command line is declared. Declarations are data (the parser and the help renderer read
 * them); `defineCommand` infers the types of a command's arguments and options from its
 * declaration, so that its `run` cannot drift from what the parser produces.
 */

/** `--<key>` (kebab-case of the key), or `--no-<key>` when `negated`. */
export interface BooleanOption {
  readonly type: 'boolean';
  /** One letter: `-g`. */
  readonly short?: string;
  readonly description: string;
  /** Declared as `--no-<key>`: the value is true unless the flag is given. */
  readonly negated?: boolean;
}

/** `--<key> <placeholder>`, or `--<key>=<value>`. */
export interface StringOption {
  readonly type: 'string';
  readonly short?: string;
  readonly description: string;
  /** The value's name in help: `--to <version>`. */
  readonly placeholder: string;
  readonly default?: string;
  /** Every occurrence is collected, in order. */
  readonly repeatable?: boolean;
}

export type OptionDecl = BooleanOption | StringOption;
export type OptionDecls = { readonly [key: string]: OptionDecl };

/** A positional argument; a variadic one takes the rest of the words and must come last. */
export interface ArgDecl {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly variadic?: boolean;
}

export type OptionValue<O extends OptionDecl> = O extends BooleanOption
  ? boolean
  : O extends { readonly repeatable: true }
    ? string[]
    : O extends { readonly default: string }
      ? string
      : string | undefined;
export type OptionValues<O extends OptionDecls> = { -readonly [K in keyof O]: OptionValue<O[K]> };

export type ArgValue<A extends ArgDecl> = A extends { readonly variadic: true }
  ? string[]
  : A extends { readonly required: true }
    ? string
    : string | undefined;
export type ArgValues<A extends readonly ArgDecl[]> = { -readonly [E in A[number] as E['name']]: ArgValue<E> };

/** What the parser hands a command, keyed as its declaration: argument names, option keys. */
export interface ParsedInput {
  args: Record<string, string | string[] | undefined>;
  options: Record<string, string | string[] | boolean | undefined>;
}

/** A command as the parser and the help renderer see it. */
export interface CommandSpec {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly args: readonly ArgDecl[];
  readonly options: OptionDecls;
  /** A group (`registry`) has subcommands and no `run`. */
  readonly subcommands: readonly CommandSpec[];
  /**
   * Loads the command's module and runs it. Declared as a method: the parser builds `input` from
   * this very spec, so the typed `run` given to defineCommand accepts it (see tests/unit/argv.test.ts).
   */
  run?(ctx: CommandContext, input: ParsedInput): Promise<CommandResult>;
}

export interface CommandDecl<A extends readonly ArgDecl[], O extends OptionDecls> {
  name: string;
  aliases?: readonly string[];
  description: string;
  args?: A;
  options?: O;
  run: (ctx: CommandContext, input: { args: ArgValues<A>; options: OptionValues<O> }) => Promise<CommandResult>;
}

/** A command whose `run` receives `args` and `options` typed from `args` and `options`. */
export function defineCommand<const A extends readonly ArgDecl[] = readonly [], const O extends OptionDecls = Record<never, never>>(
  decl: CommandDecl<A, O>,
): CommandSpec {
  return {
    name: decl.name,
    aliases: decl.aliases ?? [],
    description: decl.description,
    args: decl.args ?? [],
    options: decl.options ?? {},
    subcommands: [],
    run: decl.run,
  };
}

/** A command made of subcommands: `registry build <dir>`. */
export function defineGroup(decl: { name: string; aliases?: readonly string[]; description: string; subcommands: readonly CommandSpec[] }): CommandSpec {
  return { name: decl.name, aliases: decl.aliases ?? [], description: decl.description, args: [], options: {}, subcommands: decl.subcommands };
}

/** The whole command line: global options, commands, and the words around them. */
export interface CliSpec<G extends OptionDecls = OptionDecls> {
  /** The program's name, as users type it. */
  name: string;
  description: string;
  /** Accepted before or after any command. The keys `help` and `version` ask for help and the version. */
  globals: G;
  commands: readonly CommandSpec[];
  /** Runs when the first word is no command: `agent-install <spec...>` is `add <spec...>`. */
  defaultCommand: string;
  /** The command that prints help: `help [command...]`. */
  helpCommand: string;
  /** Printed below the top-level help. */
  footer: string;
}

/** `dryRun` → `dry-run`. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The long flag of an option: `--dry-run`, `--no-color`. */
export function longFlag(key: string, decl: OptionDecl): string {
  return `--${decl.type === 'boolean' && decl.negated ? 'no-' : ''}${kebabCase(key)}`;
}

/** Every flag an option answers to: `--template` and `-t`. */
export function flagsOf(key: string, decl: OptionDecl): string[] {
  return decl.short ? [longFlag(key, decl), `-${decl.short}`] : [longFlag(key, decl)];
}

/** A command and its subcommands, each with its path: `['registry', 'build']`. */
export function* walkCommands(commands: readonly CommandSpec[], path: string[] = []): Generator<{ path: string[]; command: CommandSpec }> {
  for (const command of commands) {
    const here = [...path, command.name];
    yield { path: here, command };
    yield* walkCommands(command.subcommands, here);
  }
}

export function findCommand(commands: readonly CommandSpec[], word: string | undefined): CommandSpec | undefined {
  if (word === undefined) return undefined;
  return commands.find((c) => c.name === word || c.aliases.includes(word));
}
