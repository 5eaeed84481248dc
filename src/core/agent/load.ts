import type * as Validate from './validate.js';

export type CheckAgentBytes = typeof Validate.checkAgentBytes;

let loaded: Promise<typeof Validate> | undefined;

/**
 * The rules with the YAML parser and zod are the biggest part of the bundle; code that may not
 * need them (listing owned files, installing a bundled agent the build already checked) loads
 * them on first use instead of at start-up.
 */
export function loadValidate(): Promise<typeof Validate> {
  loaded ??= import('./validate.js');
  return loaded;
}
