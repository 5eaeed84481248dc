import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authFor, envConfigKey, expandEnv, loadNpmConfig, type NpmConfig, npmLocalPrefix, parseNpmrc, registryFor } from '../../src/core/io/npmrc.js';
import { verifyTarball } from '../../src/core/sources/npm/registry.js';
import { formatNpmSource, npmRequested, type Packument, parseNpmSpec, pickNpmVersion } from '../../src/core/sources/npm/spec.js';
import { writeTree } from '../helpers/sandbox.js';

describe('parseNpmrc', () => {
  it('reads key=value lines, comments, quotes, sections and inline comments as ini does', () => {
    const text = [
      '; a comment',
      '# another',
      'registry = https://r.example.com/  ',
      '@acme:registry=https://npm.acme.dev/',
      '//npm.acme.dev/:_authToken=${ACME_TOKEN}',
      'quoted = "a;b#c"',
      "single = 'x y'",
      'inline = value ; comment',
      'escaped = a\\;b',
      'flag',
      '',
      '[section]',
      'inner = 1',
    ].join('\r\n');
    expect(parseNpmrc(text).map(({ key, value, line }) => [key, value, line])).toEqual([
      ['registry', 'https://r.example.com/', 3],
      ['@acme:registry', 'https://npm.acme.dev/', 4],
      ['//npm.acme.dev/:_authToken', '${ACME_TOKEN}', 5],
      ['quoted', 'a;b#c', 6],
      ['single', 'x y', 7],
      ['inline', 'value', 8],
      ['escaped', 'a;b', 9],
      ['flag', 'true', 10],
      ['section.inner', '1', 13],
    ]);
  });
});

describe("expandEnv (npm's ${VAR} rules)", () => {
  const env = { TOKEN: 'abc', EMPTY: '' };
  it.each([
    ['${TOKEN}', 'abc'],
    ['pre-${TOKEN}-post', 'pre-abc-post'],
    ['${MISSING}', '${MISSING}'],
    ['${MISSING?}', ''],
    ['${EMPTY}', ''],
    ['\\${TOKEN}', '${TOKEN}'],
    ['\\\\${TOKEN}', '\\abc'],
    ['$TOKEN', '$TOKEN'],
  ])('%s → %s', (value, expected) => {
    expect(expandEnv(value, env)).toBe(expected);
  });
});

describe('envConfigKey', () => {
  it.each([
    ['npm_config_registry', 'registry'],
    ['NPM_CONFIG_REGISTRY', 'registry'],
    ['npm_config_https_proxy', 'https-proxy'],
    ['npm_config__auth', '_auth'],
    ['npm_config_//r.example.com/:_authToken', '//r.example.com/:_authToken'],
    ['NPM_TOKEN', null],
  ])('%s → %s', (key, expected) => {
    expect(envConfigKey(key)).toBe(expected);
  });
});

describe("loadNpmConfig: npm's layers", () => {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-npmrc-')));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const home = path.join(root, 'home');
  const project = path.join(root, 'project');
  const prefix = path.join(root, 'prefix');
  writeTree(root, {
    'prefix/etc/npmrc': 'registry=https://global.example/\ncafile=/etc/ca.pem\n',
    'home/.npmrc': 'registry=https://user.example/\n@acme:registry=https://acme.user.example\n//acme.user.example/:_authToken=${USER_TOKEN}\n',
    'project/package.json': '{}',
    'project/.npmrc': '@acme:registry=https://acme.project.example/\n',
    'elsewhere/.npmrc': 'registry=https://elsewhere.example/\n',
  });
  mkdirSync(path.join(project, 'src', 'deep'), { recursive: true });

  it('project over user over global over default; the project is found from a subfolder', () => {
    const config = loadNpmConfig({ cwd: path.join(project, 'src', 'deep'), home, env: { USER_TOKEN: 't0k' }, prefix });
    expect(registryFor(config, 'left-pad')).toEqual({ value: 'https://user.example/', where: '~/.npmrc:1' });
    expect(registryFor(config, '@acme/agents').value).toBe('https://acme.project.example/');
    expect(registryFor(config, '@other/agents').value).toBe('https://user.example/');
    expect(config.settings.get('cafile')?.value).toBe('/etc/ca.pem');
    expect(config.settings.get('//acme.user.example/:_authToken')?.value).toBe('t0k');
    expect(config.files).toEqual([path.join(prefix, 'etc', 'npmrc'), path.join(home, '.npmrc'), path.join(project, '.npmrc')]);
  });

  it('npm_config_* variables win; npm_config_userconfig moves the user file; the user scope skips the project file', () => {
    const fromEnv = loadNpmConfig({ cwd: project, home, env: { NPM_CONFIG_REGISTRY: 'https://env.example' }, prefix });
    expect(registryFor(fromEnv, 'x')).toEqual({ value: 'https://env.example/', where: 'the environment (NPM_CONFIG_REGISTRY)' });
    const moved = loadNpmConfig({ cwd: project, home, env: { npm_config_userconfig: path.join(root, 'elsewhere', '.npmrc') } });
    expect(registryFor(moved, 'x').value).toBe('https://elsewhere.example/');
    const global = loadNpmConfig({ cwd: project, home, env: {}, global: true });
    expect(registryFor(global, '@acme/agents').value).toBe('https://acme.user.example/');
    const none = loadNpmConfig({ cwd: root, home: path.join(root, 'nobody'), env: {} });
    expect(registryFor(none, 'x')).toEqual({ value: 'https://registry.npmjs.org/', where: "npm's default" });
  });

  it('npmLocalPrefix: the nearest folder with package.json or node_modules, else cwd', () => {
    expect(npmLocalPrefix(path.join(project, 'src', 'deep'))).toBe(project);
    expect(npmLocalPrefix(path.join(root, 'elsewhere'))).toBe(path.join(root, 'elsewhere'));
  });

  it('a registry that is not a URL is an error naming where it was set', () => {
    const config = loadNpmConfig({ cwd: root, home, env: { npm_config_registry: 'not a url' } });
    expect(() => registryFor(config, 'x')).toThrow(/set in the environment \(npm_config_registry\)/);
  });
});

describe('authFor: which credentials go with a request', () => {
  const config = (entries: Record<string, string>): NpmConfig => ({
    settings: new Map(Object.entries(entries).map(([k, v]) => [k, { value: v, where: '.npmrc' }])),
    files: [],
  });
  const R = 'https://npm.acme.dev/';

  it.each([
    [{ '//npm.acme.dev/:_authToken': 'T' }, `${R}@acme%2fagents`, 'Bearer T'],
    [{ '//npm.acme.dev/:_auth': 'dTpw' }, `${R}x`, 'Basic dTpw'],
    [
      { '//npm.acme.dev/:username': 'u', '//npm.acme.dev/:_password': Buffer.from('p').toString('base64') },
      `${R}x`,
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    ],
    // The longest matching path wins (registries under a path, e.g. Artifactory).
    [{ '//h.example/:_authToken': 'ROOT', '//h.example/api/npm/:_authToken': 'API' }, 'https://h.example/api/npm/pkg', 'Bearer API'],
    [{ '//h.example/:_authToken': 'ROOT', '//h.example/api/npm/:_authToken': 'API' }, 'https://h.example/other/pkg', 'Bearer ROOT'],
    // Ports are part of the key.
    [{ '//127.0.0.1:4873/:_authToken': 'LOCAL' }, 'http://127.0.0.1:4873/pkg', 'Bearer LOCAL'],
    [{ '//127.0.0.1:4873/:_authToken': 'LOCAL' }, 'http://127.0.0.1:4874/pkg', null],
    // The registry's token never goes to another host (a tarball elsewhere).
    [{ '//npm.acme.dev/:_authToken': 'T' }, 'https://cdn.example/acme/agents-1.0.0.tgz', null],
  ])('%j for %s → %s', (entries, url, header) => {
    expect(authFor(config(entries), url, R)?.header ?? null).toBe(header);
  });

  it("a tarball on the registry's host under another path gets the registry's credentials", () => {
    const c = config({ '//h.example/npm/:_authToken': 'T' });
    expect(authFor(c, 'https://h.example/files/x.tgz', 'https://h.example/npm/')?.header).toBe('Bearer T');
  });

  it('a ${VAR} left unexpanded is an error asking for the variable', () => {
    expect(() => authFor(config({ '//npm.acme.dev/:_authToken': '${ACME_TOKEN}' }), `${R}x`, R)).toThrow(
      expect.objectContaining({ code: 'NPM_AUTH', hint: expect.stringContaining('Set ACME_TOKEN') }),
    );
  });
});

describe('npm: specs', () => {
  it.each([
    ['npm:left-pad', { name: 'left-pad' }],
    ['npm:left-pad@1.3.0', { name: 'left-pad', range: '1.3.0' }],
    ['npm:left-pad@^1', { name: 'left-pad', range: '^1' }],
    ['npm:left-pad@>=1.0.0 <2', { name: 'left-pad', range: '>=1.0.0 <2' }],
    ['npm:left-pad@next', { name: 'left-pad', tag: 'next' }],
    ['npm:left-pad@latest', { name: 'left-pad', tag: 'latest' }],
    ['npm:left-pad/agents/x.md', { name: 'left-pad', path: 'agents/x.md' }],
    ['npm:@acme/agents', { name: '@acme/agents' }],
    ['npm:@acme/agents@^1/agents/x.md', { name: '@acme/agents', range: '^1', path: 'agents/x.md' }],
    ['npm:@acme/agents/agents/', { name: '@acme/agents', path: 'agents' }],
    ['npm:@acme/agents@1.2.3/', { name: '@acme/agents', range: '1.2.3' }],
  ])('%s', (raw, expected) => {
    expect(parseNpmSpec(raw)).toEqual({ source: 'npm', raw, ...expected });
  });

  it.each(['npm:', 'npm:@acme', 'npm:@acme/', 'npm:.x', 'npm:_x', 'npm:x@', 'npm:x@a b!', 'npm:x/../y.md', 'npm:x/a#b.md'])('%s is refused', (raw) => {
    expect(() => parseNpmSpec(raw)).toThrow(expect.objectContaining({ code: 'INVALID_SPEC' }));
  });

  it.each(['left-pad', 'github:a/b', './npm:x'])('%s is not an npm spec', (raw) => {
    expect(parseNpmSpec(raw)).toBeNull();
  });

  it('formatNpmSource round-trips', () => {
    const source = formatNpmSource('@acme/agents', '1.2.3', 'agents/x.md');
    expect(source).toBe('npm:@acme/agents@1.2.3/agents/x.md');
    expect(parseNpmSpec(source)).toMatchObject({ name: '@acme/agents', range: '1.2.3', path: 'agents/x.md' });
  });

  const packument: Packument = {
    name: 'p',
    'dist-tags': { latest: '1.1.0', next: '2.0.0-beta.1' },
    versions: Object.fromEntries(['1.0.0', '1.1.0', '1.2.0', '2.0.0-beta.1'].map((v) => [v, { version: v }])),
  };
  it.each([
    [{}, '1.1.0'],
    [{ tag: 'latest' }, '1.1.0'],
    [{ tag: 'next' }, '2.0.0-beta.1'],
    // npm prefers the latest tag when it satisfies the range…
    [{ range: '^1.0.0' }, '1.1.0'],
    // …else the newest satisfying version.
    [{ range: '>=1.2.0' }, '1.2.0'],
    [{ range: '1.0.0' }, '1.0.0'],
  ])('pickNpmVersion(%j) = %s', (spec, version) => {
    expect(pickNpmVersion(packument, { name: 'p', ...spec })).toBe(version);
  });

  it('pickNpmVersion names the versions or tags when nothing matches', () => {
    expect(() => pickNpmVersion(packument, { name: 'p', range: '^3' })).toThrow(
      expect.objectContaining({ code: 'VERSION_NOT_FOUND', hint: expect.stringContaining('1.0.0, 1.1.0, 1.2.0') }),
    );
    expect(() => pickNpmVersion(packument, { name: 'p', tag: 'beta' })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('next (2.0.0-beta.1)') }),
    );
  });

  it.each([
    [{}, '1.1.0', '^1.1.0'],
    [{ range: '~1.0' }, '1.0.5', '~1.0'],
  ])('npmRequested(%j, %s) = %s', (spec, version, requested) => {
    expect(npmRequested(spec, version)).toBe(requested);
  });
});

describe('verifyTarball', () => {
  const bytes = Buffer.from('tarball bytes');
  const sri = (algorithm: string, data: Uint8Array) => `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;

  it('accepts matching sha512 (also among several hashes) and legacy sha1 shasum', () => {
    expect(() => verifyTarball(bytes, { integrity: sri('sha512', bytes) }, 't')).not.toThrow();
    expect(() => verifyTarball(bytes, { integrity: `${sri('sha1', bytes)} ${sri('sha512', bytes)}` }, 't')).not.toThrow();
    expect(() => verifyTarball(bytes, { shasum: createHash('sha1').update(bytes).digest('hex') }, 't')).not.toThrow();
  });

  it('refuses a mismatch (the strongest hash decides) and a package without integrity', () => {
    expect(() => verifyTarball(bytes, { integrity: sri('sha512', Buffer.from('other')) }, 't')).toThrow(
      expect.objectContaining({ code: 'INTEGRITY_MISMATCH' }),
    );
    expect(() => verifyTarball(bytes, { integrity: `${sri('sha256', bytes)} ${sri('sha512', Buffer.from('other'))}` }, 't')).toThrow(
      expect.objectContaining({ code: 'INTEGRITY_MISMATCH' }),
    );
    expect(() => verifyTarball(bytes, {}, 't')).toThrow(expect.objectContaining({ code: 'NPM_NO_INTEGRITY' }));
  });
});
