import { describe, expect, it } from 'vitest';
import { checkAgentText } from '../../src/core/agent/validate.js';
import { makeSandbox } from '../helpers/sandbox.js';

// Names that look like another: a right-to-left override shows `re<RLO>weiv` as `review`; a
// zero-width space or joiner makes `review<ZWSP>` a second agent that looks like `review`.
const SPOOFS: Array<[string, string[]]> = [
  ['re\u202eweiv', ['U+202E']],
  ['review\u200b', ['U+200B']],
  ['rev\u200ciew', ['U+200C']],
  ['rev\u200diew', ['U+200D']],
  ['rev\u2060iew', ['U+2060']],
  ['\ufeffreview', ['U+FEFF']],
  ['rev\u2066iew\u2069', ['U+2066', 'U+2069']],
  ['review\u200e', ['U+200E']],
  ['review\u200f', ['U+200F']],
  ['rev\u061ciew', ['U+061C']],
  ['rev\u202aie\u202cw', ['U+202A', 'U+202C']],
  ['rev\u{e0041}iew', ['U+E0041']],
];

/** The YAML double-quoted form, so the file holds only ASCII. */
const quoted = (name: string) => JSON.stringify(name).replace(/[^\x20-\x7e]/gu, (c) => `\\U${c.codePointAt(0)!.toString(16).padStart(8, '0')}`);
const file = (name: string) => `---\nname: ${quoted(name)}\ndescription: Reviews code.\n---\n\nYou review.\n`;

describe('names with bidi or zero-width characters', () => {
  it.each(SPOOFS)('validate warns about %j (name-invisible-characters), naming %j', (name, codePoints) => {
    const check = checkAgentText(file(name));
    expect(check.agent?.name).toBe(name); // Claude Code loads it: a warning, not an error
    const issue = check.issues.find((i) => i.code === 'name-invisible-characters');
    expect(issue).toMatchObject({ severity: 'warning', line: 2, column: 1 });
    for (const codePoint of codePoints) expect(issue!.message).toContain(codePoint);
    expect(issue!.message).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u061c]/u);
    expect(issue!.fix).toBe(`name: ${name.replace(/[\p{Cf}]/gu, '')}`);
  });

  it('plain names, and names with visible non-ASCII letters, get no such warning', () => {
    for (const name of ['review', 'code-reviewer', 'Relecteur_ÉTÉ', '审查员', 'émoji-👍']) {
      expect(checkAgentText(file(name)).issues.map((i) => i.code)).not.toContain('name-invisible-characters');
    }
  });

  it('the validate command reports it with its code, shown escaped; --json has the exact name', async () => {
    const sb = makeSandbox();
    sb.write({ 'agents/spoof.md': file('re\u202eweiv') });
    const result = await sb.run(['validate', 'agents/spoof.md']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('warning  name-invisible-characters');
    expect(result.stdout).toContain('`name: re\\u202eweiv`');
    expect((await sb.run(['validate', 'agents/spoof.md', '--strict'])).exitCode).toBe(1);
    const json = (await sb.run(['validate', 'agents/spoof.md', '--json'])).json();
    expect(json.issues.find((i: any) => i.code === 'name-invisible-characters').fix).toBe('name: reweiv');
    expect(json.issues.find((i: any) => i.code === 'name-not-kebab').message).toContain('re\u202eweiv');
  });

  it.each(SPOOFS)('new refuses %j and writes nothing', async (name) => {
    const sb = makeSandbox();
    const result = await sb.run(['new', name, '--json']);
    expect(result.exitCode).toBe(2);
    expect(result.json().error.code).toBe('INVALID_NAME');
    expect(sb.exists('.claude/agents')).toBe(false);
  });
});
