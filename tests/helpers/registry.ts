import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** A package root whose bundled registry holds exactly `agents`: name → version → file text. */
export function makeRegistryRoot(agents: Record<string, Record<string, string | Uint8Array>>): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-registry-')));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  for (const [name, versions] of Object.entries(agents)) {
    mkdirSync(path.join(root, 'agents', name), { recursive: true });
    for (const [version, text] of Object.entries(versions)) writeFileSync(path.join(root, 'agents', name, `${version}.md`), text);
  }
  return root;
}
