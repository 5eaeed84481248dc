import type { Plan, PlanAction, TargetFileAction } from '../core/plan/plan.js';
import { isWrite, planChangesAnything, sameEntry } from '../core/plan/plan.js';
import type { Style } from './style.js';

function label(action: PlanAction): string {
  const version = 'entry' in action && action.entry?.version ? action.entry.version : undefined;
  const before = 'previous' in action ? action.previous?.version : undefined;
  if (version && before && before !== version && action.type !== 'remove') return `${action.name}@${before} → ${version}`;
  const shown = version ?? before;
  return shown ? `${action.name}@${shown}` : action.name;
}

const VERBS = {
  create: ['create', 'created'],
  update: ['update', 'updated'],
  restore: ['restore', 'restored'],
  downgrade: ['downgrade', 'downgraded'],
  merge: ['merge', 'merged'],
  remove: ['remove', 'removed'],
  unchanged: ['keep', 'unchanged'],
  conflict: ['conflict', 'conflict'],
  skip: ['skip', 'skipped'],
} as const;

/** `1.2.3` before `1.10.0`; null when either is no plain x.y.z version. */
function comparePlain(a: string, b: string): number | null {
  const parse = (v: string) => (/^\d+\.\d+\.\d+$/.test(v) ? v.split('.').map(Number) : null);
  const [x, y] = [parse(a), parse(b)];
  if (x === null || y === null) return null;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/**
 * An update that writes the bytes the lock entry already records is a restore (local edits
 * dropped, `install --force`); one to an older version a downgrade; any other an update.
 */
function kindOf(action: PlanAction): keyof typeof VERBS {
  if (action.type !== 'update' || action.previous === undefined) return action.type;
  // Same entry: the locked bytes again. Over another version agent-install can name (its note says
  // which) that is an update to the locked version; over edits a restore.
  if (action.previous.integrity === action.entry.integrity) return action.note?.startsWith('the file held') ? 'update' : 'restore';
  const order = action.previous.version && action.entry.version ? comparePlain(action.entry.version, action.previous.version) : null;
  return order !== null && order < 0 ? 'downgrade' : 'update';
}

/**
 * One line per action (with `verbose`, also its source and integrity; with `quiet`, only the
 * actions that change something); pure, so `--dry-run` and the real run print the same plan.
 */
export function formatPlan(plan: Plan, style: Style, options: { dryRun: boolean; verbose?: boolean; quiet?: boolean }): string[] {
  return plan.actions.flatMap((action) => {
    // -q: a kept file whose lock entry changes (adopted, accepted, relocked) is a change too.
    if (options.quiet && action.type === 'unchanged' && action.previous !== undefined && sameEntry(action.entry, action.previous)) return [];
    const [future, past] = VERBS[kindOf(action)];
    const verb = options.dryRun ? `would ${future}` : past;
    const sign = {
      create: style.green('+'),
      update: style.yellow('~'),
      merge: style.yellow('~'),
      remove: style.red('-'),
      unchanged: style.dim('='),
      conflict: style.red('!'),
      skip: style.dim('·'),
    }[action.type];
    let detail = action.path;
    if (action.type === 'remove' && !action.deleteFile) detail += ' (lock entry only; the file is already gone)';
    if (action.type === 'unchanged') {
      detail += action.note ? ` (${action.note}` : ' (';
      detail += !sameEntry(action.entry, action.previous) && action.previous ? `; lock entry updated)` : ')';
    }
    if (action.type === 'skip') detail += ` (${action.reason})`;
    if ((action.type === 'merge' || action.type === 'conflict' || action.type === 'update' || action.type === 'create') && action.note)
      detail += ` (${action.note})`;
    if (isWrite(action) && action.replaceSymlink) detail += ' (replacing a symbolic link)';
    const line = `${sign} ${verb.padEnd(14)} ${label(action)}  ${style.dim(detail)}`;
    const entry = 'entry' in action ? action.entry : 'previous' in action ? action.previous : undefined;
    const targets = formatTargets(action.targets ?? [], style, options);
    if (!options.verbose || entry === undefined) return [line, ...targets];
    return [
      line,
      style.dim(`    source ${entry.source}  requested ${entry.requested}  ${entry.integrity}${entry.registry ? `  registry ${entry.registry}` : ''}`),
      ...targets,
    ];
  });
}

const TARGET_VERBS = {
  create: ['create', 'created'],
  update: ['update', 'updated'],
  merge: ['merge', 'merged'],
  remove: ['remove', 'removed'],
  unchanged: ['keep', 'unchanged'],
  refused: ['refuse', 'refused'],
} as const;

/** Targets: one line per target file of an action, then what its translation lost or approximated (with -v, why). */
function formatTargets(files: readonly TargetFileAction[], style: Style, options: { dryRun: boolean; verbose?: boolean }): string[] {
  return files.flatMap((file) => {
    const [future, past] = TARGET_VERBS[file.type];
    const verb = options.dryRun && file.type !== 'refused' ? `would ${future}` : past;
    const line = `    ${file.target.padEnd(9)} ${verb.padEnd(14)} ${style.dim(`${file.path}${file.note ? ` (${file.note})` : ''}`)}`;
    const out = [file.type === 'refused' ? style.yellow(line) : line];
    for (const [kind, losses] of [
      ['lost', file.lost],
      ['approximated', file.approximated],
    ] as const) {
      if (losses.length === 0) continue;
      if (options.verbose) for (const l of losses) out.push(style.dim(`      ${kind} ${l.field}: ${l.detail}`));
      else out.push(style.dim(`      ${kind}: ${[...new Set(losses.map((l) => l.field))].join(', ')}`));
    }
    return out;
  });
}

/** The `--json` form of an action's target files. */
export function targetsJson(files: readonly TargetFileAction[]): Array<Record<string, unknown>> {
  return files.map((f) => ({
    target: f.target,
    path: f.path,
    action: f.type,
    ...(f.type === 'refused' ? { refused: f.note } : f.note ? { note: f.note } : {}),
    integrity: f.after,
    lost: f.lost,
    approximated: f.approximated,
  }));
}

export function planSummary(plan: Plan, options: { dryRun: boolean }): string {
  if (!planChangesAnything(plan)) return plan.actions.some((a) => a.type === 'conflict') ? 'Nothing was written.' : 'Nothing to do.';
  return options.dryRun ? 'Dry run: nothing was written.' : '';
}

/** Both sides of every conflict, git-style, with the way out. */
export function formatConflicts(plan: Plan, style: Style): string[] {
  const out: string[] = [];
  for (const action of plan.actions) {
    if (action.type !== 'conflict') continue;
    const theirs = `${action.name}${action.entry.version ? `@${action.entry.version}` : ''}`;
    out.push(style.red(`Conflicts in ${action.path}; nothing was written for ${action.name}:`));
    for (const c of action.conflicts) {
      out.push(
        style.dim(`  at line ${c.line}:`),
        `  <<<<<<< installed`,
        ...c.ours.map((l) => `  ${l}`),
        '  =======',
        ...c.theirs.map((l) => `  ${l}`),
        `  >>>>>>> ${theirs}`,
      );
    }
  }
  out.push(
    'Resolve with --merge-markers (write the markers into the file and edit it), or --force (take the new version and drop the conflicting local edits).',
  );
  return out;
}

/** The `--json` form of a plan's actions (bytes left out). */
export function planJson(plan: Plan): Array<Record<string, unknown>> {
  return plan.actions.map((action) => {
    const base: Record<string, unknown> = { action: action.type, name: action.name, path: action.path };
    if ('entry' in action && action.entry) {
      base.version = action.entry.version;
      base.source = action.entry.source;
      base.requested = action.entry.requested;
      base.integrity = action.entry.integrity;
    }
    if (action.type === 'remove') base.deleteFile = action.deleteFile;
    if (action.type === 'skip') base.reason = action.reason;
    if ('previous' in action && action.previous?.version) base.previousVersion = action.previous.version;
    if (action.type === 'conflict') base.conflicts = action.conflicts;
    if (action.type === 'merge') base.conflictMarkers = action.conflictMarkers === true;
    if (action.note) base.note = action.note;
    if (action.targets) base.targets = targetsJson(action.targets);
    return base;
  });
}
