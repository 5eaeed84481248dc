import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeRepo } from '../helpers/git.js';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

// A repository that serves more than git's output is allowed to be read whole (64 MiB): one
// 65 MiB blob named like an agent, and a folder whose agent-sized files add up to more.
const MiB = 1_048_576;
const HUGE = 65 * MiB;
let root: string;
/** git+file:// URLs of the two repositories. */
let huge: string;
let many: string;

/** A bare repository holding `tree` in one commit, packed (so each fetch copies the pack as is). */
function served(name: string, tree: Record<string, string | Uint8Array>): string {
  const repo = makeRepo(path.join(root, 'work', name));
  repo.commit(tree, name);
  const bare = path.join(root, 'served', `${name}.git`);
  repo.publish(bare);
  git(bare, ['repack', '-a', '-d', '-q']);
  return `git+file://${bare}`;
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-git-large-')));
  // Zeros: git stores them in a few kilobytes, but `cat-file` prints all 65 MiB.
  huge = served('huge', { 'agents/reviewer.md': agentText('reviewer'), 'agents/huge.md': new Uint8Array(HUGE) });
  // 66 different files just under 1 MiB each (no frontmatter, so they are skipped, not installed).
  const tree: Record<string, string> = { 'many/reviewer.md': agentText('reviewer') };
  for (let i = 0; i < 66; i++) tree[`many/notes-${String(i).padStart(2, '0')}.md`] = `# Notes ${i}\n${'x'.repeat(MiB - 64)}\n`;
  many = served('many', tree);
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('git blobs larger than an agent file', () => {
  it('a 65 MiB file named as the spec path is refused by its size, without reading it', async () => {
    const sb = makeSandbox();
    const result = await sb.run([`${huge}#main::path:agents/huge.md`, '--json']);
    expect(result.exitCode, result.stdout).toBe(1);
    const { error } = result.json();
    expect(error.code).toBe('INVALID_AGENT');
    expect(error.message).toMatch(/^agents\/huge.md in /);
    expect(error.message).toContain(`is ${HUGE.toLocaleString('en-US')} bytes; agent files are at most 1 MiB`);
    expect(error.details).toMatchObject({ path: 'agents/huge.md', size: HUGE });
    expect(sb.exists('.claude/agents.lock.json')).toBe(false);
    const human = await sb.run([`${huge}#main::path:agents/huge.md`]);
    expect(human.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('in a folder, the 65 MiB file is skipped with a warning and the agents beside it are installed', async () => {
    const sb = makeSandbox();
    const result = await sb.run([`${huge}#main::path:agents`]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('skipped agents/huge.md: over 1 MiB');
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agentText('reviewer'));
  });

  it('a folder whose files add up to more than 64 MiB is read in full (each file within the limit)', async () => {
    const sb = makeSandbox();
    const result = await sb.run([`${many}#main::path:many`]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('skipped many/notes-65.md: not an agent Claude Code would load');
    expect(sb.read('.claude/agents/reviewer.md')).toBe(agentText('reviewer'));
  });
});
