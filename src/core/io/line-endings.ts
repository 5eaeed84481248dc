/**
 * Line endings: a Windows checkout with `core.autocrlf` turns every LF of an agent file into
 * CRLF. Such a file holds the same agent as the bytes installed, and is treated so.
 */

const CR = 13;
const LF = 10;

/** Does the file hold a CRLF? */
export function hasCrlf(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(CR); i !== -1 && i < bytes.length - 1; i = bytes.indexOf(CR, i + 1)) if (bytes[i + 1] === LF) return true;
  return false;
}

/** The bytes with every CRLF turned into LF (lone CRs stay). */
export function toLf(bytes: Uint8Array): Uint8Array {
  if (!hasCrlf(bytes)) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === CR && bytes[i + 1] === LF) continue;
    out[n++] = bytes[i]!;
  }
  return out.subarray(0, n);
}

/** Do two files differ at most in CRLF versus LF? */
export function sameIgnoringLineEndings(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(toLf(a), toLf(b)) === 0;
}
