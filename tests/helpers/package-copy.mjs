// A copy of the built package (bin/, dist/, package.json) whose bundled registry holds the given
// agents: tests run it as a subprocess exactly as users run the CLI.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @param {string} dir @param {Record<string, Record<string, string>>} agents name → version → text; returns the bin path */
export function makePackageCopy(dir, agents) {
  for (const part of ['bin', 'dist', 'package.json']) cpSync(path.join(REPO_ROOT, part), path.join(dir, part), { recursive: true });
  for (const [name, versions] of Object.entries(agents)) {
    mkdirSync(path.join(dir, 'agents', name), { recursive: true });
    for (const [version, text] of Object.entries(versions)) writeFileSync(path.join(dir, 'agents', name, `${version}.md`), text);
  }
  return path.join(dir, 'bin', 'agent-install.cjs');
}
