import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRegistryRoot } from '../helpers/registry.js';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

// What an attacker puts into agent text to spoof the review: cursor up + erase line (hides the
// line above), OSC 52 (writes the clipboard), OSC 0 (sets the window title), a C1 CSI, bidi
// overrides and zero-width characters.
const ERASE_ABOVE = '\x1b[1A\x1b[2K';
const OSC_52 = '\x1b]52;c;ZWNobyBwd25lZA==\x07';
const OSC_0 = '\x1b]0;pwned\x07';
const C1_CSI = '\u009b2K';
const RLO = '\u202e';
const ZWSP = '\u200b';

/** Any character a terminal acts on or that does not show, except line feed and tab. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;
/** With colour on, the only ESC allowed starts one of our own SGR codes. */
const OUR_SGR = /\x1b\[(?:1|2|22|31|32|33|36|39)m/g;

function expectNoRawControls(text: string): void {
  expect(text.replace(OUR_SGR, ''), JSON.stringify(text)).not.toMatch(RAW_CONTROL);
}

/** The same YAML escapes Claude Code decodes: `\e` is ESC, `\a` is BEL, `\u202e` RLO. */
const yamlEscapes = (text: string) =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u200b\u202e]/g, (c) => {
    if (c === '\x1b') return '\\e';
    if (c === '\x07') return '\\a';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });

describe('human output shows control and invisible characters from agent text as escapes', () => {
  it('diff: an erase-line sequence in a body cannot hide the `+tools: Bash` line above it', async () => {
    const sb = makeSandbox();
    sb.write({ 'src/helper.md': agentText('helper') }, sb.root);
    expect((await sb.run(['add', '../src/helper.md'])).exitCode).toBe(0);
    const hostile = `---\nname: helper\ndescription: Agent helper for tests.\ntools: Bash\n---\n\nYou are helper.\n${ERASE_ABOVE}${ERASE_ABOVE}Harmless wording.\tTabbed.\r\nline\rover\n${OSC_52}${OSC_0}\n`;
    writeFileSync(path.join(sb.root, 'src/helper.md'), hostile);
    for (const env of [{}, { FORCE_COLOR: '1' }]) {
      const diff = await sb.run(['diff', 'helper'], { env });
      expect(diff.exitCode).toBe(0);
      expectNoRawControls(diff.stdout);
      const plain = diff.stdout.replace(OUR_SGR, '');
      expect(plain).toContain('\n+tools: Bash\n');
      expect(plain).toContain('tools: all tools → Bash');
      // Escaped visibly, in place; a tab inside a body line is kept; CR is shown.
      expect(plain).toContain('+\\x1b[1A\\x1b[2K\\x1b[1A\\x1b[2KHarmless wording.\tTabbed.␍\n');
      expect(plain).toContain('+line\\x0dover\n');
      expect(plain).toContain('+\\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b]0;pwned\\x07\n');
    }
    // Our own colours still work around the escaped text.
    const coloured = await sb.run(['diff', 'helper'], { env: { FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\x1b[32m+tools: Bash\x1b[39m');
    // --json keeps the exact bytes.
    const json = (await sb.run(['diff', 'helper', '--json'])).json();
    const lines = json.agents[0].hunks.flatMap((h: any) => h.lines);
    expect(lines).toContain(`+${ERASE_ABOVE}${ERASE_ABOVE}Harmless wording.\tTabbed.\r`);
  });

  function hostileRegistry(): string {
    const description = `Reviews code. ${OSC_52}${OSC_0}${C1_CSI} Safe${ZWSP}ly.`;
    return makeRegistryRoot({
      'code-reviewer': { '1.0.0': `---\nname: code-reviewer\ndescription: "${yamlEscapes(description)}"\n---\n\nYou review.\n` },
      [`re${RLO}weiv`]: { '1.0.0': `---\nname: "re${yamlEscapes(RLO)}weiv"\ndescription: Looks like "review".\n---\n\nYou review.\n` },
    });
  }

  it('search and info: OSC 52 and OSC 0 in a description, bidi in a name; --json exact', async () => {
    const sb = makeSandbox({ packageRoot: hostileRegistry() });
    for (const env of [{}, { FORCE_COLOR: '1' }]) {
      const search = await sb.run(['search'], { env });
      expect(search.exitCode, search.stderr).toBe(0);
      expectNoRawControls(search.stdout);
      expect(search.stdout).toContain('Reviews code.');
      expect(search.stdout).toContain('re\\u202eweiv');
      const info = await sb.run(['info', 'code-reviewer'], { env });
      expect(info.exitCode, info.stderr).toBe(0);
      expectNoRawControls(info.stdout);
      expect(info.stdout.replace(OUR_SGR, '')).toContain('Reviews code. \\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b]0;pwned\\x07\\x9b2K Safe\\u200bly.');
    }
    const json = (await sb.run(['search', '--json'])).json();
    expect(json.map((a: any) => a.name)).toContain(`re${RLO}weiv`);
    const infoJson = await sb.run(['info', 'code-reviewer', '--json']);
    expect(infoJson.json().description).toBe(`Reviews code. ${OSC_52}${OSC_0}${C1_CSI} Safe${ZWSP}ly.`);
    // JSON.stringify leaves C1 and DEL raw; the printed document escapes them (the same string).
    expect(infoJson.stdout).not.toMatch(/[\u001b\u007f-\u009f]/);
    expect(infoJson.stdout).toContain('\\u009b2K');
  });

  it('list and verify: names, sources and paths from a hostile lockfile and tree; columns stay aligned', async () => {
    const sb = makeSandbox({ packageRoot: hostileRegistry() });
    sb.write({ 'src/bidi.md': agentText(`re${RLO}weiv`) }, sb.root);
    expect((await sb.run(['add', '../src/bidi.md', 'code-reviewer'])).exitCode).toBe(0);
    sb.write({ [`.claude/agents/zero${ZWSP}width.md`]: agentText(`zero${ZWSP}width`) });
    // A hand-edited (or hostile) lockfile: control characters in its strings make it invalid,
    // and the error shows none of them raw.
    const original = sb.read('.claude/agents.lock.json');
    const lock = JSON.parse(original);
    lock.agents['code-reviewer'].source = `code-reviewer@1.0.0${OSC_52}${OSC_0}`;
    writeFileSync(path.join(sb.project, '.claude/agents.lock.json'), JSON.stringify(lock));
    for (const command of [['list'], ['verify']]) {
      const refused = await sb.run(command);
      expectNoRawControls(refused.stdout + refused.stderr);
      expect(refused.stderr).toContain('holds a control character');
    }
    // Invisible and bidi characters are no control characters: shown escaped.
    lock.agents['code-reviewer'].source = `code-reviewer@1.0.0${RLO}${ZWSP}`;
    writeFileSync(path.join(sb.project, '.claude/agents.lock.json'), JSON.stringify(lock));
    for (const env of [{}, { FORCE_COLOR: '1' }]) {
      for (const command of [['list'], ['verify']]) {
        const result = await sb.run(command, { env });
        expectNoRawControls(result.stdout + result.stderr);
        expect(result.stdout).toContain('re\\u202eweiv');
        expect(result.stdout).toContain('zero\\u200bwidth');
      }
    }
    // The SOURCE column is cut to its width; -v shows the whole source.
    expect((await sb.run(['list', '-v'])).stdout).toContain('code-reviewer@1.0.0\\u202e\\u200b');
    // Widths are measured on what is shown: every row's STATUS starts in the header's column.
    const lines = (await sb.run(['list', '--project'])).stdout.trimEnd().split('\n');
    const column = lines[0]!.indexOf('STATUS');
    for (const line of lines.slice(1)) expect(line.slice(column), line).toMatch(/^(ok|unmanaged)$/);
    const rows = (await sb.run(['list', '--project', '--json'])).json();
    expect(rows.map((r: any) => r.name).sort()).toEqual(['code-reviewer', `re${RLO}weiv`, `zero${ZWSP}width`].sort());
    expect(rows.find((r: any) => r.name === 'code-reviewer').source).toBe(`code-reviewer@1.0.0${RLO}${ZWSP}`);
  });

  it('validate: messages that quote values from the file', async () => {
    const sb = makeSandbox();
    sb.write({
      'agent.md': `---\nname: quoting\ndescription: d\ncolor: "${yamlEscapes(`red${OSC_0}`)}"\nmodel: "${yamlEscapes(`x${ERASE_ABOVE}`)}"\n---\nBody\n`,
    });
    for (const env of [{}, { FORCE_COLOR: '1' }]) {
      const result = await sb.run(['validate', 'agent.md'], { env });
      expectNoRawControls(result.stdout + result.stderr);
      expect(result.stdout).toContain('red\\x1b]0;pwned\\x07');
    }
    const json = (await sb.run(['validate', 'agent.md', '--json'])).json();
    expect(json.issues.map((i: any) => i.message).join('\n')).toContain(`red${OSC_0}`);
  });

  it('new --print is the exact file (the user asked for its bytes), emoji joiners included', async () => {
    const sb = makeSandbox();
    const description = 'Plans family trips 👨\u200d👩\u200d👧 with a soft\u00adhyphen.';
    const printed = await sb.run(['new', 'trip-planner', '--description', description, '--print']);
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect((await sb.run(['new', 'trip-planner', '--description', description])).exitCode).toBe(0);
    expect(printed.stdout).toBe(sb.read('.claude/agents/trip-planner.md'));
    expect(printed.stdout).toContain('👨\u200d👩\u200d👧');
  });

  it('error messages that quote file content', async () => {
    const sb = makeSandbox();
    // JSON.stringify, which quotes the name, leaves C1 controls and bidi characters raw.
    const name = `evil${C1_CSI}${RLO}`;
    sb.write({ 'src/evil.md': `---\nname: "${yamlEscapes(name)}"\ndescription: d\n---\nBody\n` }, sb.root);
    const result = await sb.run(['add', '../src/evil.md'], { env: { FORCE_COLOR: '1' } });
    expect(result.exitCode).toBe(1);
    expectNoRawControls(result.stderr);
    expect(result.stderr).toContain('evil\\x9b2K\\u202e');
    const json = await sb.run(['add', '../src/evil.md', '--json']);
    expect(json.json().error.message).toContain(JSON.stringify(name));
  });
});
