#!/usr/bin/env node
'use strict';
// Tiny on purpose, and CommonJS so that `--version` and `--help` do not even start the ES module
// loader: they answer from package.json and a help text rendered at build time. Everything else
// loads dist/cli.js.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else if (only === '--help' || only === '-h') {
  process.stdout.write(readFileSync(path.join(__dirname, '..', 'dist', 'help.txt'), 'utf8'));
} else {
  import('../dist/cli.js')
    .then(({ main }) => main(args, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env }))
    .then((code) => {
      process.exitCode = code;
    });
}
