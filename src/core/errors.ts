/**
 * Exit codes of the contract (docs/design.md, "Output and exit codes").
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  differences: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Every machine-readable error code, with what it means. `--json` failures carry one of these as
 * `error.code`; the set is part of the contract, so adding one is deliberate.
 */
export const ERROR_CODES = {
  // usage
  USAGE: 'the command line is wrong',
  INVALID_OPTION: 'an option value that cannot be used',
  UNKNOWN_COMMAND: 'the first word is neither a command nor an agent',
  INVALID_SPEC: 'a spec no source understands',
  INVALID_VERSION_RANGE: 'a version range semver cannot read',
  // finding agents
  AGENT_NOT_FOUND: 'no source offers an agent of that name',
  AGENT_NOT_INSTALLED: 'the scope has no agent of that name',
  AGENT_RENAMED: 'the new version of an agent has another `name`',
  VERSION_NOT_FOUND: 'no version matches the range',
  NO_VERSIONS: 'the source has no versions',
  NO_AGENTS: 'a folder, repository or package holds no agent',
  NOT_FOUND: 'a file, URL or package that does not exist',
  PATH_NOT_FOUND: 'a path inside a repository or package that does not exist',
  PACKAGE_NOT_FOUND: 'an npm package that does not exist',
  REPO_NOT_FOUND: 'a git repository that does not exist',
  REF_NOT_FOUND: 'a git ref that does not exist',
  LOCAL_PATH_OUTSIDE: "a project's local source outside the project and the folder holding it",
  FOLDER_TOO_LARGE: 'a local folder with more than 50,000 entries',
  // what an agent is
  INVALID_AGENT: 'a file Claude Code would not load',
  INVALID_AGENTS: 'validation found errors',
  UNSAFE_NAME: 'an agent name that cannot be a file name',
  INVALID_NAME: 'a name `new` does not accept',
  UNKNOWN_TEMPLATE: 'a template `new` does not have',
  DUPLICATE_NAME: 'two requested agents share a name',
  TEMPLATE_INVALID: 'a template of `new` is broken',
  FIX_FAILED: '`validate --fix` could not write a file',
  // ownership refusals
  AGENT_EXISTS: '`new` would overwrite an agent file',
  AGENT_NAME_TAKEN: 'another agent of the tree has that name',
  NAME_TAKEN: 'installing would make two agents of one name',
  NOT_OWNED: 'the file is not recorded in the lockfile',
  LOCALLY_MODIFIED: 'an owned file has local edits',
  SYMLINK_TARGET: 'the target is a symbolic link',
  PATH_IS_FOLDER: 'the target is a folder',
  PATH_TAKEN: 'the target path belongs to another locked agent',
  NAME_CASE_CLASH: 'the file name differs only in letter case from an existing one',
  PATH_OUTSIDE_SCOPE: 'a path that leads outside the agents folder',
  AGENTS_DIR_OUTSIDE_PROJECT: 'the agents folder resolves outside the project',
  REFUSED: 'several refusals at once',
  // risky grants (hooks, inline MCP servers, bypassPermissions)
  APPROVAL_REQUIRED: 'an agent has risky grants nobody approved; `--allow` or a terminal prompt approves them',
  APPROVAL_DECLINED: 'the user answered no when asked to approve risky grants',
  GRANT_DENIED: 'a config file denies a risky grant the agent has',
  TARGET_LOSSY: '`--strict-targets` and a translation that loses or approximates fields',
  // scopes, lockfiles, config
  NOT_A_PROJECT: 'the working directory is the home folder',
  NO_HOME: 'there is no home folder',
  LOCKFILE_CORRUPT: 'the lockfile is not JSON',
  LOCKFILE_CONFLICT: 'the lockfile holds git conflict markers from a merge',
  LOCKFILE_MISSING: 'a command that checks the lockfile found none',
  LOCKFILE_INVALID: 'the lockfile is JSON but not a valid lockfile',
  LOCKFILE_TOO_NEW: 'the lockfile was written by a newer agent-install',
  CONFIG_INVALID: 'a config file is invalid',
  LOCK_TIMEOUT: 'another run held the scope lock too long',
  INTEGRITY_MISMATCH: 'fetched bytes differ from the recorded integrity',
  // differences found (exit 3)
  DRIFT: '`verify` found files that differ from the lockfile',
  FROZEN_DRIFT: '`install --frozen` found files that differ from the lockfile',
  FROZEN_LOCKFILE_CHANGED: '`install --frozen` would change the lockfile',
  DIFFERENCES: '`diff --exit-code` found differences',
  OUTDATED: '`outdated --exit-code` found newer versions',
  MERGE_CONFLICT: '`upgrade` met conflicting local edits',
  INTERRUPTED_RUN: 'an interrupted run left its journal; `install` finishes or undoes it',
  AUDIT_FINDINGS: '`audit` found findings at or above `--fail-on`',
  // network and other programs
  OFFLINE_MISSING: '`--offline` and the cache lacks what is needed',
  NETWORK: 'a connection failed or timed out',
  HTTP_ERROR: 'a server answered with an error status',
  UNAUTHORIZED: 'a server refused the credentials',
  TOO_LARGE: 'a download exceeded its size limit',
  TOO_MANY_REDIRECTS: 'more than five redirects',
  INSECURE_URL: 'a plain-HTTP URL that is not loopback',
  INSECURE_REDIRECT: 'a redirect from HTTPS to HTTP',
  PROXY_INVALID: 'HTTPS_PROXY cannot be used',
  INVALID_REGISTRY: 'a `--registry` value that is not an index',
  REGISTRY_INDEX_INVALID: 'a static registry index is invalid',
  REGISTRY_INDEX_TOO_NEW: 'a static registry index is newer than this agent-install',
  GIT_NOT_INSTALLED: 'git is not on PATH',
  GIT_AUTH: 'git could not authenticate',
  GIT_FAILED: 'git failed',
  NPMRC_INVALID: 'an .npmrc cannot be read',
  NPM_AUTH: 'the npm registry refused the credentials',
  NPM_NO_INTEGRITY: 'an npm package without `dist.integrity`',
  NPM_PACKAGE_INVALID: 'an npm package tarball cannot be used',
  NPM_REGISTRY_INVALID: 'the npm registry answered something unusable',
  TARBALL_INVALID: 'a tarball that cannot be read safely',
  // anything else
  IO: 'reading or writing a file failed',
  INTERNAL: 'a bug in agent-install',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface AgentInstallErrorOptions {
  /** Stable machine-readable code, e.g. `AGENT_NOT_FOUND`. */
  code: ErrorCode;
  exitCode?: ExitCode;
  /** One line telling the user what to do about it. */
  hint?: string;
  cause?: unknown;
  /** Extra structured data for `--json` output. */
  details?: Record<string, unknown>;
}

/**
 * Every expected failure is thrown as this error; `src/cli/main.ts` maps it to output and an exit code.
 */
export class AgentInstallError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: AgentInstallErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentInstallError';
    this.code = options.code;
    this.exitCode = options.exitCode ?? ExitCode.failed;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** A command ran correctly and found differences (exit 3): drift, conflicts, outdated agents. */
export class DifferencesFoundError extends AgentInstallError {
  constructor(message: string, options: Omit<AgentInstallErrorOptions, 'exitCode'>) {
    super(message, { ...options, exitCode: ExitCode.differences });
    this.name = 'DifferencesFoundError';
  }
}

export class UsageError extends AgentInstallError {
  constructor(message: string, options: Omit<AgentInstallErrorOptions, 'exitCode' | 'code'> & { code?: ErrorCode } = {}) {
    super(message, { code: 'USAGE', ...options, exitCode: ExitCode.usage });
    this.name = 'UsageError';
  }
}

export function isAgentInstallError(value: unknown): value is AgentInstallError {
  return value instanceof AgentInstallError;
}
