/**
 * A small, strict reader for the tarballs npm publishes (`.tgz`: gzip + ustar, with pax and GNU
 * long-name extensions), in memory. Only what agent-install needs: regular files and their
 * bytes, bounded in size, with paths that cannot leave the package.
 */
import { gunzipSync } from 'node:zlib';
import { AgentInstallError } from '../errors.js';

/** One entry of the archive. `bytes` is absent for files over the per-file cap and for non-files. */
export interface TarEntry {
  /** `/`-separated, after stripping the leading folder npm puts everything in (`package/`). */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  size: number;
  bytes?: Uint8Array;
}

export interface ReadTarOptions {
  /** Files larger than this are listed without their bytes (default 1 MiB). */
  maxFileBytes?: number;
  /** Refuse archives with more entries than this (default 100 000). */
  maxEntries?: number;
  /** Leading path components to drop, as `tar --strip-components` (npm: 1). */
  strip?: number;
  /** Names the archive in errors. */
  what?: string;
}

const BLOCK = 512;

function invalid(what: string, message: string): AgentInstallError {
  return new AgentInstallError(`${what} is not a valid package tarball: ${message}.`, {
    code: 'TARBALL_INVALID',
    hint: 'The package may be corrupt or crafted; report it to its publisher. Nothing was written.',
  });
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8');
}

function readOctal(block: Uint8Array, offset: number, length: number, what: string): number {
  const field = block.subarray(offset, offset + length);
  // Base-256 (GNU) numbers start with 0x80: only needed for files over 8 GiB, never an agent package.
  if ((field[0]! & 0x80) !== 0) throw invalid(what, 'an entry is larger than 8 GiB');
  const text = Buffer.from(field).toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw invalid(what, `bad number field "${text}"`);
  return parseInt(text, 8);
}

function checksumOk(block: Uint8Array, what: string): boolean {
  const stored = readOctal(block, 148, 8, what);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === stored;
}

/** pax extended header records: `<length> <key>=<value>\n`, the length counting bytes. */
export function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(buf.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= space - at || at + length > buf.length) break;
    const body = buf
      .subarray(space + 1, at + length)
      .toString('utf8')
      .replace(/\n$/, '');
    const eq = body.indexOf('=');
    if (eq > 0) out[body.slice(0, eq)] = body.slice(eq + 1);
    at += length;
  }
  return out;
}

/**
 * The path an entry is extracted to, relative to the package root, or an error: absolute paths,
 * `..` segments, backslashes and NUL are refused, as a path traversal attempt.
 */
export function safeEntryPath(raw: string, strip: number, what: string): string | null {
  if (raw.includes('\0') || raw.includes('\\')) throw invalid(what, `unsafe entry path ${JSON.stringify(raw)}`);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw invalid(what, `absolute entry path ${JSON.stringify(raw)}`);
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw invalid(what, `entry path ${JSON.stringify(raw)} leaves the package`);
  const kept = segments.slice(strip);
  return kept.length === 0 ? null : kept.join('/');
}

/** Reads an uncompressed tar archive. Throws `TARBALL_INVALID` on anything malformed or unsafe. */
export function readTar(archive: Uint8Array, options: ReadTarOptions = {}): TarEntry[] {
  const what = options.what ?? 'the archive';
  const maxFileBytes = options.maxFileBytes ?? 1_048_576;
  const maxEntries = options.maxEntries ?? 100_000;
  const strip = options.strip ?? 0;
  const entries: TarEntry[] = [];
  const seen = new Set<string>();
  let pax: Record<string, string> = {};
  let globalPax: Record<string, string> = {};
  let longName: string | undefined;
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // end of archive
    if (!checksumOk(header, what)) throw invalid(what, `bad header checksum at byte ${at}`);
    const paxSize = pax.size !== undefined ? Number(pax.size) : undefined;
    if (paxSize !== undefined && (!Number.isSafeInteger(paxSize) || paxSize < 0)) throw invalid(what, `bad pax size "${pax.size}"`);
    const size = paxSize ?? readOctal(header, 124, 12, what);
    const typeflag = String.fromCharCode(header[156]!);
    const dataStart = at + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > archive.length) throw invalid(what, 'it is truncated');
    const data = archive.subarray(dataStart, dataEnd);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'x') {
      pax = parsePax(data);
      continue;
    }
    if (typeflag === 'g') {
      globalPax = { ...globalPax, ...parsePax(data) };
      continue;
    }
    if (typeflag === 'L') {
      longName = readString(data, 0, data.length);
      continue;
    }
    if (typeflag === 'K') continue; // GNU long link name: links are not followed anyway

    const magic = readString(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? readString(header, 345, 155) : '';
    const name = readString(header, 0, 100);
    const raw = pax.path ?? longName ?? globalPax.path ?? (prefix ? `${prefix}/${name}` : name);
    pax = {};
    longName = undefined;

    if (entries.length >= maxEntries) throw invalid(what, `more than ${maxEntries} entries`);
    const entryPath = safeEntryPath(raw, strip, what);
    if (entryPath === null) continue;
    const type: TarEntry['type'] =
      typeflag === '0' || typeflag === '\0' || typeflag === '7'
        ? 'file'
        : typeflag === '5'
          ? 'directory'
          : typeflag === '2'
            ? 'symlink'
            : typeflag === '1'
              ? 'hardlink'
              : 'other';
    const entry: TarEntry = { path: entryPath.replace(/\/$/, ''), type, size: type === 'file' ? size : 0 };
    // Unpacked, the later copy would replace the earlier one: which bytes count is not for us to guess.
    if (type !== 'directory' && seen.has(entry.path)) throw invalid(what, `${JSON.stringify(entry.path)} appears twice in it`);
    if (type !== 'directory') seen.add(entry.path);
    if (type === 'file' && size <= maxFileBytes) entry.bytes = data;
    entries.push(entry);
  }
  return entries;
}

export interface ReadTgzOptions extends ReadTarOptions {
  /** Refuse archives that unpack to more than this (default 100 MiB): a gzip bomb. */
  maxUnpackedBytes?: number;
}

/** Gunzips and reads a `.tgz` in memory. */
export function readTgz(tgz: Uint8Array, options: ReadTgzOptions = {}): TarEntry[] {
  const what = options.what ?? 'the archive';
  const maxUnpackedBytes = options.maxUnpackedBytes ?? 100 * 1_048_576;
  let archive: Buffer;
  try {
    archive = gunzipSync(tgz, { maxOutputLength: maxUnpackedBytes });
  } catch (error) {
    const tooLarge =
      (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|maxOutputLength/i.test((error as Error).message);
    throw invalid(what, tooLarge ? `it unpacks to more than ${maxUnpackedBytes.toLocaleString('en-US')} bytes` : `not gzip data (${(error as Error).message})`);
  }
  return readTar(archive, options);
}
