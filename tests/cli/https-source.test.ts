import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../src/core/io/integrity.js';
import { closedPort, hasOpenssl, makeCertificate, startProxy, startServer } from '../helpers/http-server.js';
import { agentText, makeSandbox, sameBytes } from '../helpers/sandbox.js';

const LOCK = '.claude/agents.lock.json';
const REVIEWER = agentText('reviewer', 'tools: Read, Grep\n');
const AGENT = '.claude/agents/reviewer.md';

function lock(sb: ReturnType<typeof makeSandbox>): Record<string, any> {
  return JSON.parse(sb.read(LOCK)).agents;
}

describe('URL sources', () => {
  it('installs the exact bytes; source = final URL pinned, requested = what was asked', async () => {
    const server = await startServer({
      '/v1/agent.md': REVIEWER,
      '/latest/agent.md': (_req, res) => res.writeHead(302, { location: '/v1/agent.md' }).end(),
    });
    const sb = makeSandbox();
    const asked = `${server.origin}/latest/agent.md`;
    const result = await sb.run([asked]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(sameBytes(path.join(sb.project, AGENT), Buffer.from(REVIEWER))).toBe(true);
    const integrity = computeIntegrity(REVIEWER);
    expect(lock(sb)).toEqual({
      reviewer: { source: `${server.origin}/v1/agent.md#${integrity}`, requested: asked, integrity, path: 'reviewer.md' },
    });
  });

  it('#sha256- pins the bytes: a match installs, a mismatch is INTEGRITY_MISMATCH and writes nothing', async () => {
    const server = await startServer({ '/reviewer.md': REVIEWER });
    const sb = makeSandbox();
    const wrong = computeIntegrity('something else');
    const bad = await sb.run([`${server.origin}/reviewer.md#${wrong}`, '--json']);
    expect(bad.exitCode).toBe(1);
    expect(bad.json().error).toMatchObject({ code: 'INTEGRITY_MISMATCH', details: { expected: wrong, actual: computeIntegrity(REVIEWER) } });
    expect(sb.exists('.claude/agents')).toBe(false);
    expect(sb.exists(LOCK)).toBe(false);

    const pinned = `${server.origin}/reviewer.md#${computeIntegrity(REVIEWER)}`;
    const good = await sb.run([pinned]);
    expect(good.exitCode, good.stderr).toBe(0);
    expect(lock(sb).reviewer).toMatchObject({ requested: pinned, source: pinned });

    const junk = await sb.run([`${server.origin}/reviewer.md#main`, '--json']);
    expect(junk.exitCode).toBe(1);
    expect(junk.json().error.code).toBe('INVALID_SPEC');
  });

  it('tells apart not found, cannot reach, not an agent, too large, insecure', async () => {
    const server = await startServer({
      '/hello.md': 'hello, not an agent\n',
      '/huge.md': (_req, res) => res.writeHead(200).end(Buffer.alloc(1_048_577, 'a')),
    });
    const port = await closedPort();
    const sb = makeSandbox();
    const cases: Array<[string, string]> = [
      [`${server.origin}/missing.md`, 'NOT_FOUND'],
      [`http://127.0.0.1:${port}/reviewer.md`, 'NETWORK'],
      [`${server.origin}/hello.md`, 'INVALID_AGENT'],
      [`${server.origin}/huge.md`, 'TOO_LARGE'],
      ['http://agents.example.com/reviewer.md', 'INSECURE_URL'],
    ];
    for (const [spec, code] of cases) {
      const result = await sb.run([spec, '--json']);
      expect(result.exitCode, spec).toBe(1);
      expect(result.json().error.code, spec).toBe(code);
    }
    const human = await sb.run([`http://127.0.0.1:${port}/reviewer.md`]);
    expect(human.stderr).toContain('connection refused');
    expect(human.stderr).toMatch(/hint .*HTTPS_PROXY.*--offline/);
    expect(sb.exists('.claude/agents')).toBe(false);
  });

  it('times out on a host that never answers (AGENT_INSTALL_TIMEOUT)', async () => {
    const server = await startServer({ '/hang.md': () => undefined });
    const sb = makeSandbox();
    const result = await sb.run([`${server.origin}/hang.md`, '--json'], { env: { AGENT_INSTALL_TIMEOUT: '150' } });
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('NETWORK');
    expect(result.json().error.message).toContain('no complete answer');
  });

  it('--offline never touches the network and names what is missing', async () => {
    const server = await startServer({ '/reviewer.md': REVIEWER });
    const sb = makeSandbox();
    const result = await sb.run(['--offline', `${server.origin}/reviewer.md`, '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('OFFLINE_MISSING');
    expect(result.json().error.message).toContain(`${server.origin}/reviewer.md`);
    expect(server.requests).toEqual([]);
  });

  it('install --frozen --offline restores a deleted agent from the cache after one online install', async () => {
    const server = await startServer({ '/reviewer.md': REVIEWER });
    const sb = makeSandbox();
    expect((await sb.run([`${server.origin}/reviewer.md`])).exitCode).toBe(0);
    await server.close();
    rmSync(path.join(sb.project, AGENT));
    const result = await sb.run(['install', '--frozen', '--offline']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(sameBytes(path.join(sb.project, AGENT), Buffer.from(REVIEWER))).toBe(true);

    // A pinned URL resolves from the cache too, even in another project.
    const other = makeSandbox();
    other.env.HOME = sb.home;
    const pinned = await other.run(['--offline', `${server.origin}/reviewer.md#${computeIntegrity(REVIEWER)}`]);
    expect(pinned.exitCode, pinned.stderr).toBe(0);
  });

  it('install --offline with an empty cache names the agent and URL that are missing', async () => {
    const server = await startServer({ '/reviewer.md': REVIEWER });
    const sb = makeSandbox();
    await sb.run([`${server.origin}/reviewer.md`]);
    rmSync(path.join(sb.project, AGENT));
    const emptyCache = mkdtempSync(path.join(sb.root, 'cache-'));
    const result = await sb.run(['install', '--offline', '--json'], { env: { AGENT_INSTALL_CACHE: emptyCache } });
    expect(result.exitCode).toBe(1);
    expect(result.json().error.code).toBe('OFFLINE_MISSING');
    expect(result.json().error.message).toContain('reviewer.md');
    expect(result.json().error.message).toContain(`${server.origin}/reviewer.md`);
  });

  it('after the server content changed, install --frozen reproduces the locked bytes from the cache, and fails without it', async () => {
    const server = await startServer({ '/reviewer.md': REVIEWER });
    const sb = makeSandbox();
    await sb.run([`${server.origin}/reviewer.md`]);
    const lockBefore = sb.read(LOCK);
    server.route('/reviewer.md', agentText('reviewer', '', 'Now different.\n'));
    rmSync(path.join(sb.project, AGENT));

    const emptyCache = mkdtempSync(path.join(sb.root, 'cache-'));
    const fresh = await sb.run(['install', '--frozen', '--json'], { env: { AGENT_INSTALL_CACHE: emptyCache } });
    expect(fresh.exitCode).toBe(1);
    expect(fresh.json().error.code).toBe('INTEGRITY_MISMATCH');
    expect(sb.exists(AGENT)).toBe(false);

    const cached = await sb.run(['install', '--frozen']);
    expect(cached.exitCode, cached.stderr).toBe(0);
    expect(sameBytes(path.join(sb.project, AGENT), Buffer.from(REVIEWER))).toBe(true);
    expect(sb.read(LOCK)).toBe(lockBefore);
  });

  it('when the final URL of a redirect is gone, install asks the requested URL again (integrity still checked)', async () => {
    const server = await startServer({
      '/signed/1': REVIEWER,
      '/download/reviewer.md': (_req, res) => res.writeHead(302, { location: '/signed/1' }).end(),
    });
    const sb = makeSandbox();
    await sb.run([`${server.origin}/download/reviewer.md`]);
    expect(lock(sb).reviewer.source).toContain('/signed/1#');
    server.route('/signed/1', (_req, res) => res.writeHead(403).end());
    server.route('/signed/2', REVIEWER);
    server.route('/download/reviewer.md', (_req, res) => res.writeHead(302, { location: '/signed/2' }).end());
    rmSync(path.join(sb.project, AGENT));
    const emptyCache = mkdtempSync(path.join(sb.root, 'cache-'));
    const result = await sb.run(['install', '--frozen'], { env: { AGENT_INSTALL_CACHE: emptyCache } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(server.requests.slice(-3)).toEqual(['/signed/1', '/download/reviewer.md', '/signed/2']);
  });

  it.skipIf(!hasOpenssl())('https through a CONNECT proxy, trusting AGENT_INSTALL_CA_FILE; NO_PROXY bypasses the proxy', async () => {
    const sb = makeSandbox();
    const cert = makeCertificate(sb.root);
    const server = await startServer({ '/reviewer.md': REVIEWER }, { tls: cert });
    const proxy = await startProxy();
    const env = { AGENT_INSTALL_CA_FILE: cert.caFile, HTTPS_PROXY: proxy.url };
    const url = `${server.origin}/reviewer.md`;
    const result = await sb.run([url], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(proxy.connects).toEqual([`localhost:${server.port}`]);
    expect(lock(sb).reviewer.source).toBe(`${url}#${computeIntegrity(REVIEWER)}`);

    rmSync(path.join(sb.project, AGENT));
    const emptyCache = mkdtempSync(path.join(sb.root, 'cache-'));
    const bypass = await sb.run(['install'], { env: { ...env, NO_PROXY: 'localhost', AGENT_INSTALL_CACHE: emptyCache } });
    expect(bypass.exitCode, bypass.stderr).toBe(0);
    expect(proxy.connects).toHaveLength(1);
    expect(server.requests).toEqual(['/reviewer.md', '/reviewer.md']);

    const untrusted = await sb.run([url, '--json', '--force'], { env: { NO_PROXY: '*' } });
    expect(untrusted.exitCode).toBe(1);
    expect(untrusted.json().error.code).toBe('NETWORK');
  });
});
