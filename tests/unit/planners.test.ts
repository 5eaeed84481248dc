/**
 * The planners are pure functions of a scope snapshot: every action and every refusal, one row
 * each, on snapshots made from literal trees (nothing here touches the file system).
 */
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import type { LockEntry, Lockfile } from '../../src/core/lockfile/lockfile.js';
import type { PlanAction } from '../../src/core/plan/plan.js';
import { planRemove } from '../../src/core/plan/remove.js';
import { planUpgrade, type UpgradeItem } from '../../src/core/plan/upgrade.js';
import { planWrites } from '../../src/core/plan/writes.js';
import type { CheckedCandidate } from '../../src/core/resolve/check.js';
import type { KnownBytes } from '../../src/core/scope/known.js';
import type { EntryKind } from '../../src/core/scope/scan.js';
import type { Scope } from '../../src/core/scope/scope.js';
import { buildSnapshot, type TreeEntry } from '../../src/core/scope/snapshot.js';

const scope: Scope = {
  kind: 'project',
  root: '/p',
  claudeDir: '/p/.claude',
  agentsDir: '/p/.claude/agents',
  lockfilePath: '/p/.claude/agents.lock.json',
};

const agent = (name: string, body = 'v1') => Buffer.from(`---\nname: ${name}\ndescription: ${name} for tests.\n---\n\n${body}\n`);
const entryOf = (name: string, bytes: Uint8Array, path = `${name}.md`, version = '1.0.0'): LockEntry => ({
  version,
  requested: `^${version}`,
  source: `${name}@${version}`,
  integrity: computeIntegrity(bytes),
  path,
  registry: 'bundled',
});
const candidate = (name: string, bytes: Uint8Array, version = '1.0.0'): CheckedCandidate => ({
  candidate: { origin: 'test', requested: `^${version}`, source: `${name}@${version}`, bytes, fileName: `${name}.md`, version, registry: 'bundled' },
  agent: { name },
  warnings: [],
  risky: {},
});

type Node = Uint8Array | { kind: Exclude<EntryKind, 'file'>; bytes?: Uint8Array };

/** What agent-install knows: versions of agents by their bytes, and what this clone installed. */
function knowing(versions: Record<string, [Uint8Array, string]> = {}, installedHere: Record<string, Uint8Array> = {}): KnownBytes {
  return {
    versionOf: async (name, integrity) => {
      const known = versions[name];
      return known && computeIntegrity(known[0]) === integrity ? { version: known[1], source: `${name}@${known[1]}`, from: 'installed' } : null;
    },
    installed: (name) => {
      const bytes = installedHere[name];
      return bytes ? { path: `${name}.md`, integrity: computeIntegrity(bytes), entry: entryOf(name, bytes) } : undefined;
    },
    installedNames: () => Object.keys(installedHere),
    bytesOf: async () => null,
  };
}

const crlf = (bytes: Uint8Array) => Buffer.from(Buffer.from(bytes).toString('utf8').replace(/\n/g, '\r\n'));

async function snapshot(tree: Record<string, Node>, agents: Record<string, LockEntry> = {}, known?: KnownBytes) {
  const lockfile: Lockfile = { lockfileVersion: 2, agents };
  const entries = new Map<string, TreeEntry>();
  for (const [relative, node] of Object.entries(tree)) {
    if (node instanceof Uint8Array) entries.set(relative, { kind: 'file', read: { bytes: node, size: node.length } });
    else entries.set(relative, { kind: node.kind, ...(node.bytes ? { read: { bytes: node.bytes, size: node.bytes.length } } : {}) });
  }
  return buildSnapshot(scope, lockfile, entries, known);
}

const summary = (actions: PlanAction[]) => actions.map((a) => `${a.type} ${a.path}${'replaceSymlink' in a && a.replaceSymlink ? ' (link)' : ''}`);

const V1 = agent('rev');
const V2 = agent('rev', 'v2');
const EDITED = agent('rev', 'v1 with my edits');

describe('planWrites', () => {
  const rows: Array<{
    case: string;
    tree: Record<string, Node>;
    locked?: Record<string, LockEntry>;
    bytes?: Uint8Array;
    force?: boolean;
    known?: Record<string, [Uint8Array, string]>;
    installedHere?: Record<string, Uint8Array>;
    actions?: string[];
    refused?: string;
  }> = [
    { case: 'nothing there: create', tree: {}, actions: ['create rev.md'] },
    { case: 'the same bytes, owned: unchanged', tree: { 'rev.md': V1 }, locked: { rev: entryOf('rev', V1) }, actions: ['unchanged rev.md'] },
    { case: 'the same bytes, not owned: adopted', tree: { 'rev.md': V1 }, actions: ['unchanged rev.md'] },
    { case: 'owned and pristine: update', tree: { 'rev.md': V1 }, locked: { rev: entryOf('rev', V1) }, bytes: V2, actions: ['update rev.md'] },
    { case: 'not owned', tree: { 'rev.md': EDITED }, refused: 'NOT_OWNED' },
    { case: 'not owned, --force', tree: { 'rev.md': EDITED }, force: true, actions: ['update rev.md'] },
    { case: 'local edits', tree: { 'rev.md': EDITED }, locked: { rev: entryOf('rev', V1) }, bytes: V2, refused: 'LOCALLY_MODIFIED' },
    { case: 'local edits, --force', tree: { 'rev.md': EDITED }, locked: { rev: entryOf('rev', V1) }, bytes: V2, force: true, actions: ['update rev.md'] },
    { case: 'a symbolic link', tree: { 'rev.md': { kind: 'symlink', bytes: V1 } }, refused: 'SYMLINK_TARGET' },
    {
      case: 'a symbolic link, --force: the link is replaced',
      tree: { 'rev.md': { kind: 'symlink', bytes: V1 } },
      force: true,
      actions: ['update rev.md (link)'],
    },
    { case: 'a folder', tree: { 'rev.md': { kind: 'folder' } }, refused: 'PATH_IS_FOLDER' },
    { case: 'a FIFO or device', tree: { 'rev.md': { kind: 'other' } }, refused: 'NOT_OWNED' },
    { case: 'owned, but not readable (a FIFO now)', tree: { 'rev.md': { kind: 'other' } }, locked: { rev: entryOf('rev', V1) }, bytes: V2, refused: 'IO' },
    {
      case: 'owned, not readable, --force',
      tree: { 'rev.md': { kind: 'other' } },
      locked: { rev: entryOf('rev', V1) },
      bytes: V2,
      force: true,
      actions: ['update rev.md'],
    },
    { case: 'the path of another locked agent', tree: { 'rev.md': V1 }, locked: { other: { ...entryOf('other', V1), path: 'rev.md' } }, refused: 'PATH_TAKEN' },
    { case: 'the same name in another file', tree: { 'team/x.md': V1 }, refused: 'NAME_TAKEN' },
    // --force replaces the file of that name in place (already the bytes: adopted there), never a second file of one name.
    { case: 'the same name in another file, --force', tree: { 'team/x.md': V1 }, force: true, actions: ['unchanged team/x.md'] },
    { case: 'the same name in another file with other bytes, --force', tree: { 'team/x.md': V2 }, force: true, actions: ['update team/x.md'] },
    {
      case: 'the locked file moved elsewhere: followed, the lock path updated',
      tree: { 'team/x.md': V1 },
      locked: { rev: entryOf('rev', V1) },
      actions: ['unchanged team/x.md'],
    },
    { case: 'only CRLF differs: unchanged', tree: { 'rev.md': crlf(V1) }, locked: { rev: entryOf('rev', V1) }, actions: ['unchanged rev.md'] },
    {
      case: 'CRLF of the locked bytes, a new version: update',
      tree: { 'rev.md': crlf(V1) },
      locked: { rev: entryOf('rev', V1) },
      bytes: V2,
      actions: ['update rev.md'],
    },
    {
      case: 'an older version agent-install can name (behind): update, not an edit',
      tree: { 'rev.md': V1 },
      locked: { rev: entryOf('rev', V2, 'rev.md', '1.1.0') },
      bytes: V2,
      known: { rev: [V1, '1.0.0'] },
      actions: ['update rev.md'],
    },
    {
      case: 'an older version nobody can name: a local edit',
      tree: { 'rev.md': V1 },
      locked: { rev: entryOf('rev', V2, 'rev.md', '1.1.0') },
      bytes: V2,
      refused: 'LOCALLY_MODIFIED',
    },
    {
      case: 'installed here, no longer locked, untouched (orphaned): overwritten',
      tree: { 'rev.md': V1 },
      installedHere: { rev: V1 },
      bytes: V2,
      actions: ['update rev.md'],
    },
    { case: 'installed here, no longer locked, edited: not owned', tree: { 'rev.md': EDITED }, installedHere: { rev: V1 }, bytes: V2, refused: 'NOT_OWNED' },
    { case: 'a name differing only in letter case', tree: { 'REV.md': agent('other') }, refused: 'NAME_CASE_CLASH' },
  ];
  for (const row of rows) {
    it(row.case, async () => {
      const snap = await snapshot(row.tree, row.locked, knowing(row.known, row.installedHere));
      const { plan, refusals } = planWrites(snap, [candidate('rev', row.bytes ?? V1)], { force: row.force === true });
      if (row.refused) {
        expect(refusals.map((r) => r.code)).toEqual([row.refused]);
        expect(plan.actions).toEqual([]);
      } else {
        expect(refusals).toEqual([]);
        expect(summary(plan.actions)).toEqual(row.actions);
      }
    });
  }

  it('two requested agents of one name (letter case aside) are an error', async () => {
    const snap = await snapshot({});
    expect(() => planWrites(snap, [candidate('rev', V1), candidate('Rev', agent('Rev'))], { force: false })).toThrow(/Two of the requested agents/);
  });

  it('records the candidate in the entry, at the path it keeps', async () => {
    const snap = await snapshot({ 'team/rev.md': V1 }, { rev: entryOf('rev', V1, 'team/rev.md') });
    const { plan } = planWrites(snap, [candidate('rev', V2, '1.1.0')], { force: false });
    expect(plan.actions[0]).toMatchObject({
      type: 'update',
      path: 'team/rev.md',
      entry: { version: '1.1.0', path: 'team/rev.md', integrity: computeIntegrity(V2) },
    });
  });
});

describe('planRemove', () => {
  const rows: Array<{
    case: string;
    tree: Record<string, Node>;
    locked?: Record<string, LockEntry>;
    force?: boolean;
    actions?: string[];
    deleteFile?: boolean;
    refused?: string;
  }> = [
    { case: 'owned and pristine: deleted', tree: { 'rev.md': V1 }, locked: { rev: entryOf('rev', V1) }, actions: ['remove rev.md'], deleteFile: true },
    { case: 'already gone: only the entry', tree: {}, locked: { rev: entryOf('rev', V1) }, actions: ['remove rev.md'], deleteFile: false },
    { case: 'local edits', tree: { 'rev.md': EDITED }, locked: { rev: entryOf('rev', V1) }, refused: 'LOCALLY_MODIFIED' },
    {
      case: 'local edits, --force',
      tree: { 'rev.md': EDITED },
      locked: { rev: entryOf('rev', V1) },
      force: true,
      actions: ['remove rev.md'],
      deleteFile: true,
    },
    { case: 'a symbolic link', tree: { 'rev.md': { kind: 'symlink', bytes: V1 } }, locked: { rev: entryOf('rev', V1) }, refused: 'SYMLINK_TARGET' },
    {
      case: 'a symbolic link, --force: the link goes',
      tree: { 'rev.md': { kind: 'symlink', bytes: V1 } },
      locked: { rev: entryOf('rev', V1) },
      force: true,
      actions: ['remove rev.md'],
      deleteFile: true,
    },
    { case: 'owned, but not readable', tree: { 'rev.md': { kind: 'other' } }, locked: { rev: entryOf('rev', V1) }, refused: 'IO' },
    { case: 'unmanaged', tree: { 'rev.md': V1 }, refused: 'NOT_OWNED' },
    { case: 'unmanaged, --force', tree: { 'rev.md': V1 }, force: true, actions: ['remove rev.md'], deleteFile: true },
  ];
  for (const row of rows) {
    it(row.case, async () => {
      const { plan, refusals } = planRemove(await snapshot(row.tree, row.locked), ['rev'], { force: row.force === true });
      if (row.refused) {
        expect(refusals.map((r) => r.code)).toEqual([row.refused]);
        expect(plan.actions).toEqual([]);
      } else {
        expect(refusals).toEqual([]);
        expect(summary(plan.actions)).toEqual(row.actions);
        expect(plan.actions[0]).toMatchObject({ deleteFile: row.deleteFile });
      }
    });
  }

  it('an unknown name is an error that names the installed agents', async () => {
    const snap = await snapshot({ 'rev.md': V1 }, { rev: entryOf('rev', V1) });
    expect(() => planRemove(snap, ['reb'], { force: false })).toThrow(/No agent named "reb"/);
  });
});

describe('planUpgrade', () => {
  const BASE = agent('rev', 'line one\nline two\nline three');
  const THEIRS = agent('rev', 'line one\nline two\nline three\nupstream addition');
  const OURS = agent('rev', 'my first line\nline two\nline three');
  const CONFLICT = agent('rev', 'line one\nline two\nline three\nmy own addition');
  const locked = { rev: entryOf('rev', BASE) };
  const item = (entry = locked.rev, theirs: Uint8Array = THEIRS): UpgradeItem => ({
    name: 'rev',
    entry,
    base: BASE,
    theirs: candidate('rev', theirs, '1.1.0'),
  });
  const rows: Array<{
    case: string;
    tree: Record<string, Node>;
    theirs?: Uint8Array;
    force?: boolean;
    markers?: boolean;
    actions?: string[];
    refused?: string;
  }> = [
    { case: 'untouched: take theirs', tree: { 'rev.md': BASE }, actions: ['update rev.md'] },
    { case: 'already the new bytes', tree: { 'rev.md': THEIRS }, actions: ['unchanged rev.md'] },
    { case: 'upstream unchanged: keep local edits', tree: { 'rev.md': OURS }, theirs: BASE, actions: ['unchanged rev.md'] },
    { case: 'both changed, apart: a clean merge', tree: { 'rev.md': OURS }, actions: ['merge rev.md'] },
    { case: 'both changed the same lines: a conflict, nothing written', tree: { 'rev.md': CONFLICT }, actions: ['conflict rev.md'] },
    { case: 'a conflict, --force: take theirs', tree: { 'rev.md': CONFLICT }, force: true, actions: ['update rev.md'] },
    { case: 'a conflict, --merge-markers', tree: { 'rev.md': CONFLICT }, markers: true, actions: ['merge rev.md'] },
    { case: 'the file is missing: create it', tree: {}, actions: ['create rev.md'] },
    { case: 'a symbolic link', tree: { 'rev.md': { kind: 'symlink', bytes: BASE } }, refused: 'SYMLINK_TARGET' },
    { case: 'a symbolic link, --force', tree: { 'rev.md': { kind: 'symlink', bytes: BASE } }, force: true, actions: ['update rev.md (link)'] },
    { case: 'a folder', tree: { 'rev.md': { kind: 'folder' } }, refused: 'PATH_IS_FOLDER' },
    { case: 'moved elsewhere in the tree', tree: { 'team/rev.md': BASE }, refused: 'NAME_TAKEN' },
    { case: 'not readable as an agent file', tree: { 'rev.md': { kind: 'other' } }, refused: 'IO' },
  ];
  for (const row of rows) {
    it(row.case, async () => {
      const snap = await snapshot(row.tree, locked);
      const { plan, refusals } = planUpgrade(snap, [item(locked.rev, row.theirs)], { force: row.force === true, mergeMarkers: row.markers === true });
      if (row.refused) {
        expect(refusals.map((r) => r.code)).toEqual([row.refused]);
        expect(plan.actions).toEqual([]);
      } else {
        expect(refusals).toEqual([]);
        expect(summary(plan.actions)).toEqual(row.actions);
      }
    });
  }

  it('a clean merge writes both edits; markers are flagged', async () => {
    const clean = planUpgrade(await snapshot({ 'rev.md': OURS }, locked), [item()], { force: false, mergeMarkers: false }).plan.actions[0];
    expect(clean?.type === 'merge' && Buffer.from(clean.bytes).toString()).toContain('my first line\nline two\nline three\nupstream addition');
    const marked = planUpgrade(await snapshot({ 'rev.md': CONFLICT }, locked), [item()], { force: false, mergeMarkers: true }).plan.actions[0];
    expect(marked).toMatchObject({ type: 'merge', conflictMarkers: true });
    expect(marked?.type === 'merge' && Buffer.from(marked.bytes).toString()).toContain('<<<<<<< rev.md (installed)');
  });

  it('skips an agent whose entry another run changed meanwhile', async () => {
    const stale = { ...locked.rev, version: '0.9.0' };
    const { plan } = planUpgrade(await snapshot({ 'rev.md': BASE }, locked), [item(stale)], { force: false, mergeMarkers: false });
    expect(plan.actions).toMatchObject([{ type: 'skip', name: 'rev' }]);
  });
});
