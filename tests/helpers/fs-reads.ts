/**
 * Counts the bytes read from files, for tests that must show a command never reads a file whole
 * (or at all): a deterministic measure where a clock would be noisy. Install it in a test file with
 *
 *   vi.mock('node:fs', async (importOriginal) => (await import('../helpers/fs-reads.js')).countingFs(await importOriginal()));
 *
 * and read `fsReads` around the work. (No import of node:fs here: this module builds the mock.)
 */
export const fsReads = { bytes: 0, calls: 0 };

type Fs = typeof import('node:fs');

export function countingFs(fs: Fs): Fs {
  const readSync = ((...args: Parameters<Fs['readSync']>) => {
    const n = fs.readSync(...args);
    fsReads.bytes += n;
    fsReads.calls++;
    return n;
  }) as Fs['readSync'];
  const readFileSync = ((...args: Parameters<Fs['readFileSync']>) => {
    const contents = fs.readFileSync(...args);
    fsReads.bytes += typeof contents === 'string' ? Buffer.byteLength(contents) : contents.length;
    fsReads.calls++;
    return contents;
  }) as Fs['readFileSync'];
  const counted = { ...fs, readSync, readFileSync };
  return { ...counted, default: counted } as Fs;
}

/** The bytes read from files while `fn` ran. */
export async function countFsReads<T>(fn: () => Promise<T>): Promise<{ result: T; bytes: number; calls: number }> {
  const before = { ...fsReads };
  const result = await fn();
  return { result, bytes: fsReads.bytes - before.bytes, calls: fsReads.calls - before.calls };
}
