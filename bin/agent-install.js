#!/usr/bin/env node
// Tiny on purpose: `--version` and `--help` answer from two small files without loading the CLI,
// so they start as fast as node itself. Everything else loads dist/cli.js.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;
if (only === '--version' || only === '-V') {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else if (only === '--help' || only === '-h') {
  process.stdout.write(readFileSync(new URL('../dist/help.txt', import.meta.url), 'utf8'));
} else {
  const { main } = await import('../dist/cli.js');
  process.exitCode = await main(args, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
}
