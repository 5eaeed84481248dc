import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/core/io/spool.js';

const PREFIX = 'agent-install-spool-test-';
const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith(PREFIX));

/**
 * Fragments of every size around the 32 KiB chunk, multi-byte characters across every boundary;
 * more than the 1 Mi characters kept in memory, so that most of them go through the file.
 */
function fragments(): string[] {
  const out: string[] = ['', 'a', 'é', '😀', '', 'z'.repeat(1024 * 1024)];
  for (const size of [1, 100, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 100_000, 300_000]) {
    out.push('x'.repeat(size));
    out.push(`${'é'.repeat(size >> 1)}${'😀'.repeat(size >> 3)}`);
  }
  for (let i = 0; i < 2000; i++) out.push(`{"n": ${i}, "s": "${'ü'.repeat(i % 37)}"}`);
  return out;
}

describe('Spool', () => {
  const saved = process.env.TMPDIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });

  it('gives back every fragment, in order and unchanged, through its temporary file', () => {
    const spool = new Spool(PREFIX);
    const input = fragments();
    for (const fragment of input) spool.add(fragment);
    expect([...spool.fragments()]).toEqual(input);
    // Read twice: the file stays until closed.
    expect([...spool.fragments()].length).toBe(input.length);
    spool.close();
    expect(leftovers()).toEqual([]);
  });

  it('leaves no file in the temporary folder, even while open', () => {
    const spool = new Spool(PREFIX);
    spool.add('x'.repeat(2_000_000));
    if (process.platform !== 'win32') expect(leftovers()).toEqual([]);
    spool.close();
    expect(leftovers()).toEqual([]);
  });

  it('keeps the fragments in memory where no temporary file can be made', () => {
    process.env.TMPDIR = '/nonexistent/agent-install-spool';
    const spool = new Spool(PREFIX);
    const input = fragments();
    for (const fragment of input) spool.add(fragment);
    expect([...spool.fragments()]).toEqual(input);
    spool.close();
  });

  it('an empty spool gives nothing', () => {
    const spool = new Spool(PREFIX);
    expect([...spool.fragments()]).toEqual([]);
    spool.close();
    spool.close();
  });
});
