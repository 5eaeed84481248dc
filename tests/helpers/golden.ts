import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT, type Sandbox } from './sandbox.js';

/** Where golden files live; `UPDATE_GOLDEN=1` rewrites them from the runs instead of comparing. */
export const GOLDEN_DIR = path.join(REPO_ROOT, 'tests', 'fixtures', 'golden');
export const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** What one command printed: each stream, and both in the order they were written (as a terminal shows them). */
export interface Transcript {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  both: string;
}

/** Runs the CLI in-process in the sandbox, keeping stdout and stderr apart and interleaved. */
export async function runCli(sb: Sandbox, argv: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<Transcript> {
  let stdout = '';
  let stderr = '';
  let both = '';
  const exitCode = await main(argv, {
    stdout: {
      write: (t: string) => {
        stdout += t;
        both += t;
      },
    },
    stderr: {
      write: (t: string) => {
        stderr += t;
        both += t;
      },
    },
    cwd: options.cwd ?? sb.project,
    env: { ...sb.env, ...options.env },
  });
  return { argv, exitCode, stdout, stderr, both };
}

/**
 * Output with what differs between runs replaced: the sandbox's folders by the README's
 * `/home/me/shop` (the project) and `/home/me` (the home folder), integrity hashes, other sha256
 * and commit ids, dates, loopback ports and timings.
 */
export function normalise(text: string, sb: Sandbox): string {
  return text
    .split(sb.project)
    .join('/home/me/shop')
    .split(sb.home)
    .join('/home/me')
    .split(sb.root)
    .join('/tmp/sandbox')
    .replace(/sha256-[A-Za-z0-9+/]{43}=/g, 'sha256-<hash>')
    .replace(/sha512-[A-Za-z0-9+/]{86}==/g, 'sha512-<hash>')
    .replace(/\b[0-9a-f]{64}\b/g, '<sha256>')
    .replace(/\b[0-9a-f]{40}\b/g, '<commit>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<date>')
    .replace(/(127\.0\.0\.1|localhost):\d+/g, '$1:<port>')
    .replace(/\b\d+(\.\d+)? ?ms\b/g, '<n> ms');
}

/** One transcript as a section of a golden file. */
export function section(title: string, t: Transcript, sb: Sandbox): string {
  const block = (name: string, text: string) => (text === '' ? `--- ${name}: (empty)\n` : `--- ${name}:\n${normalise(text, sb).replace(/\n?$/, '\n')}`);
  const words = t.argv.map((w) => (/^[\w@%+=:,./^~-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`));
  return `=== ${title}\n$ agent-install ${words.join(' ')}\n--- exit ${t.exitCode}\n${block('stdout', t.stdout)}${block('stderr', t.stderr)}`;
}

/** Compares `actual` with the golden file `name` (or writes it, with UPDATE_GOLDEN=1). */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file))
    throw new Error(`No golden file ${path.relative(REPO_ROOT, file)}: run \`UPDATE_GOLDEN=1 npx vitest run tests/golden\` and review it.`);
  expect(actual, `${path.relative(REPO_ROOT, file)} (regenerate with UPDATE_GOLDEN=1 after checking the change is wanted)`).toBe(readFileSync(file, 'utf8'));
}
