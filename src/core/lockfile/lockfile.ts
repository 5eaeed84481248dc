import { nameProblem } from '../agent/names.js';
import { AgentInstallError } from '../errors.js';
import { isIntegrity } from '../io/integrity.js';
import { parseJsonFile, stringifyDeterministic } from '../io/json.js';
import { type TargetRecords, targetRecordsProblem } from '../targets/ids.js';
import { hasConflictMarkers } from './conflicts.js';
import { isSafeRelativeAgentPath } from './paths.js';

/**
 * 2: entries from a registry name which registry (`"registry": "bundled"` or an index URL), so
 *    that `outdated`, `upgrade` and `install` know where to look once several registries exist.
 * 1: the first format; its registry entries all came from the bundled registry.
 */
export const LOCKFILE_VERSION = 2;

/** One installed agent, keyed by its `name` in {@link Lockfile.agents}. */
export interface LockEntry {
  /** Exact version, when the source has versions. */
  version?: string;
  /** What the user asked for: `^1.0.0`, `1.0.0`, `latest`, a ref, a path. */
  requested: string;
  /** A spec that reproduces exactly these bytes: exact version, commit, URL. */
  source: string;
  /** `sha256-<base64>` of the upstream bytes as installed. */
  integrity: string;
  /** File path relative to the agents folder, with `/` separators. */
  path: string;
  /** For agents resolved by name: `bundled`, or the URL or path of a static registry's index.json. */
  registry?: string;
  /**
   * `sha256-<base64>` of the bytes the team accepted as its own version of the agent
   * (`agent-install accept`): the installed file holds these; `integrity` stays the upstream
   * version's, the base of three-way upgrades.
   */
  accepted?: string;
  /**
   * The risky grants someone approved for the upstream bytes (`integrity`), by kind: the
   * `riskyHashes` of exactly those bytes when they were approved (docs/grants.md). Absent when
   * the agent has no risky grant. Bytes whose risky hashes differ need approval again.
   */
  approved?: Approved;
  /** Targets: the file of each other coding tool written from this agent (src/core/targets). */
  targets?: TargetRecords;
}

/**
 * The kinds of risky grant an approval can record: grants.ts `RISKY_KINDS` (always risky), then
 * its `POLICY_RISKY_KINDS` (risky when a config's `grants.risky` says so). Kept here so that
 * reading a lockfile loads no rules.
 */
export const APPROVAL_KINDS = ['hooks', 'mcp', 'bypass', 'unrestricted-bash', 'all-tools'] as const;
/** The kinds that are risky whatever the policy says. */
export const CORE_APPROVAL_KINDS: readonly ApprovalKind[] = ['hooks', 'mcp', 'bypass'];
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];
/** Kind → `sha256-<base64>` of that kind's content as approved. */
export type Approved = Partial<Record<ApprovalKind, string>>;

export interface Lockfile {
  lockfileVersion: number;
  /** By agent name; a record without a prototype, so that `constructor` or `__proto__` are names like any other. */
  agents: Record<string, LockEntry>;
}

/** An empty agents record without a prototype (see {@link Lockfile.agents}). */
export function emptyAgents(): Record<string, LockEntry> {
  return Object.create(null) as Record<string, LockEntry>;
}

/** A copy of an agents record, without a prototype. */
export function copyAgents(agents: Record<string, LockEntry>): Record<string, LockEntry> {
  return Object.assign(emptyAgents(), agents);
}

export function emptyLockfile(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, agents: emptyAgents() };
}

/** Do two entries record the same thing (every field equal)? */
export function sameEntry(a: LockEntry | undefined, b: LockEntry | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || stringifyDeterministic(a) === stringifyDeterministic(b);
}

/** The integrity the installed file must have: the accepted bytes' when the team accepted an edit, else the upstream bytes'. */
export function installedIntegrity(entry: LockEntry): string {
  return entry.accepted ?? entry.integrity;
}

function invalid(file: string, message: string): AgentInstallError {
  return new AgentInstallError(`${file}: ${message}`, {
    code: 'LOCKFILE_INVALID',
    hint: 'Fix the lockfile by hand or restore it from version control; agent-install never replaces it silently.',
    details: { file },
  });
}

/**
 * Parses lockfile text. `file` names it in errors. Older `lockfileVersion`s are migrated;
 * newer ones are refused because their meaning is unknown to this version.
 */
export function parseLockfile(text: string, file: string): Lockfile {
  if (hasConflictMarkers(text)) {
    throw new AgentInstallError(`${file} holds git conflict markers.`, {
      code: 'LOCKFILE_CONFLICT',
      hint: 'Run `agent-install install` to merge both sides.',
      details: { file },
    });
  }
  const raw = parseJsonFile(text, file, 'LOCKFILE_CORRUPT');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(file, 'expected a JSON object');
  const record = raw as Record<string, unknown>;
  const version = record.lockfileVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw invalid(file, '`lockfileVersion` is missing or not a positive integer');
  }
  if (version > LOCKFILE_VERSION) {
    throw new AgentInstallError(`${file} has lockfileVersion ${version}; this agent-install understands up to ${LOCKFILE_VERSION}.`, {
      code: 'LOCKFILE_TOO_NEW',
      hint: 'Upgrade agent-install (`npm install -g agent-install@latest`, or use `npx agent-install@latest`).',
      details: { file, version },
    });
  }
  const agentsRaw = record.agents ?? {};
  if (agentsRaw === null || typeof agentsRaw !== 'object' || Array.isArray(agentsRaw)) throw invalid(file, '`agents` must be an object');
  const agents = emptyAgents();
  for (const [name, value] of Object.entries(agentsRaw as Record<string, unknown>)) {
    const problem = nameProblem(name);
    if (problem !== null) throw invalid(file, `agent name ${JSON.stringify(name)} is unusable: ${problem}`);
    agents[name] = parseLockEntry(value, `${file}: agents.${name}`);
    // Targets: each target file is this agent's own, in its target's folder.
    const targets = agents[name]!.targets;
    const targetProblem = targets === undefined ? null : targetRecordsProblem(targets, name);
    if (targetProblem !== null) throw invalid(`${file}: agents.${name}`, targetProblem);
  }
  return { lockfileVersion: LOCKFILE_VERSION, agents: migrate(version, agents) };
}

// `name@1.2.3`: what a registry entry's `source` looks like.
const REGISTRY_SOURCE = /^[A-Za-z0-9_][A-Za-z0-9._-]*@\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

/**
 * Upgrades entries written by an older lockfileVersion, and completes entries a hand edit left
 * short: a registry entry (`name@1.2.3`) without `registry` came from the bundled registry — in
 * version 1 every one did, and from version 2 on every other registry is recorded. The result is
 * what the next write records, so `install --frozen` sees that the lockfile would change.
 */
function migrate(_from: number, agents: Record<string, LockEntry>): Record<string, LockEntry> {
  const out = emptyAgents();
  for (const [name, e] of Object.entries(agents)) out[name] = e.registry === undefined && REGISTRY_SOURCE.test(e.source) ? { ...e, registry: 'bundled' } : e;
  return out;
}

// C0 controls, DEL and C1 controls: never part of a path, URL, spec or version.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** One lock entry, checked as a lockfile's are (`where` names it in errors). */
export function parseLockEntry(value: unknown, where: string): LockEntry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(where, 'expected an object');
  const v = value as Record<string, unknown>;
  const str = (key: string, required: boolean): string | undefined => {
    const x = v[key];
    if (x === undefined && !required) return undefined;
    if (typeof x !== 'string' || x === '') throw invalid(where, `\`${key}\` must be a non-empty string`);
    // Lock entries are echoed in messages: a newline or escape there could forge a line of output.
    if (CONTROL.test(x)) throw invalid(where, `\`${key}\` holds a control character (a line break, tab or escape)`);
    return x;
  };
  const entry: LockEntry = {
    requested: str('requested', true)!,
    source: str('source', true)!,
    integrity: str('integrity', true)!,
    path: str('path', true)!,
  };
  if (!isSafeRelativeAgentPath(entry.path))
    throw invalid(where, '`path` must be a relative `.md` path inside the agents folder (no `..`, no absolute path, `/` separators)');
  const version = str('version', false);
  if (version !== undefined) entry.version = version;
  const registry = str('registry', false);
  if (registry !== undefined) entry.registry = registry;
  if (!isIntegrity(entry.integrity)) throw invalid(where, '`integrity` must be `sha256-<base64>`');
  const accepted = str('accepted', false);
  if (accepted !== undefined) {
    if (!isIntegrity(accepted)) throw invalid(where, '`accepted` must be `sha256-<base64>`');
    entry.accepted = accepted;
  }
  if (v.approved !== undefined) entry.approved = parseApproved(v.approved, where);
  // Targets: each other tool's file, checked as strictly as `path` (src/core/targets/ids.ts).
  if (v.targets !== undefined) {
    const problem = targetRecordsProblem(v.targets);
    if (problem !== null) throw invalid(where, problem);
    if (Object.keys(v.targets as object).length > 0) entry.targets = v.targets as TargetRecords;
  }
  return entry;
}

/** `approved`: an object of known kinds, each a `sha256-<base64>`; anything else makes the lockfile invalid. */
function parseApproved(value: unknown, where: string): Approved {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(where, '`approved` must be an object of risky kinds and hashes');
  const approved: Approved = {};
  for (const [kind, hash] of Object.entries(value as Record<string, unknown>)) {
    if (!(APPROVAL_KINDS as readonly string[]).includes(kind))
      throw invalid(where, `\`approved\` has an unknown kind ${JSON.stringify(kind)} (expected ${APPROVAL_KINDS.join(', ')})`);
    if (typeof hash !== 'string' || !isIntegrity(hash)) throw invalid(where, `\`approved.${kind}\` must be \`sha256-<base64>\``);
    approved[kind as ApprovalKind] = hash;
  }
  return approved;
}

export function serializeLockfile(lockfile: Lockfile): string {
  return stringifyDeterministic({ lockfileVersion: LOCKFILE_VERSION, agents: lockfile.agents });
}
