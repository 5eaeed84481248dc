// Writes dist/THIRD-PARTY-LICENSES.md from the packages esbuild actually bundled (its metafile),
// then deletes the metafile so it is not published.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dist = 'dist';
const metafiles = readdirSync(dist).filter((f) => f.startsWith('metafile-') && f.endsWith('.json'));
const packages = new Set();
for (const file of metafiles) {
  const meta = JSON.parse(readFileSync(path.join(dist, file), 'utf8'));
  for (const input of Object.keys(meta.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  rmSync(path.join(dist, file));
}
const sections = [...packages].sort().map((name) => {
  const dir = path.join('node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenseFile ? readFileSync(path.join(dir, licenseFile), 'utf8').trim() : `License: ${pkg.license}`;
  return `## ${name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
});
if (!existsSync(dist)) throw new Error('build dist/ first');
writeFileSync(
  path.join(dist, 'THIRD-PARTY-LICENSES.md'),
  `# Third-party licences\n\nagent-install bundles these packages into dist/ at build time.\n\n${sections.join('\n')}`,
);
console.log(`third-party licences: ${[...packages].sort().join(', ')}`);
