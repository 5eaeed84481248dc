import { AgentInstallError } from '../errors.js';

// node:crypto costs about 2 ms to load, more than `list` or `add` spend on anything else, so it
// loads on the first hash (commands that know every hash already never load it).
let crypto: typeof import('node:crypto') | undefined;

/** `sha256-<base64>` of the exact bytes, the Subresource Integrity form npm uses too. */
export function computeIntegrity(bytes: Uint8Array | string): string {
  // process.getBuiltinModule is Node ≥ 20.16; the require fallback serves the built CommonJS files on older 20.x.
  crypto ??= process.getBuiltinModule?.('node:crypto') ?? (require('node:crypto') as typeof import('node:crypto'));
  return `sha256-${crypto.createHash('sha256').update(bytes).digest('base64')}`;
}

const INTEGRITY = /^sha256-[A-Za-z0-9+/]{43}=$/;

export function isIntegrity(value: string): boolean {
  return INTEGRITY.test(value);
}

export function assertIntegrity(bytes: Uint8Array, expected: string, what: string): void {
  const actual = computeIntegrity(bytes);
  if (actual !== expected) {
    throw new AgentInstallError(`Integrity mismatch for ${what}: expected ${expected}, got ${actual}`, {
      code: 'INTEGRITY_MISMATCH',
      hint: 'The upstream bytes changed since they were locked. Nothing was written. If the change is expected, run `agent-install add` for it again to re-lock.',
      details: { expected, actual },
    });
  }
}
