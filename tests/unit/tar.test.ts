import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePax, readTar, readTgz, safeEntryPath } from '../../src/core/io/tar.js';
import { writeTree } from '../helpers/sandbox.js';

/** One ustar header + data, built by hand so that tests can write what tar tools refuse to. */
function entry(name: string, data: string | Uint8Array = '', options: { type?: string; prefix?: string; badChecksum?: boolean; size?: number } = {}): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${(options.size ?? bytes.length).toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write(options.type ?? '0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  if (options.prefix) header.write(options.prefix, 345, 155, 'utf8');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${(options.badChecksum ? sum + 1 : sum).toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(bytes.length / 512) * 512);
  bytes.copy(padded);
  return Buffer.concat([header, padded]);
}

const END = Buffer.alloc(1024);
const archive = (...parts: Buffer[]) => Buffer.concat([...parts, END]);
const paxRecord = (key: string, value: string) => {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${length}${body}`) !== length) length = Buffer.byteLength(`${length}${body}`);
  return `${length}${body}`;
};

describe('readTar', () => {
  it('reads files, strips the package/ folder, keeps bytes exactly', () => {
    const entries = readTar(
      archive(entry('package/', '', { type: '5' }), entry('package/package.json', '{}'), entry('package/agents/x.md', '---\nname: x\n---\n')),
      { strip: 1 },
    );
    expect(entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ['package.json', 'file', 2],
      ['agents/x.md', 'file', 16],
    ]);
    expect(Buffer.from(entries[1]!.bytes!).toString()).toBe('---\nname: x\n---\n');
  });

  it('ustar prefix, GNU long names and pax paths', () => {
    const long = `package/${'d'.repeat(120)}/agent.md`;
    const entries = readTar(
      archive(
        entry('agent.md', 'a', { prefix: 'package/deep' }),
        entry('././@LongLink', `${long}\0`, { type: 'L' }),
        entry('truncated-name', 'b'),
        entry('PaxHeader', paxRecord('path', 'package/pax/ünïcode.md'), { type: 'x' }),
        entry('ignored', 'c'),
      ),
      { strip: 1 },
    );
    expect(entries.map((e) => e.path)).toEqual(['deep/agent.md', `${'d'.repeat(120)}/agent.md`, 'pax/ünïcode.md']);
  });

  it('files over the per-file cap are listed without their bytes; links are listed as links', () => {
    const entries = readTar(archive(entry('package/big.md', 'x'.repeat(2000)), entry('package/link.md', '', { type: '2' })), { strip: 1, maxFileBytes: 1000 });
    expect(entries[0]).toEqual({ path: 'big.md', type: 'file', size: 2000 });
    expect(entries[1]).toMatchObject({ path: 'link.md', type: 'symlink' });
  });

  it.each([
    ['package/../../etc/passwd.md', /leaves the package/],
    ['/etc/passwd.md', /absolute entry path/],
    ['package\\..\\x.md', /unsafe entry path/],
    ['C:/x.md', /absolute entry path/],
  ])('refuses the path %s', (name, message) => {
    expect(() => readTar(archive(entry(name, 'x')), { strip: 1 })).toThrow(message);
  });

  it('refuses a pax path that escapes, a bad checksum, a truncated archive, too many entries', () => {
    expect(() => readTar(archive(entry('PaxHeader', paxRecord('path', '../x.md'), { type: 'x' }), entry('package/ok.md', 'x')))).toThrow(/leaves the package/);
    expect(() => readTar(archive(entry('package/a.md', 'x', { badChecksum: true })))).toThrow(/checksum/);
    expect(() => readTar(entry('package/a.md', 'x', { size: 5000 }))).toThrow(/truncated/);
    expect(() => readTar(archive(entry('package/a.md', 'x'), entry('package/b.md', 'y')), { maxEntries: 1 })).toThrow(/more than 1 entries/);
  });

  it('stops at the end-of-archive blocks', () => {
    expect(readTar(Buffer.concat([entry('package/a.md', 'x'), END, entry('package/after.md', 'y')]), { strip: 1 }).map((e) => e.path)).toEqual(['a.md']);
  });
});

describe('readTgz', () => {
  it('refuses data that is not gzip, and a gzip bomb', () => {
    expect(() => readTgz(Buffer.from('hello'))).toThrow(/not gzip data/);
    const bomb = gzipSync(Buffer.alloc(5 * 1_048_576));
    expect(() => readTgz(bomb, { maxUnpackedBytes: 1_048_576 })).toThrow(/unpacks to more than/);
  });

  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-tar-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['gnu', 'pax', 'ustar'])('reads what the real tar writes (--format=%s), long names included', (format) => {
    const longDir = 'n'.repeat(60);
    const files = { 'package/package.json': '{"name":"x"}', [`package/agents/${longDir}/${'m'.repeat(40)}.md`]: 'long\n', 'package/agents/a.md': 'A\n' };
    const src = path.join(dir, format);
    writeTree(src, files);
    const tgz = path.join(dir, `${format}.tgz`);
    execFileSync('tar', ['-czf', tgz, `--format=${format}`, '-C', src, 'package']);
    const entries = readTgz(readFileSync(tgz), { strip: 1 }).filter((e) => e.type === 'file');
    expect(Object.fromEntries(entries.map((e) => [e.path, Buffer.from(e.bytes!).toString()]))).toEqual(
      Object.fromEntries(Object.entries(files).map(([k, v]) => [k.slice('package/'.length), v])),
    );
  });
});

describe('helpers', () => {
  it.each([
    ['package/a.md', 1, 'a.md'],
    ['package/', 1, null],
    ['./package/./a/b.md', 1, 'a/b.md'],
    ['a.md', 0, 'a.md'],
  ])('safeEntryPath(%j, %d) = %j', (raw, strip, expected) => {
    expect(safeEntryPath(raw, strip, 'x')).toBe(expected);
  });

  it('parsePax counts bytes, not characters', () => {
    expect(parsePax(Buffer.from(paxRecord('path', 'ü/é.md') + paxRecord('size', '12')))).toEqual({ path: 'ü/é.md', size: '12' });
  });
});
