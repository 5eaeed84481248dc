import { loadValidate } from '../agent/load.js';
import { agentFileName } from '../agent/names.js';
import type { Grants, Issue } from '../agent/validate.js';
import { AgentInstallError } from '../errors.js';
import { computeIntegrity } from '../io/integrity.js';
import { type Approved, CORE_APPROVAL_KINDS, type LockEntry } from '../lockfile/lockfile.js';
import type { Candidate } from '../sources/types.js';

/** A candidate that passed validation, with the name Claude Code will know it by. */
export interface CheckedCandidate {
  candidate: Candidate;
  /** The name Claude Code will know it by. */
  agent: { name: string };
  warnings: Issue[];
  /**
   * `allRiskyHashes` of the bytes (docs/grants.md): the hooks, mcp and bypass hashes, and those
   * of the kinds a policy may make risky (`unrestricted-bash`, `all-tools`); `{}` when none.
   */
  risky: Approved;
  /** The agent's grants; absent only for a bundled agent the build checked and found without risky grants. */
  grants?: Grants;
}

/** Validates a candidate as Claude Code would load it; one it would not load is INVALID_AGENT. */
export async function checkCandidate(candidate: Candidate): Promise<CheckedCandidate> {
  const built = candidate.risky;
  if (candidate.checkedName !== undefined && built !== undefined && !CORE_APPROVAL_KINDS.some((kind) => built[kind] !== undefined)) {
    // Checked when the package was built (the bundled registry): no issues, this name, no hook, server or bypass.
    agentFileName(candidate.checkedName);
    return { candidate, agent: { name: candidate.checkedName }, warnings: [], risky: { ...built } };
  }
  const { checkAgentBytes, grantsOf, allRiskyHashes } = await loadValidate();
  const check = checkAgentBytes(candidate.bytes, { fileName: candidate.fileName });
  const errors = check.issues.filter((i) => i.severity === 'error');
  if (check.agent === null) {
    const first = errors[0];
    throw new AgentInstallError(
      `${candidate.source} is not an agent Claude Code would load: ${errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ') || 'it has no valid frontmatter'}`,
      { code: 'INVALID_AGENT', hint: first?.fix ?? 'Run `agent-install validate` on the file for details.', details: { issues: check.issues } },
    );
  }
  agentFileName(check.agent.name); // refuses names that could escape the folder
  const grants = grantsOf(check.effective);
  return { candidate, agent: check.agent, warnings: check.issues.filter((i) => i.severity === 'warning'), risky: allRiskyHashes(grants), grants };
}

/** The lock entry recording `candidate` installed at `relative`. */
export function entryFor(candidate: Candidate, relative: string): LockEntry {
  const entry: LockEntry = {
    requested: candidate.requested,
    source: candidate.source,
    integrity: candidate.integrity ?? computeIntegrity(candidate.bytes),
    path: relative,
  };
  if (candidate.version !== undefined) entry.version = candidate.version;
  if (candidate.registry !== undefined) entry.registry = candidate.registry;
  if (candidate.accepted !== undefined) entry.accepted = candidate.accepted;
  if (candidate.approved !== undefined && Object.keys(candidate.approved).length > 0) entry.approved = { ...candidate.approved };
  return entry;
}
