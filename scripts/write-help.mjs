// Renders the top-level help once at build time into dist/help.txt, which the bin shim prints
// for `agent-install --help` without loading the CLI.
import { writeFileSync } from 'node:fs';
import { main } from '../dist/cli.js';

let text = '';
const sink = { write: (chunk) => (text += chunk) };
const code = await main(['--help'], { stdout: sink, stderr: sink, cwd: process.cwd(), env: { NO_COLOR: '1' } });
if (code !== 0 || !text.includes('Usage: agent-install')) throw new Error(`could not render help (exit ${code}):\n${text}`);
writeFileSync(new URL('../dist/help.txt', import.meta.url), text);
