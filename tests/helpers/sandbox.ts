import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { main } from '../../src/cli/main.js';

/** A file tree literal: paths → contents. */
export type Tree = Record<string, string | Uint8Array>;

export function writeTree(root: string, tree: Tree): void {
  for (const [relative, contents] of Object.entries(tree)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json: () => any;
}

export interface Sandbox {
  /** The project folder (a git repository unless `git: false`). */
  project: string;
  /** Temporary HOME; the user scope is `<home>/.claude`. */
  home: string;
  root: string;
  env: Record<string, string | undefined>;
  write(tree: Tree, base?: string): void;
  read(relative: string, base?: string): string;
  exists(relative: string, base?: string): boolean;
  run(argv: string[], options?: RunOptions): Promise<RunResult>;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  packageRoot?: string;
  /**
   * Runs as on a terminal: stdin and stdout are TTYs, and each prompt takes the next answer
   * (null: input ended). The questions asked are pushed to `asked`. (`CI` must be unset in
   * `env` for a prompt to happen.)
   */
  tty?: { answers: Array<string | null>; asked?: string[] };
}

/** A temporary project and HOME, removed when the test finishes. */
export function makeSandbox(
  options: { git?: boolean; tree?: Tree /** A package root with its own `agents/` registry. */; packageRoot?: string } = {},
): Sandbox {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-test-')));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const project = path.join(root, 'project');
  const home = path.join(root, 'home');
  mkdirSync(project, { recursive: true });
  mkdirSync(home, { recursive: true });
  if (options.git !== false) mkdirSync(path.join(project, '.git'));
  if (options.tree) writeTree(project, options.tree);
  const env: Record<string, string | undefined> = { HOME: home, PATH: process.env.PATH, CI: 'true' };
  const sandbox: Sandbox = {
    project,
    home,
    root,
    env,
    write: (tree, base = project) => writeTree(base, tree),
    read: (relative, base = project) => readFileSync(path.join(base, relative), 'utf8'),
    exists: (relative, base = project) => existsSync(path.join(base, relative)),
    async run(argv, runOptions = {}) {
      const packageRoot = runOptions.packageRoot ?? options.packageRoot;
      let stdout = '';
      let stderr = '';
      const tty = runOptions.tty;
      const exitCode = await main(argv, {
        stdout: { write: (t: string) => (stdout += t), ...(tty ? { isTTY: true } : {}) },
        stderr: { write: (t: string) => (stderr += t) },
        ...(tty
          ? {
              stdin: { isTTY: true },
              ask: async (question: string) => {
                tty.asked?.push(question);
                stderr += question;
                return tty.answers.length > 0 ? (tty.answers.shift() ?? null) : null;
              },
            }
          : {}),
        cwd: runOptions.cwd ?? project,
        env: { ...env, ...runOptions.env },
        ...(packageRoot ? { packageRoot } : {}),
      });
      return { exitCode, stdout, stderr, json: () => JSON.parse(stdout) };
    },
  };
  return sandbox;
}

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SEED = readFileSync(path.join(REPO_ROOT, 'agents', 'fastapi-backend-builder', '1.0.0.md'));

/** A minimal valid agent file. */
export function agentText(name: string, extra = '', body = `You are ${name}.\n`): string {
  return `---\nname: ${name}\ndescription: Agent ${name} for tests.\n${extra}---\n\n${body}`;
}

/** The bytes of `file` are exactly `expected` (reported as text, not as a byte dump). */
export function sameBytes(file: string, expected: Uint8Array): boolean {
  return readFileSync(file).equals(expected);
}
export const LATEST = readFileSync(path.join(REPO_ROOT, 'agents', 'fastapi-backend-builder', '1.1.0.md'));
