/**
 * Approval of risky grants (README, "Approvals and policy"; docs/grants.md, "Contract for
 * approvals"). An approval is the `riskyHashes` of the exact upstream bytes someone approved,
 * recorded in the lock entry as `approved`. This module is pure: which kinds need approval, what
 * `--allow` means, what the policy denies. Asking and refusing is the commands' part
 * (src/commands/approve.ts).
 */
import { didYouMean } from './did-you-mean.js';
import { UsageError } from './errors.js';
import { APPROVAL_KINDS, type ApprovalKind, type Approved } from './lockfile/lockfile.js';

/** The words `--allow` takes: each kind, and `all`. */
export const ALLOW_WORDS: readonly string[] = [...APPROVAL_KINDS, 'all'];

/** `--allow hooks,mcp` (repeatable): the kinds approved on the command line. An unknown word is a usage error. */
export function parseAllow(values: readonly string[] | string | undefined): Set<ApprovalKind> {
  const out = new Set<ApprovalKind>();
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  for (const value of list) {
    for (const raw of value.split(',')) {
      const word = raw.trim();
      if (word === 'all') for (const kind of APPROVAL_KINDS) out.add(kind);
      else if ((APPROVAL_KINDS as readonly string[]).includes(word)) out.add(word as ApprovalKind);
      else {
        const near = didYouMean(word, ALLOW_WORDS);
        throw new UsageError(`--allow ${JSON.stringify(word)}: unknown kind of grant${near ? `; did you mean ${near}?` : ''}`, {
          code: 'INVALID_OPTION',
          hint: `Kinds: ${ALLOW_WORDS.join(', ')} (comma-separated: --allow hooks,mcp).`,
        });
      }
    }
  }
  return out;
}

/** Kinds present in `risky` whose hash is not the approved one: new or changed, so they need approval. In the order hooks, mcp, bypass. */
export function unapprovedKinds(risky: Approved, approved: Approved | undefined): ApprovalKind[] {
  return APPROVAL_KINDS.filter((kind) => risky[kind] !== undefined && approved?.[kind] !== risky[kind]);
}

/** The kinds of `risky`, in order. */
export function riskyKinds(risky: Approved): ApprovalKind[] {
  return APPROVAL_KINDS.filter((kind) => risky[kind] !== undefined);
}

/** `--allow hooks,mcp`: the option that approves these kinds. */
export function allowOption(kinds: Iterable<ApprovalKind>): string {
  const set = new Set(kinds);
  return `--allow ${APPROVAL_KINDS.filter((kind) => set.has(kind)).join(',')}`;
}

/**
 * Could these bytes declare a risky grant at all? False only when none of the words a risky
 * grant needs (`hooks`, `mcpServers`, `bypassPermissions`) appears in the file and nothing could
 * spell one in escapes (a backslash): then the file is not parsed to find out. True means "parse it".
 */
export function mayDeclareRiskyGrants(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return text.includes('hooks') || text.includes('mcpServers') || text.includes('bypassPermissions') || text.includes('\\');
}
