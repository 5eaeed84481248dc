/**
 * Golden files: the seed agent (agents/fastapi-backend-builder, both versions) translated into
 * every target, byte for byte, with the loss report of each translation. A change to a
 * translation shows up here as a diff to review; `UPDATE_GOLDEN=1 npx vitest run
 * tests/targets/golden.test.ts` rewrites the files after such a review.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OTHER_TARGETS, targetPath } from '../../src/core/targets/ids.js';
import { sourceOf, translateTo } from '../../src/core/targets/translate.js';
import { REPO_ROOT } from '../helpers/sandbox.js';

const GOLDEN = path.join(REPO_ROOT, 'tests', 'fixtures', 'targets', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function golden(file: string, actual: string): void {
  const at = path.join(GOLDEN, file);
  if (update || !existsSync(at)) {
    if (!update) throw new Error(`${file} has no golden file: run with UPDATE_GOLDEN=1 and review it`);
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, actual);
  }
  expect(actual).toBe(readFileSync(at, 'utf8'));
}

describe.each(['1.0.0', '1.1.0'])('fastapi-backend-builder %s in every target', (version) => {
  const source = sourceOf(readFileSync(path.join(REPO_ROOT, 'agents', 'fastapi-backend-builder', `${version}.md`)));
  if (typeof source === 'string') throw new Error(source);

  it.each(OTHER_TARGETS)('%s', (target) => {
    const translation = translateTo(target, source);
    const file = path.basename(targetPath(target, false, 'fastapi-backend-builder'));
    const report = { lost: translation.lost, approximated: translation.approximated, ...('refused' in translation ? { refused: translation.refused } : {}) };
    golden(`${version}/${target}/report.json`, `${JSON.stringify(report, null, 2)}\n`);
    if ('text' in translation) golden(`${version}/${target}/${file}`, translation.text);
    else expect(existsSync(path.join(GOLDEN, version, target, file))).toBe(false);
  });
});
