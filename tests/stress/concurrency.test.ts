import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script shared with `npm run stress`
import { runConcurrentAdds } from './concurrency-stress.mjs';

// A short run; `npm run stress` runs the same scenario with 40 concurrent runs.
describe('concurrent runs on one scope', () => {
  it('6 adds started at once all succeed and all 6 agents are locked', async () => {
    const outcome = await runConcurrentAdds({ count: 6 });
    expect(outcome.names).toHaveLength(6);
    for (const r of outcome.results) expect(r.code, r.stderr).toBe(0);
    expect(outcome.locked).toEqual([...outcome.names].sort());
    expect(outcome.files).toEqual(outcome.names.map((n: string) => `${n}.md`).sort());
    expect(outcome.verify).toBe(0);
  }, 60_000);
});
