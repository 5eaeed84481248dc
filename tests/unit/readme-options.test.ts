import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, GLOBAL_OPTIONS } from '../../src/cli/spec.js';
import { REPO_ROOT } from '../helpers/sandbox.js';

/**
 * Every option `--help` shows, global or of a command, is spelt out in the README, so that a
 * reader of the README meets every option the CLI has (what each does is the README's to say). A
 * code span may wrap onto the next line.
 */
const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
/** The README's code spans, and its code blocks' text. */
const CODE = [...README.matchAll(/```[^\n]*\n([\s\S]*?)```|`([^`]+)`/g)].map((m) => m[1] ?? m[2]!);

const long = (key: string, option: object) => `--${'negated' in option && option.negated ? 'no-' : ''}${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** `[command, --option]` for every option of every command and subcommand, and the global ones. */
const OPTIONS: Array<[string, string]> = [
  ...Object.entries(GLOBAL_OPTIONS).map(([key, option]): [string, string] => ['(global)', long(key, option)]),
  ...CLI.commands.flatMap((command) =>
    [command, ...command.subcommands.map((sub) => ({ ...sub, name: `${command.name} ${sub.name}` }))].flatMap((c) =>
      Object.entries((c as { options?: Record<string, object> }).options ?? {}).map(([key, option]): [string, string] => [c.name, long(key, option)]),
    ),
  ),
];

describe('the README names every option', () => {
  it('has options to look for', () => {
    expect(OPTIONS).toContainEqual(['add', '--allow']);
    expect(OPTIONS).toContainEqual(['registry build', '--base-url']);
  });

  it.each(OPTIONS)('%s %s', (_, option) => {
    const word = new RegExp(`${option}(?![\\w-])`);
    expect(CODE.some((code) => word.test(code))).toBe(true);
  });
});
