/**
 * The lock entry's `targets` field (docs/targets-design.md): each record is checked strictly on
 * read, in a lockfile and in a journal, so that no hand edit or planted file makes agent-install
 * write or delete anything but the agent's own file in its target's folder.
 */
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { parseJournal } from '../../src/core/lockfile/journal.js';
import { parseLockfile } from '../../src/core/lockfile/lockfile.js';

const INTEGRITY = computeIntegrity('x');
const entry = (targets: unknown) => ({ requested: '1.0.0', source: 'rev@1.0.0', integrity: INTEGRITY, path: 'rev.md', registry: 'bundled', targets });
const lockfile = (targets: unknown) => JSON.stringify({ lockfileVersion: 2, agents: { rev: entry(targets) } });
const problem = (targets: unknown): string | null => {
  try {
    parseLockfile(lockfile(targets), 'agents.lock.json');
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('targets in a lock entry', () => {
  it.each([
    ['the project file', { opencode: { path: '.opencode/agents/rev.md', integrity: INTEGRITY } }],
    ['the user file', { opencode: { path: '.config/opencode/agents/rev.md', integrity: INTEGRITY } }],
    [
      'every target',
      {
        opencode: { path: '.opencode/agents/rev.md', integrity: INTEGRITY },
        copilot: { path: '.github/agents/rev.agent.md', integrity: INTEGRITY },
        gemini: { path: '.gemini/agents/rev.md', integrity: INTEGRITY },
        cursor: { path: '.cursor/agents/rev.md', integrity: INTEGRITY },
        codex: { path: '.codex/agents/rev.toml', integrity: INTEGRITY },
      },
    ],
  ])('accepts %s', (_, targets) => {
    expect(problem(targets)).toBeNull();
    expect(parseLockfile(lockfile(targets), 'x').agents.rev!.targets).toEqual(targets);
  });

  it.each([
    ['a parent folder', { opencode: { path: '.opencode/agents/../../x.md', integrity: INTEGRITY } }],
    ['`..` as the name', { opencode: { path: '.opencode/agents/...md', integrity: INTEGRITY } }],
    ['an absolute path', { opencode: { path: '/etc/passwd.md', integrity: INTEGRITY } }],
    ['a home-relative path', { opencode: { path: '~/.opencode/agents/rev.md', integrity: INTEGRITY } }],
    ['backslashes', { opencode: { path: '.opencode\\agents\\rev.md', integrity: INTEGRITY } }],
    ['a subfolder', { opencode: { path: '.opencode/agents/team/rev.md', integrity: INTEGRITY } }],
    ["another target's folder", { opencode: { path: '.gemini/agents/rev.md', integrity: INTEGRITY } }],
    ['the wrong suffix', { copilot: { path: '.github/agents/rev.md', integrity: INTEGRITY } }],
    ["another agent's file", { opencode: { path: '.opencode/agents/other.md', integrity: INTEGRITY } }],
    ['the agents folder of Claude Code', { opencode: { path: '.claude/agents/rev.md', integrity: INTEGRITY } }],
    ['an unknown target', { vim: { path: '.vim/agents/rev.md', integrity: INTEGRITY } }],
    ['claude as a target', { claude: { path: '.claude/agents/rev.md', integrity: INTEGRITY } }],
    ['no integrity', { opencode: { path: '.opencode/agents/rev.md' } }],
    ['a bad integrity', { opencode: { path: '.opencode/agents/rev.md', integrity: 'md5-x' } }],
    ['an extra key', { opencode: { path: '.opencode/agents/rev.md', integrity: INTEGRITY, mode: 'x' } }],
    ['a list', [{ path: '.opencode/agents/rev.md', integrity: INTEGRITY }]],
    ['null', null],
  ])('refuses %s (LOCKFILE_INVALID)', (_, targets) => {
    expect(problem(targets)).toMatch(/targets/);
  });

  it('a journal naming a target file outside its folders is not trusted as a journal', () => {
    const journal = (path: string) =>
      JSON.stringify({
        journalVersion: 1,
        token: '0123456789abcdef',
        lockfileBefore: null,
        lockfileAfter: 'x64-0123456789abcdef',
        changes: [
          { name: 'rev', path: 'rev.md', before: null, after: entry(undefined), fileAfter: INTEGRITY, targets: { opencode: { path, after: INTEGRITY } } },
        ],
      });
    const good = parseJournal(journal('.opencode/agents/rev.md'));
    expect(typeof good === 'string' ? good : 'parsed').toBe('parsed');
    expect(parseJournal(journal('.opencode/agents/../../../.bashrc'))).toMatch(/outside the target folders/);
    expect(parseJournal(journal('.opencode/agents/other.md'))).toMatch(/outside the target folders/);
  });
});
