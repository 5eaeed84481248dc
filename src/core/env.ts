import { AgentInstallError } from './errors.js';

/** The variables that hold milliseconds, and whether 0 is allowed (0: do not wait at all). */
export const MILLISECOND_VARIABLES = {
  AGENT_INSTALL_TIMEOUT: { zero: false },
  AGENT_INSTALL_GIT_TIMEOUT: { zero: false },
  AGENT_INSTALL_LOCK_TIMEOUT: { zero: true },
} as const;

export type MillisecondVariable = keyof typeof MILLISECOND_VARIABLES;

/**
 * The value of a milliseconds variable, or `fallback` when it is unset or empty. Anything else
 * than a plain number (`abc`, `30s`, `-1`, `Infinity`) is a usage error naming the variable: a
 * limit that is silently ignored is worse than none.
 */
export function milliseconds(env: Record<string, string | undefined>, name: MillisecondVariable, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || (value === 0 && !MILLISECOND_VARIABLES[name].zero)) {
    throw new AgentInstallError(`${name}=${JSON.stringify(raw)} is not a number of milliseconds.`, {
      code: 'USAGE',
      exitCode: 2,
      hint: `Set ${name} to a whole number of milliseconds${MILLISECOND_VARIABLES[name].zero ? '' : ' above 0'}, e.g. ${name}=30000, or unset it.`,
      details: { variable: name, value: raw },
    });
  }
  return value;
}

/** Checks every milliseconds variable at once, so that a typo fails every command the same way. */
export function checkEnvironment(env: Record<string, string | undefined>): void {
  for (const name of Object.keys(MILLISECOND_VARIABLES) as MillisecondVariable[]) milliseconds(env, name, 0);
}
