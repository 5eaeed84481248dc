import { describe, expect, it } from 'vitest';
import { classifyGitFailure, GitCommandError, gitEnv, gitSafetyArgs, parseLsRemote, parseLsTree } from '../../src/core/io/git.js';
import { defaultAgentDir, normalizeInnerPath, selectFiles } from '../../src/core/sources/agent-tree.js';
import { resolveRef, tagVersion, versionTags } from '../../src/core/sources/git/refs.js';
import { formatGitSource, githubUrl, parseGitSpec, refProblem } from '../../src/core/sources/git/spec.js';

const SHA = 'a'.repeat(40);

describe('github: maps to https://github.com/<owner>/<repo>.git (no network)', () => {
  it.each([
    ['github:acme/agents', 'https://github.com/acme/agents.git', undefined, undefined],
    ['github:acme/agents.git', 'https://github.com/acme/agents.git', undefined, undefined],
    ['github:acme/agents#v1.2.0', 'https://github.com/acme/agents.git', 'v1.2.0', undefined],
    ['github:acme/agents/agents/x.md', 'https://github.com/acme/agents.git', undefined, 'agents/x.md'],
    ['github:acme/agents/agents/#main', 'https://github.com/acme/agents.git', 'main', 'agents'],
    ['github:Acme-Corp/my.repo_1/.claude/agents#feature/x', 'https://github.com/Acme-Corp/my.repo_1.git', 'feature/x', '.claude/agents'],
    ['github:acme/agents#main::path:agents', 'https://github.com/acme/agents.git', 'main', 'agents'],
  ])('%s → %s ref=%s path=%s', (raw, url, ref, inner) => {
    const spec = parseGitSpec(raw)!;
    expect(spec.url).toBe(url);
    expect(spec.ref).toBe(ref);
    expect(spec.path).toBe(inner);
    expect(spec.base).toBe(`github:${url.slice('https://github.com/'.length, -'.git'.length)}`);
  });

  it('githubUrl is the pure mapping', () => {
    expect(githubUrl('o', 'r')).toBe('https://github.com/o/r.git');
  });
});

describe('parseGitSpec: git+ URLs and fragments', () => {
  it.each([
    ['git+https://git.example.com/team/agents.git', 'https://git.example.com/team/agents.git', {}],
    ['git+https://git.example.com/team/agents.git#v1.0.0', 'https://git.example.com/team/agents.git', { ref: 'v1.0.0' }],
    ['git+https://h/r.git#v1.0.0::path:agents/x.md', 'https://h/r.git', { ref: 'v1.0.0', path: 'agents/x.md' }],
    ['git+https://h/r.git#path:agents/', 'https://h/r.git', { path: 'agents' }],
    ['git+https://h/r.git#semver:^1.2', 'https://h/r.git', { range: '^1.2' }],
    ['git+https://h/r.git#semver:>=1.0.0::path:a.md', 'https://h/r.git', { range: '>=1.0.0', path: 'a.md' }],
    [`git+https://h/r.git#${SHA}`, 'https://h/r.git', { ref: SHA }],
    ['git+ssh://git@git.example.com/team/agents.git', 'ssh://git@git.example.com/team/agents.git', {}],
    ['git+ssh://git@git.example.com:2222/team/agents.git', 'ssh://git@git.example.com:2222/team/agents.git', {}],
    ['git+ssh://git@github.com:acme/agents.git#main', 'git@github.com:acme/agents.git', { ref: 'main' }],
    ['git+file:///srv/git/agents.git#v1', 'file:///srv/git/agents.git', { ref: 'v1' }],
    ['git://127.0.0.1:9418/agents.git', 'git://127.0.0.1:9418/agents.git', {}],
    ['git+http://127.0.0.1:8080/agents.git', 'http://127.0.0.1:8080/agents.git', {}],
    ['git+https://user@h/r.git', 'https://user@h/r.git', {}],
  ])('%s', (raw, url, parts) => {
    const spec = parseGitSpec(raw)!;
    expect(spec.url).toBe(url);
    expect({ ref: spec.ref, range: spec.range, path: spec.path }).toEqual({ ref: undefined, range: undefined, path: undefined, ...parts });
    expect(spec.allowFile).toBe(raw.startsWith('git+file:'));
  });

  it.each(['name', 'name@1.0.0', './x.md', 'https://h/x.md', 'npm:pkg', 'git+ext::sh -c id', 'gitlab:a/b', 'git+svn://h/r'])('%s is not a git spec', (raw) => {
    expect(parseGitSpec(raw)).toBeNull();
  });

  it.each([
    ['git+https://h/r.git#-upload-pack=id', /cannot start with "-"/],
    ['git+https://h/r.git#--foo', /cannot start with "-"/],
    ['git+ssh://-oProxyCommand=id/x', /cannot be empty or start with "-"/],
    ['git+ssh://git@-oProxyCommand=id:x', /cannot start with "-"/],
    ['git+ssh://git@host:-x/repo', /cannot start with "-"/],
    ['git+https://user:secret@h/r.git', /contains a password/],
    ['git+http://example.com/r.git', /Refusing plain http/],
    ['git+file://remote-host/r.git', /local path/],
    ['git+https://h/r.git#a::b', /more than one ref/],
    ['git+https://h/r.git#v1::semver:^1', /more than one ref/],
    ['git+https://h/r.git#path:a::path:b', /more than one path/],
    ['git+https://h/r.git#path:../x.md', /not a path inside/],
    ['git+https://h/r.git#path:/', /not a path inside/],
    ['git+https://h/r.git#semver:banana', /not a semver range/],
    ['git+https://h/r.git#a..b', /cannot contain/],
    ['git+https://h/r.git#a b', /spaces or control characters/],
    ['github:acme/agents/x.md#main::path:y.md', /path is given twice/],
    ['github:-acme/agents', /not a GitHub owner/],
    ['github:acme', /not a GitHub repository/],
    ['github:acme/../x', /not a GitHub repository/],
    ['github:acme/agents/../../etc', /not a path inside/],
  ])('%s is refused: %s', (raw, message) => {
    expect(() => parseGitSpec(raw)).toThrow(message);
  });
});

describe('formatGitSource round-trips through parseGitSpec', () => {
  it.each([
    ['github:acme/agents', `github:acme/agents/agents/x.md#${SHA}`],
    ['git+https://h/r.git#main', `git+https://h/r.git#${SHA}::path:agents/x.md`],
    ['git+ssh://git@github.com:acme/agents.git', `git+ssh://git@github.com:acme/agents.git#${SHA}::path:agents/x.md`],
  ])('%s', (raw, expected) => {
    const source = formatGitSource(parseGitSpec(raw)!, SHA, 'agents/x.md');
    expect(source).toBe(expected);
    const again = parseGitSpec(source)!;
    expect({ ref: again.ref, path: again.path, url: again.url }).toEqual({ ref: SHA, path: 'agents/x.md', url: parseGitSpec(raw)!.url });
  });
});

describe('refs and tags', () => {
  it.each([
    ['main', null],
    ['feature/x', null],
    ['v1.2.0', null],
    ['-x', 'cannot start with "-"'],
    ['a..b', 'cannot contain'],
    ['a:b', 'cannot contain'],
    ['x.lock', 'not a valid ref'],
    ['a/.b', 'cannot start with "."'],
    ['', 'empty'],
  ])('refProblem(%j)', (ref, problem) => {
    const got = refProblem(ref);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });

  it.each([
    ['v1.2.3', '1.2.3'],
    ['1.2.3', '1.2.3'],
    ['v1.2.3-beta.1', '1.2.3-beta.1'],
    ['v1.2', null],
    ['release-1.2.3', null],
    ['V1.2.3', null],
    ['stable', null],
  ])('tagVersion(%s) = %s', (tag, version) => {
    expect(tagVersion(tag)).toBe(version);
  });

  const REFS = parseLsRemote(
    [
      `${'1'.repeat(40)}\tHEAD`,
      `${'1'.repeat(40)}\trefs/heads/main`,
      `${'2'.repeat(40)}\trefs/heads/v2-dev`,
      `${'3'.repeat(40)}\trefs/tags/v1.0.0`,
      `${'4'.repeat(40)}\trefs/tags/v1.0.0^{}`,
      `${'5'.repeat(40)}\trefs/tags/1.1.0`,
      `${'6'.repeat(40)}\trefs/tags/v1.1.0`,
      `${'7'.repeat(40)}\trefs/tags/2.0.0`,
      `${'8'.repeat(40)}\trefs/tags/nightly`,
      `${'9'.repeat(40)}\trefs/tags/main`,
      '',
    ].join('\n'),
  );

  it('versionTags: semver-like tags only, v-prefixed wins, ascending', () => {
    expect([...versionTags(REFS)]).toEqual([
      ['1.0.0', 'v1.0.0'],
      ['1.1.0', 'v1.1.0'],
      ['2.0.0', '2.0.0'],
    ]);
  });

  const spec = (fragment: { ref?: string; range?: string }) => ({ ...fragment, display: 'repo', raw: 'RAW' });
  it.each([
    [{}, { want: 'HEAD', requested: 'RAW' }],
    [{ ref: 'HEAD' }, { want: 'HEAD', requested: 'RAW' }],
    [{ ref: 'v1.0.0' }, { want: 'refs/tags/v1.0.0', requested: 'v1.0.0', version: '1.0.0' }],
    [{ ref: 'refs/tags/2.0.0' }, { want: 'refs/tags/2.0.0', requested: 'refs/tags/2.0.0', version: '2.0.0' }],
    [{ ref: 'nightly' }, { want: 'refs/tags/nightly', requested: 'RAW' }],
    // A tag wins over a branch of the same name, as in git.
    [{ ref: 'main' }, { want: 'refs/tags/main', requested: 'RAW' }],
    [{ ref: 'v2-dev' }, { want: 'refs/heads/v2-dev', requested: 'RAW' }],
    [{ ref: 'f'.repeat(40) }, { want: 'f'.repeat(40), requested: 'RAW' }],
    [{ ref: '2222222' }, { want: '2'.repeat(40), requested: 'RAW' }],
    [{ range: '^1.0.0' }, { want: 'refs/tags/v1.1.0', requested: '^1.0.0', version: '1.1.0' }],
    [{ range: '*' }, { want: 'refs/tags/2.0.0', requested: '*', version: '2.0.0' }],
  ])('resolveRef(%j)', (fragment, expected) => {
    expect(resolveRef(REFS, spec(fragment))).toEqual(expected);
  });

  it.each([
    [{ ref: 'v1.0.1' }, 'REF_NOT_FOUND', 'Did you mean "v1.0.0"?'],
    [{ ref: 'abcdef1' }, 'REF_NOT_FOUND', 'full 40-character commit'],
    [{ range: '^3' }, 'VERSION_NOT_FOUND', '1.0.0, 1.1.0, 2.0.0'],
  ])('resolveRef(%j) fails with %s', (fragment, code, hint) => {
    expect(() => resolveRef(REFS, spec(fragment))).toThrow(expect.objectContaining({ code, hint: expect.stringContaining(hint) }));
  });

  it('an empty repository has no HEAD', () => {
    expect(() => resolveRef([], spec({}))).toThrow(expect.objectContaining({ code: 'REF_NOT_FOUND' }));
  });
});

describe('git plumbing parsers', () => {
  it('parseLsTree reads -r -l -z output, paths with spaces and tabs included', () => {
    const out = Buffer.from(
      [
        `100644 blob ${'a'.repeat(40)}     123\tagents/x.md`,
        `120000 blob ${'b'.repeat(40)}       7\tagents/link.md`,
        `160000 commit ${'c'.repeat(40)}       -\tvendor/sub`,
        `100755 blob ${'d'.repeat(40)}       9\tagents/with space\tand tab.md`,
        '',
      ].join('\0'),
    );
    expect(parseLsTree(out)).toEqual([
      { mode: '100644', type: 'blob', oid: 'a'.repeat(40), size: 123, path: 'agents/x.md' },
      { mode: '120000', type: 'blob', oid: 'b'.repeat(40), size: 7, path: 'agents/link.md' },
      { mode: '160000', type: 'commit', oid: 'c'.repeat(40), size: null, path: 'vendor/sub' },
      { mode: '100755', type: 'blob', oid: 'd'.repeat(40), size: 9, path: 'agents/with space\tand tab.md' },
    ]);
  });

  const failure = (stderr: string, extra: { timedOut?: boolean; notInstalled?: boolean } = {}) =>
    classifyGitFailure(new GitCommandError('x', [], stderr, 128, extra.timedOut ?? false, extra.notInstalled ?? false));
  it.each([
    ["fatal: repository 'https://github.com/a/b.git/' not found", 'REPO_NOT_FOUND'],
    ["fatal: '/tmp/x' does not appear to be a git repository", 'REPO_NOT_FOUND'],
    ['fatal: remote error: access denied or repository not exported: /x', 'REPO_NOT_FOUND'],
    ["fatal: unable to access 'https://h/r.git/': Could not resolve host: h", 'NETWORK'],
    ['fatal: unable to connect to 127.0.0.1:\n127.0.0.1[0: 127.0.0.1]: errno=Connection refused', 'NETWORK'],
    ["fatal: could not read Username for 'https://h': terminal prompts disabled", 'GIT_AUTH'],
    ['git@h: Permission denied (publickey).', 'GIT_AUTH'],
    [`fatal: remote error: upload-pack: not our ref ${'a'.repeat(40)}`, 'REF_NOT_FOUND'],
    ["fatal: couldn't find remote ref refs/heads/x", 'REF_NOT_FOUND'],
    ['fatal: something else', 'GIT_FAILED'],
  ])('%s → %s', (stderr, kind) => {
    expect(failure(stderr)).toBe(kind);
  });
  it('timeouts are NETWORK, a missing git is GIT_NOT_INSTALLED', () => {
    expect(failure('', { timedOut: true })).toBe('NETWORK');
    expect(failure('', { notInstalled: true })).toBe('GIT_NOT_INSTALLED');
  });
});

describe('git never prompts and never runs dangerous transports', () => {
  it('gitEnv: no askpass, no terminal prompt, ssh in batch mode unless the user chose an ssh command', () => {
    const env = gitEnv({ PATH: '/bin', GIT_ASKPASS: '/usr/bin/ksshaskpass', SSH_ASKPASS: '/x', GIT_DIR: '/elsewhere', HOME: '/h' });
    expect(env).toMatchObject({ PATH: '/bin', HOME: '/h', GIT_TERMINAL_PROMPT: '0', GIT_PROTOCOL_FROM_USER: '0', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' });
    expect(env.GIT_ASKPASS).toBeUndefined();
    expect(env.SSH_ASKPASS).toBeUndefined();
    expect(env.GIT_DIR).toBeUndefined();
    expect(gitEnv({ GIT_SSH_COMMAND: 'ssh -i key' }).GIT_SSH_COMMAND).toBe('ssh -i key');
    expect(gitEnv({ GIT_SSH: '/usr/bin/plink' }).GIT_SSH_COMMAND).toBeUndefined();
    expect(gitEnv({}, 'ssh -F ~/.ssh/work').GIT_SSH_COMMAND).toBeUndefined();
  });

  it('gitSafetyArgs: only https/http/ssh/git, file only when asked for, ext never, empty askPass', () => {
    const args = gitSafetyArgs(false).join(' ');
    expect(args).toContain('-c protocol.allow=never');
    expect(args).toContain('-c protocol.ext.allow=never');
    expect(args).toContain('-c protocol.file.allow=never');
    expect(args).toContain('-c core.askPass=');
    expect(gitSafetyArgs(true).join(' ')).toContain('-c protocol.file.allow=always');
  });
});

describe('agent trees (as Claude Code scans a folder)', () => {
  const files = [
    { path: 'README.md', size: 10 },
    { path: 'agents/a.md', size: 10 },
    { path: 'agents/.hidden.md', size: 10 },
    { path: 'agents/sub/b.md', size: 10 },
    { path: 'agents/UPPER.MD', size: 10 },
    { path: 'agents/notes.txt', size: 10 },
    { path: 'agents/link.md', size: 7, special: 'symlink' as const },
    { path: 'agents/huge.md', size: 2_000_000 },
    { path: 'agents-old/c.md', size: 10 },
  ];

  it('a folder: every *.md below it, recursively, hidden included, sorted; links and >1 MiB files skipped', () => {
    const selection = selectFiles(files, 'agents');
    expect(selection).toMatchObject({ kind: 'dir', dir: 'agents' });
    if (selection?.kind !== 'dir') throw new Error('expected a folder');
    expect(selection.files.map((f) => f.path)).toEqual(['agents/.hidden.md', 'agents/a.md', 'agents/sub/b.md']);
    expect(selection.skipped.map((s) => s.path)).toEqual(['agents/link.md', 'agents/huge.md']);
  });

  it('a file is itself; a missing path is null; the root is everything', () => {
    expect(selectFiles(files, 'agents/a.md')).toEqual({ kind: 'file', file: files[1] });
    expect(selectFiles(files, 'agent')).toBeNull();
    expect(selectFiles(files, 'agents/a')).toBeNull();
    const all = selectFiles(files, '');
    expect(all?.kind === 'dir' && all.files.map((f) => f.path)).toContain('agents-old/c.md');
  });

  it.each([
    [
      [
        { path: '.claude/agents/x.md', size: 1 },
        { path: 'agents/y.md', size: 1 },
      ],
      '.claude/agents',
    ],
    [[{ path: 'agents/y.md', size: 1 }], 'agents'],
    [
      [
        { path: 'agents/y.txt', size: 1 },
        { path: 'z.md', size: 1 },
      ],
      '',
    ],
  ])('defaultAgentDir(%j) = %j', (tree, dir) => {
    expect(defaultAgentDir(tree)).toBe(dir);
  });

  it.each([
    ['agents/x.md', 'agents/x.md'],
    ['/agents/', 'agents'],
    ['a/./b', null],
    ['a/../b', null],
    ['a//b', null],
    ['a\\b', null],
    ['a#b', null],
    ['a::b', null],
    ['', null],
  ])('normalizeInnerPath(%j) = %j', (raw, expected) => {
    expect(normalizeInnerPath(raw)).toBe(expected);
  });
});
