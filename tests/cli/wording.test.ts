import { rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

const NAME = 'fastapi-backend-builder';

describe('plan rows and refusals say what happens', () => {
  it('a restore, a downgrade and an update are told apart', async () => {
    const sb = makeSandbox();
    await sb.run(['add', `${NAME}@1.1.0`]);
    const down = await sb.run(['add', `${NAME}@1.0.0`]);
    expect(down.stdout).toContain(`~ downgraded     ${NAME}@1.1.0 → 1.0.0  ${NAME}.md`);
    expect((await sb.run(['add', `${NAME}@1.1.0`])).stdout).toContain(`~ updated        ${NAME}@1.0.0 → 1.1.0  ${NAME}.md`);
    sb.write({ [`.claude/agents/${NAME}.md`]: agentText(NAME) });
    expect((await sb.run(['install', '--force', '--dry-run'])).stdout).toContain(`~ would restore  ${NAME}@1.1.0  ${NAME}.md`);
    expect((await sb.run(['install', '--force'])).stdout).toContain(`~ restored       ${NAME}@1.1.0  ${NAME}.md`);
    // --json keeps the action's type.
    sb.write({ [`.claude/agents/${NAME}.md`]: agentText(NAME) });
    expect((await sb.run(['install', '--force', '--json'])).json().actions[0]).toMatchObject({ action: 'update' });
  });

  it('a refused remove says why, not "refusing to write"', async () => {
    const sb = makeSandbox();
    await sb.run(['add', `${NAME}@1.0.0`]);
    sb.write({ [`.claude/agents/${NAME}.md`]: agentText(NAME) });
    const result = await sb.run(['remove', NAME]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`error ${NAME}: ${NAME}.md has local edits.`);
    expect(result.stderr).not.toContain('refusing');
    expect(result.stderr).toContain('Nothing was changed.');
  });

  it('a file a registry index lists but that is gone: a sentence, no raw ENOENT', async () => {
    const sb = makeSandbox();
    const dir = path.join(sb.root, 'registry');
    sb.write({ 'agents/team-reviewer/1.0.0.md': agentText('team-reviewer') }, dir);
    await sb.run(['registry', 'build', dir]);
    rmSync(path.join(dir, 'agents/team-reviewer/1.0.0.md'));
    const result = await sb.run(['add', '--registry', path.join(dir, 'index.json'), 'team-reviewer']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${path.join(dir, 'agents/team-reviewer/1.0.0.md')} does not exist.`);
    expect(result.stderr).not.toMatch(/ENOENT|open '/);
  });
});
