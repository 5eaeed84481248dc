import { isNewer, sortValidVersions } from '../resolve/versions.js';
import { emptyAgents, LOCKFILE_VERSION, type LockEntry, type Lockfile, sameEntry } from './lockfile.js';

/** Two sides of one agent that no rule can reconcile: nothing is written. */
export interface EntryConflict {
  name: string;
  ours: LockEntry | null;
  theirs: LockEntry | null;
  why: string;
}

export interface LockfileMerge {
  lockfile: Lockfile;
  /** What the merge decided that a reader should know (an agent kept at the higher of two versions). */
  notes: string[];
  conflicts: EntryConflict[];
}

/**
 * Where an entry comes from, versions aside: two entries of one family are the same agent at two
 * versions (`name@1.0.0` and `name@1.1.0` from one registry; one npm package; one repository).
 */
function familyOf(entry: LockEntry): string {
  const source = entry.version === undefined ? entry.source : entry.source.split(`@${entry.version}`).join('@');
  return `${entry.registry ?? ''}\0${source}`;
}

function describe(entry: LockEntry): string {
  return entry.version !== undefined ? entry.version : entry.source;
}

/**
 * Merges two lockfiles the way a team expects two branches' lockfiles to merge, per agent:
 * the same on both sides is kept; an agent on one side only is kept (with a common ancestor,
 * one that the other side removed unchanged is removed); a change on one side only wins; the
 * same agent at two versions keeps the higher one (reported in `notes`); anything else is a
 * conflict, reported and left to the user.
 */
export function mergeLockfiles(base: Lockfile | null, ours: Lockfile, theirs: Lockfile): LockfileMerge {
  const agents = emptyAgents();
  const notes: string[] = [];
  const conflicts: EntryConflict[] = [];
  const names = [...new Set([...Object.keys(ours.agents), ...Object.keys(theirs.agents)])].sort();
  for (const name of names) {
    const o = Object.hasOwn(ours.agents, name) ? ours.agents[name]! : null;
    const t = Object.hasOwn(theirs.agents, name) ? theirs.agents[name]! : null;
    const b = base !== null && Object.hasOwn(base.agents, name) ? base.agents[name]! : null;
    if (o !== null && t !== null && sameEntry(o, t)) {
      agents[name] = o;
      continue;
    }
    if (o === null || t === null) {
      const present = (o ?? t)!;
      if (b === null)
        agents[name] = present; // added on one side
      else if (sameEntry(present, b)) notes.push(`${name}: removed (on one side; the other left it unchanged)`);
      else conflicts.push({ name, ours: o, theirs: t, why: 'removed on one side and changed on the other' });
      continue;
    }
    if (b !== null && sameEntry(o, b)) {
      agents[name] = t;
      continue;
    }
    if (b !== null && sameEntry(t, b)) {
      agents[name] = o;
      continue;
    }
    const ordered = o.version !== undefined && t.version !== undefined && sortValidVersions([o.version, t.version]).length === 2;
    if (ordered && familyOf(o) === familyOf(t) && o.version !== t.version) {
      const [higher, lower] = isNewer(o.version!, t.version!) ? [o, t] : [t, o];
      agents[name] = higher;
      notes.push(`${name}: kept ${describe(higher)}, the higher of ${describe(lower)} and ${describe(higher)}`);
      continue;
    }
    conflicts.push({
      name,
      ours: o,
      theirs: t,
      why: familyOf(o) === familyOf(t) ? 'both sides changed it differently' : `it comes from ${o.source} on one side and from ${t.source} on the other`,
    });
  }
  return { lockfile: { lockfileVersion: LOCKFILE_VERSION, agents }, notes, conflicts };
}

/** Names of agents whose entries differ between two lockfiles. */
export function differingAgents(a: Lockfile, b: Lockfile): string[] {
  const names = new Set([...Object.keys(a.agents), ...Object.keys(b.agents)]);
  return [...names].filter((name) => !sameEntry(a.agents[name], b.agents[name])).sort();
}
