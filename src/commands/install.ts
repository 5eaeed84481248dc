import { loadValidate } from '../core/agent/load.js';
import { mayDeclareRiskyGrants } from '../core/approvals.js';
import type { Policy } from '../core/config.js';
import { AgentInstallError, DifferencesFoundError, UsageError } from '../core/errors.js';
import { cacheGet } from '../core/io/cache.js';
import { computeIntegrity } from '../core/io/integrity.js';
import { type Approved, CORE_APPROVAL_KINDS, type LockEntry, type Lockfile, sameEntry } from '../core/lockfile/lockfile.js';
import { conflictError, loadLockfile } from '../core/lockfile/read.js';
import type { Plan, PlanAction } from '../core/plan/plan.js';
import { planPrune } from '../core/plan/prune.js';
import type { Refusal } from '../core/plan/refusals.js';
import { planWrites } from '../core/plan/writes.js';
import { type CheckedCandidate, checkCandidate } from '../core/resolve/check.js';
import { fetchLockedCandidate, lockfileWouldChange } from '../core/resolve/locked.js';
import type { ScopeSnapshot } from '../core/scope/snapshot.js';
import type { Candidate } from '../core/sources/types.js';
import { run as add } from './add.js';
import { type ApprovalSubject, approveGrants, policyOf } from './approve.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatPlan, planJson, planSummary } from './format-plan.js';
import { lockfileFor } from './lockfile-state.js';
import { runWritingPlan } from './run-plan.js';
import { chosenTargets, codexDeclaresMcp, withTargets } from './targets.js';

export interface InstallOptions {
  frozen?: boolean;
  force?: boolean;
  dryRun?: boolean;
  /** With specs, as for add. */
  allow?: string[] | undefined;
  /** Targets: `--target a,b` (repeatable). */
  target?: string[] | undefined;
  strictTargets?: boolean;
}

/** Codes of refusals that mean "the installed file differs from the lock". */
const DRIFT = new Set(['LOCALLY_MODIFIED', 'NOT_OWNED', 'SYMLINK_TARGET', 'NAME_TAKEN', 'PATH_IS_FOLDER']);

/** The lockfile `install` works from: a conflicted one merged (both sides), reported in `notes`. */
function lockfileToInstall(ctx: CommandContext, frozen: boolean): { lockfile: Lockfile; notes: string[]; merged: boolean; missing: boolean } {
  const scope = commandScope(ctx);
  if (frozen) return { lockfile: lockfileFor(ctx, scope, 'check'), notes: [], merged: false, missing: false };
  const state = loadLockfile(scope.lockfilePath);
  if (state.kind !== 'conflicted') return { lockfile: state.lockfile, notes: [], merged: false, missing: state.kind === 'missing' };
  if (state.merge.conflicts.length > 0) throw conflictError(state, { differences: true });
  return {
    lockfile: state.merge.lockfile,
    notes: [`Merged the two sides of the conflict in ${displayPath(ctx, scope.lockfilePath)}.`, ...state.merge.notes],
    merged: true,
    missing: false,
  };
}

/**
 * The bytes to install for a lock entry, checked against its integrity: the team's accepted
 * bytes when it records some (from this machine's cache; a clone without them cannot make them
 * up), else the upstream bytes. Validation comes later (see `validateFetched`).
 */
async function fetchForEntry(name: string, entry: LockEntry, ctx: CommandContext): Promise<{ candidate: Candidate; upstream: Candidate }> {
  const upstream = await fetchLockedCandidate(name, entry, ctx);
  if (entry.accepted === undefined) return { candidate: upstream, upstream };
  const bytes = cacheGet(ctx, entry.accepted);
  if (bytes === null) {
    throw new AgentInstallError(`${name} is locked with edits the team accepted (${entry.accepted}), and this clone does not have those bytes.`, {
      code: 'NOT_FOUND',
      hint: 'Accepted edits live in the agent file itself: commit .claude/agents (or the file), or run `agent-install install --force` to take the upstream version.',
      details: { name, accepted: entry.accepted },
    });
  }
  return { candidate: { ...upstream, bytes, integrity: entry.integrity, accepted: entry.accepted }, upstream };
}

interface Fetched {
  name: string;
  entry: LockEntry;
  candidate: Candidate;
  /** The upstream bytes the entry's `integrity` and `approved` describe (the candidate's, unless the team accepted edits). */
  upstream: Candidate;
}

/** An agent whose file already holds its locked bytes: not fetched, but its approval is checked all the same. */
interface Kept {
  name: string;
  entry: LockEntry;
  /** Its upstream bytes, when this machine has them (the file itself, unless the team accepted edits; else the cache). */
  bytes: Uint8Array | null;
}

/**
 * allRiskyHashes (and grants) of upstream bytes. Unless the policy makes tools risky, files that
 * cannot declare a hook, server or bypass are not parsed.
 */
async function riskyOfBytes(bytes: Uint8Array, fileName: string, policy: Policy): Promise<{ risky: Approved; grants?: ApprovalSubject['grants'] }> {
  if (policy.risky.size === CORE_APPROVAL_KINDS.length && !mayDeclareRiskyGrants(bytes)) return { risky: {} };
  const { checkAgentBytes, grantsOf, allRiskyHashes } = await loadValidate();
  const grants = grantsOf(checkAgentBytes(bytes, { fileName }).effective);
  return { risky: allRiskyHashes(grants), grants };
}

/**
 * The lock entries' approvals are trusted as they are: nobody is asked. Upstream bytes with a
 * risky grant the entry's `approved` does not record with the same hash (a new or changed hook,
 * a hand-edited `approved`) are refused: APPROVAL_REQUIRED, or a difference (FROZEN_DRIFT, exit
 * 3) under --frozen. The user's `grants.allow` still approves, and a config's deny still refuses.
 */
async function checkApprovals(ctx: CommandContext, subjects: ApprovalSubject[], frozen: boolean, policy: Policy): Promise<void> {
  if (subjects.length === 0) return;
  const { confirm: _, ...noPrompt } = ctx;
  try {
    await approveGrants(noPrompt, subjects, { command: 'install', allow: new Set(), policy });
  } catch (error) {
    if (!frozen || !(error instanceof AgentInstallError) || error.code !== 'APPROVAL_REQUIRED') throw error;
    throw new DifferencesFoundError(error.message.replace('that are not approved; nothing was written', 'that its lock entry does not approve'), {
      code: 'FROZEN_DRIFT',
      hint: 'The lock entry does not approve the risky grants of the locked bytes (edited by hand, or other bytes). Restore the lockfile from version control, or review the agent and re-approve it with `agent-install upgrade <name> --allow <kinds>` and commit the lockfile.',
      ...(error.details ? { details: error.details } : {}),
    });
  }
}

/** Each fetched agent is one Claude Code would load, under the name the lockfile records it by; every locked agent's risky grants are approved. */
async function validateFetched(ctx: CommandContext, fetched: Fetched[], kept: Kept[], frozen: boolean): Promise<void> {
  const policy = policyOf(ctx);
  const subjects: ApprovalSubject[] = [];
  const subject = (name: string, entry: LockEntry, risky: Approved, grants: ApprovalSubject['grants']) => {
    if (Object.keys(risky).length === 0) return;
    subjects.push({ name, source: entry.source, risky, ...(grants ? { grants } : {}), ...(entry.approved ? { previous: entry.approved } : {}) });
  };
  for (let i = 0; i < fetched.length; i++) {
    const { name, entry, candidate, upstream } = fetched[i]!;
    const checked = await checkCandidate(candidate);
    if (checked.agent.name !== name) {
      throw new AgentInstallError(`The lockfile records "${name}", but ${entry.source} is named "${checked.agent.name}".`, {
        code: 'LOCKFILE_INVALID',
        hint: 'Fix the lockfile entry by hand, or remove it and add the agent again.',
      });
    }
    if (entry.accepted === undefined) subject(name, entry, checked.risky, checked.grants);
    else {
      const { risky, grants } = await riskyOfBytes(upstream.bytes, upstream.fileName, policy);
      subject(name, entry, risky, grants);
    }
    // Let the file writes that run meanwhile make progress.
    if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
  }
  // Most kept files cannot declare a risky grant at all: those are passed over without a turn of
  // the event loop each.
  const coreOnly = policy.risky.size === CORE_APPROVAL_KINDS.length;
  let parsed = 0;
  for (const { name, entry, bytes } of kept) {
    if (bytes === null || (coreOnly && !mayDeclareRiskyGrants(bytes))) continue;
    const { risky, grants } = await riskyOfBytes(bytes, entry.path.split('/').pop()!, policy);
    subject(name, entry, risky, grants);
    if (++parsed % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await checkApprovals(ctx, subjects, frozen, policy);
}

/** Under --frozen, anything that would change a file or the lockfile is a difference (exit 3). */
function assertFrozen(actions: PlanAction[], refusals: Refusal[], hidden: string[]): void {
  const drift = [
    ...hidden,
    ...refusals.filter((r) => DRIFT.has(r.code)).map((r) => `${r.name}: ${r.reason}`),
    ...actions.flatMap((a) => {
      if (a.type === 'update') return [`${a.name}: ${a.path} would be rewritten${a.note ? ` (${a.note})` : ''}`];
      if (a.type === 'remove') return [`${a.name}: ${a.path} is no longer in the lockfile and would be removed`];
      if (a.type === 'skip') return [`${a.name}: ${a.reason}`];
      return [];
    }),
    // Targets: a target file rewritten or removed is drift too; a missing one is restored.
    ...actions.flatMap((a) =>
      (a.targets ?? []).flatMap((t) =>
        t.type === 'update' || t.type === 'merge' || t.type === 'remove'
          ? [`${a.name}: ${t.path} (${t.target}) would be ${t.type === 'remove' ? 'removed' : 'rewritten'}`]
          : [],
      ),
    ),
  ];
  if (drift.length > 0) {
    throw new DifferencesFoundError(drift.join('\n'), {
      code: 'FROZEN_DRIFT',
      hint: 'The installed files differ from the lockfile. `agent-install verify` shows how; `agent-install install` (without --frozen) brings them to it, and refuses to overwrite local edits without --force.',
      details: { drift },
    });
  }
  const relocked = actions.filter((a) => a.type === 'unchanged' && !sameEntry(a.entry, a.previous));
  if (relocked.length > 0) {
    throw new DifferencesFoundError(`The lockfile would change: ${relocked.map((a) => `${a.name} (${a.note ?? 'entry updated'})`).join(', ')}.`, {
      code: 'FROZEN_LOCKFILE_CHANGED',
      hint: 'Run `agent-install install` without --frozen and commit the rewritten lockfile.',
    });
  }
}

/**
 * Installs exactly what the lockfile records. With specs it is `add` (as with npm). Agents whose
 * files already hold their locked bytes are not fetched again; an older or newer version that
 * agent-install can name is replaced without --force (it is no local edit); agents this clone
 * installed that the lockfile no longer lists are removed, unless edited. A lockfile with git
 * conflict markers is merged. `--frozen` exits 3 instead of changing the lockfile or any
 * installed file (restoring missing files is what it is for).
 */
export async function run(ctx: CommandContext, specs: string[], options: InstallOptions): Promise<CommandResult> {
  const frozen = options.frozen === true;
  if (specs.length > 0) {
    if (frozen) {
      throw new UsageError('install --frozen installs the lockfile as it is; it takes no specs.', {
        hint: 'Add agents with `agent-install add <spec>` and commit the lockfile; CI then runs `agent-install install --frozen`.',
      });
    }
    return add(ctx, specs, options);
  }
  if (options.allow !== undefined && options.allow.length > 0) {
    throw new UsageError('install from the lockfile takes no --allow: the lock entries record what was approved, and nobody is asked.', {
      code: 'INVALID_OPTION',
      hint: 'To approve the risky grants of a locked agent again, run `agent-install upgrade <name> --allow <kinds>` (it keeps an exact pin) and commit the lockfile.',
    });
  }
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  const { lockfile, notes, merged, missing } = lockfileToInstall(ctx, frozen);
  if (missing) {
    return {
      json: { ok: true, dryRun, frozen, scope: scopeJson(scope), actions: [], lockfile: null },
      text: `There is no lockfile at ${displayPath(ctx, scope.lockfilePath)}: nothing to install. Add agents with \`agent-install add <spec>\`.`,
    };
  }
  const rewrite = merged || lockfileWouldChange(scope.lockfilePath, lockfile);
  if (frozen && rewrite) {
    throw new DifferencesFoundError(`${scope.lockfilePath} would change (it is not in the current lockfileVersion or not in canonical form).`, {
      code: 'FROZEN_LOCKFILE_CHANGED',
      hint: 'Run `agent-install install` without --frozen and commit the rewritten lockfile.',
    });
  }
  const header = { doing: 'Installing into', would: 'Would install into', suffix: ` from ${displayPath(ctx, scope.lockfilePath)}` };
  const want = chosenTargets(ctx, options.target);
  const build = async (snapshot: ScopeSnapshot) => {
    const upstreams = new Map<string, Uint8Array>();
    const fetched: Fetched[] = [];
    const kept: PlanAction[] = [];
    const keptBytes: Kept[] = [];
    // Fetch only what is not on disk already (a clean clone fetches everything, a clean CI run
    // nothing): the snapshot, taken under the scope lock, says which.
    for (const [name, entry] of Object.entries(snapshot.lockfile.agents).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (snapshot.agentAt(entry.path)?.status === 'ok') {
        kept.push({ type: 'unchanged', name, path: entry.path, entry, previous: entry, note: 'already installed' });
        const at = snapshot.at(entry.path);
        const bytes = entry.accepted === undefined ? (at.kind === 'file' ? (at.bytes ?? null) : null) : cacheGet(ctx, entry.integrity);
        keptBytes.push({ name, entry, bytes });
      } else {
        const { candidate, upstream } = await fetchForEntry(name, entry, ctx);
        upstreams.set(name, upstream.bytes);
        // The entry written for it keeps its approval (checked against the bytes in `check`).
        const approved = entry.approved ? { approved: entry.approved } : {};
        fetched.push({ name, entry, candidate: { ...candidate, ...approved }, upstream });
      }
    }
    // Planned under the names the lockfile records; validated (and their approvals checked) while the files are written.
    const candidates: CheckedCandidate[] = fetched.map(({ name, candidate }) => ({ candidate, agent: { name }, warnings: [], risky: {} }));
    const force = options.force === true && !frozen;
    const planned = planWrites(snapshot, candidates, { force });
    // Targets: each agent's files for the other tools, translated from the upstream bytes it pins.
    const targeted = await withTargets(
      { plan: { scope, actions: [...kept, ...planned.plan.actions, ...planPrune(snapshot)] }, refusals: planned.refusals },
      {
        want,
        strict: options.strictTargets === true,
        force,
        codexMcp: codexDeclaresMcp(ctx, scope),
        source: (name) => {
          const entry = snapshot.lockfile.agents[name];
          if (entry === undefined) return undefined;
          return {
            theirs: async () => {
              const known = upstreams.get(name);
              if (known) return known;
              const held = snapshot.at(entry.path);
              if (held.bytes !== undefined && computeIntegrity(held.bytes) === entry.integrity) return held.bytes;
              const fetchedBytes = (await fetchLockedCandidate(name, entry, ctx)).bytes;
              // A kept agent whose upstream bytes this machine lacked: they are translated now, so their grants are checked too.
              const keptEntry = keptBytes.find((k) => k.name === name);
              if (keptEntry !== undefined && keptEntry.bytes === null) keptEntry.bytes = fetchedBytes;
              return fetchedBytes;
            },
          };
        },
      },
    );
    const result = { refusals: targeted.refusals };
    const actions = targeted.plan.actions;
    // A locked agent that Claude Code would not load, because another file of its scope has the
    // same name and wins: install cannot fix it (that file is not ours), so --frozen fails on it.
    const hidden = snapshot.installed
      .filter((a) => a.entry !== undefined && a.shadowedBy !== undefined)
      .map((a) => `${a.name}: Claude Code loads ${a.shadowedBy} instead of ${a.path} (same name)`);
    if (frozen) assertFrozen(actions, result.refusals, hidden);
    else for (const line of hidden) ctx.warn(line);
    const plan: Plan = { scope, actions: actions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
    return { plan, refusals: result.refusals, check: () => validateFetched(ctx, fetched, keptBytes, frozen) };
  };
  const plan = await runWritingPlan(ctx, scope, header, build, { dryRun, rewriteLockfile: rewrite, frozen, ...(merged ? { lockfile } : {}) });
  const lines = [...(ctx.quiet ? [] : notes), ...formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose, quiet: ctx.quiet })];
  const summary = planSummary(plan, { dryRun });
  const nothing = rewrite && !dryRun ? `Rewrote ${displayPath(ctx, scope.lockfilePath)}.` : 'Everything matches the lockfile.';
  // -q: only the rows of what changed (nothing when nothing did).
  if (!ctx.quiet) lines.push(summary === 'Nothing to do.' ? nothing : summary || `Installed from ${displayPath(ctx, scope.lockfilePath)}`);
  return { json: { ok: true, dryRun, frozen, scope: scopeJson(scope), actions: planJson(plan), notes }, text: lines.join('\n') };
}
