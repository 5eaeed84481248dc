import { AgentInstallError, DifferencesFoundError } from '../errors.js';
import { readTextBounded } from '../io/bounded-read.js';
import { type ConflictRegion, splitConflicts } from './conflicts.js';
import { copyAgents, emptyLockfile, type Lockfile, parseLockfile } from './lockfile.js';
import { differingAgents, type LockfileMerge, mergeLockfiles } from './merge.js';

/** Lockfiles are small; a bigger file at that path is not one (a hostile repository's 2 GiB sparse file). */
export const MAX_LOCKFILE_BYTES = 64 * 1_048_576;

/** A lockfile as found on disk. */
export type LockfileState =
  | { kind: 'missing'; lockfile: Lockfile }
  | { kind: 'ok'; lockfile: Lockfile; text: string }
  /** Git left conflict markers: both sides, and what merging them gives. */
  | { kind: 'conflicted'; file: string; text: string; regions: ConflictRegion[]; agents: string[]; merge: LockfileMerge };

function lines(regions: ConflictRegion[]): string {
  return regions.map((r) => `${r.startLine}–${r.endLine}`).join(', ');
}

/**
 * The last lockfile parsed in this process, by file and text: a command reads its lockfile
 * before it takes the scope lock and again under it, and parsing thousands of entries twice is
 * work for nothing when the bytes did not change.
 */
let lastParsed: { file: string; text: string; lockfile: Lockfile } | undefined;

function parseOnce(text: string, file: string): Lockfile {
  // Entries are never changed in place (planners make new ones); the record of them is copied.
  if (lastParsed?.file === file && lastParsed.text === text) return { ...lastParsed.lockfile, agents: copyAgents(lastParsed.lockfile.agents) };
  const lockfile = parseLockfile(text, file);
  lastParsed = { file, text, lockfile: { ...lockfile, agents: copyAgents(lockfile.agents) } };
  return lockfile;
}

/** Reads and parses a lockfile (never through a symbolic link); a missing one is reported as such (an empty lockfile), a conflicted one with both sides merged. */
export function loadLockfile(file: string): LockfileState {
  const text = readTextBounded(file, MAX_LOCKFILE_BYTES, 'lockfile', { noFollow: true });
  if (text === null) return { kind: 'missing', lockfile: emptyLockfile() };
  try {
    return { kind: 'ok', lockfile: parseOnce(text, file), text };
  } catch (error) {
    if (!(error instanceof AgentInstallError) || error.code !== 'LOCKFILE_CONFLICT') throw error;
  }
  const split = splitConflicts(text);
  if (split === null) {
    throw new AgentInstallError(`${file} holds git conflict markers that do not pair up (<<<<<<<, =======, >>>>>>>).`, {
      code: 'LOCKFILE_CORRUPT',
      hint: 'Finish resolving the merge by hand (`git checkout --ours` or `--theirs` takes one side whole), then run `agent-install install`.',
      details: { file },
    });
  }
  const side = (label: string, sideText: string) => {
    try {
      return parseLockfile(sideText, `${file} (${label} side of the merge conflict)`);
    } catch (error) {
      if (error instanceof AgentInstallError) {
        throw new AgentInstallError(
          `${file} holds git conflict markers (lines ${lines(split.regions)}), and its ${label} side is not a valid lockfile: ${error.message}`,
          {
            code: 'LOCKFILE_CORRUPT',
            hint: 'Resolve the merge by hand, then run `agent-install install`.',
            cause: error,
            details: { file },
          },
        );
      }
      throw error;
    }
  };
  const ours = side('our', split.ours);
  const theirs = side('their', split.theirs);
  const base = split.base === undefined ? null : side('base', split.base);
  return { kind: 'conflicted', file, text, regions: split.regions, agents: differingAgents(ours, theirs), merge: mergeLockfiles(base, ours, theirs) };
}

/** The error a command gives for a conflicted lockfile it will not resolve itself. */
export function conflictError(state: Extract<LockfileState, { kind: 'conflicted' }>, options: { differences?: boolean } = {}): AgentInstallError {
  const message = `${state.file} has git conflict markers (lines ${lines(state.regions)}) from a merge${state.agents.length ? `: ${state.agents.join(', ')} differ between the two sides` : ''}.`;
  const unresolved = state.merge.conflicts.map((c) => `${c.name} (${c.why})`);
  const hint = unresolved.length
    ? `These cannot be merged automatically: ${unresolved.join('; ')}. Resolve them in the file by hand, then run \`agent-install install\`.`
    : 'Run `agent-install install`: it merges both sides (an agent on one side only is kept; one agent at two versions keeps the higher) and commits nothing itself.';
  const details = { file: state.file, regions: state.regions, agents: state.agents, conflicts: state.merge.conflicts };
  return options.differences
    ? new DifferencesFoundError(message, { code: 'LOCKFILE_CONFLICT', hint, details })
    : new AgentInstallError(message, { code: 'LOCKFILE_CONFLICT', hint, details });
}

/** A missing lockfile is an empty one; a conflicted one is an error naming its lines and agents. */
export function readLockfile(file: string): Lockfile {
  const state = loadLockfile(file);
  if (state.kind === 'conflicted') throw conflictError(state);
  return state.lockfile;
}
