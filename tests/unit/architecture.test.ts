import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/sandbox.js';

// The layers of src/: cli (the command line and the one exit point) → commands (thin) → core.
const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );
}

/** Every module specifier of `import … from`, `import '…'`, `export … from` and `import()`, type-only ones included. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** src-relative module → the src-relative modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file).split(path.sep).join('/');
    const deps = specifiers(readFileSync(file, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(from), s.replace(/\.js$/, '.ts'))));
    graph.set(from, [...new Set(deps)]);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const dep of graph.get(node) ?? []) {
      if (state.get(dep) === 'open') found.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe('architecture of src/', () => {
  const graph = importGraph();

  it('reads imports of every form', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from '../b.js';",
      'import {\n  c,\n  type D,\n} from "./c.js";',
      "import './side-effect.js';",
      "export { e } from './e.js';",
      "export * from './f.js';",
      "const g = await import('./g.js');",
      "// not an import: import x from 'y'",
    ].join('\n');
    expect(specifiers(text).sort()).toEqual(['../b.js', './a.js', './c.js', './e.js', './f.js', './g.js', './side-effect.js']);
    expect(graph.get('cli/main.ts')).toContain('cli/parse.ts');
    expect(graph.get('cli/spec.ts')).toContain('commands/list.ts'); // import() counts
  });

  it('every relative import names a module of src/', () => {
    const missing = [...graph].flatMap(([from, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${from} → ${d}`));
    expect(missing).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const looped = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
    ]);
    expect(cycles(looped)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('commands and core never import the CLI; core never imports commands', () => {
    const wrong = [...graph].flatMap(([from, deps]) =>
      deps
        .filter(
          (dep) =>
            ((from.startsWith('commands/') || from.startsWith('core/')) && dep.startsWith('cli/')) || (from.startsWith('core/') && dep.startsWith('commands/')),
        )
        .map((dep) => `${from} → ${dep}`),
    );
    expect(wrong).toEqual([]);
  });

  it('has one exit point: nothing in src/ calls process.exit, src/cli/main.ts returns the exit code', () => {
    const exiting = sourceFiles(SRC)
      .filter((file) => /\bprocess\s*\.\s*(exit|reallyExit|abort)\s*\(|\bprocess\s*\.\s*exitCode\s*=/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(REPO_ROOT, file));
    expect(exiting).toEqual([]);
    expect(readFileSync(path.join(SRC, 'cli', 'main.ts'), 'utf8')).toMatch(/export async function main\([^)]*\): Promise<number>/);
  });
});
