import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/commands/style.js';

describe('colorLevel', () => {
  it.each([
    [{}, true, true, 1],
    [{}, false, true, 0],
    [{}, true, false, 0],
    [{ NO_COLOR: '1' }, true, true, 0],
    [{ FORCE_COLOR: '1' }, false, true, 1],
    [{ FORCE_COLOR: '3' }, false, true, 3],
    [{ FORCE_COLOR: '0' }, true, true, 0],
    [{ FORCE_COLOR: '1' }, true, false, 0],
    [{ TERM: 'dumb' }, true, true, 0],
    [{ COLORTERM: 'truecolor' }, true, true, 3],
  ] as const)('env %j, tty %s, flag %s → %i', (env, tty, flag, level) => {
    expect(colorLevel(env, tty, flag)).toBe(level);
  });

  it('decides without asking whether the stream is a terminal when the environment or flag already does', () => {
    const unasked = () => {
      throw new Error('isTTY was asked');
    };
    expect(colorLevel({ NO_COLOR: '1' }, unasked, true)).toBe(0);
    expect(colorLevel({ FORCE_COLOR: '2' }, unasked, true)).toBe(2);
    expect(colorLevel({}, unasked, false)).toBe(0);
    expect(colorLevel({}, () => true, true)).toBe(1);
    expect(colorLevel({}, () => false, true)).toBe(0);
  });
});
