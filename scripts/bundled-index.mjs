// Validates every file of the bundled registry with the built rules and writes
// dist/bundled-index.json (name → version → integrity). The build fails if any bundled agent has
// an error or a warning, or is not named after its folder. At run time, `add` trusts exactly these
// bytes without parsing them again.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkAgentBytes } from '../dist/validate.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const semverFile = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?\.md$/;
const index = {};
const problems = [];
for (const name of readdirSync(path.join(root, 'agents')).sort()) {
  for (const file of readdirSync(path.join(root, 'agents', name)).sort()) {
    if (!semverFile.test(file)) continue;
    const bytes = readFileSync(path.join(root, 'agents', name, file));
    const check = checkAgentBytes(bytes, { fileName: `${name}.md` });
    if (check.agent?.name !== name) problems.push(`agents/${name}/${file}: named ${JSON.stringify(check.agent?.name ?? check.name)}`);
    for (const issue of check.issues) problems.push(`agents/${name}/${file}:${issue.line}:${issue.column} ${issue.severity} ${issue.code} ${issue.message}`);
    (index[name] ??= {})[file.slice(0, -3)] = `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
  }
}
if (problems.length > 0) {
  console.error(`The bundled registry must load in Claude Code with no warnings:\n${problems.join('\n')}`);
  process.exit(1);
}
writeFileSync(path.join(root, 'dist', 'bundled-index.json'), `${JSON.stringify(index, null, 2)}\n`);
console.log(`bundled registry: ${Object.keys(index).length} agents checked`);
