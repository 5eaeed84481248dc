/**
 * Hostile agent files: nothing in a file is ever executed, and every kind of poison is reported
 * with bounded work and memory — without reading a huge file whole. The work is counted, not
 * timed: bytes read from files and tokens handed to the YAML parser (`npm run bench` times the
 * same files with the built CLI).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { yamlWork } from '../../src/core/agent/bun-yaml.js';
import { countFsReads } from '../helpers/fs-reads.js';
import { agentText, makeSandbox } from '../helpers/sandbox.js';

/** The tokens the YAML parser scanned (every parse on this thread) while `fn` ran. */
async function countYamlTokensAsync<T>(fn: () => Promise<T>): Promise<{ result: T; tokens: number; parses: number }> {
  const before = { ...yamlWork };
  const result = await fn();
  const counts = { tokens: yamlWork.tokens - before.tokens, parses: yamlWork.parses - before.parses };
  if (process.env.SHOW_YAML_WORK) console.log(JSON.stringify(counts));
  return { result, ...counts };
}

vi.mock('node:fs', async (importOriginal) => (await import('../helpers/fs-reads.js')).countingFs(await importOriginal()));

const GIB = 1024 ** 3;
const globals = globalThis as Record<string, unknown>;

/** JavaScript front matter whose evaluation creates `marker` and sets a global. */
function jsPayload(marker: string, flag: string): string {
  return `{ name: (require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'), globalThis.${flag} = true, 'pwned'), description: 'x' }`;
}

/** Billion laughs, one level per line (each line is also what Claude Code's lenient retry would quote). */
const FLOW_BOMB = [
  '---',
  'name: bomb',
  'description: laughs',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((key, i) => `${key}: &${key} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
  '---',
  'Body.',
].join('\n');

/** The same bomb in block style: the retry cannot rescue it, so Claude Code skips the file. */
const BLOCK_BOMB = [
  '---',
  'name: block-bomb',
  'description: laughs',
  'a: &a',
  ...Array(9).fill('  - lol'),
  ...'bcdefghi'.split('').flatMap((key, i) => [`${key}: &${key}`, ...Array(9).fill(`  - *${'abcdefgh'[i]}`)]),
  '---',
  'Body.',
].join('\n');

const DEPTH = 10_000;
const head = '---\nname: deep\ndescription: nested\n';

function hostileTree(): Record<string, string | Uint8Array> {
  const binary = randomBytes(64 * 1024);
  binary[100] = 0;
  return {
    'js.md': `---js\n${jsPayload('MARKER-js', '__agentInstallPwnedJs')}\n---\nBody\n`,
    'javascript.md': `---javascript\n${jsPayload('MARKER-javascript', '__agentInstallPwnedJavascript')}\n---\nBody\n`,
    'flow-bomb.md': FLOW_BOMB,
    'block-bomb.md': BLOCK_BOMB,
    'deep-flow.md': `${head}x: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n---\n`,
    'deep-map.md': `${head}x: ${'{a: '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}\n---\n`,
    'deep-seq.md': `${head}x:\n${'- '.repeat(DEPTH)}1\n---\n`,
    'binary.md': binary,
    'invalid-utf8.md': Buffer.concat([Buffer.from(agentText('invalid-utf8')), Buffer.from([0xc3, 0x28, 0xa0, 0xa1])]),
  };
}

describe('hostile files', () => {
  it('---js / ---javascript front matter is an error and its payload never runs', async () => {
    const sb = makeSandbox();
    const marker = path.join(sb.root, 'MARKER');
    const payload = jsPayload(marker, '__agentInstallPwned');
    sb.write({ 'agents/js.md': `---js\n${payload}\n---\nBody\n`, 'agents/javascript.md': `---javascript\n${payload}\n---\nBody\n` });

    // Control: the payload is live code — evaluated, it does create the marker and set the global.
    const control = path.join(sb.root, 'CONTROL');
    new Function('require', `return (${jsPayload(control, '__agentInstallControl')});`)(createRequire(import.meta.url));
    expect(existsSync(control)).toBe(true);
    expect(globals.__agentInstallControl).toBe(true);
    delete globals.__agentInstallControl;

    for (const argv of [['validate', 'agents', '--json'], ['validate', '--fix', 'agents', '--json'], ['add', './agents/js.md'], ['list']]) {
      await sb.run(argv);
    }
    const doc = (await sb.run(['validate', 'agents', '--json'])).json();
    expect(doc.issues.map((i: any) => `${i.file} ${i.severity} ${i.code}`)).toEqual([
      'agents/javascript.md error js-frontmatter',
      'agents/js.md error js-frontmatter',
    ]);
    expect(existsSync(marker)).toBe(false);
    expect(globals.__agentInstallPwned).toBeUndefined();
  });

  it('alias bombs are never expanded; one the lenient retry cannot rescue is an error', async () => {
    const sb = makeSandbox({ tree: { 'flow-bomb.md': FLOW_BOMB, 'block-bomb.md': BLOCK_BOMB } });
    const block = (await sb.run(['validate', 'block-bomb.md', '--json'])).json();
    expect(block).toMatchObject({ ok: false, skipped: 1 });
    expect(block.issues.map((i: any) => i.code)).toContain('yaml-invalid');
    // Claude Code's retry quotes every `key: &x [...]` line, so it loads the flow bomb as plain
    // strings: reported (strict: failed), never expanded.
    const flow = await sb.run(['validate', '--strict', 'flow-bomb.md', '--json']);
    expect(flow.exitCode).toBe(1);
    expect(flow.json().issues.map((i: any) => i.code)).toContain('yaml-lenient');
    expect(flow.stdout.length).toBeLessThan(20_000);
  });

  it('every kind of poison, a sparse 1 GiB file, a FIFO, a device and a link loop: errors, reading only the small files, in bounded memory', async () => {
    const sb = makeSandbox();
    sb.write(hostileTree(), path.join(sb.project, 'hostile'));
    const dir = path.join(sb.project, 'hostile');
    // 1 GiB, sparse: costs no disk, and would cost 1 GiB of memory (and seconds) if read whole.
    const huge = path.join(dir, 'huge.md');
    const fd = openSync(huge, 'w');
    writeFileSync(fd, '---\nname: huge\ndescription: big\n---\n');
    ftruncateSync(fd, GIB);
    closeSync(fd);
    expect(statSync(huge).size).toBe(GIB);
    symlinkSync(dir, path.join(dir, 'loop'));
    let fifo: string | undefined;
    if (process.platform !== 'win32') {
      fifo = path.join(dir, 'fifo.md');
      execFileSync('mkfifo', [fifo]);
    }

    // Warm up: load every module first, so that the memory measured is that of the work only.
    await sb.run(['validate', '--json', '-q', path.join(dir, 'invalid-utf8.md')]);
    const rssBefore = process.memoryUsage().rss;
    const scanned = await countYamlTokensAsync(() => countFsReads(() => sb.run(['validate', 'hostile', '--json'])));
    const explicitRun = await countYamlTokensAsync(() =>
      countFsReads(() =>
        sb.run(['validate', 'hostile/huge.md', ...(fifo ? ['hostile/fifo.md'] : []), ...(existsSync('/dev/zero') ? ['/dev/zero'] : []), '--json']),
      ),
    );
    const growth = process.memoryUsage().rss - rssBefore;
    const result = scanned.result.result;
    const explicit = explicitRun.result.result;

    expect(result.exitCode).toBe(1);
    const doc = result.json();
    const codes = (file: string) => doc.issues.filter((i: any) => i.file === `hostile/${file}` && i.severity === 'error').map((i: any) => i.code);
    expect(codes('js.md')).toEqual(['js-frontmatter']);
    expect(codes('javascript.md')).toEqual(['js-frontmatter']);
    expect(codes('block-bomb.md')).toContain('yaml-invalid');
    // One line of 10,000 `[` or `{a: `: Bun's stack gives out, and Claude Code's lenient retry quotes the value, so it loads.
    expect(codes('deep-flow.md')).not.toContain('yaml-invalid');
    expect(codes('deep-map.md')).not.toContain('yaml-invalid');
    expect(codes('deep-seq.md')).toEqual(['yaml-invalid']);
    expect(codes('binary.md')).not.toContain('binary');
    expect(codes('invalid-utf8.md')).toEqual([]);
    expect(codes('huge.md')).toEqual(['file-too-large']);
    // The FIFO is not a regular file: scanned trees skip it, as Claude Code does. The loop is walked once.
    expect(doc.issues.some((i: any) => i.file.includes('fifo') || i.file.includes('loop/'))).toBe(false);
    expect(doc.files).toBe(Object.keys(hostileTree()).length + 1);

    expect(explicit.exitCode).toBe(1);
    const named = explicit.json().issues.map((i: any) => `${i.file} ${i.code}`);
    expect(named).toContain('hostile/huge.md file-too-large');
    if (fifo) expect(named).toContain('hostile/fifo.md unreadable');
    if (existsSync('/dev/zero')) expect(named).toContain('/dev/zero unreadable');
    expect(explicit.json().issues.find((i: any) => i.code === 'file-too-large').message).toContain('1,073,741,824 bytes');

    // The work: every small file read once at most, the 1 GiB file, the FIFO and the device never;
    // the YAML parser (on this thread: texts nested deeper than its stack go to a worker) scans
    // each file at most twice (the lenient retry), at most one token per byte.
    const small = Object.values(hostileTree()).reduce((sum, contents) => sum + Buffer.byteLength(contents), 0);
    expect(scanned.result.bytes).toBeGreaterThan(0);
    expect(scanned.result.bytes).toBeLessThanOrEqual(small);
    expect(scanned.parses).toBeLessThanOrEqual(2 * Object.keys(hostileTree()).length);
    expect(scanned.tokens).toBeLessThanOrEqual(2 * small);
    expect(explicitRun.result.bytes).toBe(0);
    expect(explicitRun.tokens).toBe(0);
    expect(explicitRun.parses).toBe(0);
    expect(growth).toBeLessThan(200 * 1024 * 1024);
    expect(globals.__agentInstallPwnedJs).toBeUndefined();
    expect(globals.__agentInstallPwnedJavascript).toBeUndefined();
    expect(existsSync(path.join(sb.project, 'MARKER-js'))).toBe(false);
    expect(existsSync(path.join(sb.project, 'MARKER-javascript'))).toBe(false);
  });

  it("block nesting just under 1 MiB (`- - - …`, `? ? ? …`, `- a: - a: …`) gives up at Bun's depth, early, in bounded memory", async () => {
    const sb = makeSandbox();
    const mib = 1_048_576;
    /** `prefix` then `unit` repeated, as one file of just under 1 MiB. */
    const fill = (prefix: string, unit: string) => {
      const start = `${head}${prefix}`;
      return `${start}${unit.repeat(Math.floor((mib - start.length - 8) / unit.length))}1\n---\n`;
    };
    const tree = {
      'dashes.md': fill('x:\n', '- '),
      'questions.md': fill('x:\n', '? '),
      'keys.md': fill('x:\n', '- a: '),
    };
    for (const contents of Object.values(tree)) {
      expect(Buffer.byteLength(contents)).toBeLessThanOrEqual(mib);
      expect(Buffer.byteLength(contents)).toBeGreaterThan(mib - 16);
    }
    sb.write(tree, path.join(sb.project, 'deep'));
    sb.write({ 'small.md': `${head}x:\n${'- '.repeat(300)}1\n---\n` }, path.join(sb.project, 'warm'));

    // Warm up: load every module first (and the guard's code), so that the memory measured is that of the work only.
    await sb.run(['validate', 'warm', '--json']);
    const rssBefore = process.memoryUsage().rss;
    const { result, tokens, parses } = await countYamlTokensAsync(() => sb.run(['validate', 'deep', '--json']));
    const growth = process.memoryUsage().rss - rssBefore;

    // Bun gives up at a few thousand levels (docs/claude-code.md, section 4), and so does the
    // parser: each file is parsed once (no line the lenient retry would rewrite), and given up
    // within 5,000 levels of nesting, a few tokens each: not the half million tokens of the file.
    expect(parses).toBe(Object.keys(tree).length);
    expect(tokens).toBeLessThan(Object.keys(tree).length * 2 * 5000);
    expect(growth).toBeLessThan(100 * 1024 * 1024);
    expect(result.exitCode).toBe(1);
    const doc = result.json();
    for (const file of Object.keys(tree)) {
      const errors = doc.issues.filter((i: any) => i.file === `deep/${file}` && i.severity === 'error');
      expect(
        errors.map((i: any) => i.code),
        file,
      ).toEqual(['yaml-invalid']);
      expect(errors[0].message, file).toMatch(/Maximum call stack size exceeded|Unexpected/);
    }
  }, 120_000);

  it('dense frontmatter just under 1 MiB (error floods, `...` lines, huge lists): each read whole as Claude Code reads it, in linear work and bounded memory', async () => {
    const sb = makeSandbox();
    const mib = 1_048_576;
    /** `---`, `prefix`, then `unit` repeated, then `suffix` and `---`: one file of just under 1 MiB. */
    const fill = (prefix: string, unit: string, suffix = '\n') => {
      const start = `---\n${prefix}`;
      return `${start}${unit.repeat(Math.floor((mib - start.length - suffix.length - 8) / unit.length))}${suffix}---\n`;
    };
    const agent = (name: string) => `name: ${name}\ndescription: dense\n`;
    // What each one gives (its error codes): what it gave before the bounds, when it took seconds.
    const cases: Record<string, [string, string[]]> = {
      // Error floods that Claude Code's lenient retry rescues (it quotes the value).
      'commas.md': [fill(`${agent('commas')}x: [`, ','), []],
      'tags.md': [fill(`${agent('tags')}x: `, '! '), []],
      'anchors.md': [fill(`${agent('anchors')}x: `, '& '), []],
      'brackets.md': [fill(`${agent('brackets')}x: `, '[]'), []],
      // Only the first document counts.
      'doc-ends.md': [fill(agent('doc-ends'), '...\n', ''), []],
      // Not a mapping: no name.
      'dashes.md': [fill('', '- 1\n', ''), ['yaml-not-mapping', 'name-missing']],
      'flow.md': [fill('[', '1,', '1]\n'), ['yaml-not-mapping', 'name-missing']],
      // Invalid, before and after the retry.
      'keys.md': [fill(agent('keys'), 'a\n', ''), ['yaml-invalid']],
    };
    const tree: Record<string, string> = {};
    for (const [file, [contents]] of Object.entries(cases)) {
      expect(Buffer.byteLength(contents), file).toBeLessThanOrEqual(mib);
      expect(Buffer.byteLength(contents), file).toBeGreaterThan(mib - 16);
      tree[file] = contents;
    }
    sb.write(tree, path.join(sb.project, 'dense'));
    sb.write({ 'small.md': `---\n${agent('small')}x: [,,]\ny: ! ! a\n---\n` }, path.join(sb.project, 'warm'));

    await sb.run(['validate', 'warm', '--json']);
    const { result, tokens, parses } = await countYamlTokensAsync(() => sb.run(['validate', 'dense', '--json']));

    // Claude Code reads each of these whole (Bun's parser has no size bound below 1 MiB), and so
    // does the parser: in linear work, each file at most twice (the strict parse and the lenient
    // retry), at most one token per byte. (The old `yaml` package took about 17 s and several GB
    // for them.) Memory: tests/e2e/memory.test.ts measures each such file in a process of its own
    // (here, in one long-lived process, garbage of one file is still uncollected at the next);
    // bench/hostile.mjs times each one.
    const bytes = Object.values(tree).reduce((sum, contents) => sum + Buffer.byteLength(contents), 0);
    expect(parses).toBeLessThanOrEqual(2 * Object.keys(tree).length);
    expect(tokens).toBeLessThanOrEqual(bytes);
    const doc = result.json();
    expect(doc.files).toBe(Object.keys(cases).length);
    for (const [file, [, codes]] of Object.entries(cases)) {
      const issues = doc.issues.filter((i: any) => i.file === `dense/${file}`);
      expect(
        issues.filter((i: any) => i.severity === 'error').map((i: any) => i.code),
        file,
      ).toEqual(codes);
    }
    for (const file of ['commas.md', 'tags.md', 'anchors.md', 'brackets.md']) {
      expect(
        doc.issues.filter((i: any) => i.file === `dense/${file}`).map((i: any) => i.code),
        file,
      ).toContain('yaml-lenient');
    }
  }, 120_000);

  it('--fix leaves hostile files byte for byte alone', async () => {
    const sb = makeSandbox();
    const tree = hostileTree();
    sb.write(tree, path.join(sb.project, 'hostile'));
    mkdirSync(path.join(sb.project, 'empty'));
    const result = await sb.run(['validate', '--fix', 'hostile', '--json']);
    expect(result.json().fixes.map((f: any) => f.file)).toContain('hostile/flow-bomb.md');
    const { readFileSync } = await import('node:fs');
    for (const [name, contents] of Object.entries(tree)) {
      if (name === 'flow-bomb.md' || name.startsWith('deep-')) continue;
      expect(readFileSync(path.join(sb.project, 'hostile', name)).equals(Buffer.from(contents)), name).toBe(true);
    }
  });
});
