import { AgentInstallError } from '../errors.js';

// Windows device names are refused on every platform so that a lockfile committed on Linux
// still installs on Windows.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const MAX_NAME_LENGTH = 128;

/**
 * Why `name` cannot be used as a file name in an agents folder, or null when it can.
 * An agent named `x` is written to `x.md`; anything that could escape the folder is refused.
 */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.includes('\0')) return 'it contains a NUL character';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'it contains a control character';
  if (/[/\\]/.test(name)) return 'it contains a path separator';
  if (name === '.' || name === '..' || name.includes('..')) return 'it contains `..`';
  if (name.startsWith('.')) return 'it starts with `.`';
  if (name.startsWith('-')) return 'it starts with `-`';
  if (/[<>:"|?*]/.test(name)) return 'it contains a character Windows forbids in file names (< > : " | ? *)';
  if (/[. ]$/.test(name)) return 'it ends with a dot or a space';
  if (WINDOWS_RESERVED.test(name)) return 'it is a reserved device name on Windows';
  return null;
}

export function assertSafeAgentName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== null) {
    throw new AgentInstallError(`Refusing agent name ${JSON.stringify(name)}: ${problem}.`, {
      code: 'UNSAFE_NAME',
      hint: 'Agent names become file names (`<name>.md`); use lower-case kebab-case such as `code-reviewer`.',
    });
  }
}

/** The file an agent named `name` is written to, relative to the agents folder. */
export function agentFileName(name: string): string {
  assertSafeAgentName(name);
  return `${name}.md`;
}
