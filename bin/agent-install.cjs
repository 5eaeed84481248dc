#!/usr/bin/env node
'use strict';
// Tiny on purpose: `--version` and `--help` answer from package.json and a help text rendered at
// build time without loading the CLI. Everything else loads dist/cli.cjs — CommonJS, so that no
// ES module loader has to start.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else if (only === '--help' || only === '-h') {
  process.stdout.write(readFileSync(path.join(__dirname, '..', 'dist', 'help.txt'), 'utf8'));
} else {
  require('../dist/cli.cjs')
    .main(args, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env })
    .then((code) => {
      process.exitCode = code;
    });
}
