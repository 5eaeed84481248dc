import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { makeSandbox, SEED, sameBytes } from '../helpers/sandbox.js';

describe('errors and exit codes', () => {
  it('an unknown option is exit 2 with the message and help on stderr', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['list', '--bogus']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
    expect(result.stderr).toContain('Usage:');
    expect(result.stdout).toBe('');
  });

  it('--json failures print exactly one JSON document on stdout', async () => {
    const sb = makeSandbox();
    for (const argv of [
      ['list', '--bogus', '--json'],
      ['nope-agent', '--json'],
      ['rm', 'x', '--json'],
    ]) {
      const result = await sb.run(argv);
      expect(result.exitCode).not.toBe(0);
      const doc = JSON.parse(result.stdout);
      expect(doc.ok).toBe(false);
      expect(typeof doc.error.code).toBe('string');
      expect(typeof doc.error.message).toBe('string');
    }
  });

  it('a mistyped command is a usage error (exit 2) that names the command', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['lsit']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('agent-install list');
    expect((await sb.run(['no-such-agent-at-all'])).exitCode).toBe(1);
  });

  it('no arguments is a usage error with help', async () => {
    const sb = makeSandbox();
    const result = await sb.run([]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Usage: agent-install');
  });

  it('--version and --help exit 0 on stdout', async () => {
    const sb = makeSandbox();
    const version = await sb.run(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await sb.run(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Exit codes');
  });

  it('-C runs in another folder; a missing one is a usage error', async () => {
    const sb = makeSandbox();
    const other = path.join(sb.root, 'other');
    mkdirSync(path.join(other, '.git'), { recursive: true });
    expect((await sb.run(['-C', other, 'fastapi-backend-builder'])).exitCode).toBe(0);
    expect(sb.exists('.claude/agents/fastapi-backend-builder.md', other)).toBe(true);
    expect((await sb.run(['-C', path.join(sb.root, 'missing'), 'list'])).exitCode).toBe(2);
  });

  it('a corrupt lockfile is an error naming file and line, never replaced', async () => {
    const sb = makeSandbox();
    mkdirSync(path.join(sb.project, '.claude'), { recursive: true });
    const lockfile = path.join(sb.project, '.claude', 'agents.lock.json');
    writeFileSync(lockfile, '{\n  "lockfileVersion": 2,\n  "agents": {\n    oops\n  }\n}\n');
    const result = await sb.run(['fastapi-backend-builder']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${lockfile}:4:`);
    expect(sb.read('.claude/agents.lock.json')).toContain('oops');
    expect(sb.exists('.claude/agents/fastapi-backend-builder.md')).toBe(false);
  });

  it('colour is off when stdout is not a TTY', async () => {
    const sb = makeSandbox();
    const result = await sb.run(['fastapi-backend-builder']);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('FORCE_COLOR colours stdout; NO_COLOR and --no-color do not; stderr follows its own terminal', async () => {
    const sb = makeSandbox();
    await sb.run(['fastapi-backend-builder@1.0.0']);
    const forced = await sb.run(['list'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[/);
    expect((await sb.run(['list', '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await sb.run(['list'], { env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    const error = await sb.run(['rm', 'nope'], { env: { FORCE_COLOR: '1' } });
    expect(error.stderr).toMatch(/\u001b\[31merror/);
    const agent = path.join(sb.project, '.claude/agents/fastapi-backend-builder.md');
    expect(sameBytes(agent, SEED)).toBe(true);
    expect(computeIntegrity(SEED)).toBe(JSON.parse(sb.read('.claude/agents.lock.json')).agents['fastapi-backend-builder'].integrity);
  });
});

describe('settings that would be silently ignored are errors', () => {
  it.each([
    ['AGENT_INSTALL_TIMEOUT', 'abc'],
    ['AGENT_INSTALL_TIMEOUT', '30s'],
    ['AGENT_INSTALL_TIMEOUT', '0'],
    ['AGENT_INSTALL_GIT_TIMEOUT', '-1'],
    ['AGENT_INSTALL_LOCK_TIMEOUT', 'Infinity'],
  ])('%s=%s is a usage error for every command, before anything is done', async (name, value) => {
    const sb = makeSandbox();
    for (const argv of [['list'], ['fastapi-backend-builder']]) {
      const result = await sb.run(argv, { env: { [name]: value } });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`${name}="${value}" is not a number of milliseconds`);
    }
    expect(sb.exists('.claude')).toBe(false);
  });

  it('AGENT_INSTALL_LOCK_TIMEOUT=0 (do not wait) and empty values are fine', async () => {
    const sb = makeSandbox();
    expect((await sb.run(['fastapi-backend-builder'], { env: { AGENT_INSTALL_LOCK_TIMEOUT: '0', AGENT_INSTALL_TIMEOUT: '' } })).exitCode).toBe(0);
  });

  it('a misspelt config key is CONFIG_INVALID with a did-you-mean, not a registry silently unused', async () => {
    const sb = makeSandbox();
    sb.write({ '.claude/agent-install.json': JSON.stringify({ registry: ['./index.json'] }) });
    const result = await sb.run(['search', 'x', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('CONFIG_INVALID');
    expect(result.json().error.message).toContain('unknown key "registry" (did you mean "registries"?)');
  });
});
