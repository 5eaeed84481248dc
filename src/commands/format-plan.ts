import type { ChalkInstance } from 'chalk';
import type { Plan, PlanAction } from '../core/plan.js';
import { isWrite, planChangesAnything, sameEntry } from '../core/plan.js';

function label(action: PlanAction): string {
  const version = 'entry' in action && action.entry?.version ? `@${action.entry.version}` : '';
  return `${action.name}${version}`;
}

const VERBS = {
  create: ['create', 'created'],
  update: ['update', 'updated'],
  merge: ['merge', 'merged'],
  remove: ['remove', 'removed'],
  unchanged: ['keep', 'unchanged'],
  conflict: ['conflict', 'conflict'],
  skip: ['skip', 'skipped'],
} as const;

/** One line per action; pure, so `--dry-run` and the real run print the same plan. */
export function formatPlan(plan: Plan, style: ChalkInstance, options: { dryRun: boolean }): string[] {
  return plan.actions.map((action) => {
    const [future, past] = VERBS[action.type];
    const verb = options.dryRun ? `would ${future}` : past;
    const sign = { create: style.green('+'), update: style.yellow('~'), merge: style.yellow('~'), remove: style.red('-'), unchanged: style.dim('='), conflict: style.red('!'), skip: style.dim('·') }[action.type];
    let detail = action.path;
    if (action.type === 'remove' && !action.deleteFile) detail += ' (lock entry only; the file is already gone)';
    if (action.type === 'unchanged') {
      detail += action.note ? ` (${action.note}` : ' (';
      detail += !sameEntry(action.entry, action.previous) && action.previous ? `; lock entry updated)` : ')';
    }
    if (action.type === 'skip') detail += ` (${action.reason})`;
    if (isWrite(action) && action.replaceSymlink) detail += ' (replacing a symbolic link)';
    return `${sign} ${verb.padEnd(14)} ${label(action)}  ${style.dim(detail)}`;
  });
}

export function planSummary(plan: Plan, options: { dryRun: boolean }): string {
  if (!planChangesAnything(plan)) return 'Nothing to do.';
  return options.dryRun ? 'Dry run: nothing was written.' : '';
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
    if (action.note) base.note = action.note;
    return base;
  });
}
