/**
 * The user's npm configuration, read the way npm reads it, for `npm:` sources: which registry
 * serves a package (`registry`, `@scope:registry`) and which credentials go with a request
 * (`//host/path/:_authToken`, `:_auth`, `:username` + `:_password`). No `npm` process is started.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AgentInstallError } from '../errors.js';
import { readTextBounded } from './bounded-read.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

/** One `key=value` line of an `.npmrc`. */
export interface NpmrcLine {
  key: string;
  value: string;
  line: number;
}

/** Removes an unquoted value's inline comment (`;` or `#`, unless escaped with `\`) as the `ini` package does. */
function unsafe(value: string): string {
  const trimmed = value.trim();
  if ((trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2) || (trimmed.startsWith("'") && trimmed.endsWith("'") && trimmed.length >= 2)) {
    if (trimmed.startsWith("'")) return trimmed.slice(1, -1);
    try {
      return JSON.parse(trimmed) as string;
    } catch {
      return trimmed;
    }
  }
  let out = '';
  let escaped = false;
  for (const ch of trimmed) {
    if (escaped) {
      out += '\\;#'.includes(ch) ? ch : `\\${ch}`;
      escaped = false;
    } else if (ch === '\\') escaped = true;
    else if (ch === ';' || ch === '#') break;
    else out += ch;
  }
  if (escaped) out += '\\';
  return out.trim();
}

/**
 * Parses `.npmrc` text (ini): `key = value` lines, `;` and `#` comments, quoted values. Keys
 * inside `[section]`s are returned as `section.key`; `key[]` arrays are returned as they are.
 * `${VAR}` is left for {@link expandEnv}.
 */
export function parseNpmrc(text: string): NpmrcLine[] {
  const out: NpmrcLine[] = [];
  let section = '';
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = unsafe(header[1]!);
      return;
    }
    const eq = line.indexOf('=');
    const key = unsafe(eq < 0 ? line : line.slice(0, eq));
    if (key === '') return;
    const value = eq < 0 ? 'true' : unsafe(line.slice(eq + 1));
    out.push({ key: section ? `${section}.${key}` : key, value, line: index + 1 });
  });
  return out;
}

/**
 * npm's `${VAR}` substitution: `${VAR}` is the variable (left as written when unset), `${VAR?}`
 * is the variable or nothing, `\${VAR}` is literal.
 */
export function expandEnv(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/(?<!\\)(\\*)\$\{([^${}?]+)(\?)?\}/g, (orig, esc: string, name: string, modifier: string | undefined) => {
    const fallback = modifier === '?' ? '' : `\${${name}}`;
    const val = env[name] !== undefined ? env[name]! : fallback;
    if (esc.length % 2) return orig.slice((esc.length + 1) / 2);
    return esc.slice(esc.length / 2) + val;
  });
}

/** A configuration value and where it was set, for messages. */
export interface NpmSetting {
  value: string;
  /** `~/.npmrc:3`, `environment (npm_config_registry)`, `default`. */
  where: string;
}

export interface NpmConfig {
  /** Every setting after layering (later layers win), keys as npm spells them. */
  settings: Map<string, NpmSetting>;
  /** The `.npmrc` files that were read, lowest precedence first. */
  files: string[];
  /**
   * Where a registry or token for this scope belongs, for hints (`~/` for the home folder): the
   * project's `.npmrc` (npm's local prefix), the user's for the user scope.
   */
  configFile?: string;
}

export interface LoadNpmConfigOptions {
  cwd: string;
  home: string;
  env: Record<string, string | undefined>;
  /** User scope: npm does not read the project's `.npmrc` for global installs. */
  global?: boolean;
  /** npm's `prefix`, for the global `<prefix>/etc/npmrc`; defaults to the one of the running Node. */
  prefix?: string;
}

/** `npm_config_foo_bar` → `foo-bar`, as @npmcli/config maps the environment (nerf-darted keys kept as written). */
export function envConfigKey(envKey: string): string | null {
  if (!/^npm_config_/i.test(envKey)) return null;
  const key = envKey.slice('npm_config_'.length);
  return key.startsWith('//') ? key : key.replace(/(?!^)_/g, '-').toLowerCase();
}

function envSettings(env: Record<string, string | undefined>): Map<string, NpmSetting> {
  const out = new Map<string, NpmSetting>();
  for (const [envKey, value] of Object.entries(env)) {
    const key = envConfigKey(envKey);
    if (key === null || value === undefined || value === '') continue;
    out.set(key, { value, where: `the environment (${envKey})` });
  }
  return out;
}

function displayFile(file: string, home: string): string {
  const rel = path.relative(home, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel}` : file;
}

/** npm config files are a few lines; a larger one is refused unread. */
const MAX_NPMRC_BYTES = 1_048_576;

function statOrNull(file: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function readNpmrcFile(file: string, home: string, env: Record<string, string | undefined>): Map<string, NpmSetting> | null {
  // A folder named .npmrc is not a config file; a FIFO, a device or a huge file is an error, never a hang.
  if (statOrNull(file)?.isDirectory()) return null;
  const text = readTextBounded(file, MAX_NPMRC_BYTES, 'npm config file');
  if (text === null) return null;
  const out = new Map<string, NpmSetting>();
  for (const { key, value, line } of parseNpmrc(text)) {
    out.set(expandEnv(key, env), { value: expandEnv(value, env), where: `${displayFile(file, home)}:${line}` });
  }
  return out;
}

/** npm's project folder: the nearest ancestor of `cwd` with a package.json or node_modules, else `cwd`. */
export function npmLocalPrefix(cwd: string): string {
  for (let dir = path.resolve(cwd); ; ) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'node_modules'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(cwd);
    dir = parent;
  }
}

/**
 * Loads npm's configuration as npm layers it, lowest first: defaults, the global `npmrc`, the
 * user's `.npmrc` (`$npm_config_userconfig`, else `~/.npmrc`), the project's `.npmrc` (not for
 * the user scope), then `npm_config_*` environment variables.
 */
export function loadNpmConfig(options: LoadNpmConfigOptions): NpmConfig {
  const { env, home } = options;
  const fromEnv = envSettings(env);
  const settings = new Map<string, NpmSetting>([['registry', { value: DEFAULT_NPM_REGISTRY, where: "npm's default" }]]);
  const files: string[] = [];
  const layer = (file: string | undefined) => {
    if (!file) return;
    const read = readNpmrcFile(file, home, env);
    if (!read) return;
    files.push(file);
    for (const [key, setting] of read) settings.set(key, setting);
  };
  const prefix = fromEnv.get('prefix')?.value ?? options.prefix;
  layer(fromEnv.get('globalconfig')?.value ?? (prefix ? path.join(prefix, 'etc', 'npmrc') : undefined));
  const userconfig = path.resolve(options.cwd, fromEnv.get('userconfig')?.value ?? path.join(home, '.npmrc'));
  layer(userconfig);
  let configFile = userconfig;
  if (!options.global) {
    const project = path.join(npmLocalPrefix(options.cwd), '.npmrc');
    if (path.resolve(project) !== userconfig) layer(project);
    configFile = path.resolve(project);
  }
  for (const [key, setting] of fromEnv) settings.set(key, setting);
  return { settings, files, configFile: displayFile(configFile, home) };
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The registry for a package: `@scope:registry` for scoped packages, else `registry`. */
export function registryFor(config: NpmConfig, packageName: string): NpmSetting {
  const scope = /^(@[^/]+)\//.exec(packageName)?.[1];
  const scoped = scope ? config.settings.get(`${scope}:registry`) : undefined;
  const setting = scoped ?? config.settings.get('registry')!;
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    throw new AgentInstallError(`The npm registry "${setting.value}" (set in ${setting.where}) is not a URL.`, {
      code: 'NPMRC_INVALID',
      hint: 'Set registry (or @scope:registry) to a URL such as https://registry.npmjs.org/.',
    });
  }
  return { value: withSlash(url.href), where: setting.where };
}

/** Credentials for a request, and where they were configured. */
export interface NpmAuth {
  /** The `authorization` header value. */
  header: string;
  /** The nerf-darted key that matched (`//host/path/`). */
  key: string;
  where: string;
}

/** A `${VAR}` left in a credential: the variable is not set. */
export class NpmAuthEnvError extends AgentInstallError {}

function hasAuth(config: NpmConfig, key: string): boolean {
  const s = config.settings;
  return s.has(`${key}:_authToken`) || s.has(`${key}:_auth`) || (s.has(`${key}:username`) && s.has(`${key}:_password`));
}

/** npm-registry-fetch's lookup: walk up `//host/path/` of the URL until a key has credentials. */
function authKeyFor(config: NpmConfig, uri: string): string | null {
  const parsed = new URL(uri);
  let key = `//${parsed.host}${parsed.pathname}`;
  while (key.length > '//'.length) {
    if (hasAuth(config, key)) return key;
    key = key.replace(/([^/]+|\/)$/, '');
  }
  return null;
}

function unexpanded(setting: NpmSetting): void {
  const variable = /\$\{([^${}?]+)\}/.exec(setting.value)?.[1];
  if (variable !== undefined) {
    throw new NpmAuthEnvError(`The npm credentials in ${setting.where} use \${${variable}}, which is not set.`, {
      code: 'NPM_AUTH',
      hint: `Set ${variable} in the environment (or write the token into the .npmrc).`,
    });
  }
}

/**
 * The credentials npm would send with a request for `uri`: those configured for the longest
 * matching `//host/path/` prefix of the URL itself, else, for a URL on the registry's own host,
 * those of the registry. Never the registry's token for another host (a tarball elsewhere).
 */
export function authFor(config: NpmConfig, uri: string, registry: string): NpmAuth | null {
  let key = authKeyFor(config, uri);
  if (key === null && new URL(uri).host === new URL(registry).host) key = authKeyFor(config, registry);
  if (key === null) return null;
  const s = config.settings;
  const token = s.get(`${key}:_authToken`);
  if (token) {
    unexpanded(token);
    return { header: `Bearer ${token.value}`, key, where: token.where };
  }
  const basic = s.get(`${key}:_auth`);
  if (basic) {
    unexpanded(basic);
    return { header: `Basic ${basic.value}`, key, where: basic.where };
  }
  const username = s.get(`${key}:username`)!;
  const password = s.get(`${key}:_password`)!;
  unexpanded(username);
  unexpanded(password);
  const plain = Buffer.from(password.value, 'base64').toString('utf8');
  return { header: `Basic ${Buffer.from(`${username.value}:${plain}`).toString('base64')}`, key, where: password.where };
}
