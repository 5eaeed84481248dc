import path from 'node:path';
import { loadValidate } from '../core/agent/load.js';
import { parseAllow } from '../core/approvals.js';
import { ExitCode, isAgentInstallError } from '../core/errors.js';
import { MAX_AGENT_FILE_BYTES, readFileBounded } from '../core/io/bounded-read.js';
import { cacheGet, cachePut, contentPath } from '../core/io/cache.js';
import { computeIntegrity } from '../core/io/integrity.js';
import type { LockEntry } from '../core/lockfile/lockfile.js';
import type { PlanAction } from '../core/plan/plan.js';
import { planUpgrade, type UpgradeItem } from '../core/plan/upgrade.js';
import { planWrites } from '../core/plan/writes.js';
import type { CheckedCandidate } from '../core/resolve/check.js';
import { fetchLockedCandidate, rememberCandidate } from '../core/resolve/locked.js';
import { resolveRequested, resolveTarget } from '../core/resolve/target.js';
import { isNewer, isPlainVersion } from '../core/resolve/versions.js';
import type { Scope } from '../core/scope/scope.js';
import { type ApprovalSubject, approveGrants, policyOf, riskyUnder } from './approve.js';
import { type CommandContext, type CommandResult, commandScope, displayPath, scopeJson } from './context.js';
import { formatConflicts, formatPlan, planJson, planSummary } from './format-plan.js';
import { lockfileFor } from './lockfile-state.js';
import { runWritingPlan } from './run-plan.js';
import { selectLocked } from './select.js';
import { codexDeclaresMcp, withTargets } from './targets.js';

export interface UpgradeCommandOptions {
  latest?: boolean;
  force?: boolean;
  mergeMarkers?: boolean;
  dryRun?: boolean;
  /** `--allow hooks,mcp`: risky grants the new versions may add or change. */
  allow?: string[] | undefined;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** A source that no longer provides a locked agent (a file or folder gone, an agent taken out): reported, not fatal. */
function disappeared(error: unknown): boolean {
  return isAgentInstallError(error) && (error.code === 'AGENT_NOT_FOUND' || error.code === 'NOT_FOUND' || error.code === 'PATH_NOT_FOUND');
}

/** An exact pin (`1.0.0`, as `add name@1.0.0` records it) stays put; say when something newer exists. */
function pinNote(name: string, entry: LockEntry, theirs: CheckedCandidate, newest: string | undefined): string | undefined {
  if (entry.version === undefined || entry.requested !== entry.version || newest === undefined || !isNewer(newest, entry.version)) return undefined;
  if (theirs.candidate.version !== entry.version) return undefined;
  return `${name} is pinned to ${entry.version}; ${newest} is available: \`agent-install upgrade --latest ${name}\` takes it (or \`agent-install add ${name}@^${newest}\`).`;
}

/**
 * The merge base from the agent file itself when it holds exactly the locked upstream bytes: a
 * clone whose cache never saw them (agents committed, cache empty) can still upgrade a source that
 * moved on. The bytes are trusted by their hash alone, so the file's path needs no guarding.
 */
function installedLockedBytes(scope: Scope, entry: LockEntry): Uint8Array | null {
  try {
    const read = readFileBounded(path.join(scope.agentsDir, ...entry.path.split('/')), MAX_AGENT_FILE_BYTES, { noFollow: true });
    return read.bytes !== null && computeIntegrity(read.bytes) === entry.integrity ? read.bytes : null;
  } catch {
    return null;
  }
}

export async function run(ctx: CommandContext, names: string[], options: UpgradeCommandOptions): Promise<CommandResult> {
  const scope = commandScope(ctx);
  const dryRun = options.dryRun === true;
  const allow = parseAllow(options.allow);
  const lockfile = lockfileFor(ctx, scope, 'use');
  const memo = new Map<string, Promise<CheckedCandidate[]>>();
  const items: UpgradeItem[] = [];
  const gone: PlanAction[] = [];
  const notes: string[] = [];
  for (const [name, entry] of selectLocked(scope, lockfile, names)) {
    let theirs: CheckedCandidate;
    try {
      theirs = await resolveTarget(name, entry, ctx, { latest: options.latest === true, root: scope.root, memo });
    } catch (error) {
      if (!disappeared(error)) throw error;
      gone.push({
        type: 'skip',
        name,
        path: entry.path,
        reason: `${entry.requested} no longer provides it; kept as it is (remove it with \`agent-install remove ${name}\`)`,
      });
      continue;
    }
    const base = installedLockedBytes(scope, entry) ?? (await fetchLockedCandidate(name, entry, ctx)).bytes;
    if (!dryRun) rememberCandidate(ctx, theirs.candidate);
    items.push({ name, entry, base, theirs });
    if (!options.latest && entry.version !== undefined && entry.requested === entry.version && isPlainVersion(entry.version)) {
      const newest = await resolveTarget(name, entry, ctx, { latest: true, root: scope.root, memo }).catch(() => undefined);
      const note = newest ? pinNote(name, entry, theirs, newest.candidate.version) : undefined;
      if (note) notes.push(note);
    }
  }
  // A folder (or repository path) source that gained agents: they come along, as `add <folder>` would take them.
  const added: CheckedCandidate[] = [];
  if (names.length === 0) {
    const seen = new Set(Object.keys(lockfile.agents));
    for (const entry of Object.values(lockfile.agents)) {
      if (entry.version !== undefined) continue;
      let provided: CheckedCandidate[];
      try {
        provided = await resolveRequested(entry, ctx, { root: scope.root, memo });
      } catch (error) {
        if (disappeared(error)) continue;
        throw error;
      }
      for (const checked of provided) {
        if (seen.has(checked.agent.name)) continue;
        seen.add(checked.agent.name);
        added.push(checked);
        if (!dryRun) rememberCandidate(ctx, checked.candidate);
      }
    }
  }
  if (items.length === 0 && added.length === 0 && gone.length === 0)
    return { json: { ok: true, dryRun, scope: scopeJson(scope), actions: [] }, text: 'No agents are locked in this scope.' };
  await approveUpgrades(ctx, items, added, allow, dryRun);
  const plan = await runWritingPlan(
    ctx,
    scope,
    { doing: 'Upgrading', would: 'Would upgrade' },
    (snapshot) => {
      const upgraded = planUpgrade(snapshot, items, { force: options.force === true, mergeMarkers: options.mergeMarkers === true });
      const fresh = planWrites(snapshot, added, { force: false });
      // Targets: each target file merged three-way: base = the translation of the locked version.
      return withTargets(
        { plan: { scope, actions: [...gone, ...upgraded.plan.actions, ...fresh.plan.actions] }, refusals: [...upgraded.refusals, ...fresh.refusals] },
        {
          want: [],
          strict: false,
          force: options.force === true,
          merge: true,
          mergeMarkers: options.mergeMarkers === true,
          codexMcp: codexDeclaresMcp(ctx, scope),
          source: (name) => {
            const item = items.find((i) => i.name === name);
            if (item) return { theirs: async () => item.theirs.candidate.bytes, base: async () => item.base };
            const fresh = added.find((c) => c.agent.name === name);
            return fresh ? { theirs: async () => fresh.candidate.bytes } : undefined;
          },
        },
      );
    },
    { dryRun },
  );
  // Local edits that --force replaced stay retrievable.
  const dropped: string[] = [];
  for (const action of plan.actions) {
    if (action.type !== 'update' || !action.note?.includes('(--force)') || action.current === undefined) continue;
    if (!dryRun) cachePut(ctx, action.current);
    const integrity = computeIntegrity(action.current);
    const kept = contentPath(ctx, integrity);
    // Named only where it really is (a run without a cache folder could not keep them).
    if (kept !== null && (dryRun || cacheGet(ctx, integrity) !== null)) dropped.push(`${action.name}: your edits of ${action.path} are kept in ${kept}`);
  }
  const conflicts = plan.actions.filter((a) => a.type === 'conflict');
  const markers = plan.actions.filter((a) => a.type === 'merge' && a.conflictMarkers);
  const lines = formatPlan(plan, ctx.style, { dryRun, verbose: ctx.verbose, quiet: ctx.quiet });
  if (dryRun) {
    const { diffHunks, formatUnifiedDiff } = await import('../core/diff/text-diff.js');
    const painter = { add: ctx.style.green, remove: ctx.style.red, hunk: ctx.style.cyan, header: ctx.style.bold };
    for (const action of plan.actions) {
      if (action.type !== 'merge' || action.current === undefined) continue;
      const hunks = diffHunks(decoder.decode(action.current), decoder.decode(action.bytes));
      lines.push('', formatUnifiedDiff(`${action.path} (installed)`, `${action.path} (merged)`, hunks, painter));
    }
  }
  if (conflicts.length > 0) lines.push('', ...formatConflicts(plan, ctx.style));
  lines.push(...dropped, ...(ctx.quiet ? [] : notes));
  const summary = planSummary(plan, { dryRun });
  if (!ctx.quiet) lines.push(summary || `Updated ${displayPath(ctx, scope.lockfilePath)}`);
  if (markers.length > 0) lines.push('Conflict markers were written: edit the files, then check them with `agent-install verify`.');
  const failed = conflicts.length > 0 || (markers.length > 0 && !dryRun);
  return {
    json: { ok: !failed, dryRun, scope: scopeJson(scope), actions: planJson(plan), notes },
    text: lines.join('\n'),
    exitCode: failed ? ExitCode.differences : ExitCode.ok,
    ...(conflicts.length > 0
      ? {
          failure: {
            code: 'MERGE_CONFLICT',
            message: `Conflicting local edits in ${conflicts.map((c) => c.name).join(', ')}; nothing was written for ${conflicts.length === 1 ? 'it' : 'them'}.`,
            hint: 'Use --merge-markers to write git-style markers and resolve them by hand, or --force to take the new version.',
          },
        }
      : markers.length > 0 && !dryRun
        ? {
            failure: {
              code: 'MERGE_CONFLICT',
              message: `Conflict markers were written into ${markers.map((m) => m.path).join(', ')}.`,
              hint: 'Resolve them by hand; `agent-install verify` fails until they are gone.',
            },
          }
        : {}),
  };
}

/**
 * New or changed risky grants need approval before anything is written (README, "Approvals and
 * policy"): a version whose risky hashes are the ones the lock entry approved goes ahead; one
 * that adds or changes a hook, an inline MCP server or bypassPermissions needs `--allow` (or a
 * yes on a terminal), else the upgrade stops with exit 3 and the grant changes. A risky grant
 * that is gone needs nothing: it is dropped from `approved`.
 */
async function approveUpgrades(
  ctx: CommandContext,
  items: UpgradeItem[],
  added: CheckedCandidate[],
  allow: ReadonlySet<import('../core/lockfile/lockfile.js').ApprovalKind>,
  dryRun: boolean,
): Promise<void> {
  if ([...items.map((item) => item.theirs), ...added].every((c) => Object.keys(c.risky).length === 0)) return;
  const policy = policyOf(ctx);
  // What is risky under the policy, or could be denied; the rest needs nothing.
  const counts = (c: CheckedCandidate) => Object.keys(riskyUnder(policy, c.risky)).length > 0 || policy.deny.size > 0;
  const risky = [...items.map((item) => item.theirs), ...added].filter(counts);
  if (risky.length === 0) return;
  const { checkAgentBytes, diffGrants, grantsOf } = await loadValidate();
  const subjects: ApprovalSubject[] = [];
  for (const item of items) {
    const theirs = item.theirs;
    if (!counts(theirs)) continue;
    const subject: ApprovalSubject = {
      name: item.name,
      source: theirs.candidate.version !== undefined ? `${item.name}@${theirs.candidate.version}` : theirs.candidate.requested,
      risky: theirs.risky,
      ...(theirs.grants ? { grants: theirs.grants } : {}),
      ...(item.entry.approved ? { previous: item.entry.approved } : {}),
    };
    if (theirs.grants) {
      const before = grantsOf(checkAgentBytes(item.base, { fileName: theirs.candidate.fileName }).effective);
      subject.changes = diffGrants(before, theirs.grants);
    }
    subjects.push(subject);
  }
  for (const c of added)
    if (counts(c)) subjects.push({ name: c.agent.name, source: c.candidate.requested, risky: c.risky, ...(c.grants ? { grants: c.grants } : {}) });
  const approved = await approveGrants(ctx, subjects, { command: 'upgrade', allow, policy, dryRun });
  for (const c of risky) {
    const record = approved.get(c.agent.name);
    if (record) c.candidate.approved = record;
  }
}
