import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  // `validate` is an entry too so that the build can check the bundled registry with the real rules.
  entry: { cli: 'src/cli.ts', validate: 'src/core/validate.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  outDir: 'dist',
  clean: true,
  splitting: true,
  bundle: true,
  // Every library is bundled: the published package has no runtime dependencies.
  noExternal: [/.*/],
  minify: true,
  sourcemap: false,
  metafile: true,
  define: { __VERSION__: JSON.stringify(version) },
  // CommonJS dependencies inside an ESM bundle need a real `require`.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
