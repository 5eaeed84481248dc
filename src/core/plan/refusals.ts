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

/** All refusals of a plan as one error: nothing is written when any agent is refused. */
export function refusalError(refusals: Refusal[]): AgentInstallError {
  const lines = refusals.map((r) => `${r.name}: refusing to write ${r.path}: ${r.reason}.`);
  return new AgentInstallError(lines.join('\n'), {
    code: refusals.length === 1 ? refusals[0]!.code : 'REFUSED',
    hint: `${[...new Set(refusals.map((r) => r.hint))].join(' ')} Nothing was written.`,
    details: { refusals },
  });
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
