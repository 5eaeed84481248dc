import { describe, expect, it } from 'vitest';
import { makeRegistryRoot } from '../helpers/registry.js';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

// The command line as users type it: help, options anywhere, mistyped commands, usage errors.
const AGENT = 'fastapi-backend-builder';

describe('help', () => {
  it('`help` prints the top-level help on stdout, exit 0, as --help does', async () => {
    const sb = makeSandbox();
    const help = await sb.run(['help']);
    expect(help).toMatchObject({ exitCode: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: agent-install [options] <command>');
    expect(help.stdout).toContain('Exit codes');
    expect(help.stdout).toBe((await sb.run(['--help'])).stdout);
    expect(sb.exists('.claude')).toBe(false); // not an agent named "help"
  });

  it('`help <command>` prints that command’s help, as `<command> --help` does', async () => {
    const sb = makeSandbox();
    const help = await sb.run(['help', 'list']);
    expect(help).toMatchObject({ exitCode: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: agent-install list\|ls \[options\]\n/);
    expect(help.stdout).toContain('--project');
    expect(help.stdout).toBe((await sb.run(['list', '--help'])).stdout);
    expect(help.stdout).toBe((await sb.run(['help', 'ls'])).stdout);
    expect((await sb.run(['help', 'registry', 'build'])).stdout).toMatch(/^Usage: agent-install registry build \[options\] <dir>\n/);
    expect(sb.exists('.claude')).toBe(false);
  });

  it('a command’s help lists the global options too', async () => {
    const sb = makeSandbox();
    const { stdout } = await sb.run(['list', '--help']);
    for (const flag of [
      '-g, --global',
      '-C, --cwd <dir>',
      '--json',
      '--no-color',
      '-q, --quiet',
      '-v, --verbose',
      '--offline',
      '--registry <url>',
      '-h, --help',
    ])
      expect(stdout).toContain(flag);
    expect((await sb.run(['registry', 'build', '--help'])).stdout).toContain('--json');
  });

  it('`help` of something that is no command is a usage error with a did-you-mean', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['help', 'lsit']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command 'lsit'. Did you mean `agent-install list`?");
  });
});

describe('options anywhere', () => {
  it('a command’s own option before the command word belongs to that command', async () => {
    const sb = makeSandbox();
    const dry = await sb.run(['--dry-run', 'add', AGENT]);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was written.');
    expect(sb.exists('.claude')).toBe(false);
    expect((await sb.run(['--dry-run', AGENT])).stdout).toContain('Dry run'); // and before an implied add
    expect((await sb.run([AGENT])).exitCode).toBe(0);
    const frozen = await sb.run(['--frozen', '--json', 'install']);
    expect(frozen.exitCode).toBe(0);
    expect(frozen.json()).toMatchObject({ ok: true, frozen: true });
  });

  it('global options go before or after the command, bundled or not', async () => {
    const sb = makeSandbox();
    await sb.run([AGENT]);
    const after = await sb.run(['list', '--json']);
    expect((await sb.run(['--json', 'list'])).stdout).toBe(after.stdout);
    expect((await sb.run(['-qC', sb.project, 'ls', '--json'])).stdout).toBe(after.stdout);
    expect((await sb.run([`--cwd=${sb.project}`, '--json', 'ls'])).stdout).toBe(after.stdout);
  });

  it('an option of another command is a usage error that says whose it is', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['--frozen', 'list']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("`list` has no option '--frozen' (`install` has it)");
  });
});

describe('usage errors', () => {
  it('an unknown option gets a did-you-mean', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['list', '--projet']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--projet'. Did you mean '--project'?");
    expect((await sb.run(['upgrade', '--merge-marker'])).stderr).toContain("Did you mean '--merge-markers'?");
  });

  it('print the help of the command they are about, on stderr', async () => {
    const sb = makeSandbox();
    const missing = await sb.run(['remove']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^error `remove`: missing required argument 'name'\n/);
    expect(missing.stderr).toContain('\nUsage: agent-install remove|rm [options] <name...>\n');
    expect(missing.stderr).not.toContain('Usage: agent-install [options] <command>');
    // the implied add: its options, its help
    const implied = await sb.run([AGENT, '--dryrun']);
    expect(implied.exitCode).toBe(2);
    expect(implied.stderr).toContain("unknown option '--dryrun'. Did you mean '--dry-run'?");
    expect(implied.stderr).toContain('\nUsage: agent-install add [options] [spec...]\n');
    // thrown by the command itself, after parsing
    const bad = await sb.run(['new', 'ok-name', '--color', 'teal']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('\nUsage: agent-install new [options] <name>\n');
  });

  it('`registry` alone prints the registry usage, exit 2', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['registry']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('registry: name a subcommand (build).');
    expect(result.stderr).toContain('Usage: agent-install registry <command>');
    expect(result.stderr).toMatch(/Commands:\n {2}build \[options\] <dir>/);
    expect(result.stderr).not.toContain('Usage: agent-install [options] <command>');
    const unknown = await sb.run(['registry', 'biuld']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("`registry` has no subcommand 'biuld'. Did you mean `agent-install registry build`?");
  });

  it('with --json: exactly one JSON document on stdout, nothing on stderr', async () => {
    const sb = makeSandbox();
    for (const argv of [
      ['list', '--bogus', '--json'],
      ['--json', 'remove'],
      ['registry', '--json'],
      ['diff', '--to', '--json'],
      ['--json=yes', 'list', '--json'],
      ['remvoe', 'x', '--json'],
      ['--json', 'new', 'Bad_Name'],
    ]) {
      const result = await sb.run(argv);
      expect(result.exitCode, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toBe('');
      const doc = JSON.parse(result.stdout);
      expect(doc, argv.join(' ')).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(USAGE|UNKNOWN_COMMAND|INVALID_NAME)$/) } });
      expect(typeof doc.error.message).toBe('string');
    }
    expect((await sb.run(['list', '--bogus', '--json'])).json().error).toMatchObject({ code: 'USAGE', message: "unknown option '--bogus'" });
  });

  it('a value that looks like an option is not taken as one; --opt=value passes it', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['diff', '--to', '--json']);
    expect(result.json().error.hint).toContain('--to=<value>');
  });
});

describe('mistyped commands', () => {
  it('a mistyped command with arguments is the same usage error as without', async () => {
    const sb = makeSandbox();
    for (const argv of [['remvoe', 'x'], ['remvoe'], ['upgarde', 'a', 'b']]) {
      const result = await sb.run(argv);
      expect(result.exitCode, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error Unknown command "\w+" \(and no agent has that name\)\. Did you mean `agent-install (remove|upgrade)`\?\n/);
    }
    expect((await sb.run(['remvoe', 'x', '--json'])).json().error.code).toBe('UNKNOWN_COMMAND');
    // with an option the mistyped command would take
    const withOption = await sb.run(['lsit', '--project']);
    expect(withOption.exitCode).toBe(2);
    expect(withOption.stderr).toContain('Did you mean `agent-install list`?');
  });

  it('a word that is nearly a command but names an agent installs it', async () => {
    const sb = makeSandbox({ packageRoot: makeRegistryRoot({ remvoe: { '1.0.0': agentText('remvoe') }, other: { '1.0.0': agentText('other') } }) });
    const both = await sb.run(['remvoe', 'other']);
    expect(both.exitCode, both.stderr).toBe(0);
    expect(sb.exists('.claude/agents/remvoe.md')).toBe(true);
    // the typo-like word resolved; what failed is the next spec: that is a missing agent (exit 1)
    const next = await sb.run(['remvoe', 'nope-agent']);
    expect(next.exitCode).toBe(1);
    expect(next.stderr).toContain('Agent "nope-agent" not found');
  });

  it('a word far from every command is a missing agent (exit 1)', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['no-such-agent-at-all', 'x'])).exitCode).toBe(1);
  });
});
