#!/usr/bin/env node
'use strict';
// Tiny on purpose: `--version` and `--help` answer from package.json and a help text rendered at
// build time without loading the CLI. Everything else loads dist/cli.cjs — CommonJS, so that no
// ES module loader has to start — with Node's compile cache where Node has one (see loadCli).
const { fstatSync, readFileSync, writeSync } = require('node:fs');
const path = require('node:path');

/**
 * Output written straight to file descriptors 1 and 2, synchronously, without loading
 * node:stream (about 1 ms) for a few lines. A reader that went away (`| head -1`) or a closed
 * descriptor ends that output quietly. A non-blocking descriptor (EAGAIN) switches both outputs
 * to the process streams, which queue what they cannot write yet, in order. Windows consoles
 * need Node's own streams (code pages, colour), so there the streams are used from the start.
 * Any other failure to write (ENOSPC on `> /dev/full`) is thrown to the CLI, which reports it in
 * one line; a stream reports it later, so it is reported here the same way.
 */
const useStreams = { now: process.platform === 'win32' };
function output(fd, name) {
  let closed = false;
  let tty;
  let listening = false;
  const viaStream = (data) => {
    const stream = process[name];
    if (!listening) {
      listening = true;
      stream.on('error', (error) => {
        closed = true;
        if (error.code !== 'EPIPE' && error.code !== 'EBADF' && name === 'stdout') stdoutFailed(error);
      });
    }
    stream.write(data);
  };
  return {
    /** Asked only when colour is undecided; on Linux and macOS files and pipes are answered without loading node:tty. */
    get isTTY() {
      if (tty === undefined) {
        try {
          tty = (process.platform === 'win32' || fstatSync(fd).isCharacterDevice()) && require('node:tty').isatty(fd);
        } catch {
          tty = false;
        }
      }
      return tty;
    },
    write(text) {
      if (closed) return;
      if (useStreams.now) return viaStream(text);
      const bytes = Buffer.from(text, 'utf8');
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(fd, bytes, done);
      } catch (error) {
        if (error.code === 'EPIPE' || error.code === 'EBADF') closed = true;
        else if (error.code === 'EAGAIN') {
          useStreams.now = true;
          viaStream(bytes.subarray(done));
        } else throw error;
      }
    },
  };
}

/** What the CLI says when stdout cannot be written (src/cli/main.ts, OutputFailed): one line, exit 1. */
function stdoutFailed(error) {
  process.exitCode = 1;
  try {
    writeSync(2, `error Cannot write to standard output: ${error.message}\n`);
  } catch {
    /* stderr is gone too */
  }
}

/**
 * The user's cache folder and the existing folder below which it may be made, or null: the rules
 * of src/core/io/cache.ts's cacheLocation (a test keeps them equal).
 */
function userCacheLocation(env, platform = process.platform) {
  if (env.AGENT_INSTALL_CACHE) {
    const dir = path.resolve(env.AGENT_INSTALL_CACHE);
    return { dir, anchor: path.dirname(dir) };
  }
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) {
    return { dir: path.join(env.XDG_CACHE_HOME, 'agent-install'), anchor: path.dirname(env.XDG_CACHE_HOME) };
  }
  if (platform === 'win32' && env.LOCALAPPDATA) return { dir: path.join(env.LOCALAPPDATA, 'agent-install', 'Cache'), anchor: path.dirname(env.LOCALAPPDATA) };
  const home = env.HOME ?? require('node:os').homedir();
  if (!path.isAbsolute(home)) return null;
  if (platform === 'darwin') return { dir: path.join(home, 'Library', 'Caches', 'agent-install'), anchor: home };
  if (platform === 'win32') return { dir: path.join(home, 'AppData', 'Local', 'agent-install', 'Cache'), anchor: home };
  return { dir: path.join(home, '.cache', 'agent-install'), anchor: home };
}

/**
 * Makes `dir` one level at a time below `anchor`, which must exist: Node's own recursive mkdir
 * (which the compile cache would use) loops for ever where every create answers ENOENT (/proc).
 */
function makeFoldersBelow(anchor, dir) {
  const { mkdirSync, statSync } = require('node:fs');
  if (!statSync(anchor).isDirectory()) throw new Error(`${anchor} is not a folder`);
  let current = anchor;
  for (const level of path.relative(anchor, dir).split(path.sep)) {
    if (level === '' || level === '..') throw new Error(`${dir} is not inside ${anchor}`);
    current = path.join(current, level);
    try {
      mkdirSync(current);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Requires dist/cli.cjs. Where Node has module.enableCompileCache (22.8 and later), Node keeps
 * the bytecode V8 compiles in the user cache (`code-v1/`), so later runs do not compile the same
 * functions again; NODE_DISABLE_COMPILE_CACHE=1 turns it off. A cache that cannot be used costs
 * only speed.
 */
function loadCli() {
  const { enableCompileCache } = module.constructor;
  if (typeof enableCompileCache === 'function') {
    try {
      const location = userCacheLocation(process.env);
      if (location !== null) {
        const dir = path.join(location.dir, 'code-v1');
        makeFoldersBelow(location.anchor, dir);
        enableCompileCache(dir);
      }
    } catch {
      // no cache: only slower
    }
  }
  return require(path.join(__dirname, '..', 'dist', 'cli.cjs'));
}

/** Standard input, asked only whether it is a terminal (prompts; see the CLI's `ask`). */
function input() {
  let tty;
  return {
    get isTTY() {
      if (tty === undefined) {
        try {
          tty = (process.platform === 'win32' || fstatSync(0).isCharacterDevice()) && require('node:tty').isatty(0);
        } catch {
          tty = false;
        }
      }
      return tty;
    },
  };
}

function start() {
  const args = process.argv.slice(2);
  const only = args.length === 1 ? args[0] : undefined;
  const stdout = output(1, 'stdout');
  const print = (text) => {
    try {
      stdout.write(text);
    } catch (error) {
      stdoutFailed(error);
    }
  };
  if (only === '--version' || only === '-V') {
    print(`${JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
  } else if (only === '--help' || only === '-h') {
    print(readFileSync(path.join(__dirname, '..', 'dist', 'help.txt'), 'utf8'));
  } else {
    loadCli()
      .main(args, { stdout, stderr: output(2, 'stderr'), stdin: input(), cwd: process.cwd(), env: process.env })
      .then((code) => {
        process.exitCode = code;
      });
  }
}

if (require.main === module) start();
else module.exports = { userCacheLocation };
