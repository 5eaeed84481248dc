import { nameProblem } from '../../agent/names.js';
import type { SourceSpec } from '../types.js';

export interface RegistrySpec extends SourceSpec {
  source: 'registry';
  name: string;
  /** A semver range, an exact version, or `latest`; undefined for a bare name. */
  range?: string;
}

// `name`, `name@1.2.0`, `name@^1.2`, `name@latest`. Anything with `/`, `:` or a leading `.` is another source's.
const SPEC = /^([A-Za-z0-9_][A-Za-z0-9._-]*)(?:@(.+))?$/;

/** The `registry` value of lock entries resolved from the bundled registry. */
export const BUNDLED = 'bundled';

export function parseRegistrySpec(raw: string): RegistrySpec | null {
  const match = SPEC.exec(raw);
  if (!match) return null;
  const [, name, range] = match;
  if (nameProblem(name!) !== null) return null;
  return range === undefined ? { source: 'registry', raw, name: name! } : { source: 'registry', raw, name: name!, range };
}
