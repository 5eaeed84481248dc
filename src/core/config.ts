import path from 'node:path';
import type { Context } from './context.js';
import { didYouMean } from './did-you-mean.js';
import { AgentInstallError } from './errors.js';
import { readTextBounded } from './io/bounded-read.js';
import { parseJsonFile } from './io/json.js';
import { APPROVAL_KINDS, type ApprovalKind, CORE_APPROVAL_KINDS } from './lockfile/lockfile.js';
import { optionalScope, projectScope } from './scope/scope.js';
import { TARGET_IDS } from './targets/ids.js';

/**
 * agent-install's configuration. Two optional JSON files, both
 * `{ "registries": ["https://agents.example.com/index.json", "./registry/index.json"] }`:
 * - project: `<project>/.claude/agent-install.json` (commit it; not read with `-g`, as npm ignores a
 *   project's `.npmrc` for global installs);
 * - user: `$XDG_CONFIG_HOME/agent-install/config.json`, else `~/.config/agent-install/config.json`.
 * Relative registry paths are relative to the file that names them. An unknown key is an error
 * (a misspelt setting would otherwise be silently not applied).
 *
 * `grants` is the policy for risky grants (README, "Approvals and policy"):
 * `{"deny": ["bypass", "hooks"], "allow": ["mcp"], "failOn": "medium"}`. Which file may do what
 * is decided by {@link readPolicy}, not here.
 */
export interface Config {
  /** Static registries (index.json URLs or absolute paths), searched after the bundled one, in order. */
  registries: string[];
  grants?: GrantsConfig;
  /**
   * Targets: the coding tools `add` and `install` write agents for (docs/targets-design.md), by
   * id; absent: Claude Code alone. The project file's list wins over the user's.
   */
  targets?: string[];
}

/** The severities `audit --fail-on` takes (findings.ts; repeated here so that reading a config loads no rules). */
export const FAIL_ON_VALUES = ['high', 'medium', 'low', 'none'] as const;
export type FailOnValue = (typeof FAIL_ON_VALUES)[number];

export interface GrantsConfig {
  /** Kinds of risky grant refused whatever else says (`all`: every kind that is risky under the policy). */
  deny: Array<ApprovalKind | 'all'>;
  /** Kinds approved without asking (`all` as for deny); honoured from the user's file only. */
  allow: Array<ApprovalKind | 'all'>;
  /** Kinds made risky beyond hooks, mcp and bypass: `unrestricted-bash`, `all-tools`. */
  risky: ApprovalKind[];
  /** The least finding severity that fails `audit` by default. */
  failOn?: FailOnValue;
}

/** The configuration files that exist for this context, in precedence order (project first). */
export function configFiles(ctx: Pick<Context, 'cwd' | 'home' | 'env'>, global: boolean): string[] {
  const user = path.join(ctx.env.XDG_CONFIG_HOME ? path.resolve(ctx.env.XDG_CONFIG_HOME) : path.join(ctx.home, '.config'), 'agent-install', 'config.json');
  const project = global ? null : optionalScope(() => projectScope(ctx));
  return project ? [path.join(project.claudeDir, 'agent-install.json'), user] : [user];
}

/** The keys a configuration file may have; any other is an error. */
export const CONFIG_KEYS: readonly string[] = ['registries', 'grants', 'targets'];
/** The keys of `grants`. */
const GRANTS_KEYS: readonly string[] = ['deny', 'allow', 'risky', 'failOn'];
/** What `grants.deny` and `grants.allow` may list. */
const GRANT_KIND_WORDS: readonly string[] = [...APPROVAL_KINDS, 'all'];
/** What `grants.risky` may list: the kinds that are not risky without it. */
const POLICY_KIND_WORDS: readonly string[] = APPROVAL_KINDS.filter((kind) => !CORE_APPROVAL_KINDS.includes(kind));

/** A configuration file is a few lines of JSON; anything larger is refused unread. */
const MAX_CONFIG_BYTES = 1_048_576;

function invalid(file: string, message: string): AgentInstallError {
  return new AgentInstallError(`${file}: ${message}`, {
    code: 'CONFIG_INVALID',
    hint: 'Expected {"registries": ["https://host/index.json", "./path/to/index.json"], "grants": {"deny": ["bypass"], "allow": ["mcp"], "failOn": "medium"}}.',
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
  const grants = (raw as Record<string, unknown>).grants;
  if (grants !== undefined) config.grants = parseGrants(grants, file);
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

function parseGrants(raw: unknown, file: string): GrantsConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw invalid(file, '`grants` must be an object: {"deny": [...], "allow": [...], "failOn": "..."}');
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (GRANTS_KEYS.includes(key)) continue;
    const near = didYouMean(key, GRANTS_KEYS, { maxDistance: 3 });
    throw invalid(file, `unknown key ${JSON.stringify(`grants.${key}`)}${near ? ` (did you mean "grants.${near}"?)` : ''}`);
  }
  const kinds = (key: 'deny' | 'allow' | 'risky'): Array<ApprovalKind | 'all'> => {
    const words = key === 'risky' ? POLICY_KIND_WORDS : GRANT_KIND_WORDS;
    const list = record[key] ?? [];
    if (!Array.isArray(list) || list.some((k) => typeof k !== 'string')) throw invalid(file, `\`grants.${key}\` must be a list of ${words.join(', ')}`);
    const out = new Set<ApprovalKind | 'all'>();
    for (const word of list as string[]) {
      if (words.includes(word)) out.add(word as ApprovalKind | 'all');
      else {
        const near = didYouMean(word, words);
        throw invalid(file, `\`grants.${key}\`: unknown kind ${JSON.stringify(word)}${near ? ` (did you mean "${near}"?)` : ''}; expected ${words.join(', ')}`);
      }
    }
    return [...out];
  };
  const grants: GrantsConfig = { deny: kinds('deny'), allow: kinds('allow'), risky: kinds('risky') as ApprovalKind[] };
  const failOn = record.failOn;
  if (failOn !== undefined) {
    if (typeof failOn !== 'string' || !(FAIL_ON_VALUES as readonly string[]).includes(failOn))
      throw invalid(file, `\`grants.failOn\` must be one of ${FAIL_ON_VALUES.join(', ')}`);
    grants.failOn = failOn as FailOnValue;
  }
  return grants;
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

/** The policy for risky grants, from both config files (README, "Approvals and policy"). */
export interface Policy {
  /**
   * The kinds that need approval: hooks, mcp and bypass always, plus those a `grants.risky` adds
   * (either file: adding is tightening) and those a `grants.deny` names.
   */
  risky: Set<ApprovalKind>;
  /** Each denied kind and the file that denies it (the project's first). */
  deny: Map<ApprovalKind, string>;
  /** Each kind approved without asking and the file that allows it: the user's file only. */
  allow: Map<ApprovalKind, string>;
  /**
   * Kinds a project file lists under `allow`, which is not honoured: the project file comes with
   * the repository, and a repository must not approve its own agents' hooks.
   */
  ignoredAllow: Map<ApprovalKind, string>;
  /** The `audit --fail-on` default, when a file sets one, and the file that decided it. */
  failOn?: { value: FailOnValue; file: string };
}

const STRICTNESS: Record<FailOnValue, number> = { low: 0, medium: 1, high: 2, none: 3 };

/**
 * Reads the policy. A project file may only tighten: its `deny` applies, its `failOn` applies
 * when it is stricter than the user's (or than `high`), its `allow` is ignored. The user's file
 * may deny, allow, and set `failOn` to anything, `none` included.
 */
export function readPolicy(ctx: Pick<Context, 'cwd' | 'home' | 'env'>, global: boolean): Policy {
  const files = configFiles(ctx, global);
  const user = files[files.length - 1]!;
  const policy: Policy = { risky: new Set(CORE_APPROVAL_KINDS), deny: new Map(), allow: new Map(), ignoredAllow: new Map() };
  let projectFailOn: { value: FailOnValue; file: string } | undefined;
  const read = files.map((file) => ({ file, grants: readConfigFile(file).grants }));
  for (const { grants } of read) for (const kind of [...(grants?.risky ?? []), ...(grants?.deny ?? [])]) if (kind !== 'all') policy.risky.add(kind);
  // `all` is every kind that is risky under this policy.
  const expand = (words: Array<ApprovalKind | 'all'>): ApprovalKind[] => (words.includes('all') ? [...policy.risky] : (words as ApprovalKind[]));
  for (const { file, grants } of read) {
    if (grants === undefined) continue;
    for (const kind of expand(grants.deny)) if (!policy.deny.has(kind)) policy.deny.set(kind, file);
    const isUser = file === user;
    for (const kind of expand(grants.allow)) (isUser ? policy.allow : policy.ignoredAllow).set(kind, file);
    if (grants.failOn !== undefined) {
      if (isUser) policy.failOn = { value: grants.failOn, file };
      else projectFailOn = { value: grants.failOn, file };
    }
  }
  if (projectFailOn !== undefined && STRICTNESS[projectFailOn.value] < STRICTNESS[policy.failOn?.value ?? 'high']) policy.failOn = projectFailOn;
  return policy;
}
