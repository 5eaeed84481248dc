/**
 * A cloned repository's committed links cannot make any command write or delete outside the
 * scope: every folder on the way to a target is resolved and checked, also folders that do not
 * exist yet, and `.claude` itself.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { agentText, makeSandbox, SEED } from '../helpers/sandbox.js';

const tree = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : []);

function lockWith(entries: Record<string, Record<string, string>>): string {
  return `${JSON.stringify({ agents: entries, lockfileVersion: 2 }, null, 2)}\n`;
}

const seedEntry = (entryPath: string) => ({
  integrity: computeIntegrity(SEED),
  path: entryPath,
  registry: 'bundled',
  requested: '1.0.0',
  source: 'fastapi-backend-builder@1.0.0',
  version: '1.0.0',
});

describe('writes never leave the scope', () => {
  it('install --frozen refuses a lock path through a committed link to ~/.claude whose subfolders do not exist yet', async () => {
    const sb = makeSandbox();
    const userClaude = path.join(sb.home, '.claude');
    mkdirSync(userClaude);
    mkdirSync(path.join(sb.project, '.claude', 'agents'), { recursive: true });
    symlinkSync(userClaude, path.join(sb.project, '.claude', 'agents', 'shared'));
    writeFileSync(path.join(sb.project, '.claude', 'agents.lock.json'), lockWith({ 'fastapi-backend-builder': seedEntry('shared/agents/pwn/evil.md') }));
    for (const argv of [
      ['install', '--frozen', '--json'],
      ['install', '--json'],
      ['install', '--force', '--json'],
    ]) {
      const result = await sb.run(argv);
      expect(result.exitCode, argv.join(' ')).toBe(1);
      expect(result.json().error.code).toBe('PATH_OUTSIDE_SCOPE');
    }
    expect(tree(userClaude)).toEqual([]);
  });

  it('a committed .claude link to a folder without agents/: add and new refuse and create nothing there', async () => {
    const sb = makeSandbox();
    const outside = path.join(sb.root, 'elsewhere');
    mkdirSync(outside);
    symlinkSync(outside, path.join(sb.project, '.claude'));
    for (const argv of [
      ['fastapi-backend-builder', '--json'],
      ['add', 'fastapi-backend-builder', '--dry-run', '--json'],
      ['new', 'my-agent', '--json'],
    ]) {
      const result = await sb.run(argv);
      expect(result.exitCode, argv.join(' ')).toBe(1);
      expect(result.json().error.code).toBe('AGENTS_DIR_OUTSIDE_PROJECT');
    }
    expect(tree(outside)).toEqual([]);
  });

  it('new refuses an agents folder link that leads outside the project, as add does', async () => {
    const sb = makeSandbox();
    const outside = path.join(sb.root, 'elsewhere');
    mkdirSync(outside);
    mkdirSync(path.join(sb.project, '.claude'));
    symlinkSync(outside, path.join(sb.project, '.claude', 'agents'));
    const result = await sb.run(['new', 'my-agent', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('AGENTS_DIR_OUTSIDE_PROJECT');
    expect(tree(outside)).toEqual([]);
  });

  it('a dangling .claude/agents link is never created through', async () => {
    const sb = makeSandbox();
    const outside = path.join(sb.root, 'not-yet');
    mkdirSync(path.join(sb.project, '.claude'));
    symlinkSync(outside, path.join(sb.project, '.claude', 'agents'));
    const result = await sb.run(['fastapi-backend-builder', '--json']);
    expect(result.exitCode).toBe(1);
    expect(existsSync(outside)).toBe(false);
  });

  it('links inside the agents folder that stay inside it are followed', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, '.claude', 'agents', 'real-team'), { recursive: true });
    symlinkSync('real-team', path.join(sb.project, '.claude', 'agents', 'team'));
    writeFileSync(path.join(sb.project, '.claude', 'agents.lock.json'), lockWith({ 'fastapi-backend-builder': seedEntry('team/fastapi-backend-builder.md') }));
    const result = await sb.run(['install', '--frozen']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(path.join(sb.project, '.claude', 'agents', 'real-team', 'fastapi-backend-builder.md'))).toEqual(SEED);
  });

  it('recovery never deletes temporary-looking files in a folder reached through a link that leads outside', async () => {
    const sb = makeSandbox();
    const outside = path.join(sb.root, 'elsewhere');
    mkdirSync(outside);
    const bait = '.x.md.agent-install-999999-0badc0de.tmp';
    writeFileSync(path.join(outside, bait), 'not ours');
    mkdirSync(path.join(sb.project, '.claude', 'agents'), { recursive: true });
    symlinkSync(outside, path.join(sb.project, '.claude', 'agents', 'shared'));
    writeFileSync(path.join(sb.project, '.claude', 'agents.lock.json'), lockWith({ other: { ...seedEntry('shared/x.md'), source: 'x@1.0.0' } }));
    await sb.run(['fastapi-backend-builder']);
    expect(tree(outside)).toEqual([bait]);
  });

  it('validate --fix does not rewrite files reached through a linked folder outside the tree', async () => {
    const sb = makeSandbox({ tree: { 'agents/local.md': `\ufeff${agentText('local')}` } });
    const outside = path.join(sb.root, 'elsewhere');
    mkdirSync(outside);
    const foreign = `\ufeff${agentText('foreign')}`;
    writeFileSync(path.join(outside, 'foreign.md'), foreign);
    symlinkSync(outside, path.join(sb.project, 'agents', 'linked'));
    const result = await sb.run(['validate', 'agents', '--fix', '--json']);
    const fixes = result.json().fixes as Array<{ file: string; written: boolean; error?: { code: string } }>;
    expect(fixes.find((f) => f.file.endsWith('local.md'))?.written).toBe(true);
    expect(fixes.find((f) => f.file.endsWith('foreign.md'))).toMatchObject({ written: false, error: { code: 'PATH_OUTSIDE_SCOPE' } });
    expect(readFileSync(path.join(outside, 'foreign.md'), 'utf8')).toBe(foreign);
  });
});
