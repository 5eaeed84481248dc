import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script shared with `npm run stress`
import { runCrashStress } from './crash-stress.mjs';

describe('crash safety under SIGKILL', () => {
  it('200 add/upgrade/remove/install runs killed at random moments lose nothing', async () => {
    const stats = await runCrashStress({ operations: 200, seed: 20261126 });
    expect(stats.operations).toBe(200);
    expect(stats.killed).toBeGreaterThan(40);
    expect(stats.violations).toEqual([]);
  }, 300_000);
});
