/**
 * The repository stands on its own: no file reaches for anything beside it (a sibling checkout, a
 * shared folder next to the clone), so a fresh clone — or .ci/run's copy in an empty temporary
 * folder — builds and tests exactly as the developer's does. And the published package ships no
 * test fixtures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = realpathSync(path.resolve(import.meta.dirname, '..', '..'));
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', '.test-results']);

// Built at run time, so that this file does not hold what it looks for.
const UP = ['.', '.'].join('');
const SHARED = ['sha', 'red'].join('');
const NEEDLE = `${UP}/${SHARED}`;
const Q = `['"\`]`;
/** The same climb spelled as two quoted path segments, `..` then the folder's name. */
const SEGMENTS = new RegExp(`${Q}\\.\\.${Q}\\s*,\\s*${Q}${SHARED}`);
/** The repository root (ROOT, REPO_ROOT, PACKAGE_ROOT, …) joined or resolved with `..` first. */
const ROOT_THEN_UP = new RegExp(`\\b(?:resolve|join)\\(\\s*[\\w.]*ROOT\\w*\\s*,\\s*${Q}\\.\\.(?:/[^'"\`]*)?${Q}`);
/** A quoted relative path (`'../../x'`) or a run of quoted `'..'` segments, in code. */
const RELATIVE_LITERAL = new RegExp(`${Q}((?:\\.\\./)+(?:\\.\\.)?)`, 'g');
const UP_SEGMENTS = new RegExp(`(?:${Q}\\.\\.${Q}\\s*,\\s*)+${Q}\\.\\.${Q}|${Q}\\.\\.${Q}`, 'g');
/** A Markdown link or image target. */
const MARKDOWN_LINK = /\]\(([^)\s]+)\)/g;
const CODE = /\.(?:[cm]?[jt]s|json|sh|ya?ml)$/;

/** Every file of the repository, relative to its root: git's list in a git repository, else a walk. */
function repositoryFiles(): string[] {
  let top: string | undefined;
  try {
    top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    top = undefined;
  }
  if (top !== undefined && realpathSync(top) === ROOT) {
    // Tracked files and new ones git does not ignore: what .ci/run copies.
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // A file deleted in the work tree but not yet in the index is listed too: skip what is gone.
    return [...new Set(listed.split('\0').filter(Boolean))].filter((file) => existsSync(path.join(ROOT, file)) || isLink(file));
  }
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (SKIPPED_FOLDERS.has(entry.name)) return [];
      if (entry.isDirectory()) return walk(relative);
      return entry.isFile() || entry.isSymbolicLink() ? [relative] : [];
    });
  return walk('');
}

function isLink(file: string): boolean {
  try {
    return lstatSync(path.join(ROOT, file)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Whether `target`, taken relative to the folder of `file`, ends up outside the repository. */
function climbsOut(file: string, target: string): boolean {
  const resolved = path.resolve(ROOT, path.dirname(file), target);
  return resolved !== ROOT && !resolved.startsWith(`${ROOT}${path.sep}`);
}

/** What in `text` names a path outside the repository (empty when nothing does). */
function escapes(file: string, text: string): string[] {
  const found: string[] = [];
  if (text.includes(NEEDLE)) found.push(`names ${NEEDLE}`);
  if (SEGMENTS.test(text)) found.push(`joins ${UP} and ${SHARED}`);
  if (ROOT_THEN_UP.test(text)) found.push(`goes up from the repository root`);
  const isCode = CODE.test(file) || text.startsWith('#!');
  if (isCode) {
    for (const match of text.matchAll(RELATIVE_LITERAL)) if (climbsOut(file, match[1]!)) found.push(`names ${match[1]} from ${path.dirname(file)}`);
    for (const match of text.matchAll(UP_SEGMENTS)) {
      const ups = match[0].split(',').map(() => UP);
      if (climbsOut(file, ups.join('/'))) found.push(`joins ${ups.length} × ${UP} from ${path.dirname(file)}`);
    }
  }
  if (file.endsWith('.md')) {
    for (const match of text.matchAll(MARKDOWN_LINK)) {
      const target = match[1]!.split('#')[0]!;
      if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
      if (climbsOut(file, target)) found.push(`links to ${target}`);
    }
  }
  return found;
}

describe('the repository stands on its own', () => {
  const files = repositoryFiles();

  it('finds the repository files (git ls-files or a walk)', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'src/cli/main.ts', 'tests/unit/repository.test.ts', '.ci/run']));
    expect(files.some((file) => file.split('/').some((part) => SKIPPED_FOLDERS.has(part)))).toBe(false);
  });

  it('no file names a path outside the repository', () => {
    const problems: string[] = [];
    for (const file of files) {
      if (isLink(file)) {
        // A link is a path too: it must point inside.
        const target = readlinkSync(path.join(ROOT, file));
        if (path.isAbsolute(target) || climbsOut(file, target)) problems.push(`${file}: a link to ${target}`);
        continue;
      }
      const bytes = readFileSync(path.join(ROOT, file));
      const text = bytes.toString('utf8');
      // Binary files are searched for the needle only.
      if (bytes.includes(0)) {
        if (text.includes(NEEDLE)) problems.push(`${file}: names ${NEEDLE}`);
        continue;
      }
      for (const problem of escapes(file, text)) problems.push(`${file}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('the check sees each way of climbing out', () => {
    expect(escapes('tests/unit/x.ts', `import '${NEEDLE}/x.js';`)).not.toEqual([]);
    expect(escapes('docs/notes.txt', `see ${NEEDLE}/README`)).not.toEqual([]);
    expect(escapes('scripts/x.mjs', `path.join(here, '${UP}', "${SHARED}")`)).not.toEqual([]);
    expect(escapes('scripts/x.mjs', `path.resolve(REPO_ROOT, '${UP}')`)).not.toEqual([]);
    expect(escapes('scripts/x.mjs', `path.join(ROOT, '${UP}/elsewhere')`)).not.toEqual([]);
    expect(escapes('tests/unit/x.ts', `import x from '${UP}/${UP}/${UP}/other/x.js';`)).not.toEqual([]);
    expect(escapes('tests/unit/x.ts', `path.resolve(import.meta.dirname, '${UP}', '${UP}', '${UP}')`)).not.toEqual([]);
    expect(escapes('docs/guide.md', `[the other repo](${UP}/${UP}/other/README.md)`)).not.toEqual([]);
    // …and leaves alone what stays inside.
    expect(escapes('tests/unit/x.ts', `import x from '${UP}/${UP}/src/x.js'; path.resolve(import.meta.dirname, '${UP}', '${UP}');`)).toEqual([]);
    expect(escapes('docs/guide.md', `[design](${UP}/README.md), [spec](https://example.com/${UP}/x), a spec like \`${UP}/dir/\``)).toEqual([]);
  });
});

describe('the npm package', () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files?: string[] };

  /** Whether a `files` entry (a path or glob; a folder includes what is in it) takes in `file`. */
  const includes = (entry: string, file: string): boolean => {
    const pattern = entry.replace(/^\.\//, '').replace(/\/+$/, '');
    if (pattern === '' || pattern === '.') return true;
    const regex = new RegExp(
      `^${pattern
        .split('/')
        .map((part) =>
          part === '**'
            ? '.*'
            : part
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')}(?:/.*)?$`,
    );
    return regex.test(file);
  };

  it('ships no test fixtures: package.json lists what it ships, and tests/ is not part of it', () => {
    expect(Array.isArray(manifest.files)).toBe(true);
    const shipped = manifest.files!.filter((entry) => !entry.startsWith('!'));
    const fixture = 'tests/fixtures/corpus/README.md';
    expect(shipped.filter((entry) => includes(entry, fixture) || includes(entry, 'tests/fixtures'))).toEqual([]);
    // The matcher itself: these entries would ship the fixtures.
    for (const entry of ['tests', 'tests/', './tests/fixtures', 'tests/**', '**/*.md', '*', '.']) expect(includes(entry, fixture), entry).toBe(true);
    expect(includes('templates/', fixture)).toBe(false);
  });
});
