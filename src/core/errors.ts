/**
 * Exit codes of the contract (docs/design.md, "Output and exit codes").
 */
import type { ERROR_CODES } from './error-codes.js';

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  differences: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// The catalogue lives in its own module, read here as a type only: the descriptions are for
// people and tests, and every command would otherwise load them.
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
