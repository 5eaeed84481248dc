import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/commander.js';
import { type Invocation, parseArgv } from '../../src/cli/parse.js';
import { COMMANDS, GLOBAL_OPTIONS } from '../../src/cli/spec.js';

async function viaCommander(argv: string[]): Promise<Omit<Invocation, 'command'> | 'error'> {
  let seen: Invocation | undefined;
  const program = buildProgram('0.0.0', { writeOut: () => {}, writeErr: () => {} }, async (invocation) => {
    seen = invocation;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch {
    return 'error';
  }
  const { command: _command, ...rest } = seen!;
  // commander leaves options nobody set undefined-free; so does the fast parser
  return JSON.parse(JSON.stringify(rest));
}

const fast = (argv: string[]) => {
  const parsed = parseArgv(argv, GLOBAL_OPTIONS, COMMANDS);
  if (parsed === null) return null;
  const { command: _command, ...rest } = parsed;
  return JSON.parse(JSON.stringify(rest));
};

// Command lines the fast parser must take, and must read exactly as commander does.
const common = [
  ['fastapi-backend-builder'],
  ['fastapi-backend-builder@^1.0', 'other', '--dry-run'],
  ['add', 'x', '-g', '--force'],
  ['-g', 'add', 'x'],
  ['--json', 'list'],
  ['list', '--project', '--json', '--no-color'],
  ['ls', '-g'],
  ['-C', '/tmp', 'list'],
  ['--cwd=/tmp', 'list', '-q'],
  ['install', '--frozen'],
  ['i'],
  ['install', 'x@1.0.0', '--force'],
  ['verify', '--allow-modified', '-v'],
  ['outdated', '--exit-code', '--json'],
  ['diff', 'a', 'b', '--to', '1.0.0', '--exit-code'],
  ['diff', '--base'],
  ['upgrade', '--latest', '--merge-markers', '--dry-run'],
  ['update', 'a', '--force'],
  ['remove', 'a', 'b', '--force'],
  ['rm', 'a', '--dry-run'],
  ['validate', '.claude/agents', '--strict', '--json'],
  ['lint', 'a.md', 'b', '--fix', '--dry-run'],
  ['new', 'my-agent', '-t', 'code-reviewer', '-d', 'Reviews code', '--tools', 'Read, Grep', '--model', 'opus', '--color', 'cyan'],
  ['new', 'my-agent', '--print', '--no-color'],
  ['new', 'my-agent', '--template=backend-builder', '-g'],
  ['registry', 'build', 'dir', '--out', 'x.json', '--base-url', 'https://example.com/'],
  ['--registry', 'a.json', '--registry', 'b.json', 'search-term'],
  ['--offline', 'install', '--frozen'],
  [],
];

// Command lines left to commander: help, version, errors, unusual syntax.
const unusual = [
  ['--help'],
  ['add', '--help'],
  ['-V'],
  ['list', '--bogus'],
  ['-gq', 'list'],
  ['remove'],
  ['new'],
  ['list', 'extra'],
  ['add', '--', '-weird-name'],
  ['diff', '--to'],
  ['registry'],
  ['registry', 'nope'],
  ['--json=yes', 'list'],
];

describe('parseArgv', () => {
  it.each(common)('reads %j as commander does', async (...argv) => {
    const mine = fast(argv);
    expect(mine).not.toBeNull();
    expect(mine).toEqual(await viaCommander(argv));
  });

  it.each(unusual)('leaves %j to commander', (...argv) => {
    expect(fast(argv)).toBeNull();
  });

  it('gives new its declared default template and global --no-color its default', () => {
    expect(fast(['new', 'abc'])).toMatchObject({ options: { template: 'blank' }, globals: { color: true } });
    expect(fast(['list', '--no-color'])).toMatchObject({ globals: { color: false } });
  });
});
