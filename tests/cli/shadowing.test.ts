import { describe, expect, it } from 'vitest';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

// Claude Code loads, of the files in one scope that share a name, the one whose path sorts last
// (checked against the real client: tests/claude-code/). A locked agent that loses so is not
// what Claude Code runs, whatever its bytes: verify and install --frozen fail on it.
const NAME = 'fastapi-backend-builder';

describe('a locked agent hidden by another file of its name', () => {
  it('is drift for verify and install --frozen, and shown as shadowed by list', async () => {
    const sb = makeSandbox();
    expect((await sb.run([`${NAME}@1.0.0`])).exitCode).toBe(0);
    // "zzz/…" sorts after "fastapi-backend-builder.md": Claude Code loads it under the locked name.
    sb.write({ '.claude/agents/zzz/impostor.md': agentText(NAME) });

    const verify = await sb.run(['verify', '--json']);
    expect(verify.exitCode).toBe(3);
    const entry = verify.json().agents.find((e: any) => e.path === `${NAME}.md`);
    expect(entry).toMatchObject({ status: 'shadowed', shadowedBy: 'zzz/impostor.md', drift: true });

    const text = await sb.run(['verify']);
    expect(text.exitCode).toBe(3);
    expect(text.stdout + text.stderr).toContain('Claude Code loads zzz/impostor.md instead');

    const frozen = await sb.run(['install', '--frozen']);
    expect(frozen.exitCode).toBe(3);
    expect(frozen.stderr).toContain('zzz/impostor.md');

    const rows = (await sb.run(['list', '--json'])).json();
    expect(rows.find((r: any) => r.path === `${NAME}.md`)).toMatchObject({ status: 'shadowed', shadowedBy: 'zzz/impostor.md', version: '1.0.0' });
    // The impostor is what Claude Code loads; it is not the lockfile's, so agent-install leaves it.
    expect(rows.find((r: any) => r.path === 'zzz/impostor.md')).toMatchObject({ status: 'unmanaged' });
    expect(sb.exists('.claude/agents/zzz/impostor.md')).toBe(true);

    // Plain install cannot fix it (the impostor is not ours) but says so, and changes nothing.
    const install = await sb.run(['install']);
    expect(install.exitCode).toBe(0);
    expect(install.stderr).toContain('Claude Code loads zzz/impostor.md instead of fastapi-backend-builder.md');
  });

  it('is not hidden by a duplicate that sorts before it', async () => {
    const sb = makeSandbox();
    expect((await sb.run([`${NAME}@1.0.0`])).exitCode).toBe(0);
    sb.write({ '.claude/agents/aaa/copy.md': agentText(NAME) });
    const verify = await sb.run(['verify', '--json']);
    const entries = verify.json().agents;
    expect(entries.find((e: any) => e.path === `${NAME}.md`)).toMatchObject({ status: 'ok', drift: false });
    expect(entries.find((e: any) => e.path === 'aaa/copy.md')).toMatchObject({ shadowedBy: `${NAME}.md`, drift: false });
    expect(verify.exitCode).toBe(0);
    expect((await sb.run(['install', '--frozen'])).exitCode).toBe(0);
  });
});
