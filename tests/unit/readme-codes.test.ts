import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/error-codes.js';
import { REPO_ROOT } from '../helpers/sandbox.js';

/**
 * Every machine-readable error code a user can meet (`error.code` with `--json`) is in a table of
 * the README, as `CODE` in backticks, so that a script author can look up what it means.
 */
const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The codes of the README's table rows (the first cell of a `| … |` line). */
function tableCodes(readme: string): Set<string> {
  const codes = new Set<string>();
  for (const line of readme.split('\n')) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1];
    for (const match of first?.matchAll(/`([A-Z][A-Z0-9_]+)`/g) ?? []) codes.add(match[1]!);
  }
  return codes;
}

describe('the README lists every error code', () => {
  const listed = tableCodes(README);

  it('every code of src/core/errors.ts is the first cell of a README table row', () => {
    expect(Object.keys(ERROR_CODES).filter((code) => !listed.has(code))).toEqual([]);
  });

  it('every code in such a first cell exists', () => {
    const known = new Set(Object.keys(ERROR_CODES));
    // Finding codes (audit's `pipe-to-shell`…) are lower case and not matched; these are error codes.
    expect([...listed].filter((code) => !known.has(code))).toEqual([]);
  });
});
