import { describe, expect, it } from 'vitest';
import { nameProblem } from '../../src/core/agent/names.js';

describe('nameProblem', () => {
  it.each([
    ['fastapi-backend-builder', null],
    ['Code.Reviewer_2', null],
    ['', 'it is empty'],
    ['a/b', 'it contains a path separator'],
    ['a\\b', 'it contains a path separator'],
    ['..', 'it contains `..`'],
    ['a..b', 'it contains `..`'],
    ['.hidden', 'it starts with `.`'],
    ['-rf', 'it starts with `-`'],
    ['nul\0byte', 'it contains a NUL character'],
    ['bell\u0007', 'it contains a control character'],
    ['line\nbreak', 'it contains a control character'],
    ['con', 'it is a reserved device name on Windows'],
    ['LPT1', 'it is a reserved device name on Windows'],
    ['aux.txt', 'it is a reserved device name on Windows'],
    ['a:b', 'it contains a character Windows forbids in file names (< > : " | ? *)'],
    ['trailing.', 'it ends with a dot or a space'],
    ['x'.repeat(129), 'it is longer than 128 characters'],
    ['/etc/passwd', 'it contains a path separator'],
  ])('%j → %j', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });
});
