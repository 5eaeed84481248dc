/**
 * The coding tools agent-install writes agents for, and where each one's agent files live
 * (docs/targets-design.md). Small and always loaded: the lockfile's `targets` field is checked
 * here; the translations load only when a command needs them (see translate.ts).
 */
import { nameProblem } from '../agent/names.js';
import { didYouMean } from '../did-you-mean.js';
import { UsageError } from '../errors.js';
import { isIntegrity } from '../io/integrity.js';

export const TARGET_IDS = ['claude', 'opencode', 'copilot', 'gemini', 'cursor', 'codex'] as const;
export type TargetId = (typeof TARGET_IDS)[number];
/** Every target but the source. */
export type OtherTarget = Exclude<TargetId, 'claude'>;

/** Project folder, user folder (relative to the home folder) and file suffix of each target (docs/targets.md). */
const PLACES: Record<OtherTarget, [project: string, user: string, suffix: string]> = {
  opencode: ['.opencode/agents', '.config/opencode/agents', '.md'],
  copilot: ['.github/agents', '.copilot/agents', '.agent.md'],
  gemini: ['.gemini/agents', '.gemini/agents', '.md'],
  cursor: ['.cursor/agents', '.cursor/agents', '.md'],
  codex: ['.codex/agents', '.codex/agents', '.toml'],
};

export const OTHER_TARGETS = Object.keys(PLACES) as OtherTarget[];

/** One target file as a lock entry records it. */
export interface TargetRecord {
  /** Relative to the project (the home folder in the user scope), `/`-separated. */
  path: string;
  /** `sha256-<base64>` of the translation of the locked upstream bytes. */
  integrity: string;
}

export type TargetRecords = Partial<Record<OtherTarget, TargetRecord>>;

/** One field a target cannot say (`lost`) or says only approximately (`approximated`). */
export interface Loss {
  field: string;
  detail: string;
}

export const isOtherTarget = (id: string): id is OtherTarget => Object.hasOwn(PLACES, id);

/** Where agent `name` goes for `target`, relative to the project (or, `user`, to the home folder). */
export function targetPath(target: OtherTarget, user: boolean, name: string): string {
  const [project, home, suffix] = PLACES[target];
  return `${user ? home : project}/${name}${suffix}`;
}

/** The target's folder followed by one usable file name with its suffix: nothing else is ever written or deleted. */
export function isTargetPath(target: OtherTarget, value: string): boolean {
  const [project, home, suffix] = PLACES[target];
  const folder = [project, home].find((f) => value.startsWith(`${f}/`));
  if (folder === undefined || !value.endsWith(suffix)) return false;
  const name = value.slice(folder.length + 1, value.length - suffix.length);
  return nameProblem(name) === null && !name.includes('/');
}

/** Is `value` the file of agent `name` for `target`, in its project or its user folder? */
export function isTargetPathOf(target: OtherTarget, name: string, value: string): boolean {
  return value === targetPath(target, false, name) || value === targetPath(target, true, name);
}

/**
 * Why a lock entry's `targets` value is not one this version writes; null when it is. With
 * `name`, each path must also be that agent's own file (agent-install never writes another).
 */
export function targetRecordsProblem(value: unknown, name?: string): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return '`targets` must be an object';
  for (const [id, record] of Object.entries(value)) {
    if (!isOtherTarget(id)) return `\`targets\` names an unknown target ${JSON.stringify(id)}`;
    const r = record as Partial<TargetRecord> | null;
    if (r === null || typeof r !== 'object' || Object.keys(r).some((k) => k !== 'path' && k !== 'integrity'))
      return `\`targets.${id}\` must be {path, integrity}`;
    if (typeof r.path !== 'string' || !isTargetPath(id, r.path)) return `\`targets.${id}.path\` must be a file in ${PLACES[id][0]}/ or ${PLACES[id][1]}/`;
    if (typeof r.integrity !== 'string' || !isIntegrity(r.integrity)) return `\`targets.${id}.integrity\` must be \`sha256-<base64>\``;
    if (name !== undefined && !isTargetPathOf(id, name, r.path))
      return `\`targets.${id}.path\` must be ${targetPath(id, false, name)} or ${targetPath(id, true, name)}`;
  }
  return null;
}

/** `--target claude,opencode` (or the configuration's list): the targets besides Claude Code, in a fixed order. */
export function parseTargets(values: string[], where = '--target'): OtherTarget[] {
  const ids = values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase());
  for (const id of ids) {
    if (!(TARGET_IDS as readonly string[]).includes(id)) {
      const near = didYouMean(id, TARGET_IDS, { maxDistance: 3 });
      throw new UsageError(`${where}: unknown target ${JSON.stringify(id)}${near ? ` (did you mean "${near}"?)` : ''}.`, {
        code: 'INVALID_OPTION',
        hint: `Targets: ${TARGET_IDS.join(', ')}.`,
      });
    }
  }
  return OTHER_TARGETS.filter((t) => ids.includes(t));
}
