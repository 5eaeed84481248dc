import path from 'node:path';
import type { Context } from './context.js';
import { didYouMean } from './did-you-mean.js';
import { AgentInstallError } from './errors.js';
import { readTextBounded } from './io/bounded-read.js';
import { parseJsonFile } from './io/json.js';
import { optionalScope, projectScope } from './scope/scope.js';
import { TARGET_IDS } from './targets/ids.js';

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
  /**
   * Targets: the coding tools `add` and `install` write agents for (docs/targets-design.md), by
   * id; absent: Claude Code alone. The project file's list wins over the user's.
   */
  targets?: string[];
}

/** The configuration files that exist for this context, in precedence order (project first). */
export function configFiles(ctx: Pick<Context, 'cwd' | 'home' | 'env'>, global: boolean): string[] {
  const user = path.join(ctx.env.XDG_CONFIG_HOME ? path.resolve(ctx.env.XDG_CONFIG_HOME) : path.join(ctx.home, '.config'), 'agent-install', 'config.json');
  const project = global ? null : optionalScope(() => projectScope(ctx));
  return project ? [path.join(project.claudeDir, 'agent-install.json'), user] : [user];
}

/** The keys a configuration file may have; any other is an error. */
export const CONFIG_KEYS: readonly string[] = ['registries', 'targets'];

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
  const config: Config = { registries: (registries as string[]).map((r) => resolveLocation(r, path.dirname(file))) };
  const targets = (raw as Record<string, unknown>).targets;
  if (targets !== undefined) {
    if (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string')) throw invalid(file, '`targets` must be a list of target ids');
    for (const t of targets as string[]) {
      if ((TARGET_IDS as readonly string[]).includes(t)) continue;
      const near = didYouMean(t, TARGET_IDS, { maxDistance: 3 });
      throw invalid(
        file,
        `\`targets\` names an unknown target ${JSON.stringify(t)}${near ? ` (did you mean "${near}"?)` : ''}; targets: ${TARGET_IDS.join(', ')}`,
      );
    }
    config.targets = targets as string[];
  }
  return config;
}

/** A missing file is an empty configuration. */
export function readConfigFile(file: string): Config {
  const text = readTextBounded(file, MAX_CONFIG_BYTES, 'config file');
  if (text === null) return { registries: [] };
  return parseConfig(text, file);
}

/** The merged configuration: project entries first, then the user's. */
export function readConfig(ctx: Pick<Context, 'cwd' | 'home' | 'env'>, global: boolean): Config {
  const configs = configFiles(ctx, global).map(readConfigFile);
  const targets = configs.find((c) => c.targets !== undefined)?.targets;
  return { registries: configs.flatMap((c) => c.registries), ...(targets !== undefined ? { targets } : {}) };
}
