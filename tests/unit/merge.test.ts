import { describe, expect, it } from 'vitest';
import { mergeThreeWay } from '../../src/core/plan/merge.js';

const labels = { ours: 'local', theirs: 'new' };
const merge = (base: string, ours: string, theirs: string) => mergeThreeWay(base, ours, theirs, labels);

describe('mergeThreeWay', () => {
  it.each([
    // [base, ours, theirs, merged]
    ['a\nb\nc\n', 'a\nb\nc\n', 'a\nB\nc\n', 'a\nB\nc\n'],
    ['a\nb\nc\n', 'A\nb\nc\n', 'a\nb\nc\n', 'A\nb\nc\n'],
    ['a\nb\nc\nd\n', 'A\nb\nc\nd\n', 'a\nb\nc\nD\n', 'A\nb\nc\nD\n'],
    ['a\nb\nc\n', 'a\nb\nc', 'a\nb\nC\n', 'a\nb\nC'],
    ['a\nb\nc', 'a\nb\nc\n', 'A\nb\nc', 'A\nb\nc\n'],
    ['a\nb\nc\nd\n', 'a\r\nB\r\nc\r\nd\r\n', 'a\nb\nc\nD\n', 'a\r\nB\r\nc\r\nD\r\n'],
    ['a\nb\n', 'a\nX\nb\n', 'a\nX\nb\n', 'a\nX\nb\n'],
    ['', 'x\n', '', 'x\n'],
  ])('merge(%j, %j, %j) = %j', (base, ours, theirs, expected) => {
    expect(merge(base, ours, theirs)).toEqual({ clean: true, text: expected });
  });

  it('reports conflicts with both sides and writes git-style markers', () => {
    const result = merge('a\nb\nc\n', 'a\nB1\nc\n', 'a\nB2\nc\n');
    expect(result.clean).toBe(false);
    if (result.clean) return;
    expect(result.conflicts).toEqual([{ line: 2, ours: ['B1'], base: ['b'], theirs: ['B2'] }]);
    expect(result.withMarkers).toBe('a\n<<<<<<< local\nB1\n=======\nB2\n>>>>>>> new\nc\n');
  });
});
