import { describe, expect, it } from 'vitest';
import { CLI, GLOBAL_OPTIONS } from '../../src/cli/spec.js';
import { makeSandbox } from '../helpers/sandbox.js';

/** `--global`, `--no-color`, … as help spells each global option. */
const FLAGS = Object.entries(GLOBAL_OPTIONS).map(([key, option]) => {
  const long = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const negated = 'negated' in option && option.negated;
  return `${'short' in option ? `-${option.short}, ` : ''}--${negated ? 'no-' : ''}${long}`;
});

/** Every command path: `add`, …, `registry build`, and the group itself. */
const PATHS = CLI.commands.flatMap((c) => [[c.name], ...c.subcommands.map((s) => [c.name, s.name])]);

describe('help', () => {
  it('knows every global option', () => {
    expect(FLAGS).toContain('-g, --global');
    expect(FLAGS).toContain('--no-color');
    expect(PATHS).toContainEqual(['registry', 'build']);
  });

  it.each(PATHS.map((p) => [p.join(' '), p]))('%s --help lists the global options', async (_, commandPath) => {
    const sb = makeSandbox();
    for (const argv of [
      [...commandPath, '--help'],
      ['help', ...commandPath],
    ]) {
      const result = await sb.run(argv);
      expect(result.exitCode, argv.join(' ')).toBe(0);
      expect(result.stdout).toContain('Global options');
      for (const flag of FLAGS) expect(result.stdout, `${argv.join(' ')}: ${flag}`).toContain(flag);
    }
  });

  it('the top-level help lists them too', async () => {
    const result = await makeSandbox().run(['--help']);
    for (const flag of FLAGS) expect(result.stdout).toContain(flag);
  });
});
