/**
 * The user's `git`, run without a shell and without prompts, for git sources: `ls-remote` to
 * resolve refs, a shallow fetch of one commit into a temporary bare repository, and reads of
 * trees and blobs from it. Never a full clone, never a checkout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seconds } from '../duration.js';
import { milliseconds } from '../env.js';
import { AgentInstallError } from '../errors.js';
import { MAX_AGENT_FILE_BYTES } from './bounded-read.js';

/** Default limit for one git command; `AGENT_INSTALL_GIT_TIMEOUT` (milliseconds) overrides it. */
export const DEFAULT_GIT_TIMEOUT_MS = 120_000;

/** Transports git may use. `ext::` (runs a command) and everything unknown stay off. */
const SAFE_PROTOCOLS = ['https', 'http', 'ssh', 'git'];

/** Variables that would point git at some other repository than the temporary one. */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

export interface GitOptions {
  env: Record<string, string | undefined>;
  /** `file://` repositories are allowed only when the user asked for one (`git+file://`). */
  allowFile?: boolean;
}

/** What failed, for {@link classifyGitFailure}. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
    readonly timedOut: boolean,
    readonly notInstalled = false,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

export function gitTimeoutMs(env: Record<string, string | undefined>): number {
  return milliseconds(env, 'AGENT_INSTALL_GIT_TIMEOUT', DEFAULT_GIT_TIMEOUT_MS);
}

/**
 * `-c` options in front of every git command: only known-safe transports (plus `file` when asked
 * for), no askpass program, no hooks, pathspecs taken literally.
 */
export function gitSafetyArgs(allowFile: boolean): string[] {
  return [
    '-c',
    'protocol.allow=never',
    ...SAFE_PROTOCOLS.flatMap((p) => ['-c', `protocol.${p}.allow=always`]),
    '-c',
    `protocol.file.allow=${allowFile ? 'always' : 'never'}`,
    '-c',
    'protocol.ext.allow=never',
    '-c',
    'core.askPass=',
    '-c',
    'core.hooksPath=/dev/null',
    '--literal-pathspecs',
  ];
}

/**
 * The environment git runs in: the user's (credential helpers, `insteadOf`, proxies, SSH agent
 * keep working) minus anything that could prompt or redirect git to another repository.
 * `sshCommand` is the user's `core.sshCommand`, if any: then their own ssh command is left alone.
 */
export function gitEnv(env: Record<string, string | undefined>, sshCommand?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  for (const key of [...REPOSITORY_VARIABLES, 'GIT_ASKPASS', 'SSH_ASKPASS']) delete out[key];
  out.GIT_TERMINAL_PROMPT = '0';
  out.GIT_PROTOCOL_FROM_USER = '0';
  out.GCM_INTERACTIVE = 'never';
  out.SSH_ASKPASS_REQUIRE = 'never';
  // English messages, so that failures can be told apart.
  out.LC_ALL = 'C';
  out.LANGUAGE = 'C';
  // ssh asks on /dev/tty even without a terminal on stdin; BatchMode makes it fail instead.
  if (!out.GIT_SSH_COMMAND && !out.GIT_SSH && !sshCommand) out.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes';
  return out;
}

interface RunOptions extends GitOptions {
  /** Written to git's stdin. */
  input?: string;
  /** Abort once stdout grows past this (default 64 MiB). */
  maxBytes?: number;
  /** Sets `--git-dir`. */
  gitDir?: string;
  cwd?: string;
}

const sshCommands = new WeakMap<object, Promise<string | undefined>>();

/** The user's `core.sshCommand`, looked up once per environment (= per command run). */
function configuredSshCommand(options: GitOptions): Promise<string | undefined> {
  if (options.env.GIT_SSH_COMMAND || options.env.GIT_SSH) return Promise.resolve(undefined);
  let found = sshCommands.get(options.env);
  if (found) return found;
  found = spawnGit(['config', '--get', 'core.sshCommand'], gitEnv(options.env, 'unset'), { cwd: tmpdir(), timeoutMs: 10_000, maxBytes: 65_536 }).then(
    (out) => out.toString('utf8').trim() || undefined,
    () => undefined,
  );
  sshCommands.set(options.env, found);
  return found;
}

function spawnGit(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; input?: string; timeoutMs: number; maxBytes: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env, cwd: options.cwd ?? tmpdir(), stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const out: Buffer[] = [];
    let outSize = 0;
    let err = '';
    let timedOut = false;
    let overflow = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outSize += chunk.length;
      if (outSize > options.maxBytes) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 65_536) err += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {
      /* git exited before reading everything: reported through its exit status */
    });
    child.stdin.end(options.input ?? '');
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const missing = error.code === 'ENOENT';
      reject(new GitCommandError(missing ? 'git is not installed' : error.message, args, '', null, false, missing));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      // The subcommand, past `-c name=value` and `--git-dir=…`.
      const what = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c') ?? '';
      if (timedOut) return reject(new GitCommandError(`git ${what} timed out after ${seconds(options.timeoutMs)}`, args, err, code, true));
      if (overflow) return reject(new GitCommandError(`git ${what} printed more than ${options.maxBytes} bytes`, args, err, code, false));
      if (code !== 0) return reject(new GitCommandError(err.trim() || `git exited with ${code}`, args, err, code, false));
      resolve(Buffer.concat(out, outSize));
    });
  });
}

/** Runs `git <safety options> [--git-dir=…] <args>` and returns stdout. Throws {@link GitCommandError}. */
export async function runGit(args: string[], options: RunOptions): Promise<Buffer> {
  const env = gitEnv(options.env, await configuredSshCommand(options));
  const full = [...gitSafetyArgs(options.allowFile === true), ...(options.gitDir ? [`--git-dir=${options.gitDir}`] : []), ...args];
  return spawnGit(full, env, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    timeoutMs: gitTimeoutMs(options.env),
    maxBytes: options.maxBytes ?? 64 * 1_048_576,
  });
}

/** One line of `git ls-remote`. */
export interface RemoteRef {
  /** `HEAD`, `refs/heads/main`, `refs/tags/v1.0.0`, `refs/tags/v1.0.0^{}` (peeled). */
  ref: string;
  oid: string;
}

export function parseLsRemote(text: string): RemoteRef[] {
  const refs: RemoteRef[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{40,64})\t(\S.*)$/.exec(line);
    if (match) refs.push({ oid: match[1]!, ref: match[2]! });
  }
  return refs;
}

export type GitFailure = 'NETWORK' | 'REPO_NOT_FOUND' | 'GIT_AUTH' | 'REF_NOT_FOUND' | 'GIT_NOT_INSTALLED' | 'GIT_FAILED';

/** Tells what went wrong from git's (English) stderr. */
export function classifyGitFailure(error: GitCommandError): GitFailure {
  if (error.notInstalled) return 'GIT_NOT_INSTALLED';
  if (error.timedOut) return 'NETWORK';
  const text = error.stderr;
  if (
    /could not read (Username|Password)|terminal prompts disabled|Authentication failed|Permission denied \(|Host key verification failed|HTTP Basic: Access denied|returned error: 40[13]/i.test(
      text,
    )
  ) {
    return 'GIT_AUTH';
  }
  if (
    /Could not resolve host|Could not resolve hostname|Connection refused|Connection timed out|Network is unreachable|unable to connect|Failed to connect|Operation timed out|Connection reset|SSL|TLS|proxy|Couldn't connect|early EOF|unexpected disconnect/i.test(
      text,
    )
  ) {
    return 'NETWORK';
  }
  if (/not our ref|couldn't find remote ref|no such ref|unadvertised object|invalid refspec/i.test(text)) return 'REF_NOT_FOUND';
  if (
    /repository .* not found|Repository not found|no such repository|does not appear to be a git repository|not exported|returned error: 404|No such file or directory|not found|does not exist/i.test(
      text,
    )
  ) {
    return 'REPO_NOT_FOUND';
  }
  return 'GIT_FAILED';
}

/** The first lines of git's complaint, for messages. */
function gitSaid(error: GitCommandError): string {
  const lines = error.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(hint:|From |\* )/.test(l));
  return lines.slice(0, 3).join(' ') || error.message;
}

/** An {@link AgentInstallError} for a failed git command against `display` (the repository as the user wrote it). */
export function gitError(error: unknown, display: string): AgentInstallError {
  if (error instanceof AgentInstallError) return error;
  if (!(error instanceof GitCommandError)) {
    return new AgentInstallError(`git failed for ${display}: ${(error as Error)?.message ?? String(error)}`, { code: 'GIT_FAILED', cause: error });
  }
  const kind = classifyGitFailure(error);
  const said = gitSaid(error);
  switch (kind) {
    case 'GIT_NOT_INSTALLED':
      return new AgentInstallError('git sources need git, and `git` was not found on the PATH.', {
        code: 'GIT_NOT_INSTALLED',
        hint: 'Install git (https://git-scm.com) and try again.',
        cause: error,
      });
    case 'NETWORK':
      return new AgentInstallError(`Cannot reach ${display}: ${error.timedOut ? error.message : said}`, {
        code: 'NETWORK',
        hint: error.timedOut
          ? 'Check your connection; AGENT_INSTALL_GIT_TIMEOUT (milliseconds) raises the limit. Without a network use --offline, which installs from the cache.'
          : 'Check the host name and your connection (and proxy settings). Without a network use --offline, which installs from the cache.',
        cause: error,
        details: { repository: display },
      });
    case 'GIT_AUTH':
      return new AgentInstallError(`Access to ${display} was denied: ${said}`, {
        code: 'GIT_AUTH',
        hint: 'agent-install uses your git credentials but never prompts: set up a credential helper (https) or an SSH key in your agent (ssh), and check that `git ls-remote` works for this URL.',
        cause: error,
        details: { repository: display },
      });
    case 'REPO_NOT_FOUND':
      return new AgentInstallError(`Repository not found: ${display} (${said})`, {
        code: 'REPO_NOT_FOUND',
        hint: 'Check the owner, name and host. A private repository also looks like this when your git credentials do not reach it.',
        cause: error,
        details: { repository: display },
      });
    case 'REF_NOT_FOUND':
      return new AgentInstallError(`${display}: ${said}`, {
        code: 'REF_NOT_FOUND',
        hint: 'Check the tag, branch or commit.',
        cause: error,
        details: { repository: display },
      });
    default:
      return new AgentInstallError(`git failed for ${display}: ${said}`, {
        code: 'GIT_FAILED',
        hint: 'Run the same with `git ls-remote <url>` to see what git says.',
        cause: error,
      });
  }
}

/** `git ls-remote <url> [patterns]`. */
export async function lsRemote(url: string, patterns: string[], options: GitOptions): Promise<RemoteRef[]> {
  const out = await runGit(['ls-remote', '--end-of-options', url, ...patterns], options);
  return parseLsRemote(out.toString('utf8'));
}

/** One entry of `git ls-tree -r -l`: only blobs, symbolic links and submodules appear. */
export interface TreeEntry {
  /** `100644`, `100755` (files), `120000` (symbolic link), `160000` (submodule). */
  mode: string;
  type: 'blob' | 'commit' | 'tree';
  oid: string;
  /** Bytes, for blobs. */
  size: number | null;
  /** Full path inside the repository, `/`-separated. */
  path: string;
}

export function parseLsTree(output: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.toString('utf8').split('\0')) {
    const match = /^(\d{6}) (blob|tree|commit) ([0-9a-f]{40,64}) +(-|\d+)\t([\s\S]+)$/.exec(record);
    if (!match) continue;
    entries.push({ mode: match[1]!, type: match[2] as TreeEntry['type'], oid: match[3]!, size: match[4] === '-' ? null : Number(match[4]), path: match[5]! });
  }
  return entries;
}

/** A temporary bare repository holding one fetched commit. */
export interface FetchedCommit {
  /** The full commit id. */
  commit: string;
  /** Files (recursively) at `dir` (the root when empty), or the one file at `dir`. */
  listTree(dir: string): Promise<TreeEntry[]>;
  /**
   * The bytes of these blobs, by id. Each must be at most `maxBlobBytes` (default 1 MiB, the size
   * of an agent file; callers check `size` from {@link listTree} first): git's output is bounded by
   * it, and a larger blob is an error, never read whole.
   */
  readBlobs(oids: string[], maxBlobBytes?: number): Promise<Map<string, Buffer>>;
}

export interface FetchOptions extends GitOptions {
  /** Progress for humans (the fetch may take a moment). */
  progress?: (message: string) => void;
  /** The repository as the user wrote it, for messages. */
  display: string;
}

/**
 * Fetches `want` (a full ref name such as `refs/tags/v1.0.0`, `HEAD`, or a full commit id) with
 * `--depth 1` into a temporary bare repository, runs `use` on it and removes it again.
 * A server that refuses a commit that is not the tip of a ref (protocol v0 without
 * `uploadpack.allowAnySHA1InWant`) is fetched from in full instead, once.
 */
export async function withFetchedCommit<T>(url: string, want: string, options: FetchOptions, use: (fetched: FetchedCommit) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-install-git-'));
  try {
    const git = (args: string[], extra: Partial<RunOptions> = {}) => runGit(args, { ...options, gitDir: dir, cwd: dir, ...extra });
    try {
      await runGit(['init', '--bare', '--quiet', '--template=', dir], { ...options, cwd: dir });
      options.progress?.(`Fetching ${options.display}${want === 'HEAD' ? '' : ` (${want.replace(/^refs\/(tags|heads)\//, '')})`}…`);
      try {
        await git(['fetch', '--quiet', '--no-tags', '--depth', '1', '--end-of-options', url, `+${want}:refs/agent-install/want`]);
      } catch (error) {
        const unadvertised =
          error instanceof GitCommandError && /unadvertised object|not our ref|allowAnySHA1InWant|allowReachableSHA1InWant/i.test(error.stderr);
        if (!unadvertised || !/^[0-9a-f]{40,64}$/.test(want)) throw error;
        await git([
          'fetch',
          '--quiet',
          '--no-tags',
          '--end-of-options',
          url,
          '+refs/heads/*:refs/agent-install/heads/*',
          '+refs/tags/*:refs/agent-install/tags/*',
        ]);
        await git(['cat-file', '-e', `${want}^{commit}`]).catch(() => {
          throw new GitCommandError(`not our ref ${want}`, [], `fatal: not our ref ${want}`, 128, false);
        });
        await git(['update-ref', 'refs/agent-install/want', want]);
      }
    } catch (error) {
      throw gitError(error, options.display);
    }
    const commit = (await git(['rev-parse', '--verify', '--end-of-options', 'refs/agent-install/want^{commit}'])).toString('utf8').trim();
    const fetched: FetchedCommit = {
      commit,
      async listTree(dirInRepo) {
        try {
          const out = await git(['ls-tree', '-r', '-l', '-z', '--full-tree', commit, ...(dirInRepo === '' ? [] : ['--', dirInRepo])]);
          return parseLsTree(out);
        } catch (error) {
          throw gitError(error, options.display);
        }
      },
      async readBlobs(wanted, maxBlobBytes = MAX_AGENT_FILE_BYTES) {
        const blobs = new Map<string, Buffer>();
        const oids = [...new Set(wanted)]; // a hundred files with the same bytes are one blob, read once
        if (oids.length === 0) return blobs;
        let out: Buffer;
        try {
          // Each blob: a header line, at most maxBlobBytes, a line feed.
          out = await git(['cat-file', '--batch'], { input: `${oids.join('\n')}\n`, maxBytes: oids.length * (maxBlobBytes + 128) });
        } catch (error) {
          throw gitError(error, options.display);
        }
        let at = 0;
        while (at < out.length) {
          const newline = out.indexOf(0x0a, at);
          if (newline < 0) break;
          const header = out.subarray(at, newline).toString('utf8');
          const match = /^([0-9a-f]{40,64}) blob (\d+)$/.exec(header);
          if (!match) throw new AgentInstallError(`Unexpected output from git cat-file: ${header}`, { code: 'GIT_FAILED' });
          const size = Number(match[2]);
          if (size > maxBlobBytes) {
            throw new AgentInstallError(
              `${options.display}: blob ${match[1]} is ${size.toLocaleString('en-US')} bytes, more than ${maxBlobBytes.toLocaleString('en-US')}.`,
              {
                code: 'TOO_LARGE',
                details: { repository: options.display, blob: match[1], size, limit: maxBlobBytes },
              },
            );
          }
          blobs.set(match[1]!, out.subarray(newline + 1, newline + 1 + size));
          at = newline + 1 + size + 1;
        }
        return blobs;
      },
    };
    return await use(fetched);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
