/**
 * Asking for (or refusing without) approval of risky grants, for add, install and upgrade
 * (README, "Approvals and policy"). The pure rules are src/core/approvals.ts; the policy comes
 * from src/core/config.ts.
 */
import { loadValidate } from '../core/agent/load.js';
import type { GrantChange, Grants } from '../core/agent/validate.js';
import { allowOption, riskyKinds, unapprovedKinds } from '../core/approvals.js';
import { type Policy, readPolicy } from '../core/config.js';
import { AgentInstallError, DifferencesFoundError } from '../core/errors.js';
import type { ApprovalKind, Approved } from '../core/lockfile/lockfile.js';
import { type CommandContext, displayPath } from './context.js';

/** One agent about to be written, with what it grants. */
export interface ApprovalSubject {
  name: string;
  /** What it is installed from, for people (`../upstream/formatter.md`, `name@1.2.0`). */
  source: string;
  /** allRiskyHashes of its upstream bytes (the policy decides which kinds count). */
  risky: Approved;
  /** Its grants, for the summary; absent for a bundled agent without risky grants. */
  grants?: Grants;
  /** The lock entry's `approved`, when it has one. */
  previous?: Approved;
  /** An upgrade's grant changes from the locked version (diffGrants). */
  changes?: GrantChange[];
}

export interface ApprovalOptions {
  command: 'add' | 'upgrade' | 'install';
  /** --dry-run: nobody is asked and nothing refused for want of approval; a warning says what the real run needs. */
  dryRun?: boolean;
  /** `--allow`. */
  allow: ReadonlySet<ApprovalKind>;
  policy: Policy;
}

/** The policy of this context (project file unless -g, and the user's). */
export function policyOf(ctx: CommandContext): Policy {
  return readPolicy(ctx, ctx.global);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The hashes of the kinds that are risky under the policy (hooks, mcp, bypass, and what `grants.risky` adds). */
export function riskyUnder(policy: Policy, hashes: Approved): Approved {
  const out: Approved = {};
  for (const kind of riskyKinds(hashes)) if (policy.risky.has(kind)) out[kind] = hashes[kind]!;
  return out;
}

/** Denied kinds refuse the agent whatever approved it: `--allow`, an earlier approval, the user's `allow`. */
export function assertNotDenied(ctx: CommandContext, subjects: ApprovalSubject[], policy: Policy): void {
  const denied: Array<{ name: string; kind: ApprovalKind; file: string }> = [];
  for (const subject of subjects)
    for (const kind of riskyKinds(subject.risky)) {
      const file = policy.deny.get(kind);
      if (file !== undefined) denied.push({ name: subject.name, kind, file });
    }
  if (denied.length === 0) return;
  const files = [...new Set(denied.map((d) => d.file))];
  const lines = denied.map((d) => `  ${d.name}: ${d.kind} (denied by ${displayPath(ctx, d.file)})`);
  throw new AgentInstallError(`Risky grants denied by policy; nothing was written:\n${lines.join('\n')}`, {
    code: 'GRANT_DENIED',
    hint: `\`grants.deny\` in ${files.map((f) => displayPath(ctx, f)).join(' and ')} refuses them, and --allow cannot override a deny. Remove the kind from that list to install the agent.`,
    details: { denied },
  });
}

/**
 * What each subject will record as `approved`, once its risky grants are approved: by an earlier
 * approval of the same content (the lock entry), `--allow`, the user's `grants.allow`, or a yes on
 * the terminal. Throws when one stays unapproved (nothing is written then): APPROVAL_REQUIRED
 * (exit 1; exit 3 for upgrade), or APPROVAL_DECLINED for a no. Denied kinds are refused first.
 */
export async function approveGrants(ctx: CommandContext, subjects: ApprovalSubject[], options: ApprovalOptions): Promise<Map<string, Approved>> {
  const { policy, allow } = options;
  assertNotDenied(ctx, subjects, policy);
  const approved = new Map<string, Approved>();
  const pending: Array<{ subject: ApprovalSubject; kinds: ApprovalKind[] }> = [];
  const ignored = new Set<string>();
  for (const subject of subjects) {
    const risky = riskyUnder(policy, subject.risky);
    const kinds = unapprovedKinds(risky, subject.previous).filter((kind) => !allow.has(kind) && !policy.allow.has(kind));
    for (const kind of kinds) {
      const file = policy.ignoredAllow.get(kind);
      if (file !== undefined) ignored.add(file);
    }
    if (kinds.length > 0) pending.push({ subject, kinds });
    approved.set(subject.name, risky);
  }
  for (const file of ignored)
    ctx.warn(
      `${displayPath(ctx, file)} lists grants.allow, which only your user config may set: a project's config comes with the repository, and a repository cannot approve its own agents' grants.`,
    );
  if (pending.length === 0) return approved;
  const { riskyGrants, policyRiskyGrants, formatGrantsSummary } = await loadValidate();
  const describe = ({ subject, kinds }: (typeof pending)[number]): string[] => {
    const lines = [
      `${subject.name} (${subject.source}): ${kinds.map((k) => (subject.previous?.[k] !== undefined ? `${k} (changed since approved)` : k)).join(', ')}`,
    ];
    const risky = subject.grants ? [...riskyGrants(subject.grants), ...policyRiskyGrants(subject.grants)].filter((r) => kinds.includes(r.kind)) : [];
    const changes = subject.changes?.filter((c) => c.risky !== null && kinds.includes(c.risky)) ?? [];
    if (changes.length > 0) for (const change of changes) lines.push(`    ${change.text}`);
    else for (const r of risky) lines.push(`    ${r.kind}: ${r.summary}`);
    return lines;
  };
  const needed = new Set(pending.flatMap((p) => p.kinds));
  if (options.dryRun) {
    ctx.warn(
      `the real run needs approval (${allowOption(needed)}, or a yes on a terminal) of:\n${pending.flatMap((p) => describe(p).map((l) => `  ${l}`)).join('\n')}`,
    );
    return approved;
  }
  if (ctx.confirm !== undefined) {
    for (const item of pending) {
      const { subject } = item;
      const changes = subject.changes?.filter((c) => c.risky !== null && item.kinds.includes(c.risky)) ?? [];
      const body = changes.length > 0 ? changes.map((c) => c.text) : subject.grants ? formatGrantsSummary(subject.grants, ctx.style) : [];
      const lines = [`${describe(item)[0]!.replace('): ', ') needs approval of: ')}`, ...body.map((line) => `  ${line}`)];
      const yes = await ctx.confirm(lines, `Approve ${item.kinds.join(', ')} for ${item.subject.name}? [y/N] `);
      if (!yes) {
        throw new AgentInstallError(`${item.subject.name}: risky grants not approved; nothing was written.`, {
          code: 'APPROVAL_DECLINED',
          hint: `Review them with \`agent-install audit\` or \`agent-install diff\`; to approve without a prompt, pass ${allowOption(item.kinds)}.`,
          details: { name: item.subject.name, kinds: item.kinds },
        });
      }
    }
    return approved;
  }
  const one = pending.length === 1 ? pending[0]!.subject.name : undefined;
  const who =
    options.command === 'upgrade'
      ? one !== undefined
        ? `The new version of ${one} adds or changes`
        : `The new versions of ${plural(pending.length, 'agent')} add or change`
      : one !== undefined
        ? `${one} has`
        : `${plural(pending.length, 'agent')} have`;
  const message = `${who} risky grants that are not approved; nothing was written:\n${pending.flatMap((p) => describe(p).map((l) => `  ${l}`)).join('\n')}`;
  const hint =
    options.command === 'install'
      ? `The lock entry does not approve them (a lockfile edited by hand, or bytes that differ from those approved). Review the agent (\`agent-install audit <file>\`), then re-approve it with \`agent-install upgrade <name> ${allowOption(needed)}\` (an exact pin stays) and commit the lockfile.`
      : `Review them (\`agent-install audit <file>\`${options.command === 'upgrade' ? ', `agent-install diff`' : ''}), then run the command again with ${allowOption(needed)}; on a terminal (stdin and stdout, no CI, no --json) agent-install asks instead.`;
  const details = {
    agents: pending.map((p) => ({ name: p.subject.name, kinds: p.kinds, changes: p.subject.changes?.filter((c) => c.risky !== null) ?? [] })),
    allow: allowOption(needed),
  };
  if (options.command === 'upgrade') throw new DifferencesFoundError(message, { code: 'APPROVAL_REQUIRED', hint, details });
  throw new AgentInstallError(message, { code: 'APPROVAL_REQUIRED', hint, details });
}
