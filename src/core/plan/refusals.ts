import { AgentInstallError, type ErrorCode } from '../errors.js';

/** One reason a plan cannot be carried out without `--force`. */
export interface Refusal {
  name: string;
  path: string;
  code: ErrorCode;
  reason: string;
  hint: string;
}

/** The refusal every planner gives for a symbolic link at the target. */
export function symlinkRefusal(name: string, relative: string, verb: 'write' | 'delete'): Refusal {
  return {
    name,
    path: relative,
    code: 'SYMLINK_TARGET',
    reason: `${relative} is a symbolic link`,
    hint: `agent-install never ${verb}s through links; --force ${verb === 'write' ? 'replaces' : 'deletes'} the link itself (its target is left untouched).`,
  };
}

export function folderRefusal(name: string, relative: string): Refusal {
  return {
    name,
    path: relative,
    code: 'PATH_IS_FOLDER',
    reason: `${relative} is a folder`,
    hint: 'Rename or remove that folder; agent-install never replaces folders.',
  };
}

/**
 * The refusal for an agent file that is there but could not be read (no permission, over 1 MiB, a
 * FIFO): what it holds is unknown, so it is neither overwritten nor deleted without `--force`.
 * `why` is the error met reading it, when known.
 */
export function unreadableRefusal(name: string, relative: string, why: string | undefined, verb: 'write' | 'delete'): Refusal {
  return {
    name,
    path: relative,
    code: 'IO',
    reason: `${relative} cannot be read as an agent file (${why ?? 'over 1 MiB, unreadable or not a regular file'})`,
    hint: `Make it readable or move it away; --force ${verb === 'write' ? 'overwrites' : 'deletes'} it unread.`,
  };
}

/** Why the inspected file could not be read, from its issues. */
export function readProblem(issues: ReadonlyArray<{ code: string; message: string }> | undefined): string | undefined {
  return issues?.find((i) => i.code === 'unreadable' || i.code === 'file-too-large')?.message;
}

/** All refusals of a plan as one error: nothing is written when any agent is refused. */
export function refusalError(refusals: Refusal[]): AgentInstallError {
  const lines = refusals.map((r) => `${r.name}: ${r.reason}.`);
  return new AgentInstallError(lines.join('\n'), {
    code: refusals.length === 1 ? refusals[0]!.code : 'REFUSED',
    hint: `${[...new Set(refusals.map((r) => r.hint))].join(' ')} Nothing was changed.`,
    details: { refusals },
  });
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
