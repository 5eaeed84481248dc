import type { CommandSpec, OptionSpec } from './spec.js';

/** A command line understood without commander: the command, its arguments and both option sets. */
export interface Invocation {
  /** The command's path, e.g. `['registry', 'build']`. */
  path: string[];
  command: CommandSpec;
  /** One entry per declared argument (an array for variadic ones). */
  args: unknown[];
  options: Record<string, unknown>;
  globals: Record<string, unknown>;
}

interface Flag {
  key: string;
  takesValue: boolean;
  negate: boolean;
  repeatable: boolean;
  defaultValue?: string;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `-t, --template <template>` → names `-t`, `--template` and how the flag behaves. */
function parseFlags(spec: OptionSpec): { names: string[]; flag: Flag } {
  const parts = spec.flags.split(/[ ,|]+/).filter(Boolean);
  const names = parts.filter((p) => p.startsWith('-'));
  const long = names.find((n) => n.startsWith('--')) ?? names[0]!;
  const negate = long.startsWith('--no-');
  const bare = long.replace(/^--?/, '').replace(/^no-/, '');
  const flag: Flag = { key: camelCase(bare), takesValue: parts.some((p) => p.startsWith('<')), negate, repeatable: spec.repeatable === true };
  if (spec.defaultValue !== undefined) flag.defaultValue = spec.defaultValue;
  return { names, flag };
}

function table(specs: OptionSpec[] = []): Map<string, Flag> {
  const out = new Map<string, Flag>();
  for (const spec of specs) {
    const { names, flag } = parseFlags(spec);
    for (const name of names) out.set(name, flag);
  }
  return out;
}

/** Values commander gives options nobody passed: `--no-x` defaults to true, declared defaults. */
function defaults(flags: Map<string, Flag>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const flag of flags.values()) {
    if (flag.negate) out[flag.key] = true;
    else if (flag.defaultValue !== undefined) out[flag.key] = flag.defaultValue;
  }
  return out;
}

const HELP_OR_VERSION = new Set(['-h', '--help', '-V', '--version']);

/**
 * Parses the common, well-formed command lines the way commander would, without loading it
 * (commander costs more start-up time than `list` may take). Returns null for anything else —
 * help, version, unknown options, missing arguments, `--`, bundled short flags — so that
 * commander handles it and prints its usual help or error. `tests/unit/argv.test.ts` checks
 * that both parse the same command lines the same way.
 */
export function parseArgv(argv: string[], globalSpecs: OptionSpec[], commands: CommandSpec[]): Invocation | null {
  const globalFlags = table(globalSpecs);
  const globals = defaults(globalFlags);
  let command: CommandSpec | undefined;
  let path: string[] = [];
  let commandFlags = new Map<string, Flag>();
  let options: Record<string, unknown> = {};
  const positional: string[] = [];

  const choose = (spec: CommandSpec, names: string[]) => {
    command = spec;
    path = names;
    commandFlags = table(spec.options);
    options = defaults(commandFlags);
  };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--' || token === '-' || HELP_OR_VERSION.has(token)) return null;
    if (token.startsWith('-')) {
      let name = token;
      let value: string | undefined;
      if (token.startsWith('--')) {
        const eq = token.indexOf('=');
        if (eq > 0) {
          name = token.slice(0, eq);
          value = token.slice(eq + 1);
        }
      } else if (token.length !== 2) {
        return null; // `-gq`, `-Cdir`: leave to commander
      }
      const own = commandFlags.get(name);
      const flag = own ?? globalFlags.get(name);
      if (!flag) return null;
      const target = own ? options : globals;
      if (flag.takesValue) {
        if (value === undefined) {
          value = argv[++i];
          if (value === undefined || value.startsWith('-')) return null;
        }
        target[flag.key] = flag.repeatable ? [...((target[flag.key] as string[] | undefined) ?? []), value] : value;
      } else {
        if (value !== undefined) return null;
        target[flag.key] = !flag.negate;
      }
      continue;
    }
    if (command === undefined) {
      const named = commands.find((c) => c.name === token || c.aliases?.includes(token));
      if (named?.subcommands) {
        const subName = argv[i + 1];
        const sub = named.subcommands.find((c) => c.name === subName || c.aliases?.includes(subName ?? ''));
        if (!sub) return null;
        choose(sub, [named.name, sub.name]);
        i++;
        continue;
      }
      if (named) {
        choose(named, [named.name]);
        continue;
      }
      const fallback = commands.find((c) => c.isDefault);
      if (!fallback) return null;
      choose(fallback, [fallback.name]);
    }
    positional.push(token);
  }
  if (command === undefined) {
    const fallback = commands.find((c) => c.isDefault);
    if (!fallback) return null;
    choose(fallback, [fallback.name]);
  }
  const chosen = command as CommandSpec | undefined;
  if (!chosen?.load) return null;

  const args: unknown[] = [];
  let next = 0;
  for (const argument of chosen.arguments ?? []) {
    const required = argument.syntax.startsWith('<');
    if (argument.syntax.includes('...')) {
      const rest = positional.slice(next);
      if (required && rest.length === 0) return null;
      args.push(rest);
      next = positional.length;
    } else {
      const value = positional[next];
      if (value === undefined && required) return null;
      args.push(value);
      if (value !== undefined) next++;
    }
  }
  if (next < positional.length) return null; // too many arguments: commander explains
  return { path, command: chosen, args, options, globals };
}
