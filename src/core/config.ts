import path from 'node:path';
import type { Context } from './context.js';
import { didYouMean } from './did-you-mean.js';
import { AgentInstallError } from './errors.js';
import { readTextBounded } from './io/bounded-read.js';
import { parseJsonFile } from './io/json.js';
import { optionalScope, projectScope } from './scope/scope.js';

/**
 * agent-install's configuration. Two optional JSON files, both
 * `{ "registries": ["https://agents.example.com/index.json", "./registry/index.json"] }`:
 * - project: `<project>/.claude/agent-install.json` (commit it; not read with `-g`, as npm ignores a
 *   project's `.npmrc` for global installs);
 * - user: `$XDG_CONFIG_HOME/agent-install/config.json`, else `~/.config/agent-install/config.json`.
 * Relative registry paths are relative to the file that names them. Unknown keys are ignored, so
 * that newer config files still work with older versions.
 */
export interface Config {
  /** Static registries (index.json URLs or absolute paths), searched after the bundled one, in order. */
  registries: string[];
}

/** The configuration files that exist for this context, in precedence order (project first). */
export function configFiles(ctx: Pick<Context, 'cwd' | 'home' | 'env'>, global: boolean): string[] {
  const user = path.join(ctx.env.XDG_CONFIG_HOME ? path.resolve(ctx.env.XDG_CONFIG_HOME) : path.join(ctx.home, '.config'), 'agent-install', 'config.json');
  const project = global ? null : optionalScope(() => projectScope(ctx));
  return project ? [path.join(project.claudeDir, 'agent-install.json'), user] : [user];
}

/** The keys a configuration file may have; any other is an error. */
const CONFIG_KEYS: readonly string[] = ['registries'];

/** A configuration file is a few lines of JSON; anything larger is refused unread. */
const MAX_CONFIG_BYTES = 1_048_576;

function invalid(file: string, message: string): AgentInstallError {
  return new AgentInstallError(`${file}: ${message}`, {
    code: 'CONFIG_INVALID',
    hint: 'Expected {"registries": ["https://host/index.json", "./path/to/index.json"]}.',
    details: { file },
  });
}

/** A URL (`scheme://`) stays as it is; anything else is a path relative to `base`. */
function resolveLocation(location: string, base: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : path.resolve(base, location);
}

/** Parses one configuration file's text; relative paths are resolved against the file's folder. */
export function parseConfig(text: string, file: string): Config {
  const raw = parseJsonFile(text, file, 'CONFIG_INVALID');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(file, 'expected a JSON object');
  // A misspelt key would otherwise be a setting silently not applied.
  for (const key of Object.keys(raw)) {
    if (CONFIG_KEYS.includes(key)) continue;
    const near = didYouMean(key, CONFIG_KEYS, { maxDistance: 3 });
    throw invalid(file, `unknown key ${JSON.stringify(key)}${near ? ` (did you mean "${near}"?)` : ''}`);
  }
  const registries = (raw as Record<string, unknown>).registries ?? [];
  if (!Array.isArray(registries) || registries.some((r) => typeof r !== 'string' || r === '')) {
    throw invalid(file, '`registries` must be a list of index.json URLs or paths');
  }
  return { registries: (registries as string[]).map((r) => resolveLocation(r, path.dirname(file))) };
}

/** A missing file is an empty configuration. */
export function readConfigFile(file: string): Config {
  const text = readTextBounded(file, MAX_CONFIG_BYTES, 'config file');
  if (text === null) return { registries: [] };
  return parseConfig(text, file);
}

/** The merged configuration: project entries first, then the user's. */
export function readConfig(ctx: Pick<Context, 'cwd' | 'home' | 'env'>, global: boolean): Config {
  return { registries: configFiles(ctx, global).flatMap((file) => readConfigFile(file).registries) };
}
