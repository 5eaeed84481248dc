#!/usr/bin/env node
'use strict';
// Tiny on purpose: `--version` and `--help` answer from package.json and a help text rendered at
// build time without loading the CLI. Everything else loads dist/cli.cjs — CommonJS, so that no
// ES module loader has to start — with V8's code cache (see loadCli).
const { fstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } = require('node:fs');
const path = require('node:path');

/**
 * Output written straight to file descriptors 1 and 2, synchronously, without loading
 * node:stream (about 1 ms) for a few lines. A reader that went away (`| head -1`) or a closed
 * descriptor ends that output quietly. A non-blocking descriptor (EAGAIN) switches both outputs
 * to the process streams, which queue what they cannot write yet, in order. Windows consoles
 * need Node's own streams (code pages, colour), so there the streams are used from the start.
 */
const useStreams = { now: process.platform === 'win32' };
function output(fd, name) {
  let closed = false;
  let tty;
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
      if (useStreams.now) return void process[name].write(text);
      const bytes = Buffer.from(text, 'utf8');
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(fd, bytes, done);
      } catch (error) {
        if (error.code === 'EPIPE' || error.code === 'EBADF') closed = true;
        else if (error.code === 'EAGAIN') {
          useStreams.now = true;
          process[name].write(bytes.subarray(done));
        } else throw error;
      }
    },
  };
}

/** The user's cache folder for agent-install: the rules of src/core/io/cache.ts's cacheDir (a test keeps them equal). */
function userCacheDir(env, platform = process.platform) {
  const home = () => env.HOME ?? require('node:os').homedir();
  if (env.AGENT_INSTALL_CACHE) return path.resolve(env.AGENT_INSTALL_CACHE);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'agent-install');
  if (platform === 'darwin') return path.join(home(), 'Library', 'Caches', 'agent-install');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home(), 'AppData', 'Local'), 'agent-install', 'Cache');
  return path.join(home(), '.cache', 'agent-install');
}

/**
 * Requires dist/cli.cjs with V8's code cache: the bytecode of every function a previous run of
 * the same command compiled is kept in the user cache (`code-v1/`), so that start-up does not
 * compile them again (about 1.5 ms of a 25 ms `list`). Node ≥ 22.1 does this itself, for every
 * file (module.enableCompileCache). On Node 20 the file is compiled as Node's loader would — the
 * same wrapper, registered in require.cache before it runs, so the other dist files that require
 * it get this very module — but through vm.Script, which takes cached data. The cache file is
 * named after the Node version and the size and time of dist/cli.cjs, so a rebuilt or updated
 * CLI never meets old bytecode; V8 rejects data that does not fit, and then the file is compiled
 * and the cache written again. `list` has its own cache file, every other command shares one.
 * NODE_DISABLE_COMPILE_CACHE (Node's own switch) turns it off.
 * Returns the module and a function that saves the cache when it was missing or rejected.
 */
function loadCli(command) {
  const file = path.join(__dirname, '..', 'dist', 'cli.cjs');
  const Module = module.constructor;
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return { cli: require(file), save() {} };
  let dir;
  let stat;
  try {
    dir = path.join(userCacheDir(process.env), 'code-v1');
    stat = statSync(file);
  } catch {
    return { cli: require(file), save() {} };
  }
  if (typeof Module.enableCompileCache === 'function') {
    try {
      Module.enableCompileCache(dir);
    } catch {
      // no cache: only slower
    }
    return { cli: require(file), save() {} };
  }
  const stamp = `${process.version}-${process.arch}-`;
  const name = `${stamp}${stat.size}-${Math.trunc(stat.mtimeMs)}-${command === 'list' ? 'list' : 'other'}.bin`;
  let cachedData;
  try {
    cachedData = readFileSync(path.join(dir, name));
  } catch {
    // first run of this command
  }
  const vm = require('node:vm');
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n});`;
  const script = new vm.Script(source, { filename: file, cachedData });
  const cli = new Module(file, module);
  cli.filename = file;
  cli.paths = []; // it requires only its own files and Node's
  require.cache[file] = cli;
  script.runInThisContext().call(cli.exports, cli.exports, (id) => cli.require(id), cli, file, path.dirname(file));
  cli.loaded = true;
  return {
    cli: cli.exports,
    save() {
      if (cachedData && !script.cachedDataRejected) return;
      const temp = path.join(dir, `.${name}.${process.pid}.tmp`);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, path.join(dir, name));
        // Bytecode for an older dist/cli.cjs under this Node is never used again.
        for (const old of readdirSync(dir)) if (old.startsWith(stamp) && !old.startsWith(name.slice(0, name.lastIndexOf('-')))) unlinkSync(path.join(dir, old));
      } catch {
        // a cache that cannot be written is only slower next time
        try {
          unlinkSync(temp);
        } catch {
          // never written
        }
      }
    },
  };
}

function start() {
  const args = process.argv.slice(2);
  const only = args.length === 1 ? args[0] : undefined;
  const stdout = output(1, 'stdout');
  if (only === '--version' || only === '-V') {
    stdout.write(`${JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
  } else if (only === '--help' || only === '-h') {
    stdout.write(readFileSync(path.join(__dirname, '..', 'dist', 'help.txt'), 'utf8'));
  } else {
    const { cli, save } = loadCli(args[0]);
    cli.main(args, { stdout, stderr: output(2, 'stderr'), cwd: process.cwd(), env: process.env }).then((code) => {
      process.exitCode = code;
      save();
    });
  }
}

if (require.main === module) start();
else module.exports = { userCacheDir };
