import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CommandSpec, defineCommand, flagsOf, type OptionDecls, walkCommands } from '../../src/cli/define.js';
import { flagArity, parseArgv } from '../../src/cli/parse.js';
import { CLI } from '../../src/cli/spec.js';
import type { CommandResult } from '../../src/commands/context.js';

/** Values that differ from what nobody typing anything gets, so that each case shows only what it sets. */
function changed(values: Record<string, unknown>, decls: OptionDecls): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const decl = decls[key]!;
    const unset = decl.type === 'boolean' ? decl.negated === true : decl.repeatable ? [] : decl.default;
    if (JSON.stringify(value) !== JSON.stringify(unset)) out[key] = value;
  }
  return out;
}

function read(argv: string[]) {
  const parsed = parseArgv(argv, CLI);
  const globals = changed(parsed.globals, CLI.globals);
  switch (parsed.kind) {
    case 'run':
      return {
        run: parsed.implicit ? `(${parsed.command.name})` : parsed.path.join(' '),
        args: parsed.input.args,
        options: changed(parsed.input.options, parsed.command.options),
        globals,
      };
    case 'error':
      return { error: parsed.problem, path: parsed.path.join(' '), globals };
    default:
      return { [parsed.kind]: parsed.path.join(' ') };
  }
}

const none = {};

describe('parseArgv: command lines that run a command', () => {
  it.each<[string[], ReturnType<typeof read>]>([
    [['fastapi-backend-builder'], { run: '(add)', args: { spec: ['fastapi-backend-builder'] }, options: none, globals: none }],
    [
      ['fastapi-backend-builder@^1.0', 'other', '--dry-run'],
      { run: '(add)', args: { spec: ['fastapi-backend-builder@^1.0', 'other'] }, options: { dryRun: true }, globals: none },
    ],
    [['add', 'x', '-g', '--force'], { run: 'add', args: { spec: ['x'] }, options: { force: true }, globals: { global: true } }],
    [['-g', 'add', 'x'], { run: 'add', args: { spec: ['x'] }, options: none, globals: { global: true } }],
    // a command's own options before the command word
    [['--dry-run', 'add', 'x'], { run: 'add', args: { spec: ['x'] }, options: { dryRun: true }, globals: none }],
    [['--frozen', 'install'], { run: 'install', args: { spec: [] }, options: { frozen: true }, globals: none }],
    [['--out', 'x.json', 'registry', 'build', 'dir'], { run: 'registry build', args: { dir: 'dir' }, options: { out: 'x.json' }, globals: none }],
    [['--to', '1.0.0', 'diff', 'a'], { run: 'diff', args: { name: ['a'] }, options: { to: '1.0.0' }, globals: none }],
    [['--json', 'list'], { run: 'list', args: {}, options: none, globals: { json: true } }],
    [['list', '--project', '--json', '--no-color'], { run: 'list', args: {}, options: { project: true }, globals: { json: true, color: false } }],
    [['ls', '-g'], { run: 'list', args: {}, options: none, globals: { global: true } }],
    [['-C', '/tmp', 'list'], { run: 'list', args: {}, options: none, globals: { cwd: '/tmp' } }],
    [['-C/tmp', 'list'], { run: 'list', args: {}, options: none, globals: { cwd: '/tmp' } }],
    [['--cwd=/tmp', 'list', '-q'], { run: 'list', args: {}, options: none, globals: { cwd: '/tmp', quiet: true } }],
    [['--cwd', '/tmp', 'list'], { run: 'list', args: {}, options: none, globals: { cwd: '/tmp' } }],
    // bundled short flags; a flag that takes a value ends the bundle
    [['-gq', 'list'], { run: 'list', args: {}, options: none, globals: { global: true, quiet: true } }],
    [['-gC', '/tmp', 'ls'], { run: 'list', args: {}, options: none, globals: { global: true, cwd: '/tmp' } }],
    [['-qCdir', 'ls'], { run: 'list', args: {}, options: none, globals: { quiet: true, cwd: 'dir' } }],
    [['i'], { run: 'install', args: { spec: [] }, options: none, globals: none }],
    [['install', 'x@1.0.0', '--force'], { run: 'install', args: { spec: ['x@1.0.0'] }, options: { force: true }, globals: none }],
    [['verify', '--allow-modified', '-v'], { run: 'verify', args: {}, options: { allowModified: true }, globals: { verbose: true } }],
    [['outdated', '--exit-code', '--json'], { run: 'outdated', args: {}, options: { exitCode: true }, globals: { json: true } }],
    [['diff', 'a', 'b', '--to', '1.0.0', '--exit-code'], { run: 'diff', args: { name: ['a', 'b'] }, options: { to: '1.0.0', exitCode: true }, globals: none }],
    [['diff', '--to=1.0.0'], { run: 'diff', args: { name: [] }, options: { to: '1.0.0' }, globals: none }],
    [['diff', '--base'], { run: 'diff', args: { name: [] }, options: { base: true }, globals: none }],
    [
      ['upgrade', '--latest', '--merge-markers', '--dry-run'],
      { run: 'upgrade', args: { name: [] }, options: { latest: true, mergeMarkers: true, dryRun: true }, globals: none },
    ],
    [['update', 'a', '--force'], { run: 'upgrade', args: { name: ['a'] }, options: { force: true }, globals: none }],
    [['remove', 'a', 'b', '--force'], { run: 'remove', args: { name: ['a', 'b'] }, options: { force: true }, globals: none }],
    [['rm', 'a', '--dry-run'], { run: 'remove', args: { name: ['a'] }, options: { dryRun: true }, globals: none }],
    [
      ['validate', '.claude/agents', '--strict', '--json'],
      { run: 'validate', args: { path: ['.claude/agents'] }, options: { strict: true }, globals: { json: true } },
    ],
    [['lint', 'a.md', 'b', '--fix', '--dry-run'], { run: 'validate', args: { path: ['a.md', 'b'] }, options: { fix: true, dryRun: true }, globals: none }],
    [
      ['new', 'my-agent', '-t', 'code-reviewer', '-d', 'Reviews code', '--tools', 'Read, Grep', '--model', 'opus', '--color', 'cyan'],
      {
        run: 'new',
        args: { name: 'my-agent' },
        options: { template: 'code-reviewer', description: 'Reviews code', tools: 'Read, Grep', model: 'opus', color: 'cyan' },
        globals: none,
      },
    ],
    // new's --color <colour> and the global --no-color are two options
    [['new', 'my-agent', '--color', 'cyan', '--no-color'], { run: 'new', args: { name: 'my-agent' }, options: { color: 'cyan' }, globals: { color: false } }],
    [['new', 'my-agent', '--print', '--no-color'], { run: 'new', args: { name: 'my-agent' }, options: { print: true }, globals: { color: false } }],
    [
      ['new', 'my-agent', '--template=backend-builder', '-g'],
      { run: 'new', args: { name: 'my-agent' }, options: { template: 'backend-builder' }, globals: { global: true } },
    ],
    [['new', 'my-agent', '-tcode-reviewer'], { run: 'new', args: { name: 'my-agent' }, options: { template: 'code-reviewer' }, globals: none }],
    [
      ['registry', 'build', 'dir', '--out', 'x.json', '--base-url', 'https://example.com/'],
      { run: 'registry build', args: { dir: 'dir' }, options: { out: 'x.json', baseUrl: 'https://example.com/' }, globals: none },
    ],
    // repeatable
    [
      ['--registry', 'a.json', '--registry', 'b.json', 'search-term'],
      { run: '(add)', args: { spec: ['search-term'] }, options: none, globals: { registry: ['a.json', 'b.json'] } },
    ],
    [
      ['search', '--registry=a.json', 'x', '--registry', 'b.json'],
      { run: 'search', args: { query: ['x'] }, options: none, globals: { registry: ['a.json', 'b.json'] } },
    ],
    [['--offline', 'install', '--frozen'], { run: 'install', args: { spec: [] }, options: { frozen: true }, globals: { offline: true } }],
    // `--` ends the options; a word after it is never a command
    [['add', '--', '-weird-name', '--force'], { run: 'add', args: { spec: ['-weird-name', '--force'] }, options: none, globals: none }],
    [['--', 'list'], { run: '(add)', args: { spec: ['list'] }, options: none, globals: none }],
    [['add', 'list'], { run: 'add', args: { spec: ['list'] }, options: none, globals: none }],
    [['-'], { run: '(add)', args: { spec: ['-'] }, options: none, globals: none }],
    [['search'], { run: 'search', args: { query: [] }, options: none, globals: none }],
    [['info', 'x@^1'], { run: 'info', args: { name: 'x@^1' }, options: none, globals: none }],
    // no command word: the default command, with nothing to add (add says so)
    [['-g'], { run: '(add)', args: { spec: [] }, options: none, globals: { global: true } }],
  ])('%j', (argv, expected) => {
    expect(read(argv)).toEqual(expected);
  });
});

describe('parseArgv: help and version', () => {
  it.each<[string[], ReturnType<typeof read>]>([
    [['--help'], { help: '' }],
    [['-h'], { help: '' }],
    [['help'], { help: '' }],
    [['add', '--help'], { help: 'add' }],
    [['-h', 'list'], { help: 'list' }],
    [['ls', '-h'], { help: 'list' }],
    [['list', '--bogus', '--help'], { help: 'list' }],
    [['registry', '--help'], { help: 'registry' }],
    [['registry', 'build', '-h'], { help: 'registry build' }],
    [['help', 'list'], { help: 'list' }],
    [['help', 'ls'], { help: 'list' }],
    [['help', 'registry'], { help: 'registry' }],
    [['help', 'registry', 'build'], { help: 'registry build' }],
    [['help', 'help'], { help: 'help' }],
    // the default command implied by an agent name: the top-level help, which explains it
    [['fastapi-backend-builder', '--help'], { help: '' }],
    [['-V'], { version: '' }],
    [['--version'], { version: '' }],
    [['list', '-V'], { version: 'list' }],
  ])('%j', (argv, expected) => {
    expect(read(argv)).toEqual(expected);
  });
});

describe('parseArgv: wrong command lines', () => {
  it.each<[string[], ReturnType<typeof read>]>([
    [[], { error: { kind: 'nothing' }, path: '', globals: none }],
    [['list', '--bogus'], { error: { kind: 'unknown-option', option: '--bogus' }, path: 'list', globals: none }],
    [['list', '--bogus', '--json'], { error: { kind: 'unknown-option', option: '--bogus' }, path: 'list', globals: { json: true } }],
    [['list', '--frozen'], { error: { kind: 'foreign-option', option: '--frozen', owners: ['install'] }, path: 'list', globals: none }],
    [
      ['--force', 'list'],
      { error: { kind: 'foreign-option', option: '--force', owners: ['add', 'install', 'upgrade', 'remove'] }, path: 'list', globals: none },
    ],
    [['-x', 'list'], { error: { kind: 'unknown-option', option: '-x' }, path: 'list', globals: none }],
    [['-gx', 'list'], { error: { kind: 'unknown-option', option: '-x' }, path: 'list', globals: { global: true } }],
    [['remove'], { error: { kind: 'missing-argument', argument: 'name' }, path: 'remove', globals: none }],
    [['new'], { error: { kind: 'missing-argument', argument: 'name' }, path: 'new', globals: none }],
    [['validate', '--strict'], { error: { kind: 'missing-argument', argument: 'path' }, path: 'validate', globals: none }],
    [['list', 'extra'], { error: { kind: 'extra-arguments', extra: ['extra'] }, path: 'list', globals: none }],
    [['info', 'a', 'b'], { error: { kind: 'extra-arguments', extra: ['b'] }, path: 'info', globals: none }],
    [['diff', '--to'], { error: { kind: 'missing-value', option: '--to' }, path: 'diff', globals: none }],
    [['diff', '--to', '--json'], { error: { kind: 'missing-value', option: '--to', next: '--json' }, path: 'diff', globals: { json: true } }],
    [['-C'], { error: { kind: 'missing-value', option: '-C' }, path: '', globals: none }],
    [['--json=yes', 'list'], { error: { kind: 'unexpected-value', option: '--json' }, path: 'list', globals: none }],
    [['registry'], { error: { kind: 'missing-command' }, path: 'registry', globals: none }],
    [['registry', '--json'], { error: { kind: 'missing-command' }, path: 'registry', globals: { json: true } }],
    [['registry', 'nope'], { error: { kind: 'unknown-command', word: 'nope' }, path: 'registry', globals: none }],
    [['help', 'nope'], { error: { kind: 'unknown-command', word: 'nope' }, path: '', globals: none }],
    [['help', 'list', 'x'], { error: { kind: 'unknown-command', word: 'x' }, path: 'list', globals: none }],
  ])('%j', (argv, expected) => {
    expect(read(argv)).toEqual(expected);
  });

  it('marks the default command as implied, with the word that was no command', () => {
    expect(parseArgv(['lsit', '--project'], CLI)).toMatchObject({ kind: 'error', implicit: true, first: 'lsit', problem: { kind: 'foreign-option' } });
    expect(parseArgv(['remvoe', 'x'], CLI)).toMatchObject({ kind: 'run', implicit: true, first: 'remvoe' });
    expect(parseArgv(['--', 'remvoe'], CLI)).not.toHaveProperty('first');
    expect(parseArgv(['add', 'remvoe'], CLI)).toMatchObject({ kind: 'run', implicit: false });
  });
});

describe('the command-line spec', () => {
  const everyOptionSet = (): Array<{ owner: string; options: OptionDecls }> => [
    { owner: '(global)', options: CLI.globals },
    ...[...walkCommands(CLI.commands)].map(({ path, command }) => ({ owner: path.join(' '), options: command.options })),
  ];

  it('gives every flag one arity everywhere: whether it takes a value never depends on the command', () => {
    const seen = new Map<string, { takesValue: boolean; owner: string }>();
    const conflicts: string[] = [];
    for (const { owner, options } of everyOptionSet()) {
      for (const [key, decl] of Object.entries(options)) {
        for (const flag of flagsOf(key, decl)) {
          const takesValue = decl.type === 'string';
          const before = seen.get(flag);
          if (before && before.takesValue !== takesValue)
            conflicts.push(`${flag}: ${before.owner} ${before.takesValue ? 'takes' : 'takes no'} value, ${owner} does not agree`);
          if (!before) seen.set(flag, { takesValue, owner });
        }
      }
    }
    expect(conflicts).toEqual([]);
    expect(flagArity(CLI).get('--to')).toEqual({ takesValue: true, owners: ['diff'] });
  });

  it('never gives a command an option that a global option already answers to, nor one flag to two options', () => {
    const globalFlags = new Set(Object.entries(CLI.globals).flatMap(([key, decl]) => flagsOf(key, decl)));
    for (const { owner, options } of everyOptionSet().slice(1)) {
      const flags = Object.entries(options).flatMap(([key, decl]) => flagsOf(key, decl));
      expect(
        flags.filter((f) => globalFlags.has(f)),
        owner,
      ).toEqual([]);
      expect(new Set(flags).size, owner).toBe(flags.length);
    }
  });

  it('declares short flags as one letter, variadic arguments last, required arguments first, and commands once', () => {
    const names: string[] = [];
    for (const { path, command } of walkCommands(CLI.commands)) {
      for (const decl of Object.values(command.options)) if (decl.short !== undefined) expect(decl.short, path.join(' ')).toMatch(/^[A-Za-z]$/);
      command.args.forEach((arg, i) => {
        if (arg.variadic) expect(i, `${path.join(' ')} ${arg.name}`).toBe(command.args.length - 1);
        if (arg.required) expect(command.args.slice(0, i).every((a) => a.required)).toBe(true);
      });
      if (path.length === 1) names.push(command.name, ...command.aliases);
      expect(command.run === undefined, path.join(' ')).toBe(command.subcommands.length > 0 || command.name === CLI.helpCommand);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(CLI.commands.map((c) => c.name)).toContain(CLI.defaultCommand);
  });

  it('hands every command exactly the arguments and options it declares', () => {
    for (const { path, command } of walkCommands(CLI.commands)) {
      if (!command.run) continue;
      const argv = [...path, ...command.args.filter((a) => a.required).map((a) => `${a.name}-value`)];
      const parsed = parseArgv(argv, CLI);
      expect(parsed.kind, argv.join(' ')).toBe('run');
      if (parsed.kind !== 'run') continue;
      expect(parsed.command).toBe(command);
      expect(Object.keys(parsed.input.args).sort()).toEqual(command.args.map((a) => a.name).sort());
      expect(Object.keys(parsed.input.options).sort()).toEqual(Object.keys(command.options).sort());
    }
  });

  it('types run from the declaration', () => {
    const spec: CommandSpec = defineCommand({
      name: 'probe',
      description: 'a command for this test',
      args: [
        { name: 'first', required: true, description: '' },
        { name: 'second', description: '' },
        { name: 'rest', variadic: true, description: '' },
      ],
      options: {
        flag: { type: 'boolean', description: '' },
        value: { type: 'string', placeholder: 'v', description: '' },
        withDefault: { type: 'string', placeholder: 'v', default: 'x', description: '' },
        many: { type: 'string', placeholder: 'v', repeatable: true, description: '' },
      },
      run: async (_ctx, { args, options }): Promise<CommandResult> => {
        expectTypeOf(args).toEqualTypeOf<{ first: string; second: string | undefined; rest: string[] }>();
        expectTypeOf(options).toEqualTypeOf<{ flag: boolean; value: string | undefined; withDefault: string; many: string[] }>();
        return { json: null, text: '' };
      },
    });
    expect(spec.args.map((a) => a.name)).toEqual(['first', 'second', 'rest']);
  });
});
