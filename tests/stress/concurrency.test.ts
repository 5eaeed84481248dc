import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
// @ts-expect-error -- plain ES module helper shared with the stress script
import { makePackageCopy } from '../helpers/package-copy.mjs';

const agent = (name: string) => `---\nname: ${name}\ndescription: ${name} agent.\n---\n\n${`You are ${name}.\n`.repeat(50)}`;

function run(bin: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('concurrent runs on one scope', () => {
  it('10 adds started at once all succeed and all 10 agents are locked', async () => {
    const work = realpathSync(mkdtempSync(path.join(tmpdir(), 'agent-install-concurrency-')));
    onTestFinished(() => rmSync(work, { recursive: true, force: true }));
    const names = Array.from({ length: 10 }, (_, i) => `agent-${i}`);
    const bin = makePackageCopy(path.join(work, 'pkg'), Object.fromEntries(names.map((n) => [n, { '1.0.0': agent(n) }])));
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, '.git'), { recursive: true });
    mkdirSync(path.join(work, 'home'));
    const env = { PATH: process.env.PATH!, HOME: path.join(work, 'home'), NO_COLOR: '1', CI: 'true' };

    const results = await Promise.all(names.map((n) => run(bin, ['add', n], project, env)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(path.join(project, '.claude/agents.lock.json'), 'utf8'));
    expect(Object.keys(lock.agents).sort()).toEqual(names);
    expect(readdirSync(path.join(project, '.claude/agents')).sort()).toEqual(names.map((n) => `${n}.md`));
    const verify = await run(bin, ['verify'], project, env);
    expect(verify.code).toBe(0);
  }, 60_000);
});
