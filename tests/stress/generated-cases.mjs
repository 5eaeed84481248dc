// The generated (differential) tests of tests/unit/agent-file.test.ts — the fast reader, the full
// reader and the lenient retry held to the yaml package — at ten times (or argv[2] times) the
// number of cases the default suite runs.
// Usage: node tests/stress/generated-cases.mjs [scale]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scale = process.argv[2] ?? '10';
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(
  process.execPath,
  [vitest, 'run', 'tests/unit/agent-file.test.ts', '--reporter=default', '-t', 'generated (frontmatters|texts)|quotes exactly what the retry'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TEST_CASES_SCALE: scale } },
);
process.exitCode = result.status ?? 1;
