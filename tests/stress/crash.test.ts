import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script shared with `npm run stress`
import { runCrashStress } from './crash-stress.mjs';

// A short run that still kills runs mid-way; `npm run stress` runs 500 operations.
describe('crash safety under SIGKILL', () => {
  it('30 add/upgrade/remove/install runs killed at random moments lose nothing', async () => {
    const stats = await runCrashStress({ operations: 30, seed: 20261126 });
    expect(stats.operations).toBe(30);
    expect(stats.killed).toBeGreaterThan(5);
    expect(stats.violations).toEqual([]);
  }, 120_000);
});
