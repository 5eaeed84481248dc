import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentText, makeSandbox, SEED } from '../helpers/sandbox.js';

const BOM = '\uFEFF';
/** Loads only through Claude Code's lenient retry: the description holds `: `. */
const LENIENT =
  '---\nname: lenient\ndescription: Use it for: reviews, audits\ntools: Read, Grep\n---\n\nBody line one.\n  indented: line, kept as is\n\n---\nA rule inside the body.\n';
const BODY = 'Body line one.\n  indented: line, kept as is\n\n---\nA rule inside the body.\n';

describe('validate: output', () => {
  it('a valid agent is exit 0 with a summary line', async () => {
    const sb = makeSandbox({ tree: { 'agents/reviewer.md': agentText('reviewer') } });
    const result = await sb.run(['validate', 'agents/reviewer.md']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('1 file checked: 0 errors, 0 warnings (Claude Code would load every file)\n');
    expect(result.stderr).toBe('');
  });

  it('prints file:line:column  severity  code  message, a fix line, grouped per file, then the summary', async () => {
    const sb = makeSandbox({
      tree: {
        'agents/a-broken.md': '---\nname: a-broken\n---\nNo description.\n',
        'agents/b-warn.md': agentText('b-warn', 'allowed-tools: Read\ncolor: teal\n'),
        'agents/c-ok.md': agentText('c-ok'),
      },
    });
    const result = await sb.run(['validate', 'agents']);
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'agents/a-broken.md:2:1  error    description-missing  no `description`; Claude Code skips the file',
      '  fix: add `description:` saying when Claude should use this agent',
      '',
      expect.stringMatching(/^agents\/b-warn\.md:4:1 {2}warning {2}unknown-key {2}Claude Code does not know the key `allowed-tools`/),
      '  fix: did you mean `tools`? rename `allowed-tools:` to `tools:`',
      'agents/b-warn.md:5:1  warning  color-invalid  `color: teal` is not one of red, blue, green, yellow, purple, orange, pink, cyan; Claude Code ignores it',
      '  fix: use one of: red, blue, green, yellow, purple, orange, pink, cyan',
      '',
      '3 files checked: 1 error, 2 warnings (Claude Code would skip 1 file)',
    ]);
  });

  it('-q prints only the problems; -v lists clean files too', async () => {
    const sb = makeSandbox({ tree: { 'agents/ok.md': agentText('ok'), 'agents/bad.md': 'no frontmatter\n' } });
    const quiet = await sb.run(['validate', '-q', 'agents']);
    expect(quiet.exitCode).toBe(1);
    expect(quiet.stdout).toMatch(/^agents\/bad\.md:1:1 {2}error {4}no-frontmatter /);
    expect(quiet.stdout).not.toMatch(/checked|ok\.md/);
    const clean = await sb.run(['validate', '-q', 'agents/ok.md']);
    expect(clean).toMatchObject({ exitCode: 0, stdout: '' });
    const verbose = await sb.run(['validate', '-v', 'agents']);
    expect(verbose.stdout).toContain('agents/ok.md  ok');
  });

  it('--json prints one document with a stable shape and key order', async () => {
    const sb = makeSandbox({ tree: { 'agents/x.md': agentText('x', 'tools:\ncolor: teal\n'), 'agents/y.md': 'nope\n' } });
    const result = await sb.run(['lint', 'agents', '--json']);
    expect(result.exitCode).toBe(1);
    const doc = result.json();
    // Written in pieces, as JSON.stringify(document, null, 2) would write it whole.
    expect(result.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(Object.keys(doc)).toEqual(['ok', 'files', 'errors', 'warnings', 'style', 'skipped', 'issues', 'agents', 'error']);
    expect(doc).toMatchObject({
      ok: false,
      files: 2,
      errors: 1,
      warnings: 2,
      style: 0,
      skipped: 1,
      error: { code: 'INVALID_AGENTS', message: '1 error in 2 files checked.' },
    });
    for (const issue of doc.issues) expect(Object.keys(issue)).toEqual(['file', 'line', 'column', 'severity', 'code', 'message', 'fix']);
    expect(doc.issues.map((i: any) => `${i.file}:${i.line}:${i.column} ${i.severity} ${i.code}`)).toEqual([
      'agents/x.md:4:1 warning tools-empty',
      'agents/x.md:5:1 warning color-invalid',
      'agents/y.md:1:1 error no-frontmatter',
    ]);
    expect(doc.issues[0].fix).toMatch(/remove the `tools` line/);
    // Per file, the agent as Claude Code would load it.
    expect(doc.agents).toEqual([
      {
        file: 'agents/x.md',
        loaded: true,
        reason: null,
        name: 'x',
        description: 'Agent x for tests.',
        model: null,
        tools: 'none',
        disallowedTools: 'none',
        color: null,
        permissionMode: null,
        dropped: [{ field: 'color', reason: '`color` must be one of red, blue, green, yellow, purple, orange, pink, cyan' }],
      },
      {
        file: 'agents/y.md',
        loaded: false,
        reason: 'no-frontmatter: the file does not start with `---`, so it has no frontmatter; Claude Code ignores it',
        name: null,
        description: null,
        model: null,
        tools: 'all',
        disallowedTools: 'none',
        color: null,
        permissionMode: null,
        dropped: [],
      },
    ]);
    for (const agent of doc.agents)
      expect(Object.keys(agent)).toEqual([
        'file',
        'loaded',
        'reason',
        'name',
        'description',
        'model',
        'tools',
        'disallowedTools',
        'color',
        'permissionMode',
        'dropped',
      ]);
  });

  it('--json: the effective agent resolves every field as Claude Code does', async () => {
    const extra = [
      'model: "  INHERIT "',
      'tools: Read, Grep Bash(git diff:*)',
      'disallowedTools: [Write]',
      'color: cyan',
      'permissionMode: manual',
      'maxTurns: "20"',
      'effort: HIGH',
      'background: "true"',
      'isolation: remote',
      'memory: project',
      'hooks:',
      '  Stop: [{hooks: [{type: command, command: ./done.sh}]}]',
      '  pre: "echo hi"',
      '',
    ].join('\n');
    const sb = makeSandbox({ tree: { 'agents/full.md': agentText('full', extra).replace('Agent full for tests.', '"One.\\\\nTwo."') } });
    const doc = (await sb.run(['validate', 'agents', '--json'])).json();
    expect(doc.agents).toEqual([
      {
        file: 'agents/full.md',
        loaded: true,
        reason: null,
        name: 'full',
        description: 'One.\nTwo.',
        model: 'inherit',
        // memory adds Write, Edit and Read to a tools list (Claude Code's automatic memory).
        tools: ['Read', 'Grep', 'Bash(git diff:*)', 'Write', 'Edit'],
        disallowedTools: ['Write'],
        color: 'cyan',
        permissionMode: 'default',
        effort: 'high',
        maxTurns: 20,
        memory: 'project',
        background: true,
        isolation: 'remote',
        hooks: [{ event: 'Stop', type: 'command', fields: { command: './done.sh' } }],
        dropped: [{ field: 'hooks.pre', reason: 'unknown hook event' }],
      },
    ]);
    expect(doc.issues.map((i: any) => `${i.severity}:${i.code}`)).toEqual(['warning:hook-event-dropped']);
  });

  it('paths are shown as given: relative, ./-prefixed or absolute', async () => {
    const sb = makeSandbox({ tree: { 'agents/bad.md': 'nope\n' } });
    const absolute = path.join(sb.project, 'agents', 'bad.md');
    const doc = (await sb.run(['validate', './agents', absolute, '--json'])).json();
    // The same inode is checked once.
    expect(doc.files).toBe(1);
    expect(doc.issues.map((i: any) => i.file)).toEqual(['agents/bad.md']);
    const fromAbsolute = (await sb.run(['validate', absolute, '--json'])).json();
    expect(fromAbsolute.issues[0].file).toBe(absolute);
  });

  it('--strict turns warnings into errors and exits 1', async () => {
    const sb = makeSandbox({ tree: { 'a.md': agentText('a', 'colour: blue\n') } });
    const plain = await sb.run(['validate', 'a.md']);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain('a.md:4:1  warning  unknown-key');
    const strict = await sb.run(['validate', '--strict', 'a.md']);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toContain('a.md:4:1  error    unknown-key');
    expect(strict.stdout).toContain('1 file checked: 1 error, 0 warnings (--strict: warnings count as errors; Claude Code would load every file)');
    expect((await sb.run(['validate', '--strict', '--json', 'a.md'])).json()).toMatchObject({ ok: false, errors: 1, warnings: 0, skipped: 0 });
  });

  it('a missing path is exit 1 with a clear error; --json keeps one document', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['validate', 'nope.md', 'missing-dir']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('No such file or folder: nope.md, missing-dir');
    const json = await sb.run(['validate', 'nope.md', '--json']);
    expect(json.exitCode).toBe(1);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'PATH_NOT_FOUND' } });
  });

  it('needs no project: works from any folder, writes nothing', async () => {
    const sb = makeSandbox({ git: false, tree: { 'loose/agent.md': agentText('agent') } });
    const result = await sb.run(['validate', 'agent.md'], { cwd: path.join(sb.project, 'loose') });
    expect(result.exitCode).toBe(0);
    expect(sb.exists('.claude')).toBe(false);
  });

  it('an explicit file not ending in .md is checked, with a warning that Claude Code ignores it', async () => {
    const sb = makeSandbox({ tree: { 'draft.txt': agentText('draft') } });
    const doc = (await sb.run(['validate', 'draft.txt', '--json'])).json();
    expect(doc).toMatchObject({ ok: true, skipped: 1 });
    expect(doc.issues).toEqual([expect.objectContaining({ code: 'not-markdown-file', severity: 'warning', fix: 'rename the file to `draft.md`' })]);
  });

  it('an empty folder checks nothing and says so', async () => {
    const sb = makeSandbox({ tree: { 'empty/.keep': '' } });
    const result = await sb.run(['validate', 'empty']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('0 files checked');
    expect(result.stderr).toContain('no agent files');
    const json = await sb.run(['validate', 'empty', '--json']);
    expect(json.stdout).toBe(`${JSON.stringify({ ok: true, files: 0, errors: 0, warnings: 0, style: 0, skipped: 0, issues: [], agents: [] }, null, 2)}\n`);
  });
});

describe('validate: folders are scanned the way Claude Code scans them', () => {
  it('recursive, hidden files included, X.MD and other extensions ignored, a symlinked file and its target both read', async () => {
    const sb = makeSandbox({
      tree: {
        'tree/top.md': agentText('top'),
        'tree/nested/deeper/inner.md': agentText('inner'),
        'tree/.hidden.md': '---\nname: hidden\n---\n',
        'tree/.hidden-dir/h.md': 'broken\n',
        'tree/UPPER.MD': 'would be an error if read\n',
        'tree/notes.txt': 'would be an error if read\n',
      },
    });
    symlinkSync(path.join(sb.project, 'tree', 'top.md'), path.join(sb.project, 'tree', 'link-to-top.md'));
    symlinkSync(path.join(sb.project, 'tree', 'nested'), path.join(sb.project, 'tree', 'nested-link'));
    symlinkSync(path.join(sb.project, 'nowhere.md'), path.join(sb.project, 'tree', 'dangling.md'));
    const doc = (await sb.run(['validate', 'tree', '--json'])).json();
    // top.md and its link are both read, as Claude Code reads them: the same agent twice.
    expect(doc.files).toBe(5);
    // The link's path sorts before its target's: Claude Code loads top.md, not the link.
    expect(doc.issues.map((i: any) => `${i.file} ${i.severity} ${i.code}`)).toEqual([
      'tree/.hidden-dir/h.md error no-frontmatter',
      'tree/.hidden.md error description-missing',
      'tree/link-to-top.md error duplicate-name',
      'tree/link-to-top.md style name-file-mismatch',
    ]);
    expect(doc.agents.map((a: any) => [a.file, a.loaded, a.shadowedBy ?? null])).toEqual([
      ['tree/.hidden-dir/h.md', false, null],
      ['tree/.hidden.md', false, null],
      ['tree/link-to-top.md', false, 'tree/top.md'],
      ['tree/nested/deeper/inner.md', true, null],
      ['tree/top.md', true, null],
    ]);
  });

  it('duplicate names across the tree: an error on each file but the one whose path sorts last, naming it', async () => {
    const sb = makeSandbox({
      tree: {
        'agents/reviewer.md': agentText('reviewer'),
        'agents/team/reviewer-copy.md': agentText('reviewer'),
        'other/reviewer.md': agentText('reviewer'),
      },
    });
    const run = await sb.run(['validate', 'agents', 'other', '--json']);
    const doc = run.json();
    expect(run.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    const duplicates = doc.issues.filter((i: any) => i.code === 'duplicate-name');
    // Within one tree only: `other/` is a separate tree (another scope or project).
    expect(duplicates).toEqual([
      {
        file: 'agents/reviewer.md',
        line: 2,
        column: 1,
        severity: 'error',
        code: 'duplicate-name',
        message: 'the agent name `reviewer` is also used by agents/team/reviewer-copy.md, whose path sorts later: Claude Code loads that one and not this file',
        fix: 'give one of them another `name`, or delete the duplicate file',
      },
    ]);
    expect(doc).toMatchObject({ ok: false, errors: 1, skipped: 1 });
    expect(doc.agents.find((a: any) => a.file === 'agents/reviewer.md')).toMatchObject({
      loaded: false,
      shadowedBy: 'agents/team/reviewer-copy.md',
      reason: expect.stringMatching(/^duplicate-name: /),
    });
    const files = (await sb.run(['validate', 'agents/reviewer.md', 'other/reviewer.md', '--json'])).json();
    expect(files.issues).toEqual([expect.objectContaining({ file: 'agents/reviewer.md', code: 'duplicate-name', severity: 'error' })]);
    // In text, after the files (a file's name is known to clash only once every file is read).
    const text = await sb.run(['validate', 'agents']);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toBe(
      [
        'agents/team/reviewer-copy.md:2:1  style    name-file-mismatch  the file is `reviewer-copy.md` but the agent is named `reviewer`; Claude Code knows it only by `name`',
        '  fix: rename the file to `reviewer.md` (or set `name: reviewer-copy`)',
        '',
        'agents/reviewer.md:2:1  error    duplicate-name  the agent name `reviewer` is also used by agents/team/reviewer-copy.md, whose path sorts later: Claude Code loads that one and not this file',
        '  fix: give one of them another `name`, or delete the duplicate file',
        '',
        '2 files checked: 1 error, 0 warnings, 1 style (Claude Code would skip 1 file)',
        '',
      ].join('\n'),
    );
  });

  it("a registry's agents/<name>/<version>.md passes --strict: versions of one agent do not clash, a CHANGELOG beside them is no agent", async () => {
    const tree = {
      'agents/reviewer/1.0.0.md': agentText('reviewer'),
      'agents/reviewer/1.1.0.md': agentText('reviewer', 'model: opus\n'),
      'agents/reviewer/CHANGELOG.md': '# Changelog\n\n1.1.0: opus\n',
      'agents/Code_Helper/2.0.0.md': agentText('Code_Helper'),
    };
    const sb = makeSandbox({ tree });
    const result = await sb.run(['validate', '--strict', 'agents', '--json']);
    expect(result.exitCode).toBe(0);
    // Style advice only (a name that is not kebab-case), which --strict leaves alone; no file-name advice.
    expect(result.json()).toMatchObject({ ok: true, files: 3, errors: 0, warnings: 0, style: 1, skipped: 0 });
    expect(result.json().issues.map((i: any) => `${i.file} ${i.code}`)).toEqual(['agents/Code_Helper/2.0.0.md name-not-kebab']);
    const verbose = await sb.run(['validate', '-v', 'agents']);
    expect(verbose.stderr).toContain("agents/reviewer/CHANGELOG.md: documentation beside a registry's versions, not an agent file (not checked)");
    // Two agents of the registry with one name do clash.
    sb.write({ 'agents/reviewer-copy/1.0.0.md': agentText('reviewer') });
    const clash = (await sb.run(['validate', 'agents', '--json'])).json();
    expect(clash.issues.filter((i: any) => i.code === 'duplicate-name').map((i: any) => i.file)).toEqual(['agents/reviewer-copy/1.0.0.md']);
  });

  it('a file over 1 MiB in the tree is an error', async () => {
    const sb = makeSandbox({ tree: { 'agents/big.md': agentText('big', '', 'x'.repeat(1_048_577)) } });
    const doc = (await sb.run(['validate', 'agents', '--json'])).json();
    expect(doc.issues).toEqual([expect.objectContaining({ code: 'file-too-large', severity: 'error' })]);
  });
});

describe('validate --fix', () => {
  it('strips a BOM, converts CRLF, quotes lenient values; keeps every value and the body; re-validates clean', async () => {
    const sb = makeSandbox({
      tree: {
        'agents/bom.md': BOM + agentText('bom'),
        'agents/crlf.md': agentText('crlf', 'tools: Read\n', 'Line one.\n\nLine two.\n').replace(/\n/g, '\r\n'),
        'agents/lenient.md': LENIENT,
        'agents/ok.md': agentText('ok'),
      },
    });
    const okBefore = readFileSync(path.join(sb.project, 'agents/ok.md'));
    const before = (await sb.run(['validate', 'agents', '--json'])).json();
    expect(before.issues.map((i: any) => i.code).sort()).toEqual(['bom', 'crlf', 'yaml-lenient']);

    const result = await sb.run(['validate', '--fix', 'agents']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('fixed  agents/bom.md: removed the byte-order mark');
    expect(result.stdout).toContain('fixed  agents/crlf.md: converted CRLF line endings to LF');
    expect(result.stdout).toContain('fixed  agents/lenient.md: line 3: quoted the value of `description`');
    expect(result.stdout).toContain('4 files checked: 0 errors, 0 warnings (Claude Code would load every file); fixed 3 files');

    expect(sb.read('agents/bom.md')).toBe(agentText('bom'));
    expect(sb.read('agents/crlf.md')).toBe(agentText('crlf', 'tools: Read\n', 'Line one.\n\nLine two.\n'));
    const lenient = sb.read('agents/lenient.md');
    expect(lenient).toBe(`---\nname: lenient\ndescription: "Use it for: reviews, audits"\ntools: Read, Grep\n---\n\n${BODY}`);
    expect(lenient.endsWith(BODY)).toBe(true);
    expect(readFileSync(path.join(sb.project, 'agents/ok.md')).equals(okBefore)).toBe(true);

    const after = (await sb.run(['validate', 'agents', '--strict', '--json'])).json();
    expect(after).toMatchObject({ ok: true, errors: 0, warnings: 0 });
    // No temporary file left behind.
    expect((await sb.run(['validate', 'agents', '--json'])).json().files).toBe(4);
  });

  it('the body stays byte for byte, including a ---, tabs and trailing spaces', async () => {
    const body = 'Prompt\t with tabs   \n---\nname: not frontmatter: really\n\n\n';
    const sb = makeSandbox({ tree: { 'a.md': `${BOM}---\nname: a-agent\ndescription: Does: things\n---\n${body}` } });
    const result = await sb.run(['validate', '--fix', 'a.md', '--json']);
    expect(result.json()).toMatchObject({ ok: true, warnings: 0, style: 1, fixes: [{ file: 'a.md', written: true }] });
    // The remaining advice is the file name, which --fix does not touch.
    expect(result.json().issues.map((i: any) => `${i.severity}:${i.code}`)).toEqual(['style:name-file-mismatch']);
    expect(sb.read('a.md')).toBe(`---\nname: a-agent\ndescription: "Does: things"\n---\n${body}`);
  });

  it('keeps the file mode', async () => {
    const sb = makeSandbox({ tree: { 'a.md': BOM + agentText('a') } });
    chmodSync(path.join(sb.project, 'a.md'), 0o600);
    expect((await sb.run(['validate', '--fix', 'a.md'])).exitCode).toBe(0);
    expect(statSync(path.join(sb.project, 'a.md')).mode & 0o777).toBe(0o600);
  });

  it('--fix --dry-run prints a unified diff and writes nothing', async () => {
    const sb = makeSandbox({ tree: { 'agents/lenient.md': LENIENT, 'agents/crlf.md': agentText('crlf').replace(/\n/g, '\r\n') } });
    const before = { lenient: sb.read('agents/lenient.md'), crlf: sb.read('agents/crlf.md') };
    const result = await sb.run(['validate', '--fix', '--dry-run', 'agents']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--- agents/lenient.md\n+++ agents/lenient.md (fixed)\n@@ -1,');
    expect(result.stdout).toContain('-description: Use it for: reviews, audits\n+description: "Use it for: reviews, audits"');
    expect(result.stdout).toContain('-name: crlf␍\n');
    expect(result.stdout).toContain('would fix  agents/lenient.md: line 3: quoted the value of `description`');
    expect(result.stdout).toContain('would fix 2 files, nothing was written');
    // The issues are the current ones.
    expect(result.stdout).toContain('warning  yaml-lenient');
    expect(sb.read('agents/lenient.md')).toBe(before.lenient);
    expect(sb.read('agents/crlf.md')).toBe(before.crlf);
    const json = (await sb.run(['validate', '--fix', '--dry-run', 'agents', '--json'])).json();
    expect(json.fixes).toEqual([
      { file: 'agents/crlf.md', changes: ['converted CRLF line endings to LF'], written: false, diff: expect.stringContaining('+name: crlf') },
      { file: 'agents/lenient.md', changes: ['line 3: quoted the value of `description`'], written: false, diff: expect.any(String) },
    ]);
  });

  it('refuses to write through a symbolic link, reports it and exits 1; the target is untouched', async () => {
    const sb = makeSandbox({ tree: { 'real/target.md': BOM + agentText('target') } });
    mkdirSync(path.join(sb.project, 'agents'));
    symlinkSync(path.join(sb.project, 'real', 'target.md'), path.join(sb.project, 'agents', 'target.md'));
    const before = readFileSync(path.join(sb.project, 'real', 'target.md'));
    const result = await sb.run(['validate', '--fix', 'agents']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/not fixed {2}agents\/target\.md: Refusing to write .*symbolic link/);
    expect(readFileSync(path.join(sb.project, 'real', 'target.md')).equals(before)).toBe(true);
    const run = await sb.run(['validate', '--fix', 'agents', '--json']);
    const json = run.json();
    expect(json).toMatchObject({ ok: false, errors: 0, fixes: [{ file: 'agents/target.md', written: false, error: { code: 'SYMLINK_TARGET' } }] });
    expect(Object.keys(json).slice(-2)).toEqual(['fixes', 'error']);
    expect(run.stdout).toBe(`${JSON.stringify(json, null, 2)}\n`);
  });

  it('never rewrites binary or oversized files', async () => {
    // Claude Code loads the first (each invalid sequence read as U+FFFD), but a rewrite would lose those bytes.
    const bad = Buffer.concat([Buffer.from(agentText('bin').replace(/\n/g, '\r\n')), Buffer.from([0xff, 0xfe, 0x00])]);
    const big = Buffer.from(agentText('big', '', 'x'.repeat(1_048_577)).replace(/\n/g, '\r\n'));
    const sb = makeSandbox({ tree: { 'agents/bin.md': bad, 'agents/big.md': big } });
    const result = await sb.run(['validate', '--fix', 'agents', '--json']);
    expect(result.json()).toMatchObject({ ok: false, errors: 1, fixes: [] });
    expect(result.json().issues.map((i: any) => `${i.file} ${i.severity}:${i.code}`)).toEqual([
      'agents/big.md error:file-too-large',
      'agents/bin.md style:crlf',
      'agents/bin.md warning:invalid-utf8',
      'agents/bin.md style:nul-bytes',
    ]);
    expect(readFileSync(path.join(sb.project, 'agents/bin.md')).equals(bad)).toBe(true);
    expect(readFileSync(path.join(sb.project, 'agents/big.md')).equals(big)).toBe(true);
  });

  it('leaves the seed agent alone (nothing to fix) and a hard-linked file is checked once', async () => {
    const sb = makeSandbox({ tree: { 'agents/fastapi-backend-builder.md': SEED } });
    linkSync(path.join(sb.project, 'agents/fastapi-backend-builder.md'), path.join(sb.project, 'agents/hard-link.md'));
    const result = await sb.run(['validate', '--fix', 'agents', '--json']);
    expect(result.json()).toMatchObject({ ok: true, files: 1, warnings: 0, fixes: [] });
  });
});
