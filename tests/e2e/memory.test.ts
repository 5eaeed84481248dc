/**
 * Bounded memory on the densest files Claude Code reads: each agent file of at most 1 MiB is
 * validated by the built CLI, in a process of its own, within 100 MB of resident memory beyond
 * what the same command takes on an empty folder. Measured, not timed: the peak RSS
 * (`process.resourceUsage().maxRSS`) that the process writes when it exits. bench/hostile.mjs
 * times the same files.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ES module helper shared with the bench
import { denseFiles, MIB } from '../helpers/dense-files.mjs';
import { REPO_ROOT } from '../helpers/sandbox.js';

const BIN = path.join(REPO_ROOT, 'bin', 'agent-install.cjs');
const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-memory-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const probe = path.join(work, 'max-rss.cjs');
writeFileSync(probe, "process.on('exit', () => require('node:fs').writeSync(2, '\\nmax-rss-kb ' + process.resourceUsage().maxRSS + '\\n'));\n");
const env = { PATH: process.env.PATH!, HOME: work, NO_COLOR: '1', CI: 'true' };

/** Peak RSS in MB of `validate <target> --json`, and its document. */
function validate(target: string): Promise<{ mb: number; doc: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', probe, BIN, 'validate', target, '--json'], { cwd: work, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = /max-rss-kb (\d+)/.exec(stderr)?.[1];
      if ((code !== 0 && code !== 1) || kb === undefined) reject(new Error(`validate ${target} exited ${code}: ${stderr}`));
      else resolve({ mb: Number(kb) / 1024, doc: JSON.parse(stdout) });
    });
  });
}

/** The files that take the most memory (bench/hostile.mjs measures every one of denseFiles()). */
const HEAVIEST = ['keys-with-lists.md', 'flow-list.md', 'flow.md', 'nested-items.md', 'long-description.md', 'many-keys.md', 'commas.md', 'tags.md'];

describe('memory per file', () => {
  it('the densest files of at most 1 MiB validate within 100 MB of memory each', async () => {
    const all: Record<string, string> = denseFiles();
    const files = Object.fromEntries(HEAVIEST.map((name) => [name, all[name]!]));
    const empty = path.join(work, 'empty');
    mkdirSync(empty);
    for (const [name, text] of Object.entries(files)) {
      expect(Buffer.byteLength(text), name).toBeLessThanOrEqual(MIB);
      writeFileSync(path.join(work, name), text);
    }
    const baseline = (await validate(empty)).mb;
    // Two at a time: the machine has two cores, and each process measures only itself.
    const names = Object.keys(files);
    const growth: Record<string, number> = {};
    for (let i = 0; i < names.length; i += 2) {
      const pair = names.slice(i, i + 2);
      const runs = await Promise.all(pair.map((name) => validate(path.join(work, name))));
      pair.forEach((name, j) => {
        growth[name] = Math.round(runs[j]!.mb - baseline);
        expect(runs[j]!.doc.files, name).toBe(1);
      });
    }
    const over = Object.entries(growth).filter(([, mb]) => mb > 100);
    expect(over, JSON.stringify(growth)).toEqual([]);
  }, 120_000);
});
