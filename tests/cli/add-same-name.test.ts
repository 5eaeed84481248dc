import { describe, expect, it } from 'vitest';
import { agentText, makeSandbox, SEED } from '../helpers/sandbox.js';

const NAME = 'fastapi-backend-builder';

describe('add: an agent whose name another file already has', () => {
  it('a project agent named like a user agent: a warning naming the user file', async () => {
    const sb = makeSandbox();
    sb.write({ '.claude/agents/mine.md': agentText(NAME) }, sb.home);
    const result = await sb.run(['add', `${NAME}@1.0.0`]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      `warning ${NAME}: your user agent ~/.claude/agents/mine.md has the same name; in this project Claude Code loads the project agent instead of it`,
    );
    // Once only: adding it again changes nothing and says nothing.
    expect((await sb.run(['add', `${NAME}@1.0.0`])).stderr).toBe('');
  });

  it('a user agent named like an agent of the project: a warning too', async () => {
    const sb = makeSandbox();
    sb.write({ '.claude/agents/team/theirs.md': agentText(NAME) });
    const result = await sb.run(['add', '-g', `${NAME}@1.0.0`]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`the project agent .claude/agents/team/theirs.md has the same name`);
  });

  it('--force replaces the same-named file in place: one name, one file', async () => {
    const sb = makeSandbox();
    sb.write({ '.claude/agents/team/mine.md': agentText(NAME) });
    const refused = await sb.run(['add', `${NAME}@1.0.0`]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('use --force to replace it with this one');

    const forced = await sb.run(['add', '--force', `${NAME}@1.0.0`]);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain(`~ updated        ${NAME}@1.0.0  team/mine.md (replaced with --force: that file was named ${NAME} too)`);
    expect(sb.exists(`.claude/agents/${NAME}.md`)).toBe(false);
    expect(Buffer.from(sb.read('.claude/agents/team/mine.md')).equals(SEED)).toBe(true);
    const rows = (await sb.run(['list', '--project', '--json'])).json();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ path: 'team/mine.md', status: 'ok', version: '1.0.0' });
    expect((await sb.run(['verify'])).exitCode).toBe(0);
  });
});
